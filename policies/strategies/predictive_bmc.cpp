#include "policies/strategies/predictive_bmc.h"

#include "platform/region/crash_region.h"
#include "policies/strategies/host_dump.h"

namespace crashtwin {

using host_dump::transfer_ns;

Status PredictiveBmcStrategy::recover(const CrashFacts& crash, StrategyOutcome& out) const {
  if (Status s = check_crash_facts(crash); !ok(s)) return s;
  host_dump::begin(out, name(), crash, crash.reservation_bytes);
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
  host_dump::reboot(out, host_, params_.hold_host_in_reset ? drain_end : alert_end, "reboot");

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
