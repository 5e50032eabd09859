// NUMA on the board: one memory node per CPU socket (no sub-NUMA
// clustering), the DRAM's DIMMs split evenly over the nodes in DIMM order
// (so each node owns one contiguous range of physical memory) and the cores
// split evenly over the sockets in core order. The router charges an access
// that crosses sockets (models/router/router.h) and counts the bytes that
// did; it learns a transaction's node from its initiator's home node, or
// from a NumaOrigin (the host CPU running a handler on another socket) or
// TrafficBurst (a core's traffic) extension.
#pragma once

#include <cstdint>

#include <tlm>

namespace crashtwin {

// Most nodes a board has (the DRAM's numa_nodes parameter's bound).
inline constexpr uint32_t kMaxBoardNumaNodes = 64;

// The node of `index` when `count` things are split evenly, in order, over
// `nodes` nodes (cores over sockets, DIMMs over memory nodes).
constexpr uint32_t even_split_node(uint64_t index, uint64_t count, uint64_t nodes) {
  return count == 0 || nodes == 0 ? 0 : static_cast<uint32_t>(index * nodes / count);
}

// The socket a transaction is issued from, when not its initiator's home.
struct NumaOrigin : tlm::tlm_extension<NumaOrigin> {
  uint32_t node = 0;

  tlm::tlm_extension_base* clone() const override {
    auto* copy = new NumaOrigin;
    copy->node = node;
    return copy;
  }
  void copy_from(const tlm::tlm_extension_base& other) override { node = static_cast<const NumaOrigin&>(other).node; }
};

// A memory split over NUMA nodes: the node of a target-local offset.
class NumaMemory {
 public:
  virtual uint32_t numa_nodes() const = 0;
  virtual uint32_t numa_node(uint64_t offset) const = 0;

 protected:
  ~NumaMemory() = default;
};

}  // namespace crashtwin
