// Hostile input through the real `crashtwin` executable: every case exits 2
// with a message naming the option, field or file, never 0, 3 or a hang.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/other_feature_set_model.h"
#include "tests/support/run_cli.h"
#include "traces/io.h"
#include "traces/run_directory.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::run_cli;
using crashtwin::read_file;

namespace {

const fs::path kSkeleton = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) { return crashtwin::test::fresh_test_dir("hostile", name); }

}  // namespace

TEST_CASE("run --seed outside [0, 2^53-1] is refused, not wrapped to 2^64-1", "[e2e][errors][hostile]") {
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

TEST_CASE("run --out that is a file or lies under one is refused before the simulation", "[e2e][errors][hostile]") {
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

TEST_CASE("run clears what a killed run into the same --out left, and keeps a live writer's temporary",
          "[e2e][hostile]") {
  const fs::path dir = scratch("orphans");
  // A process that has exited: its pid names no process any more.
  const pid_t gone = fork();
  REQUIRE(gone >= 0);
  if (gone == 0) _exit(0);
  REQUIRE(waitpid(gone, nullptr, 0) == gone);
  const std::string here = crashtwin::this_host();
  const fs::path orphan = dir / (".run.tmp-" + here + "-" + std::to_string(gone));
  const fs::path orphan_old = dir / (".run.old-" + here + "-" + std::to_string(gone));
  const fs::path orphan_unhosted = dir / (".run.copy-" + std::to_string(gone));  // named by an older version
  const fs::path live = dir / (".run.tmp-" + here + "-" + std::to_string(getpid()));  // this test is alive
  const fs::path other_target = dir / (".other.tmp-" + here + "-" + std::to_string(gone));
  // Another host's writer sharing the directory: its pid means nothing here.
  const fs::path other_host = dir / (".run.tmp-" + here + "_elsewhere-" + std::to_string(gone));
  for (const fs::path& p : {orphan, orphan_old, orphan_unhosted, live, other_target, other_host}) {
    fs::create_directories(p);
    std::ofstream(p / "summary.json") << "{}";
  }
  const CliResult r = run_cli("run " + quoted(kSkeleton) + " --out " + quoted(dir / "run"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir / "run" / "summary.json"));
  CHECK_FALSE(fs::exists(orphan));
  CHECK_FALSE(fs::exists(orphan_old));
  CHECK_FALSE(fs::exists(orphan_unhosted));
  CHECK(fs::exists(live));          // may be another run still writing
  CHECK(fs::exists(other_target));  // another target's: not this run's to clear
  CHECK(fs::exists(other_host));    // may be alive on its host
}

namespace {

// The lines of `output` that are not spdlog's info lines: the messages.
std::string messages_of(const std::string& output) {
  std::string out;
  size_t from = 0;
  while (from < output.size()) {
    size_t end = output.find('\n', from);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(from, end - from);
    if (!line.empty() && line.rfind("info:", 0) != 0 && line.find("[info]") == std::string::npos) out += line + "\n";
    from = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("validate refuses what run refuses, with run's message, without simulating", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("validate-as-run");
  const fs::path other_model = dir / "other.ctpm";
  crashtwin::test::write_model_of_other_feature_set(other_model);
  struct Case {
    std::string options;
    std::string fragment;
  };
  const Case cases[] = {
      {"--set board.dram.dimms=0", "board.dram.dimms: '0' is out of range"},
      {"--set 'board.dram.airflow=0'", "board.dram.airflow: '0' is out of range [0.05, 1000]"},
      {"--set 'board.bmc.report_time=1 s'", "board.bmc.report_time: the BMC's timing is set once"},
      {"--policy static --set 'agent.budget=8 MiB'", "is below the static policy's crashkernel reservation"},
      {"--set " + quoted(fs::path("agent.failure_prediction_model_path=" + other_model.string())),
       "is not a usable model blob: trained on feature set " + std::to_string(crashtwin::kFeatureSetVersion + 1) +
           " but the firmware computes feature set " + std::to_string(crashtwin::kFeatureSetVersion)},
      {"--set 'agent.budget=3 GiB'", "do not fit in half of the board's DRAM"},
      {"--set injections.failures[0].component=memory.7", "the board has no memory.7"},
      {"--set 'board.cpu.cache.l2_size=1001 KiB'",
       "board.cpu.cache.l2_size: 1025024 B is not a whole number of 20-way sets of 64 B lines"},
      {"--set board.cpu.cache.set_sampling=128", "board.cpu.cache.set_sampling: 128 sampled lines of 64 B stride past"},
  };
  for (const Case& c : cases) {
    INFO(c.options);
    const CliResult run = run_cli("run " + quoted(kSkeleton) + " " + c.options + " --out " + quoted(dir / "out"));
    INFO("run: " << run.output);
    const CliResult validate = run_cli("validate " + quoted(kSkeleton) + " " + c.options);
    INFO("validate: " << validate.output);
    CHECK(run.exit_code == 2);
    CHECK(validate.exit_code == 2);
    CHECK(messages_of(run.output).find(c.fragment) != std::string::npos);
    CHECK(messages_of(validate.output) == messages_of(run.output));
  }
}

TEST_CASE("validate checks every file and every pair, and writes nothing", "[e2e][errors][hostile]") {
  const fs::path dir = scratch("validate-files");
  const std::string skeleton = read_file(kSkeleton);
  const auto variant = [&](const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits) {
    std::string text = skeleton;
    for (const auto& [from, to] : edits) {
      const size_t at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    }
    std::ofstream(dir / name) << text;
  };
  // Boards the models refuse half-way through building them, then a good
  // one: each file is checked on its own.
  variant("a_dimms.yaml", {{"  disk0: {}", "  dram: {dimms: 0}\n  disk0: {}"}});
  variant("b_still_air.yaml", {{"  disk0: {}", "  dram: {airflow: -1}\n  disk0: {}"}});
  variant("c_static.yaml",
          {{"policies: [proportional]", "policies: [proportional, static]"}, {"budget: \"256 MiB\"", "budget: \"64 MiB\""}});
  std::ofstream(dir / "d_good.yaml") << skeleton;
  const fs::path cwd = dir / "cwd";
  fs::create_directories(cwd);
  const CliResult r = crashtwin::test::run_shell("cd " + quoted(cwd) + " && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " +
                                                 quoted(crashtwin::test::crashtwin_executable()) + " validate " +
                                                 quoted(dir));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("a_dimms.yaml:12:17: board.dram.dimms: '0' is out of range") != std::string::npos);
  CHECK(r.output.find("b_still_air.yaml:12:19: board.dram.airflow: '-1' is out of range") != std::string::npos);
  CHECK(r.output.find("c_static.yaml:29:3: agent.budget: 64 MiB is below the static policy's") != std::string::npos);
  CHECK(r.output.find("d_good.yaml: ok (skeleton)") != std::string::npos);
  CHECK(r.output.find("running ") == std::string::npos);
  CHECK(fs::is_empty(cwd));

  const CliResult good = run_cli("validate " + quoted(dir / "d_good.yaml") + " --policy all --strategy all");
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(good.output.find("ok (skeleton)") != std::string::npos);
}
