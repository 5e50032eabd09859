#include "policies/strategies/kdump.h"

#include "policies/strategies/host_dump.h"

namespace crashtwin {

Status KdumpStrategy::recover(const CrashFacts& crash, StrategyOutcome& out) const {
  if (Status s = check_crash_facts(crash); !ok(s)) return s;
  const uint64_t reserved = crash.reservation_bytes;
  host_dump::begin(out, name(), crash, reserved);
  host_dump::CaptureKernelRun run;
  run.loadable_bytes = reserved;
  run.image_too_big = "crashkernel reservation smaller than the kexec image: no capture kernel loaded";
  run.usable_bytes = reserved;
  run.out_of_memory = "capture kernel out of memory: crashkernel reservation smaller than it needs";
  run.dumped_used_bytes = crash.used_bytes;
  run.steady_held = reserved;
  host_dump::run_capture_kernel(out, crash, kernel_, dump_, host_, run);
  return Status::ok;
}

}  // namespace crashtwin
