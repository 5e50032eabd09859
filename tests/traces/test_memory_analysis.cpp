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
  auto rejects = [&](const std::string& bad, const std::string& what) {
    write_file_atomically(path, bad);
    try {
      (void)read_memory_profile(path);
      FAIL("accepted: " << what);
    } catch (const format_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(path.string()) != std::string::npos);
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  std::string v2 = text;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  rejects(v2, "version 2 is not supported");
  std::string op = text;
  op.replace(op.find("\"grow\""), 6, "\"bump\"");
  rejects(op, "unknown op \"bump\"");
  rejects("{\"version\": 1", "invalid JSON");
  CHECK_THROWS_AS(read_memory_profile(path.parent_path() / "absent.json"), io_error);
}
