#include "traces/results/results.h"

#include <algorithm>
#include <system_error>

#include "traces/io.h"

namespace crashtwin::results {

namespace fs = std::filesystem;

namespace {
constexpr int kMaxBatchDepth = 3;  // batch/scenario/policy-seed/

bool is_run_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "summary.json", ec);
}
}  // namespace

Run load_run(const fs::path& dir, RunParts parts) {
  Run run;
  run.dir = dir;
  run.summary = read_summary(dir / "summary.json");
  std::error_code ec;
  if (has(parts, RunParts::perf) && fs::exists(dir / "perf.json", ec)) run.perf = read_perf(dir / "perf.json");
  if (has(parts, RunParts::timeseries) && fs::exists(dir / "timeseries.csv", ec)) {
    run.timeseries = read_timeseries_csv(dir / "timeseries.csv");
  }
  if (has(parts, RunParts::events) && fs::exists(dir / "events.jsonl", ec)) {
    run.events = read_events_jsonl(dir / "events.jsonl");
  }
  if (has(parts, RunParts::bmc) && fs::exists(dir / "bmc" / "report.json", ec)) run.bmc = read_bmc_report(dir / "bmc");
  if (has(parts, RunParts::config) && fs::exists(dir / "config.yaml", ec)) {
    run.config = read_config_yaml(dir / "config.yaml");
  }
  return run;
}

Batch load_batch(const fs::path& dir, RunParts parts) {
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
      if (is_run_dir(it->path())) {
        run_dirs.push_back(it->path());
        it.disable_recursion_pending();
      } else if (it.depth() + 1 >= kMaxBatchDepth) {
        it.disable_recursion_pending();
      }
    }
  }
  std::sort(run_dirs.begin(), run_dirs.end());

  for (const fs::path& run_dir : run_dirs) {
    try {
      batch.runs.push_back(load_run(run_dir, parts));
    } catch (const io_error& e) {
      batch.problems.emplace_back(e.what());
    }
  }
  if (fs::is_regular_file(dir / "summary.csv", ec)) {
    try {
      batch.table = read_summary_csv(dir / "summary.csv");
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
