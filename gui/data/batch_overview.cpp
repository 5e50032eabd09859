#include "gui/data/batch_overview.h"

#include <algorithm>
#include <system_error>

#include <QString>

namespace crashtwin::gui {

namespace fs = std::filesystem;

BatchOverview load_overview(const fs::path& dir) {
  BatchOverview overview;
  overview.batch = results::load_batch(dir, results::RunParts::summary);
  if (overview.batch.table) {
    overview.table = *overview.batch.table;
    overview.table_from_csv = true;
    return overview;
  }
  // A single run, or a batch whose runner died before summary.csv: the rows
  // come from the summaries, as `crashtwin batch` would have written them.
  std::vector<BatchRow> rows;
  for (const results::Run& run : overview.batch.runs) {
    std::error_code ec;
    fs::path rel = fs::relative(run.dir, overview.batch.dir, ec);
    std::string name = ec || rel.empty() || rel == "." ? std::string(".") : rel.generic_string();
    rows.push_back(batch_row(run.summary, name, status_of(run.summary) == RunStatus::ok ? 0 : 1));
  }
  overview.table = batch_table(std::move(rows));
  return overview;
}

results::Run load_run_details(const fs::path& run_dir) { return results::load_run(run_dir, results::RunParts::all); }

fs::path run_dir_of(const BatchOverview& overview, const BatchRow& row) {
  if (row.run.empty() || row.run == ".") return overview.batch.dir;
  return overview.batch.dir / row.run;
}

namespace {
QString title_of(const std::string& scenario, const std::string& policy, const std::string& strategy, uint64_t seed) {
  return QStringLiteral("%1 · %2 · %3 · seed %4")
      .arg(QString::fromStdString(scenario), QString::fromStdString(policy), QString::fromStdString(strategy))
      .arg(seed);
}
}  // namespace

std::string run_title(const BatchRow& row) {
  return title_of(row.scenario, row.policy, row.strategy, row.seed).toStdString();
}

QString run_title(const RunSummary& s) { return title_of(s.scenario, s.policy, s.strategy, s.seed); }

std::vector<std::string> display_metrics(const BatchTable& table) {
  static constexpr std::string_view kFirst[] = {"capture_completeness", "reserved_byte_seconds"};
  std::vector<std::string> ordered;
  for (std::string_view first : kFirst) {
    if (std::find(table.metric_columns.begin(), table.metric_columns.end(), first) != table.metric_columns.end()) {
      ordered.emplace_back(first);
    }
  }
  for (const auto& m : table.metric_columns) {
    if (std::find(ordered.begin(), ordered.end(), m) == ordered.end()) ordered.push_back(m);
  }
  return ordered;
}

bool higher_is_better(std::string_view metric) {
  return metric.starts_with("capture_completeness") || metric.starts_with("failures_identified") ||
         metric.find("precision") != std::string_view::npos || metric.find("recall") != std::string_view::npos ||
         metric.find("lead_time") != std::string_view::npos;
}

}  // namespace crashtwin::gui
