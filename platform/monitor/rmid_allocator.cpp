#include "platform/monitor/rmid_allocator.h"

namespace crashtwin {

Status RmidAllocator::init(std::span<RmidEntry> entries, uint64_t min_free_time_ns) {
  if (entries.size() < 2 || entries.size() > UINT32_MAX) return Status::invalid_argument;
  entries_ = entries;
  min_free_time_ns_ = min_free_time_ns;
  for (RmidEntry& e : entries_) e = RmidEntry{};
  entries_[0].state = RmidState::reserved;
  return Status::ok;
}

bool RmidAllocator::reusable(const RmidEntry& e, uint64_t now_ns) const {
  if (e.state == RmidState::free) return true;
  // Saturating: a free time near UINT64_MAX never wraps into "long ago".
  return e.state == RmidState::limbo && now_ns >= e.freed_ns &&
         now_ns - e.freed_ns >= min_free_time_ns_;
}

Status RmidAllocator::allocate(const RmidOwner& owner, uint64_t now_ns, uint32_t& rmid) {
  if (entries_.empty()) return Status::invalid_argument;
  bool any_limbo = false;
  for (size_t i = 1; i < entries_.size(); ++i) {
    RmidEntry& e = entries_[i];
    if (!reusable(e, now_ns)) {
      any_limbo = any_limbo || e.state == RmidState::limbo;
      continue;
    }
    e.state = RmidState::in_use;
    e.owner = RmidOwner{};
    e.owner.workload_id = owner.workload_id;
    for (size_t k = 0; k + 1 < kRmidOwnerNameBytes && owner.name[k] != '\0'; ++k) e.owner.name[k] = owner.name[k];
    e.allocated_ns = now_ns;
    e.freed_ns = 0;
    rmid = static_cast<uint32_t>(i);
    return Status::ok;
  }
  return any_limbo ? Status::busy : Status::no_memory;
}

Status RmidAllocator::free(uint32_t rmid, uint64_t now_ns) {
  if (rmid == 0 || rmid >= entries_.size()) return Status::out_of_range;
  RmidEntry& e = entries_[rmid];
  if (e.state != RmidState::in_use) return Status::double_free;
  e.state = RmidState::limbo;
  e.freed_ns = now_ns;
  return Status::ok;
}

Status RmidAllocator::query(uint32_t rmid, RmidEntry& out) const {
  if (rmid >= entries_.size()) return Status::out_of_range;
  out = entries_[rmid];
  return Status::ok;
}

RmidCounts RmidAllocator::counts(uint64_t now_ns) const {
  RmidCounts c;
  for (size_t i = 1; i < entries_.size(); ++i) {
    const RmidEntry& e = entries_[i];
    if (e.state == RmidState::in_use) ++c.in_use;
    else if (reusable(e, now_ns)) ++c.free;
    else ++c.limbo;
  }
  return c;
}

uint64_t RmidAllocator::limbo_ends_ns() const {
  uint64_t earliest = UINT64_MAX;
  for (const RmidEntry& e : entries_) {
    if (e.state != RmidState::limbo) continue;
    const uint64_t end = UINT64_MAX - e.freed_ns < min_free_time_ns_ ? UINT64_MAX : e.freed_ns + min_free_time_ns_;
    if (end < earliest) earliest = end;
  }
  return earliest;
}

}  // namespace crashtwin
