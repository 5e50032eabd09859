#include "scenarios/runner/memory_recorder.h"

#include <string>

namespace crashtwin::scenario {
namespace {

std::string component_name(ComponentId c) { return std::string(to_string(c.cls)) + "." + std::to_string(c.instance); }

std::string owner_name(const alloc::AllocEvent& e) {
  if (e.owner_class >= kComponentClassCount) return "";
  return component_name(ComponentId{static_cast<ComponentClass>(e.owner_class), e.owner_instance});
}

const char* owner_kind_name(AllocationOwnerKind kind) {
  switch (kind) {
    case AllocationOwnerKind::none: return "none";
    case AllocationOwnerKind::slice: return "slice";
    case AllocationOwnerKind::released: return "released";
  }
  return "none";
}

// Bytes of live allocations with an owner, and what their owners asked for.
struct Ownership {
  const Agent* agent;
  uint64_t owned_bytes = 0;
  uint64_t requested_bytes = 0;
};

}  // namespace

MemoryRecorder::MemoryRecorder(const Agent& agent) : agent_(agent) {
  const alloc::BuddyAllocator& buddy = agent.buddy();
  profile_.page_bytes = alloc::kPageSize;
  profile_.region_pages = buddy.page_count();
  profile_.minimum_slice_bytes = agent.config().minimum_partition_size;
  profile_.tick_period_ns = agent.config().allocation_frequency_ns;
  profile_.ring_capacity = agent.alloc_trace().capacity();
  buffer_.resize(profile_.ring_capacity > 0 ? profile_.ring_capacity : 1);
  const NumaLayout& numa = agent.config().numa;
  if (numa.nodes > 1) {
    profile_.numa.slice_placement = to_string(agent.config().slice_placement);
    for (uint32_t n = 0; n < numa.nodes; ++n) profile_.numa.nodes.push_back({n, numa.memory[n].base, numa.memory[n].size});
    for (uint32_t i = 0; i < numa.component_count; ++i)
      profile_.numa.components.push_back({component_name(numa.components[i].component), numa.components[i].node});
  }
}

std::vector<uint64_t> free_blocks_per_order(const alloc::BuddyAllocator& buddy) {
  uint64_t per_order[alloc::kOrderCount] = {};
  buddy.buddyinfo(per_order);
  size_t orders = alloc::kOrderCount;
  while (orders > 1 && (uint64_t{1} << (orders - 1)) > buddy.page_count()) --orders;
  return {per_order, per_order + orders};
}

MemorySample memory_sample_of(const Agent& agent, uint64_t time_ns) {
  const alloc::BuddyAllocator& buddy = agent.buddy();
  MemorySample s;
  s.time_ns = time_ns;
  s.free_bytes = buddy.free_bytes();
  s.allocated_bytes = (buddy.page_count() << alloc::kPageShift) - s.free_bytes;
  s.largest_free_bytes = buddy.largest_free_block_bytes();
  uint64_t per_order[alloc::kOrderCount] = {};
  buddy.buddyinfo(per_order);
  for (uint64_t n : per_order) s.free_blocks += n;
  s.allocations = buddy.allocation_count();
  Ownership o{&agent};
  buddy.walk_allocated(
      [](void* context, const alloc::Allocation& a) {
        auto& own = *static_cast<Ownership*>(context);
        const AllocationOwner owner = own.agent->owner_of(a.address);
        if (owner.kind == AllocationOwnerKind::none) return;
        own.owned_bytes += a.pages << alloc::kPageShift;
        own.requested_bytes += owner.requested_bytes;
      },
      &o);
  s.owned_bytes = o.owned_bytes;
  s.requested_bytes = o.requested_bytes;
  return s;
}

void MemoryRecorder::follow(uint64_t time_ns) {
  const alloc::AllocTrace& trace = agent_.alloc_trace();
  bool changed = profile_.samples.empty();
  while (next_sequence_ < trace.written()) {
    uint64_t lost = 0;
    const size_t n = trace.read_from(next_sequence_, buffer_, lost);
    profile_.events_lost += lost;
    next_sequence_ += lost + n;
    for (size_t i = 0; i < n; ++i) {
      const alloc::AllocEvent& e = buffer_[i];
      profile_.events.push_back(MemoryEvent{e.time_ns, alloc::to_string(e.op), alloc::to_string(e.caller),
                                            owner_name(e), e.address, e.pages, e.delta_pages, e.requested_bytes});
    }
    changed = changed || n > 0 || lost > 0;
    if (n == 0 && lost == 0) break;
  }
  // One sample per instant: a later step at the same time replaces it.
  if (!changed) return;
  if (!profile_.samples.empty() && profile_.samples.back().time_ns == time_ns) profile_.samples.pop_back();
  profile_.samples.push_back(memory_sample_of(agent_, time_ns));
}

MemoryProfile MemoryRecorder::finish(uint64_t end_ns) {
  follow(end_ns);
  if (profile_.samples.empty() || profile_.samples.back().time_ns != end_ns)
    profile_.samples.push_back(memory_sample_of(agent_, end_ns));
  profile_.duration_ns = end_ns;
  const alloc::AllocTrace& trace = agent_.alloc_trace();
  for (size_t c = 0; c < alloc::kAllocCallerCount; ++c) {
    const auto caller = static_cast<alloc::AllocCaller>(c);
    const alloc::AllocCallerCounts& n = trace.counts(caller);
    profile_.callers.push_back(
        MemoryCallerCounts{alloc::to_string(caller), n.allocs, n.frees, n.pages_allocated, n.pages_freed});
  }
  const alloc::BuddyAllocator& buddy = agent_.buddy();
  profile_.free_blocks_per_order = free_blocks_per_order(buddy);
  struct Walk {
    const Agent* agent;
    std::vector<MemoryLiveAllocation>* live;
  } walk{&agent_, &profile_.live};
  buddy.walk_allocated(
      [](void* context, const alloc::Allocation& a) {
        auto& w = *static_cast<Walk*>(context);
        const AllocationOwner owner = w.agent->owner_of(a.address);
        w.live->push_back(MemoryLiveAllocation{a.address, a.pages, alloc::to_string(a.kind),
                                               owner_kind_name(owner.kind),
                                               owner.kind == AllocationOwnerKind::slice ? component_name(owner.component)
                                                                                        : std::string(),
                                               owner.requested_bytes, owner.used_bytes, owner.records});
      },
      &walk);
  return profile_;
}

}  // namespace crashtwin::scenario
