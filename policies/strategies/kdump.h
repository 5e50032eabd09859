// kdump: on panic the kernel kexecs into the capture kernel loaded in the
// crashkernel reservation, which boots, filters the old kernel's memory
// (makedumpfile) and writes the dump to disk, then reboots into production.
// The capture kernel must fit the reservation: when it needs more, it runs
// out of memory and no dump is written, as real kdump does.
//
//   kexec                kexec
//   capture-kernel boot  capture_kernel.boot
//   dump                 used * filter_ratio / dump.bandwidth
//   reboot               firmware_post + os_boot
// Reservation < capture_kernel.image: the kernel never loaded, plain reboot.
// Reservation < capture_kernel.memory + memory_per_dram_gib * DRAM GiB:
// out of memory after the capture-kernel boot, then reboot, nothing dumped.
#pragma once

#include "policies/strategies/strategy.h"

namespace crashtwin {

class KdumpStrategy final : public CaptureStrategy {
 public:
  KdumpStrategy(const CaptureKernelParams& kernel, const DumpParams& dump, const HostParams& host)
      : kernel_(kernel), dump_(dump), host_(host) {}
  const char* name() const override { return "kdump"; }
  uint64_t steady_held_bytes(uint64_t reservation_bytes) const override { return reservation_bytes; }
  Status recover(const CrashFacts& crash, StrategyOutcome& out) const override;

 private:
  CaptureKernelParams kernel_;
  DumpParams dump_;
  HostParams host_;
};

}  // namespace crashtwin
