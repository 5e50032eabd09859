// predictive-bmc: the mission's design. The agent has already captured the
// error's records into the failed component's slice; the firmware alerts the
// BMC, which drains the crash region by DMA and writes its report, and the
// host reboots. Holding the host in reset until the drain ends protects the
// records; not holding it gets back to production sooner, but the rebooting
// firmware reformats the region at the end of POST and cuts a slow drain.
//
//   capture  captured / capture_bandwidth
//   alert    alert_latency
//   drain    (header area + captured) / link_bandwidth
//   report   report
//   reboot   firmware_post + os_boot, after the drain (hold) or the alert
#pragma once

#include "policies/strategies/strategy.h"

namespace crashtwin {

class PredictiveBmcStrategy final : public CaptureStrategy {
 public:
  PredictiveBmcStrategy(const PredictiveBmcParams& params, const HostParams& host) : params_(params), host_(host) {}
  const char* name() const override { return "predictive-bmc"; }
  // The crash region stays reserved: the slices are the reservation.
  uint64_t steady_held_bytes(uint64_t reservation_bytes) const override { return reservation_bytes; }
  Status recover(const CrashFacts& crash, StrategyOutcome& out) const override;

 private:
  PredictiveBmcParams params_;
  HostParams host_;
};

}  // namespace crashtwin
