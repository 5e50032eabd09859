// NUMA-aware slice placement: on a two-node board whose crash region
// straddles the node boundary, node_local puts every slice on its
// component's node while there is room there and counts the placements
// that had to go elsewhere; `any` leaves it to the allocator.
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::agent_rig;

namespace {

// The slice area starts at kRegionBase + kHeaderAreaBytes and is 24 MiB
// long; node 1 begins 12 MiB into it. cpu.1, memory.1 and network.0 sit on
// node 1, the rest on node 0.
constexpr uint64_t kBoundary = kRegionBase + kHeaderAreaBytes + 12 * MiB;

void two_nodes(AgentConfig& c) {
  c.numa.nodes = 2;
  c.numa.memory[0] = {0, kBoundary};
  c.numa.memory[1] = {kBoundary, 64 * MiB - kBoundary};
  c.numa.components[0] = {{ComponentClass::cpu, 1}, 1};
  c.numa.components[1] = {{ComponentClass::memory, 1}, 1};
  c.numa.components[2] = {{ComponentClass::network, 0}, 1};
  c.numa.component_count = 3;
}
void node_local(AgentConfig& c) {
  two_nodes(c);
  c.slice_placement = SlicePlacement::node_local;
}
void any_placement(AgentConfig& c) {
  two_nodes(c);
  c.slice_placement = SlicePlacement::any;
}

// Bytes of the table's slices not on their component's node.
uint64_t off_home_bytes(const Agent& agent) {
  const NumaLayout& numa = agent.config().numa;
  const PartitionTable& t = agent.partition_table();
  uint64_t off = 0;
  for (uint32_t s = 0; s < t.slice_count; ++s)
    off += t.slices[s].size - numa.bytes_on_node(t.slices[s].base, t.slices[s].size, numa.node_of(t.slices[s].component));
  return off;
}

}  // namespace

TEST_CASE("the NUMA layout answers nodes of addresses and components", "[agent][numa]") {
  AgentConfig c;
  two_nodes(c);
  const NumaLayout& n = c.numa;
  CHECK(n.valid());
  CHECK(n.node_at(0) == 0);
  CHECK(n.node_at(kBoundary - 1) == 0);
  CHECK(n.node_at(kBoundary) == 1);
  CHECK(n.node_at(64 * MiB) == kNoNumaNode);
  CHECK(n.node_of({ComponentClass::memory, 1}) == 1);
  CHECK(n.node_of({ComponentClass::memory, 0}) == 0);
  CHECK(n.bytes_on_node(kBoundary - 4096, 3 * 4096, 0) == 4096);
  CHECK(n.bytes_on_node(kBoundary - 4096, 3 * 4096, 1) == 2 * 4096);
  CHECK(n.bytes_on_node(kBoundary - 4096, 3 * 4096, 2) == 0);
  NumaLayout overlapping = n;
  overlapping.memory[1].base = kBoundary - 4096;
  CHECK_FALSE(overlapping.valid());
  NumaLayout bad_node = n;
  bad_node.components[0].node = 2;
  CHECK_FALSE(bad_node.valid());
  // The agent refuses a layout it cannot trust.
  MemoryHal hal{64 * MiB};
  hal.set_component_count(ComponentClass::cpu, 2);
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  REQUIRE(make_policy("uniform", {}, storage, policy) == Status::ok);
  AgentConfig config;
  config.region_base = kRegionBase;
  config.region_size = kHeaderAreaBytes + 24 * MiB;
  config.budget_bytes = 16 * MiB;
  config.numa = bad_node;
  ComponentCounts counts;
  counts.of[0] = 2;
  std::vector<std::byte> memory(Agent::memory_bytes(config, counts));
  Agent agent;
  CHECK(agent.init(config, hal, *policy, memory) == Status::invalid_argument);
}

TEST_CASE("node_local placement keeps every slice on its component's node while there is room", "[agent][numa]") {
  Rig rig("uniform", 16 * MiB, true, node_local);
  for (int p = 0; p < 20; ++p) rig.period(p % 3 == 0 ? 5 : 0);
  const PartitionTable& t = rig.agent.partition_table();
  REQUIRE(t.slice_count == 6);
  CHECK(off_home_bytes(rig.agent) == 0);
  CHECK(rig.agent.stats().node_local_placements >= 6);
  CHECK(rig.agent.stats().remote_placements == 0);
}

TEST_CASE("node_local placement falls back to the other node when its own is full, and counts it", "[agent][numa]") {
  // Four of the six components on node 1: uniform shares of 22 MiB are
  // 3.66 MiB, three fit node 1's 12 MiB part, the fourth cannot.
  Rig rig("uniform", 22 * MiB, true, [](AgentConfig& c) {
    node_local(c);
    c.numa.components[3] = {{ComponentClass::cpu, 0}, 1};
    c.numa.component_count = 4;
  });
  for (int p = 0; p < 10; ++p) rig.period(0);
  const PartitionTable& t = rig.agent.partition_table();
  REQUIRE(t.slice_count == 6);
  const uint64_t share = t.slices[0].size;
  for (uint32_t s = 0; s < t.slice_count; ++s) CHECK(t.slices[s].size == share);
  CHECK(off_home_bytes(rig.agent) == share);  // exactly one slice away from home
  CHECK(rig.agent.stats().remote_placements >= 1);
}

TEST_CASE("any placement ignores the nodes and counts no NUMA placements", "[agent][numa]") {
  Rig rig("uniform", 16 * MiB, true, any_placement);
  for (int p = 0; p < 20; ++p) rig.period(0);
  CHECK(rig.agent.stats().node_local_placements == 0);
  CHECK(rig.agent.stats().remote_placements == 0);
  // The buddy's order fills the area from its start: node 1's components
  // land on node 0 (the planted remote placement the analysis finds).
  CHECK(off_home_bytes(rig.agent) > 0);
}
