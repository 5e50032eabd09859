#include "models/workload/io_queue.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "platform/core/exact_math.h"

namespace crashtwin {

bool IoQueue::configure(const IoQueueParams& params) {
  if (!(params.service_time_s > 0.0) || params.parallelism == 0 || params.depth < params.parallelism)
    return false;
  params_ = params;
  solve(state_.arrival_rate, 0.0);
  return true;
}

void IoQueue::solve(double arrival_rate, double extra_service_s) {
  const uint32_t c = params_.parallelism;
  const uint32_t k = params_.depth;
  const double service = params_.service_time_s + std::max(0.0, extra_service_s);
  const double a = std::max(0.0, arrival_rate) * service;  // offered load, erlangs

  // p_n / p_0 = a^n / n!           for n <= c
  //           = a^n / (c! c^(n-c)) for c < n <= K
  // computed as logarithms (a/c > 1 with K = 1024 overflows a double) and
  // normalised against the largest term.
  cdf_.assign(k + 1, 0.0);
  std::vector<double>& log_p = cdf_;
  log_p[0] = 0.0;
  const double log_a = a > 0.0 ? exact::log(a) : -INFINITY;
  double largest = 0.0;
  for (uint32_t n = 1; n <= k; ++n) {
    const double divisor = static_cast<double>(std::min(n, c));
    log_p[n] = log_p[n - 1] + log_a - exact::log(divisor);
    largest = std::max(largest, log_p[n]);
  }
  double total = 0.0;
  for (double& v : log_p) {
    v = exact::exp(v - largest);
    total += v;
  }
  double mean_n = 0.0;
  double busy = 0.0;
  double running = 0.0;
  for (uint32_t n = 0; n <= k; ++n) {
    const double p = cdf_[n] / total;
    mean_n += n * p;
    busy += std::min(n, c) * p;
    running += p;
    cdf_[n] = running;
  }
  const double p_full = 1.0 - (k > 0 ? cdf_[k - 1] : 0.0);

  state_.arrival_rate = std::max(0.0, arrival_rate);
  state_.refused_rate = state_.arrival_rate * p_full;
  // Completions equal busy servers over the service time (equivalently the
  // accepted arrivals): this form stays exact at zero load.
  state_.throughput = busy / service;
  state_.mean_outstanding = mean_n;
  state_.busy_fraction = busy / c;
  state_.mean_latency_s = state_.throughput > 0.0 ? mean_n / state_.throughput : service;
}

uint32_t IoQueue::sample_outstanding(RngStream& rng) const {
  if (cdf_.empty()) return 0;
  const double u = rng.uniform();
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<uint32_t>(std::min<std::ptrdiff_t>(it - cdf_.begin(), static_cast<std::ptrdiff_t>(cdf_.size()) - 1));
}

}  // namespace crashtwin
