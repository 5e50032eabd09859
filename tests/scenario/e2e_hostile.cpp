// Hostile input through the real `crashtwin` executable: every case exits 2
// with a message naming the option, field or file, never 0, 3 or a hang.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::run_cli;

namespace {

const fs::path kSkeleton = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "hostile" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("a --seed outside [0, 2^53-1] is refused, not wrapped to 2^64-1", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("seed");
  for (const char* seed : {"-1", "18446744073709551616", "9007199254740992"}) {
    const CliResult r = run_cli("run " + quoted(kSkeleton) + " --seed " + seed + " --out " + quoted(dir / "out"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--seed") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "summary.json"));
  }
}

TEST_CASE("a model path that is a directory is bad input, not an internal error", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("model-dir");
  const CliResult r = run_cli("run " + quoted(kSkeleton) + " --set agent.failure_prediction_model_path=" +
                              quoted(dir) + " --out " + quoted(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("(--set agent.failure_prediction_model_path): agent.failure_prediction_model_path: '" +
                      dir.string() + "' is a directory") != std::string::npos);
}

TEST_CASE("report names every unreadable run, renders the others and exits 2", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("report");
  fs::create_directories(dir / "bad");
  std::ofstream(dir / "bad" / "summary.json") << R"({"scenario": "x", "metrics": {"m": 1e999}})";
  const CliResult r = run_cli("report " + quoted(dir));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find((dir / "bad" / "summary.json").string() + ": unreadable JSON") != std::string::npos);
  CHECK(r.output.find("could not be read") != std::string::npos);
  CHECK(fs::exists(dir / "report.html"));
}

TEST_CASE("an --out that is a file or lies under one is refused before the simulation", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("out-file");
  std::ofstream(dir / "file") << "x";
  for (const fs::path& out : {dir / "file", dir / "file" / "run"}) {
    const CliResult r = run_cli("run " + quoted(kSkeleton) + " --out " + quoted(out));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("is a file, not a directory") != std::string::npos);
    CHECK(r.output.find("running ") == std::string::npos);  // refused before simulating
  }
}
