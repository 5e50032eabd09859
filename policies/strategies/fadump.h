// fadump (firmware/hypervisor-assisted dump): at the crash the hypervisor
// copies the boot memory (the low fadump.boot_memory bytes) into the
// registered save area, resets the machine without clearing RAM and boots
// the kernel into the boot memory only. The workload runs again at once, in
// reduced memory, while userspace writes /proc/vmcore to disk and, region by
// region, hands dumped memory back through /sys/kernel/release_region. No
// second reboot: production (all memory back) is the end of the dump.
//
//   save boot memory         boot_memory / save_bandwidth
//   reset (memory kept)      fadump.reset
//   boot into boot memory    os_boot                         -> service
//   dump + release           used * filter_ratio / dump.bandwidth -> production
// Memory returns in chunks of max(release_chunk, preserved / 254 pages
// rounded): after the chunk ending at old-memory offset x is written, the
// kernel owns boot_memory + released bytes, reached at
// service + transfer(dump_bytes * (boot_memory + released) / DRAM).
// Held away meanwhile: max(reservation, DRAM - owned).
// Reservation < boot memory: registration refused, plain reboot. Boot memory
// < the capture kernel's need: out of memory during the dump, then reboot.
#pragma once

#include "policies/strategies/strategy.h"

namespace crashtwin {

class FadumpStrategy final : public CaptureStrategy {
 public:
  FadumpStrategy(const FadumpParams& fadump, const CaptureKernelParams& kernel, const DumpParams& dump,
                 const HostParams& host)
      : fadump_(fadump), kernel_(kernel), dump_(dump), host_(host) {}
  const char* name() const override { return "fadump"; }
  // The registered save area is reserved while the system runs.
  uint64_t steady_held_bytes(uint64_t reservation_bytes) const override { return reservation_bytes; }
  Status recover(const CrashFacts& crash, StrategyOutcome& out) const override;

 private:
  FadumpParams fadump_;
  CaptureKernelParams kernel_;
  DumpParams dump_;
  HostParams host_;
};

}  // namespace crashtwin
