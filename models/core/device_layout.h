// The standard MMIO layout of a device that represents component instances
// (CPU cores, DIMMs, a disk, a NIC). The Hal over TLM and the device models
// both derive their offsets from here, so they cannot disagree.
//
//   device base
//   0x0000_0000  device registers (model specific)
//   0x0001_0000  unit 0 window   (one per component instance: core, DIMM)
//   0x0002_0000  unit 1 window ...
//
//   unit window, all registers 64-bit:
//   0x0000  metrics block: metric `m` at metric_slot(m) * 8 (RO)
//   0x0100  error status block:
//           +0x00 ERR_STATUS   bit 0 valid (W1C: firmware acknowledges)
//           +0x08 ERR_TYPE     ErrorType
//           +0x10 ERR_ADDRESS  faulting physical address
//           +0x18 ERR_DETAIL   error-specific syndrome
//           +0x20 ERR_TIME     simulated time the error was latched (ns)
//           +0x28 ERR_COUNT    errors latched since reset
//   0x0200  STATE_LENGTH: reading it snapshots the unit's state block
//           (register file / error log / queue state) into the window and
//           returns its length in bytes
//   0x0208  STATE_KIND: the StateKind the window holds
//   0x0300  timer block (cpu cores with per-core sampling timers, RO):
//           +0x00 TIMER_BOUNDARY   boundary the latest tick served (ns)
//           +0x08 TIMER_DELIVERED  when its handler ran (ns)
//           +0x10 TIMER_TICKS      handlers run since power-on
//           +0x18 TIMER_OVERRUNS   boundaries skipped since power-on
//   0x0320  PQR_ASSOC (cpu cores, RW): the RMID the core tags its traffic
//           and cache fills with (IA32_PQR_ASSOC, platform/monitor/rdt_registers.h)
//   0x1000  state window (kStateWindowSize bytes, RO)
//
//   cpu cluster device registers (resource monitoring, models/cpu/resource_monitoring.h):
//   0x0040  RDT_MAX_RMID    highest RMID (CPUID.(0xF,1):ECX, RO)
//   0x0048  RDT_UPSCALE     bytes per counter count (CPUID.(0xF,1):EBX, RO)
//   0x0050  RDT_MBM_WIDTH   MBM counter width minus 24 (CPUID.(0xF,1):EAX[7:0], RO)
//   0x0058  QM_EVTSEL       event id and RMID of the next QM_CTR read (IA32_QM_EVTSEL, RW)
//   0x0060  QM_CTR          the selected counter with its Error/Unavailable bits (IA32_QM_CTR, RO)
#pragma once

#include <cstdint>

#include "platform/core/types.h"

namespace crashtwin::device_layout {

inline constexpr uint64_t kUnitsOffset = 0x1'0000;
inline constexpr uint64_t kUnitStride = 0x1'0000;

inline constexpr uint64_t kMetricsOffset = 0x0000;
inline constexpr uint64_t kErrorOffset = 0x0100;
inline constexpr uint64_t kErrStatus = kErrorOffset + 0x00;
inline constexpr uint64_t kErrType = kErrorOffset + 0x08;
inline constexpr uint64_t kErrAddress = kErrorOffset + 0x10;
inline constexpr uint64_t kErrDetail = kErrorOffset + 0x18;
inline constexpr uint64_t kErrTime = kErrorOffset + 0x20;
inline constexpr uint64_t kErrCount = kErrorOffset + 0x28;
inline constexpr uint64_t kErrStatusValid = 1;
inline constexpr uint64_t kStateLength = 0x0200;
inline constexpr uint64_t kStateKind = 0x0208;
inline constexpr uint64_t kTimerOffset = 0x0300;
inline constexpr uint64_t kTimerBoundary = kTimerOffset + 0x00;
inline constexpr uint64_t kTimerDelivered = kTimerOffset + 0x08;
inline constexpr uint64_t kTimerTicks = kTimerOffset + 0x10;
inline constexpr uint64_t kTimerOverruns = kTimerOffset + 0x18;
inline constexpr uint64_t kPqrAssoc = 0x0320;
inline constexpr uint64_t kStateWindowOffset = 0x1000;
inline constexpr uint64_t kStateWindowSize = kUnitStride - kStateWindowOffset;

inline constexpr uint64_t kRdtMaxRmid = 0x0040;
inline constexpr uint64_t kRdtUpscale = 0x0048;
inline constexpr uint64_t kRdtMbmWidth = 0x0050;
inline constexpr uint64_t kQmEvtsel = 0x0058;
inline constexpr uint64_t kQmCtr = 0x0060;

// Offsets from the device base.
constexpr uint64_t unit_base(uint32_t unit) { return kUnitsOffset + uint64_t{unit} * kUnitStride; }
inline uint64_t metric_offset(uint32_t unit, Metric m) {
  return unit_base(unit) + kMetricsOffset + uint64_t{metric_slot(m)} * 8;
}
// MMIO size a device with `units` component instances needs.
constexpr uint64_t device_size(uint32_t units) { return unit_base(units); }

}  // namespace crashtwin::device_layout
