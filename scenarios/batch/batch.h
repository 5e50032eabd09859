// `crashtwin batch`: scenarios x policies x seeds, one child process per run
// (`crashtwin run ... --out <batch>/<run>`, which writes the run directory
// whole or not at all), -j in parallel, a per-run timeout. A run that
// crashes or hangs is recorded as failed with the tail of its stderr and
// does not stop the batch; complete runs (traces/run_directory.h) are kept
// and skipped when the same batch is run again, the others rerun.
// Writes <out>/summary.csv (one row per run) and <out>/report.html.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/schema/scenario.h"
#include "traces/batch.h"

namespace crashtwin::scenario {

struct PlannedRun {
  std::string scenario_file;
  std::string scenario;
  std::string policy;
  std::string strategy;
  uint64_t seed = 0;
  std::string dir;  // relative to the batch directory
  // Simulated time: what a run's cost grows with. The longest runs start
  // first so that a day-long soak does not run alone at the end of a batch.
  uint64_t duration_ns = 0;
  std::vector<std::string> sets;  // `--set key=value` overrides (a sweep's point)
};

struct ChildExit;
class ChildProcess;
struct BatchOptions;

// Who runs a batch's pending runs when not the local child pool: the MPI work
// queue (mpi_queue.h). `pending` holds plan indices, longest first; `ended`
// is called once per run, on this process, as each run's child exits (its run
// directory under options.out complete by then).
class RunExecutor {
 public:
  using Ended = std::function<void(size_t, const ChildExit&)>;
  virtual ~RunExecutor() = default;
  virtual void execute(const std::vector<PlannedRun>& runs, std::deque<size_t> pending, const BatchOptions& options,
                       const Ended& ended) = 0;
};

struct BatchOptions {
  std::vector<std::string> policies;  // empty: each scenario's compare list
  // Empty: each scenario's compare.strategies, else all four. Baselines run
  // with `static` only (choices.h compared_pair).
  std::vector<std::string> strategies;
  uint64_t seeds = 1;                 // seeds per (scenario, policy): seed, seed+1, ...
  unsigned jobs = 0;                  // 0: every core
  std::chrono::seconds timeout{900};
  std::filesystem::path out;
  bool progress = true;               // progress bar on stderr when it is a terminal
  bool write_report = true;           // false: the caller writes report.html (a sweep, after sweep.csv)
  RunExecutor* executor = nullptr;    // nullptr: a local pool of `jobs` children
};

// The runs of a batch, in a stable order (scenario file, policy, strategy, seed).
std::vector<PlannedRun> plan_batch(const std::vector<Scenario>& scenarios, const BatchOptions& options);

struct BatchResult {
  BatchTable table;
  size_t skipped = 0;  // finished runs kept from an earlier invocation
  size_t failed = 0;   // crashed or timed out
  size_t refused = 0;  // refused their input (exit 2): a configuration, not a crash
  size_t not_ok = 0;   // expectations failed, invalid, crashed or timed out
};

// Runs what is not finished yet and writes summary.csv and report.html.
BatchResult run_batch(const std::vector<PlannedRun>& runs, const BatchOptions& options);

// The child command line of one run: `crashtwin run ... --out run_dir`.
std::vector<std::string> run_argv(const std::string& self, const PlannedRun& run, const std::filesystem::path& run_dir);

// A run as a child process writing the run directory `dir` (every batch
// path: the local pool, an MPI rank, `crashtwin run` of several policies).
// While it runs, its stdout.log and stderr.log are in a temporary sibling of
// `dir` (run_child_stderr). settle_run_child then moves them into the run's
// directory when it finished, or else makes them, with failed.txt (one line:
// the status and how the child ended), the directory of the run that did
// not finish (never replacing a complete run), and removes what the child
// left. Returns whether the run finished (exit 0 or 1, its directory complete).
std::unique_ptr<ChildProcess> start_run_child(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                                              std::chrono::seconds timeout);
std::filesystem::path run_child_stderr(const std::filesystem::path& dir);
bool settle_run_child(const std::filesystem::path& dir, const ChildExit& exit);

// "killed by signal 9", "exited with 3", "timed out"; and the status a run
// that ended so gets when its directory is not complete.
std::string describe_exit(const ChildExit& exit);
RunStatus failed_status(const ChildExit& exit);

// summary.csv and (when write_report) report.html of the batch directory
// `out`: what a batch writes after its runs, and what `crashtwin merge`
// writes after gathering shards, so that both give the same bytes.
void write_batch_files(const BatchTable& table, const std::filesystem::path& out, bool write_report, unsigned threads);
// timer_jitter.csv from the runs' timer_jitter.json; a sweep's table (with
// parameter columns) leads each row with the run's values.
void write_timer_jitter_csv(const BatchTable& table, const std::filesystem::path& out);

}  // namespace crashtwin::scenario
