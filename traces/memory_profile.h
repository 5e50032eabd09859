// memory_profile.json of a run directory: what the firmware's allocation
// tracking (platform/alloc/alloc_trace.h) recorded of the crash region's
// slice allocator -- every allocation event, the allocator's state after
// every agent step that changed it, and at the end of the run every live
// allocation with its owner from the agent's ownership map. `crashtwin
// analyze` works from this file alone (traces/memory_analysis.h).
// docs/results.md describes the format field by field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crashtwin {

inline constexpr uint32_t kMemoryProfileVersion = 1;

struct MemoryEvent {
  uint64_t time_ns = 0;
  std::string op;      // alloc, free, grow, shrink
  std::string caller;  // boot, slice, pack, move, release, unknown
  std::string owner;   // "cpu.0" for a component's slice, "" for none
  uint64_t address = 0;
  uint64_t pages = 0;        // of the allocation after the event (free: what was freed)
  uint64_t delta_pages = 0;  // pages taken (alloc, grow) or given back (free, shrink)
  uint64_t requested_bytes = 0;
};

// The allocator after an agent step that changed it (and at the first and
// last tick): piecewise constant in between.
struct MemorySample {
  uint64_t time_ns = 0;
  uint64_t allocated_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t largest_free_bytes = 0;  // largest free buddy block
  uint64_t free_blocks = 0;
  uint64_t owned_bytes = 0;      // allocated bytes of allocations with an owner
  uint64_t requested_bytes = 0;  // what their owners asked for
  uint64_t allocations = 0;
};

struct MemoryLiveAllocation {
  uint64_t address = 0;
  uint64_t pages = 0;
  std::string kind;        // block, run, reserved, slab
  std::string owner_kind;  // none, slice, released
  std::string component;   // slice owner: "cpu.0"; else ""
  uint64_t requested_bytes = 0;
  uint64_t used_bytes = 0;
  uint64_t records = 0;
};

struct MemoryCallerCounts {
  std::string caller;
  uint64_t allocs = 0;
  uint64_t frees = 0;
  uint64_t pages_allocated = 0;
  uint64_t pages_freed = 0;
};

// The firmware's view of the board's NUMA topology (platform/agent/
// numa_layout.h): each node's physical memory and the node of every
// component not on node 0. Only on boards with several nodes.
struct MemoryNumaNode {
  uint32_t node = 0;
  uint64_t base = 0;
  uint64_t size = 0;
};
struct MemoryComponentNode {
  std::string component;  // "cpu.4"
  uint32_t node = 0;
};
struct MemoryNuma {
  std::string slice_placement;  // any, node_local
  std::vector<MemoryNumaNode> nodes;
  std::vector<MemoryComponentNode> components;

  // Node of a physical address, or nodes.size() when outside every node.
  uint32_t node_at(uint64_t address) const;
  uint32_t node_of(const std::string& component) const;  // 0 unless listed
};

struct MemoryProfile {
  uint32_t version = kMemoryProfileVersion;
  uint64_t page_bytes = 4096;
  uint64_t region_pages = 0;  // pages the slice allocator manages
  uint64_t minimum_slice_bytes = 0;
  uint64_t tick_period_ns = 0;
  uint64_t duration_ns = 0;
  uint64_t ring_capacity = 0;  // 0: tracking off
  uint64_t events_lost = 0;    // overwritten before the runner read them
  std::vector<MemoryCallerCounts> callers;  // the firmware's running counts
  std::vector<MemoryEvent> events;
  std::vector<MemorySample> samples;
  std::vector<uint64_t> free_blocks_per_order;  // at the end, like /proc/buddyinfo
  std::vector<MemoryLiveAllocation> live;       // at the end, in address order
  MemoryNuma numa;  // no nodes: a one-node board (the file has no "numa")
};

std::string memory_profile_json(const MemoryProfile& profile);
void write_memory_profile(const MemoryProfile& profile, const std::filesystem::path& path);
// Throws format_error naming the file (and line) and what was wrong.
MemoryProfile read_memory_profile(const std::filesystem::path& path);
MemoryProfile parse_memory_profile(std::string_view text, const std::filesystem::path& path);

}  // namespace crashtwin
