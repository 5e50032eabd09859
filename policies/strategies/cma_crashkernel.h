// CMA crashkernel (Linux 6.x crashkernel=SIZE,cma): a small fixed
// reservation holds the capture kernel's image; the rest of the reservation
// is a CMA area the running system lends to movable (user) allocations, so
// it is not held away from the workload. At the crash the capture kernel
// takes the CMA area back: it waits a fixed time for DMA still in flight
// into lent pages, then reuses them, so the workload's pages there are
// missing from the dump.
//
//   split        fixed = min(cma.fixed, reservation), cma = reservation - fixed,
//                lent = cma * lendable_fraction
//   steady held  reservation - lent
//   kexec        kexec
//   dma quiesce  dma_quiesce
//   capture-kernel boot, dump of (used - lent) * filter_ratio, reboot as kdump
// Fixed part < capture_kernel.image: never loaded, plain reboot. Whole
// reservation < the capture kernel's need: out of memory, nothing dumped.
#pragma once

#include "policies/strategies/strategy.h"

namespace crashtwin {

class CmaCrashkernelStrategy final : public CaptureStrategy {
 public:
  CmaCrashkernelStrategy(const CmaCrashkernelParams& cma, const CaptureKernelParams& kernel, const DumpParams& dump,
                         const HostParams& host)
      : cma_(cma), kernel_(kernel), dump_(dump), host_(host) {}
  const char* name() const override { return "cma-crashkernel"; }
  uint64_t steady_held_bytes(uint64_t reservation_bytes) const override;
  Status recover(const CrashFacts& crash, StrategyOutcome& out) const override;

  // Bytes of the CMA area lent to the workload under this reservation.
  uint64_t lent_bytes(uint64_t reservation_bytes) const;

 private:
  CmaCrashkernelParams cma_;
  CaptureKernelParams kernel_;
  DumpParams dump_;
  HostParams host_;
};

}  // namespace crashtwin
