// What the running kernel tells the firmware when a workload (a process
// group or container the operator wants monitored) starts or stops: as
// creating or removing a resctrl monitoring group does. The firmware gives
// a starting workload an RMID and programs its cores to tag their traffic
// with it; a stopping one's RMID goes to limbo (rmid_allocator.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/monitor/rmid_allocator.h"

namespace crashtwin {

inline constexpr uint32_t kMaxNoticeCores = 256;

struct WorkloadNotice {
  enum class Kind : uint8_t { start, stop };
  Kind kind = Kind::start;
  RmidOwner owner;  // the workload's id and name
  // The cores it runs on (start): bit c of word c / 64.
  uint64_t core_mask[kMaxNoticeCores / 64] = {};

  void add_core(uint32_t core) {
    if (core < kMaxNoticeCores) core_mask[core / 64] |= 1ull << (core % 64);
  }
  bool has_core(uint32_t core) const {
    return core < kMaxNoticeCores && (core_mask[core / 64] >> (core % 64) & 1) != 0;
  }
};

}  // namespace crashtwin
