// Issue 18 items 1-3 and 7 through the real `crashtwin`: a run writes
// memory_profile.json (byte-identical for the same scenario and seed);
// `crashtwin analyze` finds exactly the leaks and the burst the leaky_test
// fixture plants; a batch directory gets every run's analysis, a
// batch-level analysis.json and a Memory section in report.html; a
// malformed profile is named and nothing is written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kFixture = kSource / "scenarios/fixtures/memory_leak_fixture.yaml";
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kTick = 10'000'000;  // the fixture's allocation frequency

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(read_file(p)); }

}  // namespace

TEST_CASE("analyze finds exactly the leaks and the burst the leaky_test fixture plants", "[e2e][memory]") {
  const fs::path out = test::fresh_test_dir("memory", "fixture");
  const auto run = run_cli("run " + quoted(kFixture) + " --policy leaky_test --out " + quoted(out / "a"));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE(fs::exists(out / "a" / "memory_profile.json"));
  const auto analyze = run_cli("analyze " + quoted(out / "a"));
  INFO(analyze.output);
  REQUIRE(analyze.exit_code == 0);
  CHECK(fs::exists(out / "a" / "memory_allocation_rate.svg"));
  CHECK(fs::exists(out / "a" / "memory_fragmentation.svg"));
  const nlohmann::json a = json_of(out / "a" / "analysis.json");
  INFO(a.dump(1).substr(0, 4000));
  CHECK(a.at("events_lost") == 0);
  CHECK(a.at("allocation").at("firmware_counts_match") == true);
  // Three leaks of twice the minimum partition size (1 MiB), at the 10th,
  // 20th and 30th call; the event replay suspects exactly them.
  const nlohmann::json& leaks = a.at("leaks");
  CHECK(leaks.at("direct") == 3);
  CHECK(leaks.at("direct_bytes") == 3 * 2 * kMiB);
  CHECK(leaks.at("replay_candidates") == 3);
  CHECK(leaks.at("false_positives") == 0);
  CHECK(leaks.at("missed_by_replay") == 0);
  for (const auto& leak : leaks.at("found")) {
    CHECK(leak.at("kind") == "direct");
    CHECK(leak.at("last_owner") == "cpu.0");
  }
  // One burst: calls 40 to 49, the k-th call at (k - 1) ticks.
  int bursts = 0;
  for (const auto& e : a.at("allocation").at("episodes")) {
    if (e.at("kind") != "burst") continue;
    ++bursts;
    CHECK(e.at("start_ns") == 39 * kTick);
    CHECK(e.at("end_ns") == 49 * kTick);
  }
  CHECK(bursts == 1);
  CHECK(a.at("summary").at("pattern") == "bursty");
  const double health = a.at("fragmentation").at("health_final");
  CHECK((health >= 0 && health <= 100));

  // The same scenario and seed: the same profile and analysis, byte for byte.
  REQUIRE(run_cli("run " + quoted(kFixture) + " --policy leaky_test --out " + quoted(out / "b")).exit_code == 0);
  CHECK(read_file(out / "a" / "memory_profile.json") == read_file(out / "b" / "memory_profile.json"));
  REQUIRE(run_cli("analyze " + quoted(out / "b")).exit_code == 0);
  CHECK(read_file(out / "a" / "analysis.json") == read_file(out / "b" / "analysis.json"));
}

TEST_CASE("analyze of a batch analyses every run, and report.html has a Memory section", "[e2e][memory]") {
  const fs::path out = test::fresh_test_dir("memory", "batch");
  const auto batch = run_cli("batch " + quoted(kFixture) + " --seeds 2 --out " + quoted(out));
  INFO(batch.output);
  REQUIRE(batch.exit_code == 0);
  const auto analyze = run_cli("analyze " + quoted(out));
  INFO(analyze.output);
  REQUIRE(analyze.exit_code == 0);
  const nlohmann::json b = json_of(out / "analysis.json");
  CHECK(b.at("runs_analyzed") == 2);
  CHECK(b.at("totals").at("direct_leaks") == 6);
  for (const auto& r : b.at("runs")) {
    CHECK(r.at("policy") == "leaky_test");
    CHECK(fs::exists(out / r.at("run").get<std::string>() / "analysis.json"));
  }
  bool memory_section = false;
  for (const auto& entry : fs::recursive_directory_iterator(out))
    if (entry.path().extension() == ".html" &&
        read_file(entry.path()).find("<section id=\"memory\"><h2>Memory</h2>") != std::string::npos)
      memory_section = true;
  CHECK(memory_section);
  CHECK(read_file(out / "report.html").find("id=\"memory-summary\"") != std::string::npos);
}

TEST_CASE("analyze names a malformed memory profile and writes nothing", "[e2e][memory]") {
  const fs::path out = test::fresh_test_dir("memory", "bad");
  REQUIRE(run_cli("run " + quoted(kFixture) + " --policy leaky_test --out " + quoted(out / "run")).exit_code == 0);
  std::string text = read_file(out / "run" / "memory_profile.json");
  text.replace(text.find("\"events\": ["), 11, "\"events\": {");
  write_file_atomically(out / "run" / "memory_profile.json", text);
  const auto bad = run_cli("analyze " + quoted(out / "run"));
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("memory_profile.json") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "run" / "analysis.json"));
  fs::remove(out / "run" / "memory_profile.json");
  const auto missing = run_cli("analyze " + quoted(out / "run"));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("memory_profile.json: missing") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "run" / "analysis.json"));
}
