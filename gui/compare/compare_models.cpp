#include "gui/compare/compare_models.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "gui/data/batch_overview.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

namespace {

QVariant metric_cell(const report::ColumnUnit& unit, const std::optional<double>& value, int role) {
  if (role == Qt::DisplayRole) {
    return value ? QString::fromStdString(report::format_in_column(unit, *value)) : QStringLiteral("–");
  }
  if (role == kSortRole) return value ? QVariant(*value) : QVariant();
  if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && !value) return QBrush(QColor(0xAA, 0xB2, 0xBF));
  return {};
}

QColor status_colour(RunStatus status) {
  switch (status) {
    case RunStatus::ok: return QColor(0xE3, 0xF4, 0xE8);
    case RunStatus::expectations_failed: return QColor(0xFD, 0xEC, 0xEA);
    default: return QColor(0xFF, 0xF3, 0xD6);
  }
}

QVariant header_of(const std::vector<std::string>& metrics, int fixed, int section, int role,
                   std::initializer_list<const char*> fixed_names) {
  if (section < fixed) {
    if (role == Qt::DisplayRole) return QString::fromUtf8(*(fixed_names.begin() + section));
    return {};
  }
  const std::string& metric = metrics[static_cast<size_t>(section - fixed)];
  if (role == Qt::DisplayRole) return metric_header(metric);
  if (role == Qt::ToolTipRole) {
    return QString::fromStdString(metric) + (higher_is_better(metric) ? " (higher is better)" : " (lower is better)");
  }
  if (role == kMetricNameRole) return QString::fromStdString(metric);
  return {};
}

}  // namespace

QString metric_header(const std::string& metric) {
  QString text = QString::fromStdString(metric);
  text.replace('_', ' ');
  text.replace('.', QStringLiteral(" · "));
  return text;
}

void PolicyTableModel::set_rows(std::vector<PolicySummary> rows, std::vector<std::string> metrics) {
  beginResetModel();
  rows_ = std::move(rows);
  metrics_ = std::move(metrics);
  best_ = results::best_means(rows_, metrics_);
  units_ = results::mean_units(rows_, metrics_);
  endResetModel();
}

bool PolicyTableModel::is_best(size_t row, size_t metric) const {
  return best_[metric][row];
}

int PolicyTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int PolicyTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFixedColumns + static_cast<int>(metrics_.size());
}

QVariant PolicyTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const auto row = static_cast<size_t>(index.row());
  const PolicySummary& r = rows_[row];
  switch (index.column()) {
    case 0: return role == Qt::DisplayRole || role == kSortRole ? QVariant(QString::fromStdString(r.policy)) : QVariant();
    case 1:
      return role == Qt::DisplayRole || role == kSortRole ? QVariant(QString::fromStdString(r.strategy)) : QVariant();
    case 2: return role == Qt::DisplayRole || role == kSortRole ? QVariant(static_cast<qulonglong>(r.runs)) : QVariant();
    case 3: return role == Qt::DisplayRole || role == kSortRole ? QVariant(static_cast<qulonglong>(r.ok)) : QVariant();
    case 4:
      if (role == Qt::DisplayRole) return QStringLiteral("%1 / %2").arg(r.expectations_failed).arg(r.not_finished);
      if (role == kSortRole) return static_cast<qulonglong>(r.expectations_failed + r.not_finished);
      if (role == Qt::ToolTipRole) return QStringLiteral("expectations failed / invalid, crashed or timed out");
      return {};
    default: break;
  }
  const auto m = static_cast<size_t>(index.column() - kFixedColumns);
  if (is_best(row, m)) {
    if (role == Qt::FontRole) {
      QFont bold;
      bold.setBold(true);
      return bold;
    }
    if (role == Qt::ForegroundRole) return QBrush(QColor(0x1E, 0x84, 0x49));
    if (role == Qt::ToolTipRole) return QStringLiteral("best of the policies");
  }
  return metric_cell(units_[m], r.means[m], role);
}

QVariant PolicyTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  return header_of(metrics_, kFixedColumns, section, role, {"Policy", "Strategy", "Runs", "OK", "Failed / other"});
}

void RunTableModel::set_table(const BatchTable* table, std::vector<std::string> metrics) {
  beginResetModel();
  table_ = table;
  metrics_ = std::move(metrics);
  units_ = table_ != nullptr ? results::run_units(table_->rows, metrics_) : results::run_units({}, metrics_);
  endResetModel();
}

const BatchRow* RunTableModel::row_at(int row) const {
  if (table_ == nullptr || row < 0 || static_cast<size_t>(row) >= table_->rows.size()) return nullptr;
  return &table_->rows[static_cast<size_t>(row)];
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || table_ == nullptr ? 0 : static_cast<int>(table_->rows.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFixedColumns + static_cast<int>(metrics_.size());
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
  const BatchRow* r = row_at(index.row());
  if (r == nullptr) return {};
  const bool text = role == Qt::DisplayRole || role == kSortRole;
  switch (index.column()) {
    case 0: return text ? QVariant(QString::fromStdString(r->scenario)) : QVariant();
    case 1: return text ? QVariant(QString::fromStdString(r->policy)) : QVariant();
    case 2: return text ? QVariant(QString::fromStdString(r->strategy)) : QVariant();
    case 3: return text ? QVariant(static_cast<qulonglong>(r->seed)) : QVariant();
    case 4:
      if (text) return QString::fromUtf8(to_string(r->status));
      if (role == Qt::BackgroundRole) return QBrush(status_colour(r->status));
      return {};
    default: break;
  }
  const auto m = static_cast<size_t>(index.column() - kFixedColumns);
  return metric_cell(units_[m], r->metric(metrics_[m]), role);
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  return header_of(metrics_, kFixedColumns, section, role, {"Scenario", "Policy", "Strategy", "Seed", "Status"});
}

ScenarioFilterProxy::ScenarioFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) { setSortRole(kSortRole); }

void ScenarioFilterProxy::set_scenario(const QString& scenario) {
  scenario_ = scenario;
  invalidateFilter();
}

bool ScenarioFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  if (scenario_.isEmpty()) return true;
  return sourceModel()->index(source_row, 0, source_parent).data(kSortRole).toString() == scenario_;
}

}  // namespace crashtwin::gui
