// A run directory is complete or absent: batches killed at random points
// resume to the bytes of an uninterrupted batch; incomplete and failed runs
// rerun; write targets are checked before anything is simulated.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/run_cli.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using crashtwin::read_file;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::run_cli;

namespace {

const fs::path kSkeleton = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) { return crashtwin::test::fresh_test_dir("resume", name); }

// 2 policies x (static: 4 strategies, proportional: 1) x 3 seeds = 15 short runs.
std::vector<std::string> batch_args(const fs::path& out) {
  return {crashtwin::test::crashtwin_executable().string(), "batch", kSkeleton.string(), "--policy", "static",
          "--policy", "proportional", "--seeds", "3", "-j", "2", "--out", out.string()};
}

// Starts the batch in its own process group (its children join it).
pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);
  return pid;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t c = 0; in >> c;) out.push_back(c);
  return out;
}

// Hidden entries (temporaries) anywhere below `dir`.
std::vector<std::string> temporaries_below(const fs::path& dir) {
  std::vector<std::string> found;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().front() == '.') found.push_back(e.path().string());
  return found;
}

}  // namespace

TEST_CASE("batches killed at random points resume to the summary.csv of an uninterrupted batch",
          "[e2e][hostile][resume]") {
  const fs::path dir = scratch("killed");
  const fs::path reference = dir / "reference";
  const fs::path out = dir / "interrupted";
  {
    const pid_t pid = start(batch_args(reference), dir / "reference.log");
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO(read_file(dir / "reference.log"));
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  std::mt19937 rng(20241204);
  std::uniform_int_distribution<int> delay_ms(50, 1200);
  for (int round = 0; round < 6; ++round) {
    const pid_t pid = start(batch_args(out), dir / "interrupted.log");
    const int delay = delay_ms(rng);
    const bool whole_batch = round % 2 == 0;
    INFO("round " << round << ": kill " << (whole_batch ? "the batch" : "one run") << " after " << delay << " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    if (whole_batch) {
      kill(-pid, SIGKILL);
    } else {
      const std::vector<pid_t> runs = children_of(pid);
      if (!runs.empty()) kill(runs[std::uniform_int_distribution<size_t>(0, runs.size() - 1)(rng)], SIGKILL);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    // A killed batch takes its runs with it (they die with their parent).
    for (int tries = 0; tries < 100 && kill(-pid, 0) == 0; ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(kill(-pid, 0) != 0);
  }
  const CliResult resumed = run_cli("batch " + quoted(kSkeleton) +
                                    " --policy static --policy proportional --seeds 3 -j 2 --out " + quoted(out));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(read_file(out / "summary.csv") == read_file(reference / "summary.csv"));
  CHECK(temporaries_below(out).empty());
  for (const fs::directory_entry& e : fs::directory_iterator(reference)) {
    // Run directories (report-scenarios/ holds the report's pages).
    if (!e.is_directory() || !fs::exists(e.path() / "summary.json")) continue;
    INFO(e.path().filename());
    CHECK(read_file(out / e.path().filename() / "summary.json") == read_file(e.path() / "summary.json"));
    CHECK(read_file(out / e.path().filename() / "events.jsonl") == read_file(e.path() / "events.jsonl"));
    CHECK_FALSE(fs::exists(out / e.path().filename() / "failed.txt"));
  }
}

TEST_CASE("resume reruns a run missing a file and keeps a failed run's logs with failed.txt",
          "[e2e][hostile][resume]") {
  const fs::path dir = scratch("incomplete");
  const fs::path out = dir / "out";
  // static needs 256 MiB (RHEL table for 4 GiB): its runs refuse their input.
  std::string text = read_file(kSkeleton);
  text.replace(text.find("policies: [proportional]"), 24, "policies: [proportional, static]");
  text.replace(text.find("budget: \"256 MiB\""), 17, "budget: \"64 MiB\"");
  std::ofstream(dir / "skeleton.yaml") << text;
  const std::string batch = "batch " + quoted(dir / "skeleton.yaml") + " --strategy predictive-bmc -j 2 --out " + quoted(out);
  const CliResult first = run_cli(batch);
  INFO(first.output);
  CHECK(first.exit_code == 1);
  const fs::path refused = out / "skeleton.static.predictive-bmc.seed42";
  const fs::path finished = out / "skeleton.proportional.predictive-bmc.seed42";
  CHECK(read_file(refused / "failed.txt") == "invalid_input: exited with 2\n");
  CHECK(read_file(refused / "stderr.log").find("below the static policy's crashkernel") != std::string::npos);
  CHECK_FALSE(fs::exists(refused / "summary.json"));
  CHECK(fs::exists(finished / "stderr.log"));
  CHECK(read_file(out / "summary.csv").find("invalid_input") != std::string::npos);

  const std::string summary = read_file(finished / "summary.json");
  fs::remove(finished / "trace.json");  // incomplete: reruns
  const CliResult second = run_cli(batch);
  INFO(second.output);
  CHECK(second.output.find("0 kept from before") != std::string::npos);
  CHECK(fs::exists(finished / "trace.json"));
  CHECK(read_file(finished / "summary.json") == summary);
  CHECK(fs::exists(refused / "failed.txt"));
  CHECK(temporaries_below(out).empty());

  const CliResult third = run_cli(batch);
  CHECK(third.output.find("1 kept from before") != std::string::npos);
}

TEST_CASE("run --out replaces an earlier run whole, and refuses a directory of other files", "[e2e][hostile][resume]") {
  const fs::path dir = scratch("replace");
  const fs::path out = dir / "run";
  REQUIRE(run_cli("run " + quoted(kSkeleton) + " --out " + quoted(out)).exit_code == 0);
  std::ofstream(out / "stale.cper.tmp") << "";  // not a run's: refused below
  const CliResult foreign = run_cli("run " + quoted(kSkeleton) + " --out " + quoted(out));
  INFO(foreign.output);
  CHECK(foreign.exit_code == 2);
  CHECK(foreign.output.find("holds 'stale.cper.tmp', which a run does not write") != std::string::npos);
  CHECK(foreign.output.find("running ") == std::string::npos);
  fs::remove(out / "stale.cper.tmp");
  fs::remove(out / "trace.vcd");
  const CliResult again = run_cli("run " + quoted(kSkeleton) + " --out " + quoted(out));
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(fs::exists(out / "trace.vcd"));
  CHECK(temporaries_below(dir).empty());
  // Bad input leaves nothing behind.
  const CliResult bad = run_cli("run " + quoted(kSkeleton) + " --set board.dram.dimms=0 --out " + quoted(dir / "bad"));
  CHECK(bad.exit_code == 2);
  CHECK_FALSE(fs::exists(dir / "bad"));
  CHECK(temporaries_below(dir).empty());
}

TEST_CASE("write targets are checked before any simulation: exit 2 naming the option", "[e2e][hostile][errors]") {
  const fs::path dir = scratch("targets");
  std::ofstream(dir / "file") << "x";
  struct Case {
    std::string args;
    std::string fragment;
  };
  const Case cases[] = {
      {"run " + quoted(kSkeleton) + " --out /proc/crashtwin-test/run", "--out /proc/crashtwin-test/run: cannot"},
      {"run " + quoted(kSkeleton) + " --policy static --policy proportional --out /proc/crashtwin-test",
       "--out /proc/crashtwin-test: cannot create"},
      {"batch " + quoted(kSkeleton) + " --out /proc/crashtwin-test", "--out /proc/crashtwin-test: cannot create"},
      {"batch " + quoted(kSkeleton) + " --out " + quoted(dir / "file"), "is a file, not a directory"},
      {"sweep " + quoted(kSkeleton) + " --vary agent.budget=256MiB,512MiB --out " + quoted(dir / "file" / "sweep"),
       "is a file, not a directory"},
      {"report " + quoted(fs::path(CRASHTWIN_SOURCE_DIR) / "tests") + " --out " + quoted(dir),
       "is a directory; name the file to write"},
      {"merge /proc/crashtwin-test " + quoted(dir), "OUT /proc/crashtwin-test: cannot create"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli(c.args);
    INFO(c.args << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.fragment) != std::string::npos);
    CHECK(r.output.find("running ") == std::string::npos);
  }
}
