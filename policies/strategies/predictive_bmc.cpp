#include "policies/strategies/predictive_bmc.h"

#include "platform/region/crash_region.h"
#include "policies/strategies/host_dump.h"

namespace crashtwin {

using host_dump::transfer_ns;

uint64_t add_restart_phases(StrategyOutcome& out, const HostParams& host, const CaptureKernelParams& kernel,
                            HostRestart how, ErrorType error, uint64_t from_ns) {
  if (how != HostRestart::full_post && restart_needs_firmware(error)) {
    how = HostRestart::full_post;
    out.note = "restart fell back to a full POST: the failed part needs firmware re-initialisation";
  }
  uint64_t t = from_ns;
  switch (how) {
    case HostRestart::full_post: t = out.add_phase("firmware POST", t, host.firmware_post_ns); break;
    case HostRestart::warm_reset: t = out.add_phase("warm reset", t, host.warm_reset_ns); break;
    case HostRestart::kexec: t = out.add_phase("kexec", t, kernel.kexec_ns); break;
  }
  t = out.add_phase("OS boot", t, host.os_boot_ns);
  out.service_ns = t;
  out.production_ns = t;
  return t;
}

Status PredictiveBmcStrategy::recover(const CrashFacts& crash, StrategyOutcome& out) const {
  if (Status s = check_crash_facts(crash); !ok(s)) return s;
  host_dump::begin(out, name(), crash, crash.reservation_bytes);
  if (crash.predictive_needed_bytes != 0) out.needed_bytes = crash.predictive_needed_bytes;
  const uint64_t captured =
      crash.predictive_captured_bytes < out.needed_bytes ? crash.predictive_captured_bytes : out.needed_bytes;

  const uint64_t capture_end =
      out.add_phase("capture", crash.time_ns, transfer_ns(captured, params_.capture_bandwidth_bytes_per_s));
  const uint64_t alert_end = out.add_phase("alert", capture_end, params_.alert_latency_ns);
  // The BMC reads both header copies, then the records.
  const uint64_t drain_bytes = kHeaderAreaBytes + captured;
  uint64_t drain_ns = transfer_ns(drain_bytes, params_.link_bandwidth_bytes_per_s);
  uint64_t drained = captured;
  if (!params_.hold_host_in_reset && drain_ns > host_.firmware_post_ns) {
    // The rebooting firmware formats the region when POST ends: whatever the
    // BMC has not read by then is gone.
    drain_ns = host_.firmware_post_ns;
    const uint64_t read = host_dump::transferred_bytes(drain_ns, params_.link_bandwidth_bytes_per_s);
    drained = read > kHeaderAreaBytes ? read - kHeaderAreaBytes : 0;
    if (drained > captured) drained = captured;
    out.note = "host firmware reformatted the crash region before the BMC drain ended";
  }
  const uint64_t drain_end = out.add_phase("drain", alert_end, drain_ns);
  out.report_ns = out.add_phase("report", drain_end, params_.report_ns);
  add_restart_phases(out, host_, kernel_, params_.restart, crash.error, params_.hold_host_in_reset ? drain_end : alert_end);

  out.captured_bytes = drained;
  out.dump_bytes = drained == captured ? drain_bytes : kHeaderAreaBytes + drained;
  out.dump_succeeded = drained > 0;
  if (!out.dump_succeeded)
    out.failure_reason = captured == 0 ? "no record captured: no slice for the component or nothing fit"
                                       : "drain cut by the reboot before any record was read";
  // The alert code names the component and the error type even without a
  // record, so the BMC report always identifies the failure.
  out.identified = true;
  (void)out.available.add(out.production_ns, crash.dram_bytes);
  return Status::ok;
}

}  // namespace crashtwin
