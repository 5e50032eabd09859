#include "traces/results/results.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "traces/io.h"

namespace crashtwin::results {

namespace fs = std::filesystem;

namespace {
constexpr int kMaxBatchDepth = 3;  // batch/scenario/policy-seed/, sweep/point/run/

bool is_run_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "summary.json", ec);
}
}  // namespace

Run load_run(const fs::path& dir, RunParts parts, const ReadProgress& progress) {
  Run run;
  run.dir = dir;
  run.summary = read_summary(dir / "summary.json");
  std::error_code ec;
  if (has(parts, RunParts::perf) && fs::exists(dir / "perf.json", ec)) run.perf = read_perf(dir / "perf.json");
  if (has(parts, RunParts::timeseries) && fs::exists(dir / "timeseries.csv", ec)) {
    run.timeseries = read_timeseries_csv(dir / "timeseries.csv", progress);
  }
  if (has(parts, RunParts::events) && fs::exists(dir / "events.jsonl", ec)) {
    run.events = read_events_jsonl(dir / "events.jsonl");
  }
  if (has(parts, RunParts::bmc) && fs::exists(dir / "bmc" / "report.json", ec)) run.bmc = read_bmc_report(dir / "bmc");
  if (has(parts, RunParts::timer_jitter) && fs::exists(dir / "timer_jitter.json", ec))
    run.timer_jitter = read_timer_jitter(dir / "timer_jitter.json");
  if (has(parts, RunParts::memory) && fs::exists(dir / "memory_profile.json", ec))
    run.memory = analyze_memory(read_memory_profile(dir / "memory_profile.json"));
  if (has(parts, RunParts::config) && fs::exists(dir / "config.yaml", ec)) {
    run.config = read_config_yaml(dir / "config.yaml");
  }
  return run;
}

Batch load_batch(const fs::path& dir, RunParts parts, unsigned threads) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw io_error(dir, "not a directory");
  Batch batch;
  batch.dir = dir;

  std::vector<fs::path> run_dirs;
  if (is_run_dir(dir)) {
    run_dirs.push_back(dir);
  } else {
    // Breadth-limited walk: a run directory's own subdirectories (bmc/) are
    // not searched for further runs.
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw io_error(dir, "cannot list: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) throw io_error(dir, "cannot list: " + ec.message());
      if (!it->is_directory(ec)) continue;
      // Hidden directories are temporaries of a writer (traces/run_directory.h), never runs.
      if (it->path().filename().string().front() == '.') {
        it.disable_recursion_pending();
        continue;
      }
      if (is_run_dir(it->path())) {
        run_dirs.push_back(it->path());
        it.disable_recursion_pending();
      } else if (it.depth() + 1 >= kMaxBatchDepth) {
        it.disable_recursion_pending();
      }
    }
  }
  std::sort(run_dirs.begin(), run_dirs.end());

  // Runs load on every core (parsing time series dominates a report of a
  // large batch); runs and problems keep the sorted directory order.
  std::vector<std::optional<Run>> loaded(run_dirs.size());
  std::vector<std::string> problem_of(run_dirs.size());
  std::vector<std::exception_ptr> failure_of(run_dirs.size());
  std::atomic<size_t> next{0};
  const auto worker = [&] {
    for (size_t i = next++; i < run_dirs.size(); i = next++) {
      try {
        loaded[i] = load_run(run_dirs[i], parts);
      } catch (const io_error& e) {
        problem_of[i] = e.what();
      } catch (...) {
        failure_of[i] = std::current_exception();
      }
    }
  };
  const unsigned wanted = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min<size_t>(wanted, run_dirs.size()); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (size_t i = 0; i < run_dirs.size(); ++i) {
    if (failure_of[i]) std::rethrow_exception(failure_of[i]);
    if (loaded[i]) batch.runs.push_back(std::move(*loaded[i]));
    else batch.problems.push_back(std::move(problem_of[i]));
  }
  if (fs::is_regular_file(dir / "summary.csv", ec)) {
    try {
      batch.table = read_summary_csv(dir / "summary.csv");
    } catch (const io_error& e) {
      batch.problems.emplace_back(e.what());
    }
  }
  if (fs::is_regular_file(dir / "sweep.csv", ec)) {
    try {
      batch.sweep = read_summary_csv(dir / "sweep.csv");
    } catch (const io_error& e) {
      batch.problems.emplace_back(e.what());
    }
  }
  if (batch.runs.empty() && !batch.table && batch.problems.empty()) {
    throw io_error(dir, "no run directory (with summary.json) and no summary.csv found");
  }
  return batch;
}

BatchTable table_of(const Batch& batch) {
  if (batch.table) return *batch.table;
  std::vector<BatchRow> rows;
  rows.reserve(batch.runs.size());
  for (const Run& run : batch.runs) {
    std::error_code ec;
    const fs::path rel = fs::relative(run.dir, batch.dir, ec);
    const std::string name = ec || rel.empty() || rel == "." ? std::string(".") : rel.generic_string();
    rows.push_back(batch_row(run.summary, name, status_of(run.summary) == RunStatus::ok ? 0 : 1));
  }
  return batch_table(std::move(rows));
}

}  // namespace crashtwin::results
