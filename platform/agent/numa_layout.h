// What the firmware knows of the board's NUMA topology (the ACPI SRAT's
// memory ranges and the proximity domains of its devices) and how the agent
// uses it: with SlicePlacement::node_local a component's slice is placed in
// the crash region's part on the component's own node when there is room
// there (its records are then written by a handler on that socket without
// crossing the socket interconnect), anywhere else otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/core/types.h"

namespace crashtwin {

inline constexpr uint32_t kMaxNumaNodes = 8;
// Sentinel of NumaLayout::node_of: no node (or no preference).
inline constexpr uint32_t kNoNumaNode = UINT32_MAX;

enum class SlicePlacement : uint8_t {
  any,         // wherever the allocator finds room (node-oblivious)
  node_local,  // on the component's node first
};
const char* to_string(SlicePlacement placement);

struct NumaLayout {
  struct Range {
    uint64_t base = 0;  // physical
    uint64_t size = 0;
  };
  struct ComponentNode {
    ComponentId component{};
    uint8_t node = 0;
  };
  uint32_t nodes = 1;  // 1: no NUMA (memory[] may be left empty)
  Range memory[kMaxNumaNodes] = {};  // each node's physical memory
  // Every component whose node is not 0 (at most one entry per slice the
  // agent may keep); components not listed sit on node 0.
  ComponentNode components[128] = {};
  uint32_t component_count = 0;

  // Node of physical `address`; kNoNumaNode outside every node's memory.
  uint32_t node_at(uint64_t address) const;
  uint32_t node_of(ComponentId component) const;
  // Bytes of [base, base + size) that lie in `node`'s memory.
  uint64_t bytes_on_node(uint64_t base, uint64_t size, uint32_t node) const;
  // nodes in [1, kMaxNumaNodes]; with several nodes, ranges non-empty in
  // ascending order, not overlapping, and node entries < nodes.
  bool valid() const;
};

}  // namespace crashtwin
