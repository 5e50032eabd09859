// memory_profile.json and the analyses of `crashtwin analyze` on a profile
// with known ground truth: a planted burst, spike and leak, a false
// positive the ownership map clears, fragmentation figures by hand. The
// profile's reader round-trips what the writer writes and rejects
// corruption with a message naming the file, never a crash.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/memory_analysis.h"
#include "traces/memory_profile.h"

using namespace crashtwin;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kWindow = 10'000'000;  // 10 ms ticks

MemoryEvent event(uint64_t window, const char* op, const char* owner, uint64_t address, uint64_t pages) {
  return MemoryEvent{window * kWindow + 1, op, "slice", owner, address, pages, pages, pages * kPage};
}

// 1 s of 10 ms windows over a 4 MiB region:
//  - steady: every 10th window one slice of cpu.0 replaced (2 events);
//  - a burst: windows 40-49, 8 resizes each; a spike: window 70, 6 events;
//  - a leak: memory.1's block at 0x10000 replaced at window 6 but never freed;
//  - nic.0's older block at 0x50000 still held by a released range (a
//    false positive of the event replay).
MemoryProfile planted() {
  MemoryProfile p;
  p.region_pages = 1024;
  p.minimum_slice_bytes = 16 * kPage;
  p.tick_period_ns = kWindow;
  p.duration_ns = 100 * kWindow;
  p.ring_capacity = 1024;
  uint64_t cpu_block = 0x100000;
  p.events.push_back(event(0, "alloc", "cpu.0", cpu_block, 16));
  for (uint64_t w = 0; w < 100; ++w) {
    if (w % 10 == 0 && w > 0) {
      p.events.push_back(event(w, "free", "cpu.0", cpu_block, 16));
      cpu_block += 16 * kPage;
      p.events.push_back(event(w, "alloc", "cpu.0", cpu_block, 16));
    }
    if (w == 5) p.events.push_back(event(w, "alloc", "memory.1", 0x10000, 32));
    if (w == 6) p.events.push_back(event(w, "alloc", "memory.1", 0x30000, 16));
    if (w == 7) p.events.push_back(event(w, "alloc", "nic.0", 0x50000, 16));
    if (w == 8) p.events.push_back(event(w, "alloc", "nic.0", 0x70000, 16));
    if (w >= 40 && w < 50)
      for (int k = 0; k < 8; ++k) p.events.push_back(event(w, k % 2 ? "shrink" : "grow", "disk.0", 0x90000, 1));
    if (w == 70)
      for (int k = 0; k < 6; ++k) p.events.push_back(event(w, k % 2 ? "free" : "alloc", "", 0xA0000, 1));
  }
  p.samples.push_back(MemorySample{0, 100 * kPage, 924 * kPage, 512 * kPage, 3, 100 * kPage, 100 * kPage, 4});
  p.samples.push_back(MemorySample{500'000'000, 200 * kPage, 824 * kPage, 512 * kPage, 5, 200 * kPage, 200 * kPage, 6});
  // The end: 400 pages free, the largest block 256; owners asked for 90 of their 100 pages.
  p.samples.push_back(MemorySample{1'000'000'000, 200 * kPage, 400 * kPage, 256 * kPage, 9, 100 * kPage, 90 * kPage, 6});
  p.free_blocks_per_order = {3, 2, 0, 0, 1, 0, 0, 0, 1};  // orders 0 and 1 hold blocks below a slice (16 pages)
  p.live = {
      {0x10000, 32, "run", "none", "", 0, 0, 0},
      {0x30000, 16, "run", "slice", "memory.1", 16 * kPage, 0, 0},
      {0x50000, 16, "reserved", "released", "", 16 * kPage, 0, 0},
      {0x70000, 16, "run", "slice", "nic.0", 16 * kPage, 0, 0},
      {cpu_block, 16, "run", "slice", "cpu.0", 16 * kPage, 4096, 1},
  };
  return p;
}

// `text` written at `path` is refused with a message naming the file and `what`.
void expect_rejected(const fs::path& path, const std::string& text, const std::string& what) {
  write_file_atomically(path, text);
  try {
    (void)read_memory_profile(path);
    FAIL("accepted: " << what);
  } catch (const format_error& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(path.string()) != std::string::npos);
    CHECK(std::string(e.what()).find(what) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("memory analysis finds the planted burst, spike and leak, and clears the false positive",
          "[traces][memory]") {
  const MemoryAnalysis a = analyze_memory(planted());
  CHECK(a.window_ns == kWindow);
  REQUIRE(a.window_events.size() == 100);
  CHECK(a.window_median == 0);
  CHECK(a.hot_threshold == 2);
  CHECK(a.pattern == "bursty");
  REQUIRE(a.episodes.size() == 2);
  CHECK(a.episodes[0].kind == "burst");
  CHECK(a.episodes[0].start_ns == 40 * kWindow);
  CHECK(a.episodes[0].end_ns == 50 * kWindow);
  CHECK(a.episodes[0].events == 82);  // with the steady replacement in window 40
  CHECK(a.episodes[1].kind == "spike");
  CHECK(a.episodes[1].start_ns == 70 * kWindow);
  CHECK(a.episodes[1].end_ns == 71 * kWindow);
  CHECK((a.bursts == 1 && a.spikes == 1));

  CHECK(a.direct_leaks == 1);
  CHECK(a.direct_leak_bytes == 32 * kPage);
  REQUIRE(!a.leaks.empty());
  CHECK(a.leaks[0].kind == "direct");
  CHECK(a.leaks[0].last_owner == "memory.1");
  CHECK(a.leaks[0].allocated_ns == 5 * kWindow + 1);
  CHECK(a.leak_candidates == 2);  // memory.1's and nic.0's replaced blocks
  CHECK(a.false_positives == 1);  // nic.0's: the released-range list holds it
  CHECK(a.missed_by_replay == 0);
  CHECK((a.indirect_leaks == 0 && a.resource_leaks == 0));
  CHECK(a.fragmentation_holes == 5);
  CHECK(a.fragmentation_hole_bytes == (3 + 2 * 2) * kPage);

  // Hotspots: disk.0's burst is 40 of the grows; slice is the only caller.
  REQUIRE(a.callers.size() == 1);
  CHECK(a.callers[0].name == "slice");
  REQUIRE(!a.owners.empty());
  CHECK(a.owners[0].name == "disk.0");
  CHECK(a.owners[0].allocations == 40);

  // Pressure 100 -> 200 -> 200 pages of 1024; the least-squares slope is
  // 100 pages per second: growing.
  CHECK(a.pressure_peak == Approx(200.0 / 1024));
  CHECK(a.pressure_mean == Approx(150.0 / 1024));
  CHECK(a.trend == "growing");
  CHECK(a.trend_bytes_per_s == Approx(100.0 * kPage));

  // The end: external 1 - 256/400, internal 1 - 90/100.
  CHECK(a.external_final == Approx(0.36));
  CHECK(a.internal_final == Approx(0.1));
  CHECK(a.health_final == Approx(100 * 0.64 * 0.9));
  CHECK(a.compaction_gain_final_bytes == 144 * kPage);
  CHECK(a.health_min == Approx(100.0 * 512 / 924));  // the first sample's
}

TEST_CASE("memory analysis of a quiet run is steady and flat, with no leak", "[traces][memory]") {
  MemoryProfile p;
  p.region_pages = 256;
  p.minimum_slice_bytes = kPage;
  p.tick_period_ns = kWindow;
  p.duration_ns = 50 * kWindow;
  p.events.push_back(event(0, "alloc", "cpu.0", 0, 4));
  p.samples.push_back(MemorySample{0, 4 * kPage, 252 * kPage, 128 * kPage, 3, 4 * kPage, 4 * kPage, 1});
  p.live = {{0, 4, "run", "slice", "cpu.0", 4 * kPage, 0, 0}};
  const MemoryAnalysis a = analyze_memory(p);
  CHECK(a.pattern == "steady");
  CHECK(a.episodes.empty());
  CHECK(a.trend == "flat");
  CHECK(a.direct_leaks == 0);
  CHECK(a.leaks.empty());
  CHECK(a.allocations == 1);
  CHECK(a.allocations_per_s == Approx(2.0));
  REQUIRE(a.sizes.size() == 1);
  CHECK((a.sizes[0].min_bytes == 4 * kPage && a.sizes[0].max_bytes == 7 * kPage));
  // analysis.json and the charts are the same bytes for the same profile.
  CHECK(memory_analysis_json(a) == memory_analysis_json(analyze_memory(p)));
  CHECK(allocation_rate_svg(a).find("<svg") != std::string::npos);
  CHECK(fragmentation_health_svg(a).find("<svg") != std::string::npos);
}

TEST_CASE("memory_profile.json reads back what was written", "[traces][memory][property]") {
  const fs::path dir = test::scratch_dir("memory_profile");
  uint64_t state = 18;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const char* ops[] = {"alloc", "free", "grow", "shrink"};
  const char* callers[] = {"unknown", "boot", "slice", "pack", "move", "release"};
  for (int trial = 0; trial < 50; ++trial) {
    MemoryProfile p;
    p.region_pages = next() % 100000;
    p.minimum_slice_bytes = next();
    p.tick_period_ns = next();
    p.duration_ns = next();
    p.ring_capacity = next() % 5000;
    p.events_lost = next() % 3;
    p.callers.push_back({callers[next() % 6], next(), next(), next(), next()});
    uint64_t t = 0;
    for (uint64_t i = next() % 40; i > 0; --i) {
      t += next() % 1000;
      p.events.push_back({t, ops[next() % 4], callers[next() % 6], next() % 2 ? "cpu.1" : "", next(), next(), next(), next()});
    }
    t = 0;
    for (uint64_t i = next() % 10; i > 0; --i) {
      t += next() % 1000;
      const uint64_t free = next();
      p.samples.push_back({t, next(), free, free / 2, next(), next(), next(), next()});
    }
    for (uint64_t i = next() % 12; i > 0; --i) p.free_blocks_per_order.push_back(next());
    for (uint64_t i = next() % 5; i > 0; --i) p.live.push_back({next(), next(), "run", "slice", "disk.0", next(), next(), next()});
    const std::string text = memory_profile_json(p);
    write_memory_profile(p, dir / "memory_profile.json");
    const MemoryProfile back = read_memory_profile(dir / "memory_profile.json");
    CHECK(memory_profile_json(back) == text);
  }
}

TEST_CASE("random corruption of memory_profile.json never crashes the reader", "[traces][memory][property]") {
  const fs::path path = test::scratch_dir("memory_profile_corrupt") / "memory_profile.json";
  const std::string pristine = memory_profile_json(planted());
  uint64_t state = 0x18;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const char alphabet[] = "{}[],:\"\n\\0123456789.-eE xtrufalsn";
  size_t rejected = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string text = pristine;
    switch (next() % 3) {
      case 0: text.resize(next() % (text.size() + 1)); break;
      case 1:
        for (int k = 0; k < 1 + static_cast<int>(next() % 8); ++k) text[next() % text.size()] = alphabet[next() % (sizeof alphabet - 1)];
        break;
      default: text.erase(next() % text.size(), next() % 64);
    }
    write_file_atomically(path, text);
    try {
      (void)analyze_memory(read_memory_profile(path));
    } catch (const format_error& e) {
      ++rejected;
      REQUIRE(std::string(e.what()).find("memory_profile.json") != std::string::npos);
    }
  }
  CHECK(rejected > 100);
}

TEST_CASE("memory_profile.json errors name the file and what is wrong", "[traces][memory]") {
  const fs::path path = test::scratch_dir("memory_profile_bad") / "memory_profile.json";
  std::string text = memory_profile_json(planted());
  auto rejects = [&](const std::string& bad, const std::string& what) { expect_rejected(path, bad, what); };
  std::string v2 = text;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  rejects(v2, "version 2 is not supported");
  std::string op = text;
  op.replace(op.find("\"grow\""), 6, "\"bump\"");
  rejects(op, "unknown op \"bump\"");
  rejects("{\"version\": 1", "invalid JSON");
  CHECK_THROWS_AS(read_memory_profile(path.parent_path() / "absent.json"), io_error);
}

namespace {

// A two-node board: node 0 owns [0, 1 GiB), node 1 [1 GiB, 2 GiB); the
// region's slice area straddles the boundary. cpu.4 and disk.0 sit on
// node 1 (listed), memory.0 and nic.0 on node 0 (unlisted: node 0).
// Planted: cpu.4's slice entirely on node 0 (remote, 64 KiB off home),
// disk.0's slice across the boundary (16 KiB of its 64 KiB on node 0),
// memory.0 and nic.0 at home; over the run one grow of memory.0 whose new
// pages start on node 1 (a remote placement) besides three home ones.
MemoryProfile planted_numa() {
  constexpr uint64_t kBoundary = 1ull << 30;
  MemoryProfile p;
  p.region_pages = 1024;
  p.minimum_slice_bytes = 16 * kPage;
  p.tick_period_ns = kWindow;
  p.duration_ns = 10 * kWindow;
  p.numa.slice_placement = "any";
  p.numa.nodes = {{0, 0, kBoundary}, {1, kBoundary, kBoundary}};
  p.numa.components = {{"cpu.4", 1}, {"disk.0", 1}};
  const uint64_t cpu4 = kBoundary - 64 * kPage, disk0 = kBoundary - 4 * kPage, mem0 = kBoundary - 128 * kPage,
                 nic0 = kBoundary - 96 * kPage;
  p.events = {
      {1, "alloc", "slice", "memory.0", mem0, 16, 16, 16 * kPage},
      {2, "alloc", "slice", "nic.0", nic0, 16, 16, 16 * kPage},
      {3, "alloc", "slice", "cpu.4", cpu4, 16, 16, 16 * kPage},    // remote
      {4, "alloc", "slice", "disk.0", disk0, 16, 16, 16 * kPage},  // starts on node 0: remote
      {5, "grow", "slice", "memory.0", kBoundary + 64 * kPage, 32, 16, 32 * kPage},  // new pages on node 1: remote
      {6, "alloc", "slice", "nic.0", nic0 + 16 * kPage, 4, 4, 4 * kPage},
  };
  p.samples.push_back(MemorySample{0, 64 * kPage, 960 * kPage, 512 * kPage, 3, 64 * kPage, 64 * kPage, 4});
  p.live = {
      {mem0, 16, "run", "slice", "memory.0", 16 * kPage, 0, 0},
      {nic0, 16, "run", "slice", "nic.0", 16 * kPage, 0, 0},
      {cpu4, 16, "run", "slice", "cpu.4", 16 * kPage, 0, 0},
      {disk0, 16, "run", "slice", "disk.0", 16 * kPage, 0, 0},
  };
  return p;
}

}  // namespace

TEST_CASE("memory analysis finds the planted remote-node placements", "[traces][memory][numa]") {
  const MemoryAnalysis a = analyze_memory(planted_numa());
  REQUIRE(a.numa_nodes == 2);
  CHECK(a.slice_placement == "any");
  // Node 0: memory.0, nic.0, cpu.4 (16 pages each) and 4 pages of disk.0.
  REQUIRE(a.numa_use.size() == 2);
  CHECK(a.numa_use[0].slice_bytes == (3 * 16 + 4) * kPage);
  CHECK(a.numa_use[0].slices == 4);
  CHECK(a.numa_use[1].slice_bytes == 12 * kPage);
  CHECK(a.numa_use[1].slices == 0);
  REQUIRE(a.remote_slices.size() == 2);
  CHECK(a.remote_slices[0].component == "cpu.4");
  CHECK(a.remote_slices[0].node == 0);
  CHECK(a.remote_slices[0].home_node == 1);
  CHECK(a.remote_slices[0].bytes_off_home == 16 * kPage);
  CHECK(a.remote_slices[1].component == "disk.0");
  CHECK(a.remote_slices[1].bytes_off_home == 4 * kPage);
  CHECK(a.remote_slice_bytes == 20 * kPage);
  CHECK(a.remote_slice_share == Approx(20.0 / 64.0));
  CHECK(a.placements_home == 3);
  CHECK(a.placements_remote == 3);
  const std::string json = memory_analysis_json(a);
  CHECK(json.find("\"remote_slices\"") != std::string::npos);
  // A one-node profile has no NUMA analysis at all.
  CHECK(analyze_memory(planted()).numa_nodes == 0);
  CHECK(memory_analysis_json(analyze_memory(planted())).find("\"numa\"") == std::string::npos);
}

TEST_CASE("memory_profile.json's numa block reads back and is checked", "[traces][memory][numa]") {
  const fs::path path = test::scratch_dir("memory_profile_numa") / "memory_profile.json";
  const MemoryProfile p = planted_numa();
  const std::string text = memory_profile_json(p);
  write_file_atomically(path, text);
  const MemoryProfile back = read_memory_profile(path);
  CHECK(memory_profile_json(back) == text);
  REQUIRE(back.numa.nodes.size() == 2);
  CHECK(back.numa.node_of("cpu.4") == 1);
  CHECK(back.numa.node_of("nic.0") == 0);
  CHECK(back.numa.node_at((1ull << 30) - 1) == 0);
  CHECK(back.numa.node_at(1ull << 30) == 1);
  CHECK(back.numa.node_at(3ull << 30) == 2);  // outside every node
  auto rejects = [&](std::string from, std::string to, const std::string& what) {
    std::string bad = text;
    const size_t at = bad.find(from);
    REQUIRE(at != std::string::npos);
    bad.replace(at, from.size(), to);
    expect_rejected(path, bad, what);
  };
  rejects("\"slice_placement\": \"any\"", "\"slice_placement\": \"near\"", "unknown slice_placement \"near\"");
  rejects("{\"node\": 1, \"base\": 1073741824", "{\"node\": 3, \"base\": 1073741824", "\"node\" must be 1");
  rejects("{\"node\": 1, \"base\": 1073741824", "{\"node\": 1, \"base\": 1073741823", "overlaps the node before");
  rejects("{\"component\": \"cpu.4\", \"node\": 1}", "{\"component\": \"cpu.4\", \"node\": 2}", "is not one of the 2 nodes");
}
