#include "policies/strategies/cma_crashkernel.h"

#include "policies/strategies/host_dump.h"

namespace crashtwin {

uint64_t CmaCrashkernelStrategy::lent_bytes(uint64_t reservation_bytes) const {
  const uint64_t fixed = cma_.fixed_bytes < reservation_bytes ? cma_.fixed_bytes : reservation_bytes;
  const uint64_t cma_area = reservation_bytes - fixed;
  return static_cast<uint64_t>(static_cast<double>(cma_area) * cma_.lendable_fraction);
}

uint64_t CmaCrashkernelStrategy::steady_held_bytes(uint64_t reservation_bytes) const {
  return reservation_bytes - lent_bytes(reservation_bytes);
}

Status CmaCrashkernelStrategy::recover(const CrashFacts& crash, StrategyOutcome& out) const {
  if (Status s = check_crash_facts(crash); !ok(s)) return s;
  const uint64_t reserved = crash.reservation_bytes;
  // From the crash on the capture kernel owns the whole reservation.
  host_dump::begin(out, name(), crash, reserved);
  // Lent pages held workload data; a workload using less memory than the
  // CMA area cannot have lent more than it used.
  const uint64_t lent = lent_bytes(reserved) < crash.used_bytes ? lent_bytes(reserved) : crash.used_bytes;
  host_dump::CaptureKernelRun run;
  run.loadable_bytes = cma_.fixed_bytes < reserved ? cma_.fixed_bytes : reserved;
  run.image_too_big = "fixed crashkernel part smaller than the kexec image: no capture kernel loaded";
  run.usable_bytes = reserved;
  run.out_of_memory = "capture kernel out of memory: fixed + CMA reservation smaller than it needs";
  run.wait_phase = "dma quiesce";
  run.wait_ns = cma_.dma_quiesce_ns;
  run.dumped_used_bytes = crash.used_bytes - lent;
  run.user_lost_fraction =
      crash.used_bytes == 0 ? 0.0 : static_cast<double>(lent) / static_cast<double>(crash.used_bytes);
  run.steady_held = steady_held_bytes(reserved);
  host_dump::run_capture_kernel(out, crash, kernel_, dump_, host_, run);
  if (out.dump_succeeded) out.image_lost_bytes = lent;
  return Status::ok;
}

}  // namespace crashtwin
