// The live view without a terminal (scenarios/live/): the overview and
// memory snapshots filled from a real agent on an in-memory board, the
// frame's text, and what each key does. The board-backed tabs (cache,
// stacks, NUMA) and the terminal are tested through tmux (live_tmux.sh).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "scenarios/live/live_snapshot.h"
#include "scenarios/live/live_text.h"
#include "scenarios/runner/memory_recorder.h"
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::live;
using namespace crashtwin::agent_rig;

// libsystemc's main() needs an sc_main to link (the runner library brings
// it in); Catch2's main runs instead and nothing elaborates.
extern "C" int sc_main(int, char*[]) { return 0; }

namespace {

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

// The snapshot of the rig's agent after DIMM 1's corrected errors rose.
LiveSnapshot rising_dimm_snapshot(Rig& rig) {
  for (int k = 0; k < 6; ++k) rig.period(2);
  LiveSnapshot s;
  s.progress.scenario = "unit";
  s.progress.policy = "proportional";
  s.progress.strategy = "predictive-bmc";
  s.progress.seed = 7;
  s.progress.sim_ns = rig.hal.now_ns();
  s.progress.duration_ns = 2 * rig.hal.now_ns();
  s.progress.wall_s = 0.5;
  fill_overview(rig.agent, s.overview);
  fill_memory(rig.agent, rig.hal.now_ns(), s.memory);
  s.events.push_back({rig.hal.now_ns(), "error raised: memory_uncorrectable on memory.1"});
  return s;
}

}  // namespace

TEST_CASE("the overview snapshot is the agent's slices and probabilities", "[live]") {
  Rig rig;
  const LiveSnapshot s = rising_dimm_snapshot(rig);
  const OverviewTab& o = s.overview;
  REQUIRE(o.components.size() == rig.agent.instance_count());
  CHECK(o.components[0].component == "cpu.0");
  for (size_t i = 0; i < o.components.size(); ++i) {
    const SliceRow& row = o.components[i];
    CHECK(row.probability == Approx(rig.agent.probability(rig.agent.instance(i))));
    REQUIRE(row.has_slice);
    CHECK(row.size == rig.slice(rig.agent.instance(i)).size);
  }
  const auto dimm1 = std::find_if(o.components.begin(), o.components.end(),
                                  [](const SliceRow& r) { return r.component == "memory.1"; });
  REQUIRE(dimm1 != o.components.end());
  CHECK(dimm1->probability > 0.99);
  CHECK(dimm1->alarmed);
  for (const SliceRow& row : o.components) CHECK(row.alarmed == (row.component == "memory.1"));
  CHECK(dimm1->size == 8 * MiB);
  CHECK(o.reserved_bytes == rig.agent.stats().reserved_bytes);
  CHECK(o.budget_bytes == rig.config.budget_bytes);
  CHECK(o.ticks == 7);
  CHECK(o.model_generation == 1);
}

TEST_CASE("the memory snapshot is the allocator's state and the analysis's health formula", "[live]") {
  Rig rig;
  const LiveSnapshot s = rising_dimm_snapshot(rig);
  const MemoryTab& m = s.memory;
  CHECK(m.region_bytes == rig.agent.buddy().page_count() * 4096);
  CHECK(m.sample.allocated_bytes + m.sample.free_bytes == m.region_bytes);
  CHECK(m.sample.allocated_bytes >= rig.agent.stats().reserved_bytes);
  CHECK(m.sample.allocations == rig.agent.buddy().allocation_count());
  const MemoryFragmentationPoint expected = fragmentation_point(scenario::memory_sample_of(rig.agent, 0), m.region_bytes);
  CHECK(m.health.health == Approx(expected.health));
  CHECK((m.health.health >= 0 && m.health.health <= 100));
  uint64_t free_bytes = 0;
  for (size_t k = 0; k < m.free_blocks_per_order.size(); ++k) free_bytes += m.free_blocks_per_order[k] * (4096ull << k);
  CHECK(free_bytes == m.sample.free_bytes);
  REQUIRE(!m.callers.empty());
  uint64_t allocs = 0;
  for (const CallerRow& c : m.callers) allocs += c.allocs;
  CHECK(allocs > 0);
  CHECK(m.events_recorded == rig.agent.alloc_trace().written());
}

TEST_CASE("a frame fits the terminal and shows the run, the tab and its values", "[live]") {
  Rig rig;
  LiveSnapshot s = rising_dimm_snapshot(rig);
  const std::vector<std::string> lines = render_frame(s, Tab::overview, 100, 30);
  REQUIRE(lines.size() == 30);
  for (const std::string& l : lines) CHECK(l.size() <= 100);
  CHECK(lines[0].find("unit") != std::string::npos);
  CHECK(lines[0].find("proportional") != std::string::npos);
  CHECK(lines[1].find("running") != std::string::npos);
  CHECK(lines[1].find("50.0 %") != std::string::npos);  // half the duration
  CHECK(lines[2].find("[1 Overview]") != std::string::npos);
  CHECK(contains(lines, "memory.1"));
  CHECK(contains(lines, "8.00 MiB"));  // its slice
  // The alarmed DIMM's row says so, and only its row.
  size_t alarm_rows = 0;
  for (const std::string& l : lines) alarm_rows += l.find("ALARM") != std::string::npos;
  CHECK(alarm_rows == 1);
  CHECK(contains(lines, "memory.1"));
  CHECK(contains(lines, "error raised: memory_uncorrectable on memory.1"));
  CHECK(lines.back().find("q stops the run") != std::string::npos);

  const std::vector<std::string> memory = render_frame(s, Tab::memory, 120, 40);
  CHECK(memory[2].find("[2 Memory]") != std::string::npos);
  CHECK(contains(memory, "health "));
  CHECK(contains(memory, "free blocks per order"));

  s.progress.state = RunState::finished;
  s.progress.outcome = "finished: passed -> results/unit";
  const std::vector<std::string> done = render_frame(s, Tab::overview, 100, 30);
  CHECK(done[1].find("finished") != std::string::npos);
  CHECK(done[done.size() - 2] == "finished: passed -> results/unit");
  CHECK(done.back().find("q quits") != std::string::npos);

  // A terminal too small for the tab keeps the header and the keys.
  const std::vector<std::string> tiny = render_frame(s, Tab::overview, 20, 6);
  REQUIRE(tiny.size() == 6);
  CHECK(tiny.back().find("keys") == 0);
}

TEST_CASE("the overview keeps the slices and the newest events when the events overflow", "[live]") {
  Rig rig;
  LiveSnapshot s = rising_dimm_snapshot(rig);
  for (uint64_t i = 0; i < 100; ++i) s.events.push_back({i, "event " + std::to_string(i)});
  const std::vector<std::string> lines = render_frame(s, Tab::overview, 100, 24);
  CHECK(contains(lines, "memory.1"));
  CHECK(contains(lines, "event 99"));
  CHECK(!contains(lines, "event 0"));
}

TEST_CASE("a run of the same event is one line with its count and first time", "[live]") {
  Rig rig;
  LiveSnapshot s = rising_dimm_snapshot(rig);
  s.events = {{3'000'000'000, "firmware warning: sensor read failed", 4, 1'500'000'000}};
  CHECK(contains(render_tab(s, Tab::overview), "3.000 s  firmware warning: sensor read failed  (x4 since 1.500 s)"));
}

TEST_CASE("keys switch tabs: digits, Tab and the arrows, wrapping around", "[live]") {
  CHECK(after_key(Tab::overview, Key::tab_3) == Tab::cache);
  CHECK(after_key(Tab::cache, Key::tab_5) == Tab::numa);
  CHECK(after_key(Tab::numa, Key::next_tab) == Tab::overview);
  CHECK(after_key(Tab::overview, Key::previous_tab) == Tab::numa);
  CHECK(after_key(Tab::memory, Key::next_tab) == Tab::cache);
  CHECK(after_key(Tab::stacks, Key::other) == Tab::stacks);
  CHECK(after_key(Tab::stacks, Key::quit) == Tab::stacks);
  CHECK(std::string(tab_title(Tab::numa)) == "NUMA");
}

TEST_CASE("amounts read as a person writes them", "[live]") {
  CHECK(bytes_text(1023) == "1023 B");
  CHECK(bytes_text(8 * MiB) == "8.00 MiB");
  CHECK(bytes_text(24 * MiB) == "24.0 MiB");
  CHECK(bytes_text(1.5 * 1024 * MiB) == "1.50 GiB");
  CHECK(bytes_text(-1) == "0 B");
  CHECK(rate_text(2e9) == "2.00 GB/s");
  CHECK(rate_text(500e6) == "500.00 MB/s");
  CHECK(rate_text(12) == "12 B/s");
  CHECK(seconds_text(12'300'000'000) == "12.300 s");
}
