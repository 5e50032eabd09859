#include "gui/compare/compare_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QSplitter>
#include <QVBoxLayout>

#include "traces/report/format.h"

namespace crashtwin::gui {

namespace {
void style_table(QTableView* table) {
  table->setSortingEnabled(true);
  table->setAlternatingRowColors(true);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->verticalHeader()->setDefaultSectionSize(24);
  table->horizontalHeader()->setHighlightSections(false);
  table->horizontalHeader()->setStretchLastSection(false);
  table->setWordWrap(false);
}

QLabel* caption(const QString& text) {
  auto* label = new QLabel(text);
  label->setStyleSheet("font-weight:600; color:#1d2330; padding:4px 0 2px 0;");
  return label;
}
}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent), run_proxy_(this) {
  policy_proxy_.setSourceModel(&policy_model_);
  policy_proxy_.setSortRole(kSortRole);
  run_proxy_.setSourceModel(&run_model_);

  scenario_ = new QComboBox();
  scenario_->setMinimumWidth(220);
  verdict_ = new QLabel();
  verdict_->setTextFormat(Qt::RichText);
  verdict_->setWordWrap(true);
  verdict_->setStyleSheet("background:#f0f6fb; border:1px solid #cfe0ee; border-radius:6px; padding:8px 10px;");

  policy_table_ = new QTableView();
  policy_table_->setModel(&policy_proxy_);
  style_table(policy_table_);
  run_table_ = new QTableView();
  run_table_->setModel(&run_proxy_);
  style_table(run_table_);
  pareto_ = new ParetoChartView();
  sweep_chart_ = new SweepChartView();
  sweep_chart_->hide();

  auto* top = new QHBoxLayout();
  top->addWidget(new QLabel(tr("Scenario:")));
  top->addWidget(scenario_);
  top->addStretch(1);

  auto* policies = new QWidget();
  auto* pl = new QVBoxLayout(policies);
  pl->setContentsMargins(0, 0, 0, 0);
  pl->addWidget(caption(tr("Policies × metrics (mean over finished runs; best in green)")));
  pl->addWidget(policy_table_);
  auto* upper = new QSplitter(Qt::Horizontal);
  upper->addWidget(policies);
  upper->addWidget(pareto_);
  upper->addWidget(sweep_chart_);
  upper->setSizes({760, 620, 620});

  auto* runs = new QWidget();
  auto* rl = new QVBoxLayout(runs);
  rl->setContentsMargins(0, 0, 0, 0);
  rl->addWidget(caption(tr("Runs (double-click to open in Timeline, Crash region and Records)")));
  rl->addWidget(run_table_);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(upper);
  split->addWidget(runs);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(verdict_);
  layout->addWidget(split, 1);

  connect(scenario_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(run_table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    emit run_activated(run_proxy_.mapToSource(index).row());
  });
}

void CompareView::show_overview(const BatchOverview* overview) {
  overview_ = overview;
  metrics_ = overview != nullptr ? display_metrics(overview->table) : std::vector<std::string>{};
  QSignalBlocker block(scenario_);
  scenario_->clear();
  scenario_->addItem(tr("All scenarios"), QString());
  if (overview != nullptr) {
    for (const std::string& s : scenarios_of(overview->table)) {
      scenario_->addItem(QString::fromStdString(s), QString::fromStdString(s));
    }
  }
  run_model_.set_table(overview != nullptr ? &overview->table : nullptr, metrics_);
  refresh();
  run_table_->resizeColumnsToContents();
}

void CompareView::set_scenario(const QString& scenario) {
  const int index = scenario_->findData(scenario);
  if (index >= 0) scenario_->setCurrentIndex(index);
}

void CompareView::refresh() {
  if (overview_ == nullptr) {
    policy_model_.set_rows({}, {});
    verdict_->clear();
    sweep_chart_->hide();
    return;
  }
  const QString scenario = scenario_->currentData().toString();
  policy_model_.set_rows(summarise_policies(overview_->table, metrics_, scenario.toStdString()), metrics_);
  run_proxy_.set_scenario(scenario);
  pareto_->show_table(overview_->table, scenario.toStdString());
  const bool sweep = overview_->batch.sweep.has_value();
  sweep_chart_->setVisible(sweep);
  if (sweep) sweep_chart_->show_sweep(*overview_->batch.sweep, scenario.toStdString());
  policy_table_->resizeColumnsToContents();
  verdict_->setText(verdict());
}

// The at-a-glance answer: who captures most, who reserves least, who is on
// the front.
QString CompareView::verdict() const {
  const auto& rows = policy_model_.rows();
  const auto& metrics = policy_model_.metrics();
  auto column = [&](const char* name) -> int {
    auto it = std::find(metrics.begin(), metrics.end(), name);
    return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
  };
  const int completeness = column(kCompletenessMetric);
  const int reserved = column(kReservedMetric);
  if (rows.empty()) return tr("No runs.");
  auto best = [&](int m, bool higher) -> const PolicySummary* {
    const PolicySummary* winner = nullptr;
    for (const auto& r : rows) {
      if (m < 0 || !r.means[static_cast<size_t>(m)]) continue;
      const double v = *r.means[static_cast<size_t>(m)];
      if (winner == nullptr || (higher ? v > *winner->means[static_cast<size_t>(m)] : v < *winner->means[static_cast<size_t>(m)])) {
        winner = &r;
      }
    }
    return winner;
  };
  QStringList parts;
  size_t runs = 0;
  for (const auto& r : rows) runs += r.runs;
  parts << tr("<b>%1</b> policies, <b>%2</b> runs").arg(rows.size()).arg(runs);
  if (const PolicySummary* w = best(completeness, true)) {
    parts << tr("most complete capture: <b style='color:#1e8449'>%1 · %2</b> (%3)")
                 .arg(QString::fromStdString(w->policy), QString::fromStdString(w->strategy),
                      QString::fromStdString(report::format_metric(kCompletenessMetric,
                                                                   *w->means[static_cast<size_t>(completeness)])));
  }
  if (const PolicySummary* w = best(reserved, false)) {
    parts << tr("least reserved memory: <b>%1 · %2</b> (%3)")
                 .arg(QString::fromStdString(w->policy), QString::fromStdString(w->strategy),
                      QString::fromStdString(
                          report::format_metric(kReservedMetric, *w->means[static_cast<size_t>(reserved)])));
  }
  parts << tr("%1 of %2 runs on the Pareto front").arg(pareto_->front_count()).arg(pareto_->point_count());
  return parts.join(QStringLiteral(" &nbsp;·&nbsp; "));
}

}  // namespace crashtwin::gui
