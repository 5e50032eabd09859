#include "gui/data/batch_overview.h"

#include <algorithm>
#include <system_error>

#include <QString>

namespace crashtwin::gui {

namespace fs = std::filesystem;

BatchOverview load_overview(const fs::path& dir) {
  BatchOverview overview;
  overview.batch = results::load_batch(dir, results::RunParts::summary);
  overview.table = results::table_of(overview.batch);
  overview.table_from_csv = overview.batch.table.has_value();
  return overview;
}

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

}  // namespace crashtwin::gui
