// Intel RDT monitoring (CMT and MBM) as software sees it: the one place the
// firmware and the board's CPU model share the register semantics (as
// platform/region/dma_window.h is for the DMA windows).
//
// Hardware (Intel SDM vol. 3, "Platform Shared Resource Monitoring"; what
// Linux's resctrl driver programs):
//   IA32_PQR_ASSOC   per core; bits 9:0 the RMID the core tags its cache
//                    fills and memory traffic with (0: the default group).
//   IA32_QM_EVTSEL   bits 7:0 event id, bits 41:32 RMID: which counter the
//                    next read of IA32_QM_CTR returns.
//   IA32_QM_CTR      bit 63 Error (the RMID or event id is not supported),
//                    bit 62 Unavailable (no data for this RMID yet), bits
//                    61:0 the count in units of the upscaling factor. MBM
//                    counts are only `mbm_counter_width` bits wide and wrap:
//                    software takes the difference to its previous reading
//                    modulo 2^width, and must read more often than one wrap.
//   CPUID.(0xF,1)    EBX the upscaling factor (bytes per count), ECX the
//                    highest RMID, EAX[7:0] the MBM counter width minus 24.
#pragma once

#include <cstdint>

#include "platform/regs/crashtwin_regs.h"

namespace crashtwin::rdt {

enum class MonitorEvent : uint8_t {
  llc_occupancy = 1,  // bytes of the last-level cache holding the RMID's lines
  mbm_total = 2,      // bytes the RMID moved to and from memory
  mbm_local = 3,      // of those, to and from the core's own NUMA node
};

// The bit fields as the register map gives them (platform/regs/crashtwin_regs.h).
inline constexpr uint64_t kEvtselEventMask = CT_CPU_CLUSTER_QM_EVTSEL_EVENT_MASK;
inline constexpr unsigned kEvtselRmidShift = CT_CPU_CLUSTER_QM_EVTSEL_RMID_SHIFT;
inline constexpr uint64_t kEvtselRmidMask = CT_CPU_CLUSTER_QM_EVTSEL_RMID_MASK >> kEvtselRmidShift;  // bits 41:32
inline constexpr uint32_t kMaxRmidEncodable = kEvtselRmidMask;
inline constexpr uint64_t kCtrError = CT_CPU_CLUSTER_QM_CTR_ERROR_MASK;
inline constexpr uint64_t kCtrUnavailable = CT_CPU_CLUSTER_QM_CTR_UNAVAILABLE_MASK;
inline constexpr uint64_t kCtrDataMask = CT_CPU_CLUSTER_QM_CTR_DATA_MASK;  // bits 61:0
inline constexpr uint32_t kMinMbmCounterWidth = 24;
inline constexpr uint32_t kMaxMbmCounterWidth = 62;
inline constexpr uint64_t kPqrRmidMask = CT_CORE_PQR_ASSOC_RMID_MASK;  // IA32_PQR_ASSOC bits 9:0

constexpr uint64_t event_select(MonitorEvent event, uint32_t rmid) {
  return static_cast<uint64_t>(event) | ((uint64_t{rmid} & kEvtselRmidMask) << kEvtselRmidShift);
}
constexpr uint8_t event_of(uint64_t evtsel) { return static_cast<uint8_t>(evtsel & kEvtselEventMask); }
constexpr uint32_t rmid_of(uint64_t evtsel) {
  return static_cast<uint32_t>((evtsel >> kEvtselRmidShift) & kEvtselRmidMask);
}

// What CPUID leaf 0xF tells software.
struct Capabilities {
  uint32_t max_rmid = 0;           // RMIDs 0..max_rmid exist
  uint64_t upscale_bytes = 0;      // bytes per count of IA32_QM_CTR
  uint32_t mbm_counter_width = 0;  // bits of an MBM count before it wraps
};

// Counts an MBM counter advanced from `previous` to `current` (data bits
// only), across at most one wrap of its `width` bits.
constexpr uint64_t mbm_counts_since(uint64_t previous, uint64_t current, uint32_t width) {
  const uint64_t mask = width >= 64 ? ~0ull : (1ull << width) - 1;
  return (current - previous) & mask;
}

}  // namespace crashtwin::rdt
