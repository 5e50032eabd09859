// NIC faults as the field sees them, for the NIC model: CRC errors, link
// flaps (and the drops they cause) and failures, per NIC, on the
// degradation process of models/core/degradation.h (look-alikes, warned
// and sudden failures, acceleration and time compression).
//
// Signals (channels): bursts of CRC errors (frames the MAC discards for a
// bad FCS; a burst holds a geometric number of errors of mean
// `crc_burst_errors`) and link flaps (the PHY loses lock and retrains; the
// NIC drops every packet while the link is down). A degrading part is a
// cable or transceiver wearing out (a decaying laser, a contaminated or
// loose connector: the root causes of packet corruption Zhuo et al. found
// on 350K data-center links, "Understanding and Mitigating Packet
// Corruption in Data Center Networks", SIGCOMM 2017): its CRC bursts and
// flaps grow until the link goes down for good (nic_fatal). Look-alikes are
// links with a steady high corruption rate that never fail: Zhuo et al.
// found a link's corruption rate stable over time and uncorrelated with its
// utilization, so these run independent of traffic, as every signal here.
//
// Defaults (docs/models.md "NIC field fault process" lists each with its
// source; those without one are modelling choices, said so there):
//   failure_rate        5 % a year: the annual failure probability Gill,
//                       Jain and Nagappan measured for top-of-rack switches,
//                       the other end of a server's link ("Understanding
//                       Network Failures in Data Centers", SIGCOMM 2011); no
//                       study we found gives one for server NICs
//   crc_burst_rate      one a week (modelling choice)
//   crc_burst_errors    10 (modelling choice)
//   link_flap_rate      one a month (modelling choice)
//   warned_fraction     0.6, lead_time 1 day, growth 1000 (modelling choices)
//   lookalike_fraction  0.05, lookalike_factor 30 (modelling choices)
//
// Plain C++ without SystemC: the NIC model asks for the next event and
// applies it at its time.
#pragma once

#include <cstdint>

#include "models/core/degradation.h"

namespace crashtwin {

struct NicFieldSettings {
  DegradationSettings degradation = default_degradation();
  double crc_burst_rate = 1.0 / (7 * 86400.0);    // healthy, per second (field)
  double crc_burst_errors = 10.0;                  // mean errors per burst (>= 1)
  double link_flap_rate = 1.0 / (30 * 86400.0);   // healthy, per second (field)

  static DegradationSettings default_degradation() {
    return {.failure_rate = 0.05 / kSecondsPerYear, .warned_fraction = 0.6, .lead_time_s = 86400.0,
            .growth = 1000.0, .lookalike_fraction = 0.05, .lookalike_factor = 30.0};
  }
};

enum class NicFieldEventKind : uint8_t { crc_burst, link_flap, failure, none };

struct NicFieldEvent {
  double time_s = DegradationPlan::kNever;  // seconds from power-on
  NicFieldEventKind kind = NicFieldEventKind::none;
  uint64_t crc_errors = 0;  // of a crc_burst
  bool precursor = false;   // from the degradation, not the healthy rate
};

class NicFieldProcess {
 public:
  enum Channel : uint32_t { kCrcBurst = 0, kLinkFlap = 1 };
  NicFieldProcess(const NicFieldSettings& settings, RngStream rng);

  // The next event; kind none (time +infinity) when nothing more happens.
  NicFieldEvent next();
  const DegradationPlan& plan() const { return process_.plan(); }
  const DegradationProcess& degradation() const { return process_; }

 private:
  double burst_errors_;
  DegradationProcess process_;
};

}  // namespace crashtwin
