// Steady state of a device's I/O queue (disk submission queue, NIC ring) as
// an M/M/c/K queue: Poisson arrivals at the workload's I/O rate, c commands
// in service at once (the device's internal parallelism), exponential service
// times, at most K commands outstanding (the queue depth); an arrival that
// finds the queue full is refused (a NIC drops it, a disk's host retries).
//
// Why analytic: at 100k IOPS an event per I/O would make a simulated day cost
// hours. The queue relaxes in microseconds to milliseconds while workload
// phases last minutes, so between events a device uses the steady state and
// draws noise around it for what the firmware samples.
#pragma once

#include <cstdint>
#include <vector>

#include "models/core/rng.h"

namespace crashtwin {

struct IoQueueParams {
  double service_time_s = 100e-6;  // mean time one command is in service
  uint32_t parallelism = 4;        // c: commands in service at once
  uint32_t depth = 64;             // K: commands outstanding at most (>= parallelism)
};

struct IoQueueState {
  double arrival_rate = 0.0;     // commands per second offered
  double throughput = 0.0;       // commands per second completed
  double refused_rate = 0.0;     // commands per second refused by a full queue
  double mean_latency_s = 0.0;   // submission to completion (Little's law)
  double mean_outstanding = 0.0; // commands in the queue
  double busy_fraction = 0.0;    // mean fraction of the c servers busy
};

class IoQueue {
 public:
  // Returns false (and keeps the previous state) if the parameters are
  // unusable: non-positive service time, zero parallelism, depth < parallelism.
  bool configure(const IoQueueParams& params);
  // Solves the queue for an arrival rate; `extra_service_s` lengthens every
  // command (a degrading disk retrying internally).
  void solve(double arrival_rate, double extra_service_s);

  const IoQueueState& state() const { return state_; }
  const IoQueueParams& params() const { return params_; }
  // Draws an instantaneous queue length from the stationary distribution.
  uint32_t sample_outstanding(RngStream& rng) const;

 private:
  IoQueueParams params_{};
  IoQueueState state_{};
  std::vector<double> cdf_;  // P(N <= n), n = 0..depth
};

}  // namespace crashtwin
