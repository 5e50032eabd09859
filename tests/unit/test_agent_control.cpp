// The agent's control channel: each verb's effect on the agent, the BMC
// alert and the crash region, what the observer is told, and how refused
// lines are counted.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "platform/cper/record.h"
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::agent_rig;

namespace {

const ControlResult& last(const Rig& rig) {
  REQUIRE_FALSE(rig.observer.controls.empty());
  return rig.observer.controls.back().second;
}

}  // namespace

TEST_CASE("control dump captures into the component's slice and alerts the BMC", "[agent][control]") {
  Rig rig;
  rig.hal.advance_ns(5'000'000);
  ControlResult r;
  REQUIRE(rig.agent.control(ControlSource::bmc, "dump memory.1\n", r) == Status::ok);
  CHECK_FALSE(r.refused());
  CHECK(r.source == ControlSource::bmc);
  CHECK(r.command.verb == ControlVerb::dump);
  CHECK((r.status == Status::ok || r.status == Status::truncated));
  CHECK(r.dump_event.component == kDimm1);
  CHECK(r.dump_event.type == ErrorType::memory_uncorrectable);
  CHECK(r.dump_event.detail == kOperatorDumpDetail);
  CHECK(r.dump_event.time_ns == rig.hal.now_ns());
  CHECK(r.capture.captured_bytes > 0);

  // The record is in DIMM 1's slice, committed, and nowhere else.
  const SliceEntry& slice = rig.slice(kDimm1);
  CHECK(slice.record_count == 1);
  CHECK(slice.used_bytes == r.capture.record_bytes);
  const char cper[4] = {'C', 'P', 'E', 'R'};
  CHECK(std::memcmp(rig.hal.bytes(slice.base, 4).data(), cper, 4) == 0);
  // An operator's dump reports no error: the record is informational.
  cper::RecordView record;
  REQUIRE(record.parse(rig.hal.bytes(slice.base, slice.used_bytes)) == Status::ok);
  CHECK(record.header().severity == cper::Severity::informational);
  uint32_t i = 0;
  REQUIRE(rig.committed().find_slice(kDimm1, i) == Status::ok);
  CHECK(rig.committed().slices[i].used_bytes == slice.used_bytes);
  CHECK(rig.slice(kDimm0).used_bytes == 0);

  // The BMC is alerted with the dump's component, type and sequence.
  REQUIRE(rig.hal.alerts().size() == 1);
  CHECK(rig.hal.alerts()[0] == r.alert_code);
  BmcAlert alert;
  REQUIRE(decode_bmc_alert(r.alert_code, alert));
  CHECK(alert.component == kDimm1);
  CHECK(alert.failure_sequence == failure_sequence_of(r.capture.record_id));

  // A dump is no failure: the error observer is not told, the control one is.
  CHECK(rig.observer.captures == 0);
  REQUIRE(rig.observer.controls.size() == 1);
  CHECK(rig.observer.controls[0].first == "dump memory.1\n");
  CHECK(rig.agent.stats().captures == 1);
  CHECK(rig.agent.stats().control_executed == 1);
  CHECK(rig.agent.control_stats().accepted == 1);

  // The first record filled the small slice: a second dump runs, its capture
  // finds no room, and the BMC is still alerted, with the next sequence.
  REQUIRE(rig.slice(kDimm1).used_bytes == rig.slice(kDimm1).size);
  REQUIRE(rig.agent.control(ControlSource::host, "dump memory.1", r) == Status::ok);
  CHECK_FALSE(r.refused());
  CHECK(r.status == Status::no_memory);
  CHECK(rig.slice(kDimm1).record_count == 1);
  REQUIRE(rig.hal.alerts().size() == 2);
  CHECK(failure_sequence_of(r.capture.record_id) == alert.failure_sequence + 1);
  CHECK(rig.agent.stats().failed_captures == 1);
}

TEST_CASE("control dump of each class captures as the class's representative error", "[agent][control]") {
  Rig rig;
  const std::pair<const char*, ComponentId> cases[] = {{"dump cpu.1", {ComponentClass::cpu, 1}},
                                                       {"dump disk.0", {ComponentClass::disk, 0}},
                                                       {"dump network.0", {ComponentClass::network, 0}}};
  for (const auto& [line, component] : cases) {
    INFO(line);
    ControlResult r;
    REQUIRE(rig.agent.control(ControlSource::host, line, r) == Status::ok);
    CHECK(r.dump_event.type == dump_error_type(component.cls));
    CHECK(component_class_of(r.dump_event.type) == component.cls);
    CHECK(rig.slice(component).record_count == 1);
  }
  CHECK(rig.hal.alerts().size() == 3);
}

TEST_CASE("control dump of a component the board lacks is refused without an alert", "[agent][control]") {
  Rig rig;
  ControlResult r;
  CHECK(rig.agent.control(ControlSource::host, "dump disk.3", r) == Status::not_found);
  CHECK(r.refusal == ControlRefusal::no_such_component);
  CHECK(rig.hal.alerts().empty());
  CHECK(rig.agent.stats().control_refused == 1);
  CHECK(rig.agent.stats().control_refused_by[static_cast<size_t>(ControlRefusal::no_such_component)] == 1);
  CHECK(last(rig).refusal == ControlRefusal::no_such_component);
}

TEST_CASE("control status reports the agent's state and changes nothing", "[agent][control]") {
  Rig rig;
  rig.period(1);
  const PartitionTable before = rig.agent.partition_table();
  ControlResult r;
  REQUIRE(rig.agent.control(ControlSource::host, "status", r) == Status::ok);
  CHECK(r.command.verb == ControlVerb::status);
  CHECK(r.report.ticks == 2);
  CHECK(r.report.slices == before.slice_count);
  CHECK(r.report.reserved_bytes == rig.agent.stats().reserved_bytes);
  CHECK(r.report.allocation_frequency_ns == kPeriod);
  CHECK(r.report.budget_bytes == rig.config.budget_bytes);
  CHECK(r.report.model_generation == 1);
  CHECK(r.report.control_accepted == 1);
  CHECK(r.report.control_refused == 0);
  CHECK(rig.agent.partition_table().generation == before.generation);
  CHECK(rig.hal.alerts().empty());
}

TEST_CASE("control set allocation_frequency changes the period within bounds", "[agent][control]") {
  Rig rig;
  const uint64_t t0 = rig.hal.now_ns();
  REQUIRE(rig.agent.next_tick_ns() == t0 + kPeriod);
  ControlResult r;
  REQUIRE(rig.agent.control(ControlSource::host, "set allocation_frequency 20 ms", r) == Status::ok);
  CHECK(r.previous_allocation_frequency_ns == kPeriod);
  CHECK(rig.agent.config().allocation_frequency_ns == 20'000'000);
  // The tick already due comes forward to the new period.
  CHECK(rig.agent.next_tick_ns() == t0 + 20'000'000);
  rig.hal.advance_ns(20'000'000);
  REQUIRE(rig.agent.tick() == Status::ok);
  CHECK(rig.agent.next_tick_ns() == t0 + 40'000'000);
  // A longer period keeps the tick already due.
  REQUIRE(rig.agent.control(ControlSource::bmc, "set allocation_frequency 1 s", r) == Status::ok);
  CHECK(rig.agent.next_tick_ns() == t0 + 40'000'000);

  // Outside the scenario's own bounds: refused, the period kept.
  CHECK(rig.agent.control(ControlSource::host, "set allocation_frequency 999 us", r) == Status::out_of_range);
  CHECK(r.refusal == ControlRefusal::out_of_bounds);
  CHECK(rig.agent.control(ControlSource::host, "set allocation_frequency 2 h", r) == Status::out_of_range);
  CHECK(rig.agent.config().allocation_frequency_ns == 1'000'000'000);
  CHECK(rig.agent.control(ControlSource::host, "set allocation_frequency 1 ms", r) == Status::ok);
  CHECK(rig.agent.control(ControlSource::host, "set allocation_frequency 1 h", r) == Status::ok);
  CHECK(rig.agent.stats().control_refused_by[static_cast<size_t>(ControlRefusal::out_of_bounds)] == 2);
}

TEST_CASE("control release_region gives back a free range and shrinks the budget", "[agent][control]") {
  Rig rig;
  const uint64_t area = kRegionBase + kHeaderAreaBytes;
  const uint64_t end = kRegionBase + rig.config.region_size;
  // The top 4 MiB of the region: free or empty slices only.
  const uint64_t base = end - 4 * MiB;
  ControlResult r;
  REQUIRE(rig.agent.control(ControlSource::host, "release_region " + std::to_string(base) + " 4 MiB", r) ==
          Status::ok);
  CHECK_FALSE(r.refused());
  REQUIRE(rig.agent.released_ranges().size() == 1);
  CHECK(rig.agent.released_ranges()[0].base == base);
  CHECK(rig.agent.stats().released_bytes == 4 * MiB);
  CHECK(rig.agent.config().budget_bytes == 16 * MiB);  // 20 MiB of slice area left: the budget still fits
  // No slice is placed in the range afterwards, however the agent repartitions.
  for (int k = 0; k < 8; ++k) rig.period(3);
  const PartitionTable& t = rig.agent.partition_table();
  for (uint32_t s = 0; s < t.slice_count; ++s) {
    INFO("slice " << s);
    CHECK((t.slices[s].base + t.slices[s].size <= base || t.slices[s].base >= end));
    CHECK(t.slices[s].base >= area);
  }
  CHECK(validate_partition_table(t) == Status::ok);

  // Overlapping the released range, or more than what would leave any room.
  CHECK(rig.agent.control(ControlSource::host, "release_region " + std::to_string(base + 4096) + " 4096", r) ==
        Status::busy);
  CHECK(r.refusal == ControlRefusal::already_released);
  // A second release that leaves 4 MiB of slice area: the budget shrinks to it.
  REQUIRE(rig.agent.control(ControlSource::host, "release_region " + std::to_string(end - 20 * MiB) + " 16 MiB", r) ==
          Status::ok);
  CHECK(rig.agent.config().budget_bytes == 4 * MiB);
  CHECK(rig.agent.stats().released_bytes == 20 * MiB);
  for (int k = 0; k < 3; ++k) rig.period(3);
  for (uint32_t s = 0; s < t.slice_count; ++s) CHECK(t.slices[s].base + t.slices[s].size <= area + 4 * MiB);
  CHECK(rig.agent.stats().reserved_bytes <= 4 * MiB);
  CHECK(t.slice_count == 6);
}

TEST_CASE("control release_region refuses ranges it must not give back", "[agent][control]") {
  Rig rig;
  const uint64_t area = kRegionBase + kHeaderAreaBytes;
  const uint64_t end = kRegionBase + rig.config.region_size;
  ControlResult r;
  const auto release = [&](uint64_t base, uint64_t size) {
    return rig.agent.control(ControlSource::bmc,
                             "release_region " + std::to_string(base) + " " + std::to_string(size), r);
  };
  CHECK(release(end - 8192 + 1, 4096) == Status::invalid_argument);
  CHECK(r.refusal == ControlRefusal::not_page_aligned);
  CHECK(release(end - 8192, 100) == Status::invalid_argument);
  CHECK(r.refusal == ControlRefusal::not_page_aligned);
  CHECK(release(kRegionBase, 4096) == Status::out_of_range);  // the header area
  CHECK(r.refusal == ControlRefusal::not_in_region);
  CHECK(release(end - 4096, 8192) == Status::out_of_range);  // past the end
  CHECK(r.refusal == ControlRefusal::not_in_region);
  CHECK(release(area, end - area) == Status::out_of_range);
  CHECK(r.refusal == ControlRefusal::whole_region);

  // A slice holding records keeps its pages.
  REQUIRE(rig.agent.control(ControlSource::host, "dump memory.0", r) == Status::ok);
  const SliceEntry held = rig.slice(kDimm0);
  CHECK(release(held.base, 4096) == Status::busy);
  CHECK(r.refusal == ControlRefusal::holds_records);
  CHECK(rig.slice(kDimm0).base == held.base);
  CHECK(rig.agent.released_ranges().empty());

  // An empty slice there is dropped and placed elsewhere at the next tick.
  const SliceEntry empty = rig.slice(kDimm1);
  REQUIRE(empty.used_bytes == 0);
  REQUIRE(release(empty.base, 4096) == Status::ok);
  CHECK(r.slices_dropped == 1);
  uint32_t i = 0;
  CHECK(rig.agent.partition_table().find_slice(kDimm1, i) == Status::not_found);
  rig.period(0);
  CHECK(rig.slice(kDimm1).base != empty.base);

  CHECK(rig.agent.stats().control_refused == 6);
  CHECK(rig.agent.stats().control_executed == 2);
}

TEST_CASE("control release_region lasts until the next boot", "[agent][control]") {
  Rig rig;
  const uint64_t end = kRegionBase + rig.config.region_size;
  ControlResult r;
  REQUIRE(rig.agent.control(ControlSource::host, "release_region " + std::to_string(end - 12 * MiB) + " 12 MiB", r) ==
          Status::ok);
  CHECK(rig.agent.config().budget_bytes == 12 * MiB);
  REQUIRE(rig.agent.boot() == Status::ok);
  CHECK(rig.agent.released_ranges().empty());
  CHECK(rig.agent.config().budget_bytes == 16 * MiB);
}

TEST_CASE("control lines the parser refuses are counted by reason and run nothing", "[agent][control]") {
  Rig rig;
  const std::pair<std::string, ControlError> lines[] = {
      {"reboot", ControlError::unknown_command},
      {"dump memory.one", ControlError::bad_component},
      {"release_region 0xZZ 4096", ControlError::bad_number},
      {"set allocation_frequency fast", ControlError::bad_duration},
      {std::string(kMaxControlLineBytes + 1, 's'), ControlError::too_long},
      {"", ControlError::empty},
      {"unknown_verb", ControlError::unknown_command},
  };
  for (const auto& [line, error] : lines) {
    INFO(line);
    ControlResult r;
    CHECK(rig.agent.control(ControlSource::host, line, r) == Status::invalid_argument);
    CHECK(r.refusal == ControlRefusal::parse);
    CHECK(r.parse_error == error);
  }
  const ControlStats& c = rig.agent.control_stats();
  CHECK(c.accepted == 0);
  CHECK(c.refused == 7);
  CHECK(c.refused_by[static_cast<size_t>(ControlError::unknown_command)] == 2);
  CHECK(c.refused_by[static_cast<size_t>(ControlError::too_long)] == 1);
  CHECK(rig.agent.stats().control_refused == 7);
  CHECK(rig.agent.stats().control_refused_by[static_cast<size_t>(ControlRefusal::parse)] == 7);
  CHECK(rig.observer.controls.size() == 7);
  CHECK(rig.hal.alerts().empty());
  CHECK(rig.agent.stats().captures == 0);
}

TEST_CASE("control before boot is refused", "[agent][control]") {
  Rig rig("proportional", 16 * MiB, /*boot=*/false);
  ControlResult r;
  CHECK(rig.agent.control(ControlSource::host, "status", r) == Status::invalid_argument);
  CHECK(r.refusal == ControlRefusal::not_booted);
  CHECK(rig.hal.alerts().empty());
  CHECK(rig.agent.stats().control_refused == 1);
}
