#include "scenarios/batch/batch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "scenarios/batch/child_process.h"
#include "scenarios/batch/progress_bar.h"
#include "scenarios/runner/run.h"
#include "scenarios/schema/choices.h"
#include "traces/report_html.h"
#include "traces/results/results.h"
#include "traces/summary.h"

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
  row.status = e.timed_out                                  ? RunStatus::timeout
               : !e.signalled && e.code == kExitCodeBadInput ? RunStatus::invalid_input
                                                             : RunStatus::crashed;
  row.exit_code = e.signalled ? 128 + e.code : e.code;
  row.run = r.dir;
  const std::string tail = file_tail(dir / "stderr.log", kStderrTailBytes);
  spdlog::warn("run {} {}: {}", r.dir,
               e.timed_out ? "timed out" : row.status == RunStatus::invalid_input ? "refused its input (exit 2)" : (e.signalled ? fmt::format("killed by signal {}", e.code)
                                                         : fmt::format("exited with {}", e.code)),
               tail.empty() ? "(no stderr)" : "stderr:\n" + tail);
  return row;
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
        for (uint64_t k = 0; k < options.seeds && compared_pair(p, st); ++k)
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

  BatchResult result;
  std::vector<std::optional<BatchRow>> rows(runs.size());
  std::deque<size_t> pending;
  for (size_t i = 0; i < runs.size(); ++i) {
    const fs::path summary = options.out / runs[i].dir / "summary.json";
    if (fs::exists(summary)) {
      const RunSummary s = read_summary(summary);
      rows[i] = batch_row(s, runs[i].dir, status_of(s) == RunStatus::ok ? 0 : 1);
      ++result.skipped;
    } else {
      pending.push_back(i);
    }
  }
  if (result.skipped > 0) spdlog::info("{} finished runs kept from an earlier batch", result.skipped);
  // Longest first (stable: plan order among equals); results are written by
  // plan index, so the order runs start in changes no output.
  std::stable_sort(pending.begin(), pending.end(),
                   [&](size_t a, size_t b) { return runs[a].duration_ns > runs[b].duration_ns; });

  ProgressBar bar(pending.size(), options.progress && isatty(STDERR_FILENO));
  const auto record = [&](size_t i, const ChildExit& exit) {
    const fs::path dir = options.out / runs[i].dir;
    const bool finished = !exit.signalled && (exit.code == 0 || exit.code == 1) && fs::exists(dir / "summary.json");
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
      const PlannedRun& r = runs[i];
      const fs::path dir = options.out / r.dir;
      fs::create_directories(dir);
      pool.start(i, std::make_unique<ChildProcess>(run_argv(self, r, dir), dir / "stdout.log", dir / "stderr.log",
                                                   options.timeout));
    }
    for (const ChildPool::Ended& ended : pool.wait_some()) record(ended.tag, ended.exit);
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

void write_batch_files(const BatchTable& table, const std::filesystem::path& out, bool write_report, unsigned threads) {
  write_summary_csv(table, out / "summary.csv");
  if (write_report) write_report_html(results::load_batch(out, results::RunParts::all, threads), out / "report.html");
}

}  // namespace crashtwin::scenario
