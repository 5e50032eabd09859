// run_directory_complete: what a finished run directory holds at each trace
// level (the batch keeps complete runs on resume and reruns the rest).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/run_directory.h"
#include "traces/summary.h"

using namespace crashtwin;
namespace fs = std::filesystem;

namespace {

std::string why_incomplete(const fs::path& dir) {
  std::string why;
  if (run_directory_complete(dir, &why)) return "complete";
  return why;
}

// The synthetic run at the summary level: its summary says so and the five
// traces are gone, as a run of a `traces: summary` scenario writes it.
void make_summary_level(const fs::path& dir) {
  RunSummary s = read_summary(dir / "summary.json");
  s.traces = TraceLevel::summary;
  write_summary(s, dir / "summary.json");
  for (const char* trace : {"timeseries.csv", "events.jsonl", "trace.vcd", "trace.json", "memory_profile.json"})
    fs::remove(dir / trace);
}

}  // namespace

TEST_CASE("a full run is complete only with every trace", "[traces][run_directory]") {
  const fs::path dir = test::scratch_dir("run_directory_full");
  test::write_synthetic_run(dir, {});
  CHECK(why_incomplete(dir) == "complete");
  for (const char* file : {"timeseries.csv", "events.jsonl", "trace.vcd", "trace.json", "perf.json", "config.yaml"}) {
    const std::string text = read_file(dir / file);
    fs::remove(dir / file);
    CHECK(why_incomplete(dir) == std::string("no ") + file);
    write_file_atomically(dir / file, text);
  }
  CHECK(why_incomplete(dir) == "complete");
}

TEST_CASE("a summary-level run is complete without its traces, not without the rest", "[traces][run_directory]") {
  const fs::path dir = test::scratch_dir("run_directory_summary");
  test::write_synthetic_run(dir, {});
  make_summary_level(dir);
  CHECK(why_incomplete(dir) == "complete");
  std::string stranger;
  CHECK(replaceable_by_run(dir, &stranger));  // a rerun may replace it
  for (const char* file : {"perf.json", "config.yaml"}) {
    const std::string text = read_file(dir / file);
    fs::remove(dir / file);
    CHECK(why_incomplete(dir) == std::string("no ") + file);
    write_file_atomically(dir / file, text);
  }
  fs::remove(dir / "bmc" / "report.json");
  CHECK(why_incomplete(dir) == "no bmc/report.json");
}

TEST_CASE("a summary naming an unknown trace level makes the run incomplete", "[traces][run_directory]") {
  const fs::path dir = test::scratch_dir("run_directory_bad_level");
  test::write_synthetic_run(dir, {});
  std::string text = read_file(dir / "summary.json");
  const std::string full = "\"traces\": \"full\"";
  REQUIRE(text.find(full) != std::string::npos);
  text.replace(text.find(full), full.size(), "\"traces\": \"none\"");
  write_file_atomically(dir / "summary.json", text);
  const std::string why = why_incomplete(dir);
  CHECK(why.find("summary.json") != std::string::npos);
  CHECK(why.find("\"traces\" must be \"full\" or \"summary\", not \"none\"") != std::string::npos);
}
