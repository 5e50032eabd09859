#include "gui/compare/pareto_chart.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QChart>
#include <QLineSeries>
#include <QCategoryAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include "gui/compare/policy_summary.h"
#include "gui/data/palette.h"
#include "traces/report/pareto.h"
#include "traces/report/svg_chart.h"

namespace crashtwin::gui {

namespace {
constexpr double kLogSpread = 50.0;  // max/min cost ratio above which the x axis is logarithmic

// Labels `axis` (holding costs in bytes, or their log10) with report.html's
// ticks and units for its current range.
void label_cost_axis(QCategoryAxis* axis, bool log_scale) {
  const auto cost = [log_scale](double x) { return log_scale ? std::pow(10.0, x) : x; };
  const std::vector<double> ticks = report::axis_ticks(cost(axis->min()), cost(axis->max()), report::AxisFormat::bytes,
                                                       log_scale);
  const std::vector<std::string> labels = report::axis_labels(ticks, report::AxisFormat::bytes);
  for (const QString& old : axis->categoriesLabels()) axis->remove(old);
  for (size_t i = 0; i < ticks.size(); ++i) {
    axis->append(QString::fromStdString(labels[i]), tradeoff_x(ticks[i], log_scale));
  }
}
}  // namespace

QChart* new_tradeoff_chart(const QString& title) {
  auto* chart = new QChart();
  chart->setTitle(title);
  chart->legend()->setAlignment(Qt::AlignRight);
  chart->legend()->setShowToolTips(true);
  QFont legend_font = chart->legend()->font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85);
  chart->legend()->setFont(legend_font);
  chart->setMargins(QMargins(4, 4, 4, 4));
  return chart;
}

bool tradeoff_log_scale(const std::vector<report::TradeoffPoint>& points) {
  if (points.empty()) return false;
  auto [mn, mx] = std::minmax_element(points.begin(), points.end(),
                                      [](const auto& a, const auto& b) { return a.cost < b.cost; });
  return mn->cost > 0 && mx->cost / mn->cost > kLogSpread;
}

int add_front_and_axes(QChart* chart, const std::vector<report::TradeoffPoint>& points, const QString& x_title,
                       const QString& y_title) {
  const bool log_scale = tradeoff_log_scale(points);
  auto* front = new QLineSeries();
  front->setName(QStringLiteral("Pareto front"));
  QPen pen(QColor(0x22, 0x22, 0x22));
  pen.setStyle(Qt::DashLine);
  pen.setWidthF(1.4);
  front->setPen(pen);
  const std::vector<size_t> front_points = report::pareto_front(points);
  // Stepped: between two front points the better completeness only holds
  // once its cost is paid.
  for (size_t i = 0; i < front_points.size(); ++i) {
    const auto& p = points[front_points[i]];
    if (i > 0) front->append(tradeoff_x(p.cost, log_scale), points[front_points[i - 1]].benefit);
    front->append(tradeoff_x(p.cost, log_scale), p.benefit);
  }
  chart->addSeries(front);

  double lo = 0, hi = 1;
  if (!points.empty()) {
    auto [mn, mx] = std::minmax_element(points.begin(), points.end(),
                                        [](const auto& a, const auto& b) { return a.cost < b.cost; });
    lo = tradeoff_x(mn->cost, log_scale);
    hi = tradeoff_x(mx->cost, log_scale);
  }
  auto* x = new QCategoryAxis();
  x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  const double pad = std::max((hi - lo) * 0.08, log_scale ? 0.1 : std::max(hi * 0.05, 1.0));
  x->setRange(log_scale ? lo - pad : std::max(0.0, lo - pad), hi + pad);
  label_cost_axis(x, log_scale);
  // Zooming (rubber band) keeps readable ticks.
  QObject::connect(x, &QValueAxis::rangeChanged, x, [x, log_scale] {
    const QSignalBlocker block(x);
    label_cost_axis(x, log_scale);
  });
  x->setTitleText(x_title);
  auto* y = new QValueAxis();
  y->setRange(0, 105);
  y->setTickCount(8);
  y->setLabelFormat("%.0f%%");
  y->setTitleText(y_title);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  return static_cast<int>(front_points.size());
}

ParetoChartView::ParetoChartView(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::RectangleRubberBand);
  setMinimumSize(380, 300);
}

void ParetoChartView::show_table(const BatchTable& table, const std::string& scenario) {
  QChart* chart = new_tradeoff_chart(QStringLiteral("Capture completeness vs crash memory held in production"));
  const char* cost_metric = kTradeoffCostMetrics[std::size(kTradeoffCostMetrics) - 1];
  for (const char* metric : kTradeoffCostMetrics) {
    if (std::find(table.metric_columns.begin(), table.metric_columns.end(), metric) != table.metric_columns.end()) {
      cost_metric = metric;
      break;
    }
  }
  struct Point {
    std::string key;
    report::TradeoffPoint point;
  };
  std::vector<Point> kept;
  for (const BatchRow& row : table.rows) {
    if ((!scenario.empty() && row.scenario != scenario) || !finished(row.status)) continue;
    auto cost = row.metric(cost_metric);
    auto benefit = row.metric(kCompletenessMetric);
    if (!cost || !benefit || !std::isfinite(*cost) || !std::isfinite(*benefit)) continue;
    kept.push_back({row.policy + " · " + row.strategy, {*cost, *benefit * 100.0}});
  }
  std::vector<report::TradeoffPoint> points;
  for (const Point& p : kept) points.push_back(p.point);
  const bool log_scale = tradeoff_log_scale(points);
  // Colours by the whole batch's policy · strategy order, as report.html
  // assigns them: the same policy keeps its colour under any drill-down.
  const std::vector<std::string> keys = policy_strategy_keys(table);
  std::map<std::string, QScatterSeries*> by_key;
  for (const Point& p : kept) {
    auto [it, added] = by_key.try_emplace(p.key, nullptr);
    if (added) {
      it->second = new QScatterSeries();
      it->second->setName(QString::fromStdString(p.key));
      it->second->setMarkerSize(9);
      it->second->setBorderColor(Qt::white);
      const auto index = std::find(keys.begin(), keys.end(), p.key) - keys.begin();
      it->second->setColor(series_colour(static_cast<int>(index)));
    }
    it->second->append(tradeoff_x(p.point.cost, log_scale), p.point.benefit);
  }
  for (auto& [key, series] : by_key) chart->addSeries(series);
  points_ = static_cast<int>(points.size());
  front_ = add_front_and_axes(chart, points,
                              QStringLiteral("crash memory in production, time average (lower is better)"),
                              QStringLiteral("completeness (higher is better)"));
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace crashtwin::gui
