#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/results/results.h"

using namespace crashtwin;
namespace fs = std::filesystem;

TEST_CASE("load_run reads every file of a results directory", "[traces][results]") {
  auto dir = test::scratch_dir("results_run");
  test::write_synthetic_run(dir, {});
  auto run = results::load_run(dir);
  CHECK(run.summary.scenario == "dimm_ue_ramp");
  REQUIRE(run.perf);
  CHECK(run.perf->transactions == 123456);
  CHECK(run.timeseries.row_count() == 200);
  CHECK(run.timeseries.columns_with_prefix("slice_bytes.").size() == 6);
  CHECK_FALSE(run.events.empty());
  REQUIRE(run.bmc);
  CHECK(run.bmc->records.size() == 1);
  CHECK(run.bmc->records[0].cper.size() == 128);
  CHECK(run.config.size() == 6);

  auto light = results::load_run(dir, results::RunParts::summary);
  CHECK_FALSE(light.perf);
  CHECK(light.timeseries.row_count() == 0);
  CHECK(light.events.empty());
}

TEST_CASE("load_run without summary.json names it", "[traces][results]") {
  auto dir = test::scratch_dir("results_missing");
  try {
    results::load_run(dir);
    FAIL("expected io_error");
  } catch (const io_error& e) {
    CHECK(std::string(e.what()).find("summary.json") != std::string::npos);
  }
}

TEST_CASE("load_batch finds run directories, summary.csv, and isolates bad runs", "[traces][results]") {
  auto dir = test::scratch_dir("results_batch");
  test::write_synthetic_batch(dir, 2);
  write_file_atomically(dir / "broken" / "summary.json", "{\"scenario\":");
  auto batch = results::load_batch(dir, results::RunParts::summary);
  CHECK(batch.runs.size() == 16);
  REQUIRE(batch.table);
  CHECK(batch.table->rows.size() == 16);
  REQUIRE(batch.problems.size() == 1);
  CHECK(batch.problems[0].find("broken/summary.json: 1") != std::string::npos);
  for (size_t i = 1; i < batch.runs.size(); ++i) CHECK(batch.runs[i - 1].dir < batch.runs[i].dir);

  // Any number of loading threads: the same runs, problems and order.
  for (const unsigned threads : {1u, 3u, 64u}) {
    auto again = results::load_batch(dir, results::RunParts::all, threads);
    REQUIRE(again.runs.size() == batch.runs.size());
    for (size_t i = 0; i < again.runs.size(); ++i) {
      CHECK(again.runs[i].dir == batch.runs[i].dir);
      CHECK(again.runs[i].summary.scenario == batch.runs[i].summary.scenario);
      CHECK(again.runs[i].timeseries.row_count() == 200);
    }
    CHECK(again.problems == batch.problems);
  }

  // A run directory on its own is a batch of one.
  auto single = results::load_batch(batch.runs[0].dir);
  CHECK(single.runs.size() == 1);
  CHECK_THROWS_AS(results::load_batch(dir / "nope"), io_error);
  CHECK_THROWS_AS(results::load_batch(test::scratch_dir("results_empty")), io_error);
}

TEST_CASE("random corruption of any results file never crashes the reader", "[traces][results][property]") {
  auto pristine = test::scratch_dir("results_corrupt_src");
  test::write_synthetic_run(pristine, {.ticks = 30});
  const std::vector<fs::path> files = {"summary.json", "perf.json",       "timeseries.csv",     "events.jsonl",
                                       "config.yaml",  "bmc/report.json", "memory_profile.json"};
  auto dir = test::scratch_dir("results_corrupt");
  uint64_t state = 0xC0FFEE;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const char alphabet[] = "{}[],:\"\n\\0123456789.-eE xtrufalsn#\t|'&*!%@";
  size_t rejected = 0, accepted = 0;
  for (int trial = 0; trial < 600; ++trial) {
    fs::remove_all(dir);
    fs::copy(pristine, dir, fs::copy_options::recursive);
    const fs::path& victim = files[trial % files.size()];
    std::string text = read_file(dir / victim);
    switch (next() % 4) {
      case 0:  // truncate
        text.resize(next() % (text.size() + 1));
        break;
      case 1:  // flip bytes
        for (int k = 0; k < 1 + static_cast<int>(next() % 8); ++k) {
          if (!text.empty()) text[next() % text.size()] = static_cast<char>(next() & 0xff);
        }
        break;
      case 2:  // insert structural characters
        for (int k = 0; k < 1 + static_cast<int>(next() % 8); ++k) {
          text.insert(text.begin() + static_cast<long>(next() % (text.size() + 1)),
                      alphabet[next() % (sizeof alphabet - 1)]);
        }
        break;
      default:  // delete a span
        if (!text.empty()) {
          size_t at = next() % text.size();
          text.erase(at, next() % 64);
        }
    }
    write_file_atomically(dir / victim, text);
    try {
      auto run = results::load_run(dir);
      ++accepted;
    } catch (const format_error& e) {
      ++rejected;
      // The message names the corrupted file.
      REQUIRE(std::string(e.what()).find(victim.filename().string()) != std::string::npos);
    } catch (const io_error& e) {
      ++rejected;
      REQUIRE(std::string(e.what()).find(victim.filename().string()) != std::string::npos);
    }
  }
  CHECK(rejected > 100);
  CHECK(accepted + rejected == 600);
}

TEST_CASE("1,000 run summaries all load, in directory order", "[traces][results]") {
  // How long this takes is measured by bench/traces (docs/PERFORMANCE.md).
  auto dir = test::scratch_dir("results_thousand");
  test::write_synthetic_run(dir / "template", {.ticks = 20});
  std::string summary = read_file(dir / "template" / "summary.json");
  fs::remove_all(dir / "template");
  for (int i = 0; i < 1000; ++i) write_file_atomically(dir / fmt::format("s{}/run{:04}", i % 10, i) / "summary.json", summary);
  auto batch = results::load_batch(dir, results::RunParts::summary);
  REQUIRE(batch.runs.size() == 1000);
  CHECK(batch.problems.empty());
  CHECK(std::is_sorted(batch.runs.begin(), batch.runs.end(),
                       [](const results::Run& a, const results::Run& b) { return a.dir < b.dir; }));
}

TEST_CASE("random corruption of summary.csv never crashes the batch reader", "[traces][results][property]") {
  auto dir = test::scratch_dir("results_csv_corrupt");
  test::write_synthetic_batch(dir / "src", 1);
  const std::string pristine = read_file(dir / "src" / "summary.csv");
  uint64_t state = 0xBADC5F;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const char alphabet[] = ",\"\n\r0123456789.-e xnaok_";
  size_t rejected = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string text = pristine;
    for (int k = 0; k < 1 + static_cast<int>(next() % 6); ++k) {
      size_t at = next() % (text.size() + 1);
      if (next() % 2 == 0 && at < text.size()) {
        text.erase(at, 1 + next() % 12);
      } else {
        text.insert(text.begin() + static_cast<long>(at), alphabet[next() % (sizeof alphabet - 1)]);
      }
    }
    write_file_atomically(dir / "summary.csv", text);
    try {
      auto table = read_summary_csv(dir / "summary.csv");
      for (const auto& row : table.rows) REQUIRE(row.metrics.size() <= table.metric_columns.size());
    } catch (const format_error& e) {
      ++rejected;
      REQUIRE(std::string(e.what()).find("summary.csv") != std::string::npos);
    }
  }
  CHECK(rejected > 50);
}
