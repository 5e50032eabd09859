#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::agent_rig;

TEST_CASE("boot gives every component a minimum slice and commits the layout", "[agent]") {
  Rig rig;
  const PartitionTable& t = rig.agent.partition_table();
  CHECK(t.slice_count == 6);
  CHECK(rig.agent.model_generation() == 1);
  for (uint32_t s = 0; s < t.slice_count; ++s) {
    CHECK(t.slices[s].size >= 256 * KiB);
    CHECK(t.slices[s].size < 1 * MiB);  // nobody is at risk yet
  }
  CHECK(validate_partition_table(t) == Status::ok);
  const PartitionTable c = rig.committed();
  CHECK(c.generation == t.generation);
  CHECK(c.slice_count == t.slice_count);
  CHECK(rig.agent.stats().reserved_bytes <= rig.config.budget_bytes);
  CHECK(rig.observer.ticks == 1);
}

TEST_CASE("rising corrected errors on one DIMM grow that DIMM's slice", "[agent]") {
  Rig rig;
  const uint64_t before = rig.slice(kDimm1).size;
  for (int k = 0; k < 6; ++k) rig.period(2);
  CHECK(rig.agent.probability(kDimm1) > 0.99f);
  CHECK(rig.agent.probability(kDimm0) < 0.05f);
  CHECK(rig.slice(kDimm1).size == 8 * MiB);
  CHECK(rig.slice(kDimm1).size > before);
  CHECK(rig.slice(kDimm0).size < 1 * MiB);
  CHECK(rig.committed().generation == rig.agent.partition_table().generation);
  CHECK(rig.agent.stats().repartitions >= 1);
  CHECK(rig.agent.stats().ticks == 7);
  CHECK(rig.observer.repartitions == static_cast<int>(rig.agent.stats().repartitions));
  CHECK(validate_partition_table(rig.agent.partition_table()) == Status::ok);
}

TEST_CASE("an error captures into the failed component's slice, commits and alerts", "[agent]") {
  Rig rig;
  const ErrorEvent event{kDimm1, ErrorType::memory_uncorrectable, rig.hal.now_ns(), 40 * MiB, 0};
  const Status s = rig.agent.handle_error(event);
  CHECK((s == Status::ok || s == Status::truncated));
  const SliceEntry& slice = rig.slice(kDimm1);
  CHECK(slice.used_bytes > 0);
  CHECK(slice.record_count == 1);
  CHECK((slice.flags & kSliceFlagHasRecords) != 0);
  const char cper[4] = {'C', 'P', 'E', 'R'};
  CHECK(std::memcmp(rig.hal.bytes(slice.base, 4).data(), cper, 4) == 0);
  uint32_t i = 0;
  const PartitionTable committed = rig.committed();
  REQUIRE(committed.find_slice(kDimm1, i) == Status::ok);
  CHECK(committed.slices[i].used_bytes == slice.used_bytes);
  REQUIRE(rig.hal.alerts().size() == 1);
  // The alert names the component, the error and the failure: the first of
  // this boot, whose record id the record carries.
  CHECK(rig.hal.alerts()[0] == encode_bmc_alert({event.component, event.type, 1}));
  CHECK(((rig.hal.alerts()[0] >> 24) & 0xFF) == static_cast<uint32_t>(ComponentClass::memory));
  BmcAlert alert;
  REQUIRE(decode_bmc_alert(rig.hal.alerts()[0], alert));
  CHECK(alert.component == event.component);
  CHECK(alert.failure_sequence == 1);
  CHECK(rig.agent.stats().captures == 1);
  CHECK(rig.observer.captures == 1);
  // Other slices hold nothing.
  CHECK(rig.slice(kDimm0).used_bytes == 0);
}

TEST_CASE("an error on an unknown component still alerts the BMC", "[agent]") {
  Rig rig;
  const ErrorEvent event{ComponentId{ComponentClass::disk, 7}, ErrorType::disk_timeout, 0, 0, 0};
  CHECK(rig.agent.handle_error(event) == Status::not_found);
  CHECK(rig.hal.alerts().size() == 1);
  CHECK(rig.agent.stats().failed_captures == 1);
}

TEST_CASE("repartition keeps untouched slices and their records in place", "[agent]") {
  Rig rig;
  REQUIRE(rig.agent.handle_error({kCore0, ErrorType::invalid_opcode, 0, 0, 0}) != Status::not_found);
  const SliceEntry core = rig.slice(kCore0);
  REQUIRE(core.used_bytes > 0);
  const std::vector<std::byte> records(rig.hal.bytes(core.base, core.used_bytes).begin(),
                                       rig.hal.bytes(core.base, core.used_bytes).end());
  const SliceEntry disk = rig.slice({ComponentClass::disk, 0});
  for (int k = 0; k < 6; ++k) rig.period(2);
  REQUIRE(rig.slice(kDimm1).size == 8 * MiB);
  // The core's slice did not change size, so it did not move, and its
  // records are byte for byte what the capture wrote.
  CHECK(rig.slice(kCore0).base == core.base);
  CHECK(rig.slice(kCore0).size == core.size);
  CHECK(rig.slice({ComponentClass::disk, 0}).base == disk.base);
  const auto now = rig.hal.bytes(core.base, core.used_bytes);
  CHECK(std::equal(now.begin(), now.end(), records.begin()));
}

TEST_CASE("a slice with records that must move takes its records along", "[agent]") {
  Rig rig;
  REQUIRE(rig.agent.handle_error({kDimm1, ErrorType::memory_uncorrectable, 0, 40 * MiB, 0}) != Status::not_found);
  const SliceEntry before = rig.slice(kDimm1);
  const std::vector<std::byte> records(rig.hal.bytes(before.base, before.used_bytes).begin(),
                                       rig.hal.bytes(before.base, before.used_bytes).end());
  for (int k = 0; k < 6; ++k) rig.period(2);
  const SliceEntry after = rig.slice(kDimm1);
  REQUIRE(after.size == 8 * MiB);
  CHECK(after.used_bytes == before.used_bytes);
  const auto now = rig.hal.bytes(after.base, after.used_bytes);
  CHECK(std::equal(now.begin(), now.end(), records.begin()));
  if (after.base != before.base) {
    CHECK(rig.agent.stats().bytes_moved >= before.used_bytes);
    CHECK(rig.observer.moved == rig.agent.stats().bytes_moved);
  }
}

TEST_CASE("a newer model takes effect on reload, older or broken ones do not", "[agent]") {
  Rig rig;
  rig.hal.set_model_blob(memory_model_blob(2, 0.0f));  // ignores corrected errors
  rig.agent.request_model_reload();
  rig.period(5);
  CHECK(rig.agent.model_generation() == 2);
  for (int k = 0; k < 4; ++k) rig.period(5);
  CHECK(rig.agent.probability(kDimm1) < 0.05f);

  rig.hal.set_model_blob(memory_model_blob(1, 1.0f));  // older
  rig.agent.request_model_reload();
  rig.period(5);
  CHECK(rig.agent.model_generation() == 2);

  auto broken = memory_model_blob(9, 1.0f);
  broken[40] ^= std::byte{0xFF};
  rig.hal.set_model_blob(broken);
  rig.agent.request_model_reload();
  rig.period(5);
  CHECK(rig.agent.model_generation() == 2);
  CHECK(rig.agent.stats().model_rejections == 1);
  CHECK(rig.hal.log_lines().back().second == "agent: failure model refused (corrupt); keeping the running one");

  // A blob of another feature set: refused, and the log line names both sets.
  FailureModel other;
  REQUIRE(parse_model(memory_model_blob(10, 1.0f), other) == Status::ok);
  other.feature_set_version = kFeatureSetVersion - 1;
  rig.hal.set_model_blob(model_blob(other));
  rig.agent.request_model_reload();
  rig.period(5);
  CHECK(rig.agent.model_generation() == 2);
  CHECK(rig.agent.stats().model_rejections == 2);
  CHECK(rig.hal.log_lines().back().first == LogLevel::warning);
  CHECK(rig.hal.log_lines().back().second ==
        "agent: failure model refused: trained on feature set " + std::to_string(kFeatureSetVersion - 1) +
            " but the firmware computes feature set " + std::to_string(kFeatureSetVersion));

  rig.hal.set_model_blob(memory_model_blob(3, 1.0f));
  rig.agent.request_model_reload();
  rig.period(5);
  CHECK(rig.agent.model_generation() == 3);
  CHECK(rig.agent.probability(kDimm1) > 0.99f);
  CHECK(rig.agent.stats().model_reloads == 3);
}

TEST_CASE("every policy drives the agent within the budget", "[agent]") {
  for (const char* name : policy_names()) {
    Rig rig(name, 6 * MiB);
    for (int k = 0; k < 5; ++k) rig.period(3);
    INFO(name);
    CHECK(rig.agent.stats().reserved_bytes <= 6 * MiB);
    CHECK(rig.agent.stats().policy_rejections == 0);
    CHECK(validate_partition_table(rig.agent.partition_table()) == Status::ok);
  }
}

TEST_CASE("init refuses configurations it cannot honour", "[agent]") {
  MemoryHal hal(8 * MiB);
  hal.set_component_count(ComponentClass::cpu, 1);
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  REQUIRE(make_policy("uniform", {}, storage, policy) == Status::ok);
  AgentConfig c;
  c.region_base = kRegionBase;
  c.region_size = kHeaderAreaBytes + 4 * MiB;
  c.budget_bytes = 8 * MiB;  // more than the region
  std::vector<std::byte> memory(1 << 22);
  Agent agent;
  CHECK(agent.init(c, hal, *policy, memory) == Status::invalid_argument);
  c.budget_bytes = 4 * MiB;
  CHECK(agent.init(c, hal, *policy, std::span(memory).first(100)) == Status::no_memory);
  CHECK(agent.tick() == Status::invalid_argument);  // never booted
  CHECK(agent.init(c, hal, *policy, memory) == Status::ok);
}

TEST_CASE("a late tick keeps the period's phase, a skipped boundary is a missed tick and a gap", "[agent][timers]") {
  Rig rig;
  rig.period(0);
  rig.period(0);
  rig.period(0);
  rig.period(0);
  const size_t before = rig.agent.window(kDimm1)->size();
  // 40 us late: not missed, and the next tick is due on the boundary.
  rig.hal.advance_ns(kPeriod + 40'000);
  REQUIRE(rig.agent.tick() == Status::ok);
  CHECK(rig.agent.stats().late_ticks == 1);
  CHECK(rig.agent.stats().tick_lateness_max_ns == 40'000);
  CHECK(rig.agent.stats().missed_ticks == 0);
  CHECK(rig.agent.next_tick_ns() == rig.hal.now_ns() - 40'000 + kPeriod);
  const MetricWindow& w = *rig.agent.window(kDimm1);
  CHECK_FALSE(w.is_gap(w.size() - 1));
  // The next boundary passes without a tick (the timer overran): the tick
  // after it counts the miss, and its interval is a gap, not a zero.
  rig.dimm1_errors += 50;
  rig.hal.set_metric(kDimm1, Metric::mem_corrected_errors, rig.dimm1_errors);
  rig.hal.advance_ns(2 * kPeriod - 40'000 + 10'000);
  REQUIRE(rig.agent.tick() == Status::ok);
  CHECK(rig.agent.stats().missed_ticks == 1);
  CHECK(rig.agent.window(kDimm1)->size() == before + 2);
  CHECK(w.is_gap(w.size() - 1));
  // What the counter gained across the gap is masked: no errors in the window.
  FeatureVector f;
  compute_features(w, f);
  CHECK(f.value[2] == 0.0f);  // corrected_errors_in_window
  CHECK(rig.agent.next_tick_ns() % kPeriod == 0);
  // A board without per-core timers: nothing read, no skew.
  CHECK(rig.agent.stats().tick_skew_max_ns == 0);
}

TEST_CASE("the agent's alarm follows its probabilities with the configured hysteresis", "[agent][alarm]") {
  // Independent recount: asserted from the first tick at the threshold (0.5,
  // the rig's model) until the probability has stayed below 0.25 for 2 ticks.
  Rig rig("proportional", 16 * MiB, true, [](AgentConfig& c) { c.alarm = AlarmConfig{0.5f, 2 * kPeriod}; });
  bool expected = false;
  uint64_t below_ticks = 0, assertions = 0, clears = 0;
  const auto step = [&](uint64_t errors) {
    rig.period(errors);
    const float p = rig.agent.probability(kDimm1);
    if (!expected && p >= 0.5f) expected = true, below_ticks = 0, ++assertions;
    else if (expected && p < 0.25f && ++below_ticks > 2) expected = false, ++clears;
    else if (expected && p >= 0.25f) below_ticks = 0;
    INFO("p " << p);
    CHECK(rig.agent.alarmed(kDimm1) == expected);
    CHECK_FALSE(rig.agent.alarmed(kDimm0));
  };
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 8; ++k) step(2);   // errors climb: p -> 1
    for (int k = 0; k < 30; ++k) step(0);  // the window empties: p -> 0.02
  }
  CHECK(assertions == 3);
  CHECK(clears == 3);
  CHECK(rig.agent.stats().alarms_asserted == 3);
  CHECK_FALSE(rig.agent.alarmed(ComponentId{ComponentClass::memory, 9}));  // no such DIMM
  // The BMC was told of each change once, in order, with the probability.
  const auto& told = rig.hal.predictive_failures();
  REQUIRE(told.size() == 6);
  for (size_t k = 0; k < told.size(); ++k) {
    CHECK(told[k].component == kDimm1);
    CHECK(told[k].asserted == (k % 2 == 0));
    CHECK((told[k].asserted ? told[k].probability_ppm >= 500'000 : told[k].probability_ppm < 250'000));
  }
  CHECK(rig.agent.stats().alarm_report_errors == 0);

  // A BMC that cannot be told is counted, and the alarm still holds.
  rig.hal.fail_alarm_reports(true);
  for (int k = 0; k < 8; ++k) step(2);
  CHECK(rig.agent.stats().alarm_report_errors == 1);
  rig.hal.fail_alarm_reports(false);

  // A reboot starts with every alarm clear (the rebooted firmware knows of
  // none to clear: the BMC learns of the reset from the board).
  REQUIRE(rig.agent.alarmed(kDimm1));
  REQUIRE(rig.agent.boot() == Status::ok);
  CHECK_FALSE(rig.agent.alarmed(kDimm1));
  CHECK(rig.hal.predictive_failures().size() == 6);
}

TEST_CASE("a class without a model never alarms and bad alarm settings are refused", "[agent][alarm]") {
  Rig rig;
  for (int k = 0; k < 8; ++k) rig.period(3);
  CHECK(rig.agent.alarmed(kDimm1));
  // The rig's model has a memory class only: a core's probability is 0 and
  // the (default 0.5) threshold of its empty class never applies.
  CHECK_FALSE(rig.agent.alarmed(kCore0));
  // A newer model without a memory class: the DIMM's alarm deasserts, and
  // the BMC is told.
  FailureModel cpu_only;
  REQUIRE(parse_model(memory_model_blob(2, 1.0f), cpu_only) == Status::ok);
  cpu_only.of(ComponentClass::cpu) = cpu_only.of(ComponentClass::memory);  // the same weights, on a core's features
  ClassModel& cpu = cpu_only.of(ComponentClass::cpu);
  cpu.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::cpu));
  for (size_t f = 0; f < cpu.feature_count; ++f) cpu.scale[f] = 1.0f;
  cpu_only.of(ComponentClass::memory) = ClassModel{};
  rig.hal.set_model_blob(model_blob(cpu_only));
  rig.agent.request_model_reload();
  rig.period(3);
  REQUIRE(rig.agent.model_generation() == 2);
  CHECK_FALSE(rig.agent.alarmed(kDimm1));
  REQUIRE(rig.hal.predictive_failures().size() == 2);
  CHECK(rig.hal.predictive_failures()[0].asserted);
  CHECK(rig.hal.predictive_failures()[1].component == kDimm1);
  CHECK_FALSE(rig.hal.predictive_failures()[1].asserted);
  Agent other;
  AgentConfig bad = rig.config;
  bad.alarm.clear_ratio = 0.0f;
  std::vector<std::byte> memory(rig.memory.size());
  CHECK(other.init(bad, rig.hal, *rig.policy, memory) == Status::invalid_argument);
}
