#include "scenarios/batch/batch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "scenarios/batch/child_process.h"
#include "scenarios/batch/progress_bar.h"
#include "scenarios/runner/run.h"
#include "scenarios/schema/choices.h"
#include "traces/fleet.h"
#include "traces/io.h"
#include "traces/report_html.h"
#include "traces/results/results.h"
#include "traces/run_directory.h"
#include "traces/summary.h"
#include "traces/timer_jitter.h"

namespace crashtwin::scenario {
namespace {

constexpr size_t kStderrTailBytes = 2000;
constexpr int kExitCodeBadInput = 2;  // `crashtwin run`'s exit code for input it refuses (docs/cli.md)

BatchRow failed_row(const PlannedRun& r, const ChildExit& e, const std::filesystem::path& dir) {
  BatchRow row;
  row.scenario = r.scenario;
  row.policy = r.policy;
  row.strategy = r.strategy;
  row.seed = r.seed;
  row.status = failed_status(e);
  row.exit_code = e.signalled ? 128 + e.code : e.code;
  row.run = r.dir;
  const std::string tail = file_tail(dir / kStderrLog, kStderrTailBytes);
  spdlog::warn("run {} {}: {}", r.dir,
               row.status == RunStatus::invalid_input ? "refused its input (exit 2)" : describe_exit(e),
               tail.empty() ? "(no stderr)" : "stderr:\n" + tail);
  return row;
}

// Where a child's logs are while it runs: one batch process runs a run
// directory at most once at a time.
std::filesystem::path logs_of(const std::filesystem::path& dir) {
  return temporary_sibling(dir, Temporary::logs, getpid());
}

}  // namespace

std::vector<PlannedRun> plan_batch(const std::vector<Scenario>& scenarios, const BatchOptions& options) {
  std::vector<PlannedRun> runs;
  for (const Scenario& s : scenarios) {
    const std::vector<std::string> policies = expand_policies(options.policies.empty() ? s.policies : options.policies, s.policies);
    const std::vector<std::string> strategies =
        expand_strategies(options.strategies.empty() ? s.strategies : options.strategies);
    for (const std::string& p : policies)
      for (const std::string& st : strategies)
        // A fleet's machines are seeds too: machine i of seed s is seed s + i,
        // and --seeds N runs N fleets one after another in seed order.
        for (uint64_t k = 0; k < options.seeds * s.fleet_machines && compared_pair(p, st); ++k)
          runs.push_back({s.source_path, s.name, p, st, s.seed + k, run_directory_name(s.name, p, st, s.seed + k),
                          s.duration_ns, {}});
  }
  return runs;
}

BatchResult run_batch(const std::vector<PlannedRun>& runs, const BatchOptions& options) {
  namespace fs = std::filesystem;
  fs::create_directories(options.out);
  const std::string self = self_executable();
  const unsigned jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

  // What an interrupted batch left half-written goes; its complete runs are
  // kept, every other run (crashed, refused, never finished) runs again.
  std::set<fs::path> parents;
  for (const PlannedRun& r : runs) parents.insert((options.out / r.dir).parent_path());
  size_t stale = 0;
  for (const fs::path& p : parents) stale += remove_temporaries(p);
  if (stale > 0) spdlog::info("{} temporary directories of an interrupted batch removed", stale);
  BatchResult result;
  std::vector<std::optional<BatchRow>> rows(runs.size());
  std::deque<size_t> pending;
  for (size_t i = 0; i < runs.size(); ++i) {
    const fs::path dir = options.out / runs[i].dir;
    if (run_directory_complete(dir)) {
      const RunSummary s = read_summary(dir / "summary.json");
      rows[i] = batch_row(s, runs[i].dir, status_of(s) == RunStatus::ok ? 0 : 1);
      ++result.skipped;
    } else {
      pending.push_back(i);
    }
  }
  if (result.skipped > 0) spdlog::info("{} complete runs kept from an earlier batch", result.skipped);
  // Longest first (stable: plan order among equals); results are written by
  // plan index, so the order runs start in changes no output.
  std::stable_sort(pending.begin(), pending.end(),
                   [&](size_t a, size_t b) { return runs[a].duration_ns > runs[b].duration_ns; });

  ProgressBar bar(pending.size(), options.progress && isatty(STDERR_FILENO));
  const auto record = [&](size_t i, const ChildExit& exit) {
    const fs::path dir = options.out / runs[i].dir;
    const bool finished = !exit.signalled && (exit.code == 0 || exit.code == 1) && run_directory_complete(dir);
    if (finished) {
      rows[i] = batch_row(read_summary(dir / "summary.json"), runs[i].dir, exit.code);
    } else {
      rows[i] = failed_row(runs[i], exit, dir);
      ++(rows[i]->status == RunStatus::invalid_input ? result.refused : result.failed);
    }
    bar.advance(runs[i].dir);
  };
  if (options.executor) {
    options.executor->execute(runs, std::move(pending), options, record);
    pending.clear();
  }
  ChildPool pool(jobs);
  while (!pending.empty() || !pool.empty()) {
    while (!pending.empty() && pool.has_room()) {
      const size_t i = pending.front();
      pending.pop_front();
      const fs::path dir = options.out / runs[i].dir;
      pool.start(i, start_run_child(run_argv(self, runs[i], dir), dir, options.timeout));
    }
    for (const ChildPool::Ended& ended : pool.wait_some()) {
      settle_run_child(options.out / runs[ended.tag].dir, ended.exit);
      record(ended.tag, ended.exit);
    }
  }
  bar.finish();

  std::vector<BatchRow> table_rows;
  for (auto& r : rows) {
    if (r->status != RunStatus::ok) ++result.not_ok;
    table_rows.push_back(std::move(*r));
  }
  result.table = batch_table(std::move(table_rows));
  write_batch_files(result.table, options.out, options.write_report, jobs);
  return result;
}

std::vector<std::string> run_argv(const std::string& self, const PlannedRun& r, const std::filesystem::path& run_dir) {
  std::vector<std::string> argv = {self, "run", r.scenario_file, "--policy", r.policy, "--strategy",
                                   r.strategy, "--seed", std::to_string(r.seed), "--out", run_dir.string()};
  for (const std::string& set : r.sets) {
    argv.push_back("--set");
    argv.push_back(set);
  }
  return argv;
}

std::unique_ptr<ChildProcess> start_run_child(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                                              std::chrono::seconds timeout) {
  const std::filesystem::path logs = logs_of(dir);
  std::filesystem::remove_all(logs);
  std::filesystem::create_directories(logs);
  return std::make_unique<ChildProcess>(argv, logs / kStdoutLog, logs / kStderrLog, timeout);
}

std::filesystem::path run_child_stderr(const std::filesystem::path& dir) { return logs_of(dir) / kStderrLog; }

bool settle_run_child(const std::filesystem::path& dir, const ChildExit& exit) {
  namespace fs = std::filesystem;
  const fs::path logs = logs_of(dir);
  std::error_code ec;
  const bool complete = run_directory_complete(dir);
  const bool finished = complete && !exit.signalled && (exit.code == 0 || exit.code == 1);
  if (finished) {
    // Logs are not part of a complete run: a batch killed before they are
    // moved in loses them, not the run.
    for (const std::string_view name : {kStdoutLog, kStderrLog}) fs::rename(logs / name, dir / name, ec);
    fs::remove_all(logs, ec);
  } else if (complete) {
    fs::remove_all(logs, ec);  // another attempt finished it: its results stay
  } else {
    write_file_atomically(logs / kFailedMarker,
                          fmt::format("{}: {}\n", to_string(failed_status(exit)), describe_exit(exit)));
    replace_directory(logs, dir);
  }
  if (exit.pid > 0) fs::remove_all(temporary_sibling(dir, Temporary::run, exit.pid), ec);
  return finished;
}

std::string describe_exit(const ChildExit& e) {
  if (e.timed_out) return "timed out";
  return e.signalled ? fmt::format("killed by signal {}", e.code) : fmt::format("exited with {}", e.code);
}

RunStatus failed_status(const ChildExit& e) {
  if (e.timed_out) return RunStatus::timeout;
  return !e.signalled && e.code == kExitCodeBadInput ? RunStatus::invalid_input : RunStatus::crashed;
}

void write_timer_jitter_csv(const BatchTable& table, const std::filesystem::path& out) {
  // The timers' jitter, one row per run and phase: runs without a
  // timer_jitter.json (failed ones) have no rows.
  std::vector<TimerJitterRun> jitter;
  for (const BatchRow& row : table.rows) {
    const std::filesystem::path file = out / row.run / "timer_jitter.json";
    std::error_code ec;
    if (row.run.empty() || !std::filesystem::is_regular_file(file, ec)) continue;
    jitter.push_back(
        {row.scenario, row.policy, row.strategy, row.seed, row.run, row.parameters, read_timer_jitter(file)});
  }
  write_file_atomically(out / "timer_jitter.csv", timer_jitter_csv(jitter, table.parameter_columns));
}

void write_batch_files(const BatchTable& table, const std::filesystem::path& out, bool write_report, unsigned threads) {
  write_summary_csv(table, out / "summary.csv");
  write_fleet_csv(table, out / "fleet.csv");
  write_timer_jitter_csv(table, out);
  if (write_report) write_report_html(results::load_batch(out, results::RunParts::all, threads), out / "report.html");
}

}  // namespace crashtwin::scenario
