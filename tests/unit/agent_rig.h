// The agent on an in-memory board for unit tests (test_agent.cpp,
// test_agent_control.cpp): two cores, two DIMMs, a disk and a NIC, a memory
// model that reads corrected errors, an observer that counts.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "platform/agent/agent.h"
#include "policies/fixtures/test_fixtures.h"
#include "policies/partitioning/policies.h"
#include "tests/support/memory_hal.h"

namespace crashtwin::agent_rig {


constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
constexpr uint64_t kRegionBase = 1 * MiB;
constexpr uint64_t kPeriod = 100'000'000;
constexpr ComponentId kDimm0{ComponentClass::memory, 0};
constexpr ComponentId kDimm1{ComponentClass::memory, 1};
constexpr ComponentId kCore0{ComponentClass::cpu, 0};

// A model as the flash holds it.
inline std::vector<std::byte> model_blob(const FailureModel& m) {
  std::vector<std::byte> blob(kMaxModelBlobBytes);
  size_t length = 0;
  REQUIRE(encode_model(m, blob, length) == Status::ok);
  blob.resize(length);
  return blob;
}

// A memory model that reads corrected errors: p = sigmoid(weight * errors - 4).
inline std::vector<std::byte> memory_model_blob(uint32_t generation, float weight) {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  m.generation = generation;
  m.horizon_ns = 5'000'000'000;
  ClassModel& c = m.of(ComponentClass::memory);
  c.kind = ModelKind::logistic;
  c.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::memory));
  for (size_t f = 0; f < c.feature_count; ++f) c.scale[f] = 1.0f;
  c.weight[2] = weight;  // corrected_errors_in_window
  c.bias = -4.0f;
  return model_blob(m);
}

struct Counter final : AgentObserver {
  int ticks = 0, repartitions = 0, captures = 0;
  uint64_t moved = 0;
  void on_tick(const Agent&, uint64_t) override { ++ticks; }
  void on_repartition(const Agent&, const RepartitionReport& r) override {
    ++repartitions;
    moved += r.bytes_moved;
  }
  void on_capture(const Agent&, const ErrorEvent&, const CaptureResult&, Status) override { ++captures; }
  std::vector<std::pair<std::string, ControlResult>> controls;  // line, result
  void on_control(const Agent&, std::string_view line, const ControlResult& r) override {
    controls.emplace_back(std::string(line), r);
  }
};

struct Rig {
  MemoryHal hal{64 * MiB};
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  AgentConfig config;
  std::vector<std::byte> memory;
  Agent agent;
  Counter observer;
  uint64_t dimm1_errors = 0;

  // `configure` may change the configuration before init (NUMA, placement).
  explicit Rig(const char* policy_name = "proportional", uint64_t budget = 16 * MiB, bool boot = true,
               void (*configure)(AgentConfig&) = nullptr) {
    hal.set_component_count(ComponentClass::cpu, 2);
    hal.set_component_count(ComponentClass::memory, 2);
    hal.set_component_count(ComponentClass::disk, 1);
    hal.set_component_count(ComponentClass::network, 1);
    hal.set_model_blob(memory_model_blob(1, 1.0f));
    REQUIRE((make_policy(policy_name, {}, storage, policy) == Status::ok ||
             make_test_fixture_policy(policy_name, storage, policy) == Status::ok));
    config.allocation_frequency_ns = kPeriod;
    config.minimum_partition_size = 256 * KiB;
    config.maximum_partition_size = 8 * MiB;
    config.budget_bytes = budget;
    config.region_base = kRegionBase;
    config.region_size = kHeaderAreaBytes + 24 * MiB;
    config.dram_bytes = 16ull << 30;
    if (configure != nullptr) configure(config);
    ComponentCounts counts;
    counts.of[0] = 2, counts.of[1] = 2, counts.of[2] = 1, counts.of[3] = 1;
    memory.resize(Agent::memory_bytes(config, counts));
    REQUIRE(agent.init(config, hal, *policy, memory) == Status::ok);
    agent.set_observer(&observer);
    if (boot) REQUIRE(agent.boot() == Status::ok);
  }

  // One allocation period in which DIMM 1 reports `new_errors` more corrected errors.
  void period(uint64_t new_errors) {
    dimm1_errors += new_errors;
    hal.set_metric(kDimm1, Metric::mem_corrected_errors, dimm1_errors);
    hal.advance_ns(kPeriod);
    REQUIRE(agent.next_tick_ns() == hal.now_ns());
    REQUIRE(agent.tick() == Status::ok);
  }

  const SliceEntry& slice(ComponentId c) const {
    uint32_t i = 0;
    REQUIRE(agent.partition_table().find_slice(c, i) == Status::ok);
    return agent.partition_table().slices[i];
  }

  PartitionTable committed() {
    std::vector<std::byte> scratch(kHeaderAreaBytes);
    PartitionTable t;
    REQUIRE(read_partition_table(hal, kRegionBase, scratch, t) == Status::ok);
    return t;
  }
};


}  // namespace crashtwin::agent_rig
