// A repartition of 64 slices (target <= 20 us): policy, layout planning,
// buddy work and the partition-table commit into an in-memory sink. Each
// iteration flips which half of the components runs hot, so half the slices
// grow and half shrink every time.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "platform/agent/agent.h"
#include "platform/predictor/predictor.h"
#include "policies/partitioning/policies.h"

using namespace crashtwin;

namespace {

constexpr uint32_t kPerClass = 16;
constexpr uint64_t MiB = 1ull << 20;

// Flat memory behind the region and metric registers computed on the fly:
// the cheapest Hal that still lets the agent do real commits.
class SinkHal final : public Hal {
 public:
  explicit SinkHal(uint64_t bytes) : memory_(bytes) {}
  bool hot_even = true;
  uint64_t now = 0;
  uint64_t now_ns() override { return now; }
  uint32_t component_count(ComponentClass) override { return kPerClass; }
  Status read_metric(ComponentId c, Metric m, uint64_t& v) override {
    const bool temperature = m == Metric::cpu_temperature || m == Metric::mem_temperature ||
                             m == Metric::disk_temperature || m == Metric::net_temperature;
    const bool hot = (c.instance % 2 == 0) == hot_even;
    v = temperature ? (hot ? 95'000 : 40'000) : now / 1000;
    return Status::ok;
  }
  Status read_state(ComponentId, StateKind, std::span<std::byte>, size_t& length) override {
    length = 0;
    return Status::not_found;
  }
  Status phys_read(uint64_t a, std::span<std::byte> out) override {
    std::memcpy(out.data(), memory_.data() + a, out.size());
    return Status::ok;
  }
  Status phys_write(uint64_t a, std::span<const std::byte> d) override {
    std::memcpy(memory_.data() + a, d.data(), d.size());
    return Status::ok;
  }
  void alert_bmc(uint64_t) override {}
  Status load_model_blob(std::span<std::byte> buffer, size_t& length) override {
    FailureModel m;
    m.feature_set_version = kFeatureSetVersion;
    m.generation = 1;
    m.horizon_ns = 1;
    for (size_t c = 0; c < kComponentClassCount; ++c) {
      const auto cls = static_cast<ComponentClass>(c);
      ClassModel& cm = m.classes[c];
      cm.kind = ModelKind::logistic;
      cm.feature_count = static_cast<uint8_t>(feature_count(cls));
      for (size_t f = 0; f < cm.feature_count; ++f) cm.scale[f] = 1.0f;
      const auto defs = feature_defs(cls);
      for (size_t f = 0; f < defs.size(); ++f)
        if (std::strcmp(defs[f].name, "temperature_c") == 0) cm.weight[f] = 0.1f;  // hot -> p 0.99, cool -> 0.5
      cm.bias = -5.0f;
    }
    return encode_model(m, buffer, length);
  }
  void log(LogLevel, const char*) override {}

 private:
  std::vector<std::byte> memory_;
};

// A booted agent over 64 instances (16 per class) with the proportional
// policy: 64 slices between 256 KiB and 2 MiB in a 64 MiB budget.
struct Rig {
  SinkHal hal{80 * MiB};
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  AgentConfig config;
  std::vector<std::byte> memory;
  Agent agent;
  bool ready = false;

  Rig() {
    make_policy("proportional", {}, storage, policy);
    config.minimum_partition_size = 256 * 1024;
    config.maximum_partition_size = 2 * MiB;
    config.budget_bytes = 64 * MiB;
    config.region_base = 4 * MiB;
    config.region_size = kHeaderAreaBytes + 72 * MiB;
    ComponentCounts counts;
    for (auto& n : counts.of) n = kPerClass;
    memory.resize(Agent::memory_bytes(config, counts));
    ready = ok(agent.init(config, hal, *policy, memory)) && ok(agent.boot());
  }
};

void BM_AgentTick64Slices(benchmark::State& state) {
  Rig rig;
  if (!rig.ready) {
    state.SkipWithError("agent init/boot failed");
    return;
  }
  SinkHal& hal = rig.hal;
  Agent& agent = rig.agent;
  for (auto _ : state) {
    hal.hot_even = !hal.hot_even;
    hal.now += rig.config.allocation_frequency_ns;
    benchmark::DoNotOptimize(agent.tick());
  }
  state.counters["repartitions_per_tick"] =
      static_cast<double>(agent.stats().repartitions) / static_cast<double>(agent.stats().ticks);
  state.counters["slices"] = agent.partition_table().slice_count;
}
BENCHMARK(BM_AgentTick64Slices);

// The repartition alone (target <= 20 us, docs/PERFORMANCE.md): the policy sizes 64
// slices from the agent's current layout, then the agent plans the layout,
// does the buddy work (shrinks, in-place grows, moves) and commits the
// partition table to the in-memory sink. No sampling, no inference. Half the
// components turn hot and half cool every iteration, so every slice changes.
void BM_Repartition64Slices(benchmark::State& state) {
  Rig rig;
  if (!rig.ready) {
    state.SkipWithError("agent init/boot failed");
    return;
  }
  Agent& agent = rig.agent;
  const size_t n = agent.instance_count();
  std::vector<SliceDemand> demands(n);
  std::vector<uint64_t> targets(n);
  PolicyInput input;
  input.slices = demands;
  input.budget_bytes = rig.config.budget_bytes;
  input.minimum_partition_size = rig.config.minimum_partition_size;
  input.maximum_partition_size = rig.config.maximum_partition_size;
  bool hot_even = true;
  uint64_t failures = 0;
  for (auto _ : state) {
    hot_even = !hot_even;
    input.now_ns += rig.config.allocation_frequency_ns;
    const PartitionTable& table = agent.partition_table();
    for (size_t i = 0; i < n; ++i) {
      const ComponentId id = agent.instance(i);
      uint32_t e = 0;
      const bool present = ok(table.find_slice(id, e));
      demands[i] = SliceDemand{id, (id.instance % 2 == 0) == hot_even ? 0.99f : 0.5f,
                               present ? table.slices[e].size : 0, present ? table.slices[e].used_bytes : 0};
    }
    if (!ok(rig.policy->target_sizes(input, targets)) || !ok(agent.repartition(targets, input.now_ns))) ++failures;
    benchmark::ClobberMemory();
  }
  const auto per_repartition = [&](uint64_t count) {
    return static_cast<double>(count) / static_cast<double>(agent.stats().repartitions);
  };
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["grow_failures_per_repartition"] = per_repartition(agent.stats().grow_failures);
  state.counters["slices_moved_per_repartition"] = per_repartition(agent.stats().slices_moved);
  state.counters["slices"] = agent.partition_table().slice_count;
}
BENCHMARK(BM_Repartition64Slices);

// The policy alone on 64 slices, to split the tick's cost.
void BM_ProportionalPolicy64(benchmark::State& state) {
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  make_policy("proportional", {}, storage, policy);
  std::vector<SliceDemand> slices(64);
  for (size_t i = 0; i < slices.size(); ++i)
    slices[i] = {ComponentId{static_cast<ComponentClass>(i / 16), static_cast<uint16_t>(i % 16)},
                 static_cast<float>(i % 7) / 7.0f, 1 * MiB, 0};
  PolicyInput in;
  in.slices = slices;
  in.budget_bytes = 48 * MiB;
  in.minimum_partition_size = 256 * 1024;
  in.maximum_partition_size = 2 * MiB;
  std::vector<uint64_t> sizes(64);
  for (auto _ : state) {
    benchmark::DoNotOptimize(policy->target_sizes(in, sizes));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ProportionalPolicy64);

}  // namespace

namespace {

// The partition-table commit alone (validate, encode, CRC, double-buffered
// write of a 64-slice table), to split the tick's cost.
void BM_Commit64Slices(benchmark::State& state) {
  SinkHal hal(8 * MiB);
  PartitionTable table;
  if (!ok(format_crash_region(hal, 0, kHeaderAreaBytes + 64 * MiB / 8, table))) {
    state.SkipWithError("format failed");
    return;
  }
  (void)hal;
  for (uint32_t i = 0; i < 64; ++i)
    table.slices[i] = SliceEntry{ComponentId{static_cast<ComponentClass>(i / 16), static_cast<uint16_t>(i % 16)},
                                 kHeaderAreaBytes + i * 64 * 1024, 64 * 1024, 0, 0, 0};
  table.slice_count = 64;
  for (auto _ : state) benchmark::DoNotOptimize(commit_partition_table(hal, table));
}
BENCHMARK(BM_Commit64Slices);

// A control line through the agent (parse, count, dispatch, status
// snapshot) with no observer: `status`, and `set allocation_frequency`
// alternating two periods.
void BM_AgentControl(benchmark::State& state) {
  Rig rig;
  if (!rig.ready) {
    state.SkipWithError("agent init/boot failed");
    return;
  }
  const bool set = state.range(0) != 0;
  const char* const lines[] = {"set allocation_frequency 100 ms", "set allocation_frequency 50 ms"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rig.agent.control(ControlSource::host, set ? lines[i] : "status"));
    i ^= 1;
  }
  state.SetLabel(set ? "set allocation_frequency" : "status");
}
BENCHMARK(BM_AgentControl)->Arg(0)->Arg(1);

}  // namespace
