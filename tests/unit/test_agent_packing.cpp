// Regression: a policy that spends the whole budget must get every slice it
// asks for. The buddy aligns a run to its power of two, so equal shares that
// are not powers of two used to leave a tail after every slice; the last
// instances in table order (disks, NICs) found no run long enough and had no
// slice, so their failures were neither captured nor identified.
#include <catch2/catch.hpp>

#include <vector>

#include "platform/agent/agent.h"
#include "policies/partitioning/policies.h"
#include "tests/support/memory_hal.h"

using namespace crashtwin;

namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
constexpr uint64_t kRegionBase = 1 * MiB;
constexpr uint64_t kPeriod = 100'000'000;

// 4 cores, 4 DIMMs, one disk, one NIC (the library's default board), and a
// slice area only slightly larger than the budget.
struct FullBudgetRig {
  MemoryHal hal{64 * MiB};
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  AgentConfig config;
  std::vector<std::byte> memory;
  Agent agent;

  explicit FullBudgetRig(const char* policy_name, uint64_t budget = 25 * MiB + 512 * KiB) {
    ComponentCounts counts;
    counts.of[0] = 4, counts.of[1] = 4, counts.of[2] = 1, counts.of[3] = 1;
    for (size_t k = 0; k < kComponentClassCount; ++k) hal.set_component_count(static_cast<ComponentClass>(k), counts.of[k]);
    REQUIRE(make_policy(policy_name, {}, storage, policy) == Status::ok);
    config.allocation_frequency_ns = kPeriod;
    config.minimum_partition_size = 256 * KiB;
    config.maximum_partition_size = 8 * MiB;
    config.budget_bytes = budget;
    config.region_base = kRegionBase;
    config.region_size = kHeaderAreaBytes + 26 * MiB;
    config.dram_bytes = 16ull << 30;
    memory.resize(Agent::memory_bytes(config, counts));
    REQUIRE(agent.init(config, hal, *policy, memory) == Status::ok);
    REQUIRE(agent.boot() == Status::ok);
  }

  const SliceEntry* slice(ComponentId c) const {
    uint32_t i = 0;
    if (!ok(agent.partition_table().find_slice(c, i))) return nullptr;
    return &agent.partition_table().slices[i];
  }

  PartitionTable committed() {
    std::vector<std::byte> scratch(kHeaderAreaBytes);
    PartitionTable t;
    REQUIRE(read_partition_table(hal, kRegionBase, scratch, t) == Status::ok);
    return t;
  }
};

// Slices do not overlap and stay inside the slice area.
void check_disjoint(const PartitionTable& t, const AgentConfig& c) {
  const uint64_t area = c.region_base + kHeaderAreaBytes, end = c.region_base + c.region_size;
  for (uint32_t a = 0; a < t.slice_count; ++a) {
    CHECK(t.slices[a].base >= area);
    CHECK(t.slices[a].base + t.slices[a].size <= end);
    for (uint32_t b = a + 1; b < t.slice_count; ++b) {
      const bool apart = t.slices[a].base + t.slices[a].size <= t.slices[b].base ||
                         t.slices[b].base + t.slices[b].size <= t.slices[a].base;
      CHECK(apart);
    }
  }
}

}  // namespace

TEST_CASE("uniform shares of the whole budget give every instance its slice", "[agent][packing]") {
  FullBudgetRig rig("uniform");
  const uint64_t share = rig.config.budget_bytes / 10 / 4096 * 4096;  // 2.55 MiB: not a power of two
  for (size_t i = 0; i < rig.agent.instance_count(); ++i) {
    const ComponentId c = rig.agent.instance(i);
    INFO(to_string(c.cls) << " " << c.instance);
    const SliceEntry* s = rig.slice(c);
    REQUIRE(s != nullptr);
    CHECK(s->size >= share);
  }
  CHECK(rig.agent.stats().grow_failures == 0);
  CHECK(rig.agent.stats().reserved_bytes <= rig.config.budget_bytes);
  CHECK(rig.agent.stats().reserved_bytes >= rig.config.budget_bytes - 10 * 4096);
  check_disjoint(rig.agent.partition_table(), rig.config);
  CHECK(validate_partition_table(rig.agent.partition_table()) == Status::ok);
  // What the BMC would read is the same layout.
  const PartitionTable committed = rig.committed();
  CHECK(committed.slice_count == 10);
  CHECK(committed.generation == rig.agent.partition_table().generation);
  CHECK(rig.agent.buddy().audit() == Status::ok);
}

TEST_CASE("a disk and a NIC failure under uniform are captured into their slices", "[agent][packing]") {
  FullBudgetRig rig("uniform");
  const ComponentId disk{ComponentClass::disk, 0}, nic{ComponentClass::network, 0};
  const Status d = rig.agent.handle_error({disk, ErrorType::disk_timeout, rig.hal.now_ns(), 0, 0});
  const Status n = rig.agent.handle_error({nic, ErrorType::nic_fatal, rig.hal.now_ns(), 0, 0});
  CHECK((d == Status::ok || d == Status::truncated));
  CHECK((n == Status::ok || n == Status::truncated));
  REQUIRE(rig.slice(disk) != nullptr);
  REQUIRE(rig.slice(nic) != nullptr);
  CHECK(rig.slice(disk)->record_count == 1);
  CHECK(rig.slice(nic)->record_count == 1);
  CHECK(rig.agent.stats().failed_captures == 0);
}

TEST_CASE("packing never moves a slice that holds records", "[agent][packing]") {
  // Start at the minimum (no model: every prediction is 0), capture into
  // core 0, then spend almost the whole budget: the packed layout must leave
  // core 0's records where the committed table says they are.
  FullBudgetRig rig("proportional");
  const ComponentId core0{ComponentClass::cpu, 0};
  REQUIRE(rig.agent.handle_error({core0, ErrorType::machine_check, rig.hal.now_ns(), 40 * MiB, 0}) !=
          Status::not_found);
  const SliceEntry before = *rig.slice(core0);
  REQUIRE(before.used_bytes > 0);
  const std::vector<std::byte> records(rig.hal.bytes(before.base, before.used_bytes).begin(),
                                       rig.hal.bytes(before.base, before.used_bytes).end());
  std::vector<uint64_t> targets(rig.agent.instance_count(), 2 * MiB + 512 * KiB);
  targets[0] = before.size;
  REQUIRE(rig.agent.repartition(targets, rig.hal.now_ns()) == Status::ok);
  CHECK(rig.agent.stats().grow_failures == 0);
  CHECK(rig.slice(core0)->base == before.base);
  const auto now = rig.hal.bytes(before.base, before.used_bytes);
  CHECK(std::equal(now.begin(), now.end(), records.begin()));
  for (size_t i = 0; i < rig.agent.instance_count(); ++i) {
    const SliceEntry* s = rig.slice(rig.agent.instance(i));
    REQUIRE(s != nullptr);
    CHECK(s->size == targets[i]);
  }
  check_disjoint(rig.agent.partition_table(), rig.config);
  CHECK(rig.agent.buddy().audit() == Status::ok);
}
