// Sweeps beyond one machine, end to end through the real binary: four
// `--shard K/N` parts merged give the bytes of summary.csv and report.html
// (and a sweep's sweep.csv, also under mpirun) of a single-machine batch; missing and
// duplicate runs are named (exit 2) and the merge resumes; bad --shard exits
// 2; `mpirun -n 3 ... --mpi` gives the summary.csv of `-j 2`, also with
// --gather and a worker rank that exits after receiving its first run (its
// run re-queued). The MPI cases are skipped, with a warning, where mpirun is
// missing.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "tests/support/run_cli.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;
using test::run_shell;

namespace {

const fs::path kSkeleton = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "distributed" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

// Six runs: two policies x three seeds of the skeleton.
std::string small_batch(const fs::path& out, const std::string& extra, int timeout_s = 60) {
  return "batch " + quoted(kSkeleton) + " --policy uniform --policy proportional --strategy predictive-bmc --seeds 3 " +
         "--timeout " + std::to_string(timeout_s) + " --out " + quoted(out) + " " + extra;
}

// The single-machine batch the distributed ones must equal, run once.
const fs::path& local_batch() {
  static const fs::path dir = [] {
    const fs::path d = scratch("local");
    const CliResult r = run_cli(small_batch(d, "-j 2"));
    INFO(r.output);
    REQUIRE(r.exit_code <= 1);
    return d;
  }();
  return dir;
}

std::map<std::string, std::string> summaries(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename() == "summary.json") out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

bool have_mpirun() { return run_shell("command -v mpirun >/dev/null").exit_code == 0; }

// mpirun as the tests need it here: as root in containers, more ranks than
// cores, and a rank's exit does not end the job (it is re-queued instead).
std::string mpirun(int ranks, const std::string& env = {}) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " + env + " mpirun --oversubscribe --mca " +
         "orte_abort_on_non_zero_status 0 -n " + std::to_string(ranks) + " " +
         quoted(test::crashtwin_executable()) + " ";
}

}  // namespace

TEST_CASE("four shards merged equal a single-machine batch, missing and duplicate runs are named",
          "[e2e][distributed]") {
  const fs::path& local = local_batch();
  std::vector<fs::path> shards;
  size_t shard_runs = 0;
  for (int k = 0; k < 4; ++k) {
    shards.push_back(scratch("shard" + std::to_string(k)));
    const CliResult r = run_cli(small_batch(shards.back(), "-j 2 --shard " + std::to_string(k) + "/4"));
    INFO(r.output);
    REQUIRE(r.exit_code <= 1);
    CHECK(fs::exists(shards.back() / "shard.json"));
    shard_runs += summaries(shards.back()).size();
  }
  CHECK(shard_runs == 6);  // disjoint parts covering the plan

  // report.html names its directory: the same name as the local batch's.
  const fs::path merged = scratch("merged") / "local";
  // Shard 3 left out: its runs are named, exit 2, no table yet.
  CliResult r = run_cli("merge " + quoted(merged) + " " + quoted(shards[0]) + " " + quoted(shards[1]) + " " +
                        quoted(shards[2]));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("missing: skeleton.") != std::string::npos);
  CHECK_FALSE(fs::exists(merged / "summary.csv"));

  // A shard given twice: its runs are duplicates.
  r = run_cli("merge " + quoted(scratch("dup")) + " " + quoted(shards[0]) + " " + quoted(shards[0]) + " " +
              quoted(shards[1]) + " " + quoted(shards[2]) + " " + quoted(shards[3]));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("duplicate: skeleton.") != std::string::npos);

  // Resumed with every shard: the single-machine bytes.
  r = run_cli("merge " + quoted(merged) + " " + quoted(shards[0]) + " " + quoted(shards[1]) + " " +
              quoted(shards[2]) + " " + quoted(shards[3]));
  INFO(r.output);
  REQUIRE(r.exit_code <= 1);
  CHECK(r.output.find("6 runs merged") != std::string::npos);
  CHECK(read_file(merged / "summary.csv") == read_file(local / "summary.csv"));
  CHECK(read_file(merged / "report.html") == read_file(local / "report.html"));
  CHECK(summaries(merged) == summaries(local));
}

TEST_CASE("a sweep's shards merge into its sweep.csv", "[e2e][distributed]") {
  const auto sweep = [](const fs::path& out, const std::string& extra) {
    return run_cli("sweep " + quoted(kSkeleton) + " --vary 'agent.budget=16MiB,64MiB,256MiB' --policy uniform " +
                   "--strategy predictive-bmc -j 2 --out " + quoted(out) + " " + extra);
  };
  const fs::path local = scratch("sweep-local");
  REQUIRE(sweep(local, "").exit_code <= 1);
  const fs::path a = scratch("sweep-shard0");
  const fs::path b = scratch("sweep-shard1");
  REQUIRE(sweep(a, "--shard 0/2").exit_code <= 1);
  REQUIRE(sweep(b, "--shard 1/2").exit_code <= 1);
  const fs::path merged = scratch("sweep-merged") / "sweep-local";
  const CliResult r = run_cli("merge " + quoted(merged) + " " + quoted(b) + " " + quoted(a));
  INFO(r.output);
  REQUIRE(r.exit_code <= 1);
  CHECK(read_file(merged / "sweep.csv") == read_file(local / "sweep.csv"));
  CHECK(read_file(merged / "summary.csv") == read_file(local / "summary.csv"));
  CHECK(read_file(merged / "report.html") == read_file(local / "report.html"));

  // A sweep's runs carry --set after --out: the MPI worker must still place
  // them (with --gather, in its own directory first).
  if (!have_mpirun()) {
    WARN("mpirun not found: the sweep's MPI check skipped (scripts/setup installs openmpi-bin)");
    return;
  }
  const fs::path mpi = scratch("sweep-mpi") / "sweep-local";
  const CliResult m = run_shell(mpirun(3) + "sweep " + quoted(kSkeleton) +
                                " --vary 'agent.budget=16MiB,64MiB,256MiB' --policy uniform --strategy predictive-bmc " +
                                "--mpi --gather --out " + quoted(mpi));
  INFO(m.output);
  REQUIRE(m.exit_code <= 1);
  CHECK(read_file(mpi / "sweep.csv") == read_file(local / "sweep.csv"));
  CHECK(read_file(mpi / "report.html") == read_file(local / "report.html"));
}

TEST_CASE("bad --shard values and --gather without --mpi exit 2 naming the option", "[e2e][distributed]") {
  const fs::path out = scratch("bad-shard");
  for (const std::string shard : {"4/4", "1/0", "two/4", "1", "-1/3"}) {
    const CliResult r = run_cli(small_batch(out, "--shard " + shard));
    INFO(shard << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--shard") != std::string::npos);
  }
  const CliResult r = run_cli(small_batch(out, "--gather"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--gather") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "summary.csv"));
}

TEST_CASE("mpirun -n 3 --mpi gives the summary.csv of -j 2", "[e2e][distributed][mpi]") {
  if (!have_mpirun()) {
    WARN("mpirun not found: MPI test skipped (scripts/setup installs openmpi-bin)");
    return;
  }
  const fs::path& local = local_batch();
  const fs::path out = scratch("mpi") / "local";
  const CliResult r = run_shell(mpirun(3) + small_batch(out, "--mpi"));
  INFO(r.output);
  REQUIRE(r.exit_code <= 1);
  CHECK(read_file(out / "summary.csv") == read_file(local / "summary.csv"));
  CHECK(read_file(out / "report.html") == read_file(local / "report.html"));
}

TEST_CASE("with --gather, a rank that exits loses only its run, which rank 0 re-queues", "[e2e][distributed][mpi][long]") {
  if (!have_mpirun()) {
    WARN("mpirun not found: MPI test skipped (scripts/setup installs openmpi-bin)");
    return;
  }
  const fs::path& local = local_batch();
  const fs::path out = scratch("mpi-gather-lost-rank") / "local";
  // Rank 2 exits on receiving its first run; rank 0 re-queues that run once
  // --timeout + 10 s have passed without a report, and after the last run
  // waits as long again for rank 2 in case it was only slow. A --timeout of
  // 10 s keeps rank 1's runs within the interval on a loaded machine.
  const CliResult r =
      run_shell(mpirun(3, "CRASHTWIN_TEST_MPI_EXIT_RANK=2") + small_batch(out, "--mpi --gather", /*timeout_s=*/10));
  INFO(r.output);
  CHECK(r.output.find("re-queued") != std::string::npos);
  CHECK(read_file(out / "summary.csv") == read_file(local / "summary.csv"));
  CHECK(summaries(out) == summaries(local));
}
