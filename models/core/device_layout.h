// The MMIO layout of a device that represents component instances (CPU
// cores, DIMMs, a disk, a NIC), as constants for model code and tests: every
// value comes from the generated register map (platform/regs/crashtwin_regs.h,
// described in registers/crashtwin.yaml, documented in docs/registers.md).
//
//   device base
//   0x0000_0000  device registers (cpu_cluster, dram, io_device blocks)
//   0x0001_0000  unit 0 window   (one per component instance: core, DIMM)
//   0x0002_0000  unit 1 window ...
#pragma once

#include <cstdint>

#include "platform/core/types.h"
#include "platform/regs/crashtwin_regs.h"

namespace crashtwin::device_layout {

inline constexpr uint64_t kUnitsOffset = CT_CPU_CLUSTER_UNIT(0);
inline constexpr uint64_t kUnitStride = CT_CPU_CLUSTER_UNIT_STRIDE;
// Every device places its units alike, so one unit_base() serves them all.
static_assert(CT_DRAM_UNIT(0) == kUnitsOffset && CT_DRAM_UNIT_STRIDE == kUnitStride);
static_assert(CT_DISK_UNIT == kUnitsOffset && CT_NIC_UNIT == kUnitsOffset);

inline constexpr uint64_t kMetricsOffset = CT_UNIT_METRIC(0);
inline constexpr uint64_t kErrStatus = CT_UNIT_ERR_STATUS;
inline constexpr uint64_t kErrType = CT_UNIT_ERR_TYPE;
inline constexpr uint64_t kErrAddress = CT_UNIT_ERR_ADDRESS;
inline constexpr uint64_t kErrDetail = CT_UNIT_ERR_DETAIL;
inline constexpr uint64_t kErrTime = CT_UNIT_ERR_TIME;
inline constexpr uint64_t kErrCount = CT_UNIT_ERR_COUNT;
inline constexpr uint64_t kErrStatusValid = CT_UNIT_ERR_STATUS_VALID_MASK;
inline constexpr uint64_t kStateLength = CT_UNIT_STATE_LENGTH;
inline constexpr uint64_t kStateKind = CT_UNIT_STATE_KIND;
inline constexpr uint64_t kTimerBoundary = CT_CORE_TIMER_BOUNDARY;
inline constexpr uint64_t kTimerDelivered = CT_CORE_TIMER_DELIVERED;
inline constexpr uint64_t kTimerTicks = CT_CORE_TIMER_TICKS;
inline constexpr uint64_t kTimerOverruns = CT_CORE_TIMER_OVERRUNS;
inline constexpr uint64_t kPqrAssoc = CT_CORE_PQR_ASSOC;
inline constexpr uint64_t kStateWindowOffset = CT_UNIT_STATE;
inline constexpr uint64_t kStateWindowSize = CT_UNIT_STATE_SIZE;
static_assert(kStateWindowOffset + kStateWindowSize == kUnitStride);

inline constexpr uint64_t kRdtMaxRmid = CT_CPU_CLUSTER_REGS + CT_CPU_CLUSTER_RDT_MAX_RMID;
inline constexpr uint64_t kRdtUpscale = CT_CPU_CLUSTER_REGS + CT_CPU_CLUSTER_RDT_UPSCALE;
inline constexpr uint64_t kRdtMbmWidth = CT_CPU_CLUSTER_REGS + CT_CPU_CLUSTER_RDT_MBM_WIDTH;
inline constexpr uint64_t kQmEvtsel = CT_CPU_CLUSTER_REGS + CT_CPU_CLUSTER_QM_EVTSEL;
inline constexpr uint64_t kQmCtr = CT_CPU_CLUSTER_REGS + CT_CPU_CLUSTER_QM_CTR;

// Offsets from the device base.
constexpr uint64_t unit_base(uint32_t unit) { return kUnitsOffset + uint64_t{unit} * kUnitStride; }
inline uint64_t metric_offset(uint32_t unit, Metric m) { return unit_base(unit) + CT_UNIT_METRIC(metric_slot(m)); }
// MMIO size a device with `units` component instances needs.
constexpr uint64_t device_size(uint32_t units) { return unit_base(units); }

}  // namespace crashtwin::device_layout
