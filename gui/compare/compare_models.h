// Table models of the Compare view. Both give the formatted value (with its
// unit) for display and the raw number under kSortRole, so the
// QSortFilterProxyModel sorts 2 MiB before 10 MiB and tests compare numbers.
#pragma once

#include <string>
#include <vector>

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include "gui/compare/policy_summary.h"
#include "traces/batch.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

inline constexpr int kSortRole = Qt::UserRole + 1;
// The metric name of a metric column (horizontal header), for tooltips/tests.
inline constexpr int kMetricNameRole = Qt::UserRole + 2;

// Policies x metrics (means); the best mean of each metric is bold green.
class PolicyTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int kFixedColumns = 5;  // policy, strategy, runs, ok, failed/other
  using QAbstractTableModel::QAbstractTableModel;

  void set_rows(std::vector<PolicySummary> rows, std::vector<std::string> metrics);
  const std::vector<PolicySummary>& rows() const { return rows_; }
  const std::vector<std::string>& metrics() const { return metrics_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  bool is_best(size_t row, size_t metric) const;
  std::vector<PolicySummary> rows_;
  std::vector<std::string> metrics_;
  std::vector<std::vector<bool>> best_;  // [metric][row], as report.html marks winners
  std::vector<report::ColumnUnit> units_;  // one unit per metric column, as report.html's tables
};

// One row per run of the batch (summary.csv), for the per-scenario drill-down.
class RunTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int kFixedColumns = 5;  // scenario, policy, strategy, seed, status
  using QAbstractTableModel::QAbstractTableModel;

  void set_table(const BatchTable* table, std::vector<std::string> metrics);
  const BatchRow* row_at(int row) const;
  const std::vector<std::string>& metrics() const { return metrics_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  const BatchTable* table_ = nullptr;
  std::vector<std::string> metrics_;
  std::vector<report::ColumnUnit> units_;  // one unit per metric column
};

// Keeps the rows of one scenario (all when empty); sorts by kSortRole.
class ScenarioFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit ScenarioFilterProxy(QObject* parent = nullptr);
  void set_scenario(const QString& scenario);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  QString scenario_;
};

// Header text of a metric: "capture completeness" with the unit family
// ("reserved byte seconds"), the dotted name stays in the tooltip.
QString metric_header(const std::string& metric);

}  // namespace crashtwin::gui
