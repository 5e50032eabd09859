#include "platform/agent/numa_layout.h"

namespace crashtwin {

const char* to_string(SlicePlacement placement) {
  switch (placement) {
    case SlicePlacement::any: return "any";
    case SlicePlacement::node_local: return "node_local";
  }
  return "?";
}

uint32_t NumaLayout::node_at(uint64_t address) const {
  if (nodes == 1 && memory[0].size == 0) return 0;  // no NUMA: everything is node 0
  for (uint32_t n = 0; n < nodes && n < kMaxNumaNodes; ++n)
    if (address >= memory[n].base && address - memory[n].base < memory[n].size) return n;
  return kNoNumaNode;
}

uint32_t NumaLayout::node_of(ComponentId component) const {
  for (uint32_t i = 0; i < component_count && i < sizeof components / sizeof components[0]; ++i)
    if (components[i].component == component) return components[i].node;
  return 0;
}

uint64_t NumaLayout::bytes_on_node(uint64_t base, uint64_t size, uint32_t node) const {
  if (node >= nodes || node >= kMaxNumaNodes || size == 0) return 0;
  const Range& r = memory[node];
  const uint64_t lo = base > r.base ? base : r.base;
  const uint64_t end = base + size, node_end = r.base + r.size;
  const uint64_t hi = end < node_end ? end : node_end;
  return hi > lo ? hi - lo : 0;
}

bool NumaLayout::valid() const {
  if (nodes == 0 || nodes > kMaxNumaNodes || component_count > sizeof components / sizeof components[0]) return false;
  if (nodes == 1) return true;  // no NUMA: the ranges are not used
  for (uint32_t n = 0; n < nodes; ++n) {
    if (memory[n].size == 0 || memory[n].base + memory[n].size < memory[n].base) return false;
    if (n > 0 && memory[n].base < memory[n - 1].base + memory[n - 1].size) return false;
  }
  for (uint32_t i = 0; i < component_count; ++i)
    if (components[i].node >= nodes) return false;
  return true;
}

}  // namespace crashtwin
