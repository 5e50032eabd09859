// Resource Monitoring IDs (Intel RDT's CMT/MBM, resctrl's "RMID"): the tag a
// core puts on its memory traffic and cache fills so LLC occupancy and memory
// bandwidth can be counted per workload. There are few of them (tens to a few
// hundred per socket), RMID 0 is the default every untagged workload shares,
// and a freed RMID still has cache lines counted against it until they are
// evicted: resctrl keeps it in "limbo" until its occupancy has drained, and
// never hands it out sooner. This allocator does the same with a minimum free
// time, so a new workload never inherits another one's occupancy.
//
// Portable firmware code: the caller provides the entry storage at init (no
// heap), every operation is O(RMIDs) at worst, allocation is deterministic
// (the lowest-numbered free RMID first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin {

inline constexpr size_t kRmidOwnerNameBytes = 16;

// Who holds an RMID: a workload (process or container) id and a short name.
struct RmidOwner {
  uint32_t workload_id = 0;
  char name[kRmidOwnerNameBytes] = {};  // NUL-terminated, truncated to fit
};

enum class RmidState : uint8_t { free, in_use, limbo, reserved };

struct RmidEntry {
  RmidState state = RmidState::free;
  RmidOwner owner;
  uint64_t allocated_ns = 0;
  uint64_t freed_ns = 0;  // when it entered limbo
};

struct RmidCounts {
  uint32_t free = 0;
  uint32_t in_use = 0;
  uint32_t limbo = 0;  // freed, not yet reusable
};

class RmidAllocator {
 public:
  // `entries` holds one entry per RMID (entries.size() RMIDs, >= 2); RMID 0
  // is reserved for the default group and never allocated. A freed RMID is
  // reusable `min_free_time_ns` after its free.
  Status init(std::span<RmidEntry> entries, uint64_t min_free_time_ns);

  // The lowest-numbered RMID that is free, or whose limbo time has passed at
  // `now_ns`. no_memory: every RMID is in use; busy: the rest are in limbo
  // (retry after limbo_ends_ns()).
  Status allocate(const RmidOwner& owner, uint64_t now_ns, uint32_t& rmid);
  // Puts an in-use RMID in limbo. out_of_range: no such RMID or RMID 0;
  // double_free: not in use.
  Status free(uint32_t rmid, uint64_t now_ns);
  // The entry of an RMID (owner, state, times). out_of_range for a bad id.
  Status query(uint32_t rmid, RmidEntry& out) const;
  // States as seen at `now_ns` (limbo entries whose time has passed count as free).
  RmidCounts counts(uint64_t now_ns) const;
  // Earliest time a limbo RMID becomes reusable; UINT64_MAX when none is in limbo.
  uint64_t limbo_ends_ns() const;
  uint32_t rmid_count() const { return static_cast<uint32_t>(entries_.size()); }

 private:
  bool reusable(const RmidEntry& e, uint64_t now_ns) const;

  std::span<RmidEntry> entries_;
  uint64_t min_free_time_ns_ = 0;
};

}  // namespace crashtwin
