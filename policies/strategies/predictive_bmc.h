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
//   restart  after the drain (hold) or the alert, as predictive_bmc.restart
//            says: firmware_post, warm_reset or kexec, then os_boot (a full
//            POST whatever it says after errors restart_needs_firmware names)
#pragma once

#include "policies/strategies/strategy.h"

namespace crashtwin {

// The host's restart after the drain: `how`'s phases from `from_ns` (a full
// POST instead, with a note, after errors restart_needs_firmware names),
// then the OS boot; sets service and production to its end and returns it.
uint64_t add_restart_phases(StrategyOutcome& out, const HostParams& host, const CaptureKernelParams& kernel,
                            HostRestart how, ErrorType error, uint64_t from_ns);

class PredictiveBmcStrategy final : public CaptureStrategy {
 public:
  PredictiveBmcStrategy(const PredictiveBmcParams& params, const HostParams& host, const CaptureKernelParams& kernel)
      : params_(params), host_(host), kernel_(kernel) {}
  const char* name() const override { return "predictive-bmc"; }
  // The crash region stays reserved: the slices are the reservation.
  uint64_t steady_held_bytes(uint64_t reservation_bytes) const override { return reservation_bytes; }
  Status recover(const CrashFacts& crash, StrategyOutcome& out) const override;

 private:
  PredictiveBmcParams params_;
  HostParams host_;
  CaptureKernelParams kernel_;  // kexec's time, for the kexec restart
};

}  // namespace crashtwin
