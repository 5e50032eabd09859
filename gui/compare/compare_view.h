// Compare: which policy wins, where and why. A policies x metrics table
// (means, best in green, sortable), the completeness/reserved-memory Pareto
// chart (and, for a sweep directory, the budget-sweep curves beside it), and the per-scenario drill-down of every run; double-clicking a run
// opens it in the detail views.
#pragma once

#include <QComboBox>
#include <QLabel>
#include <QTableView>
#include <QWidget>

#include "gui/compare/compare_models.h"
#include "gui/compare/pareto_chart.h"
#include "gui/compare/sweep_chart.h"
#include "gui/data/batch_overview.h"

namespace crashtwin::gui {

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);

  // The overview must outlive the view's use of it (the main window owns it).
  void show_overview(const BatchOverview* overview);
  // "" for all scenarios.
  void set_scenario(const QString& scenario);

  PolicyTableModel* policy_model() { return &policy_model_; }
  RunTableModel* run_model() { return &run_model_; }
  QSortFilterProxyModel* policy_proxy() { return &policy_proxy_; }
  ScenarioFilterProxy* run_proxy() { return &run_proxy_; }
  ParetoChartView* pareto() { return pareto_; }
  // Shown only for a sweep directory (sweep.csv).
  SweepChartView* sweep_chart() { return sweep_chart_; }
  QString verdict_text() const { return verdict_->text(); }

 signals:
  // Index into the overview's table rows.
  void run_activated(int table_row);

 private:
  void refresh();
  QString verdict() const;

  const BatchOverview* overview_ = nullptr;
  std::vector<std::string> metrics_;
  QComboBox* scenario_ = nullptr;
  QLabel* verdict_ = nullptr;
  QTableView* policy_table_ = nullptr;
  QTableView* run_table_ = nullptr;
  ParetoChartView* pareto_ = nullptr;
  SweepChartView* sweep_chart_ = nullptr;
  PolicyTableModel policy_model_;
  QSortFilterProxyModel policy_proxy_;
  RunTableModel run_model_;
  ScenarioFilterProxy run_proxy_;
};

}  // namespace crashtwin::gui
