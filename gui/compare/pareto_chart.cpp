#include "gui/compare/pareto_chart.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include "gui/compare/policy_summary.h"
#include "gui/data/palette.h"
#include "traces/report/pareto.h"

namespace crashtwin::gui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kLogSpread = 50.0;  // max/min cost ratio above which the x axis is logarithmic
}  // namespace

QChart* new_tradeoff_chart(const QString& title) {
  auto* chart = new QChart();
  chart->setTitle(title);
  chart->legend()->setAlignment(Qt::AlignBottom);
  QFont legend_font = chart->legend()->font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85);
  chart->legend()->setFont(legend_font);
  chart->setMargins(QMargins(4, 4, 4, 4));
  return chart;
}

int add_front_and_axes(QChart* chart, const std::vector<report::TradeoffPoint>& points, const QString& x_title,
                       const char* x_label_format, const QString& y_title) {
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
    if (i > 0) front->append(p.cost, points[front_points[i - 1]].benefit);
    front->append(p.cost, p.benefit);
  }
  chart->addSeries(front);

  double lo = 0, hi = 1;
  if (!points.empty()) {
    auto [mn, mx] = std::minmax_element(points.begin(), points.end(),
                                        [](const auto& a, const auto& b) { return a.cost < b.cost; });
    lo = mn->cost;
    hi = mx->cost;
  }
  QAbstractAxis* x = nullptr;
  if (lo > 0 && hi / lo > kLogSpread) {
    auto* log = new QLogValueAxis();
    log->setBase(10);
    log->setLabelFormat("%g");
    x = log;
  } else {
    auto* lin = new QValueAxis();
    const double pad = std::max((hi - lo) * 0.08, 0.5);
    lin->setRange(std::max(0.0, lo - pad), hi + pad);
    lin->setLabelFormat(x_label_format);
    x = lin;
  }
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
  QChart* chart = new_tradeoff_chart(QStringLiteral("Capture completeness vs reserved memory"));

  std::vector<report::TradeoffPoint> points;
  std::map<std::string, QScatterSeries*> by_policy;
  for (const BatchRow& row : table.rows) {
    if ((!scenario.empty() && row.scenario != scenario) || !finished(row.status)) continue;
    auto cost = row.metric(kReservedMetric);
    auto benefit = row.metric(kCompletenessMetric);
    if (!cost || !benefit || !std::isfinite(*cost) || !std::isfinite(*benefit)) continue;
    const std::string key = row.policy + " · " + row.strategy;
    auto [it, added] = by_policy.try_emplace(key, nullptr);
    if (added) {
      it->second = new QScatterSeries();
      it->second->setName(QString::fromStdString(key));
      it->second->setMarkerSize(9);
      it->second->setBorderColor(Qt::white);
    }
    it->second->append(*cost / kMiB, *benefit * 100.0);
    points.push_back({*cost / kMiB, *benefit * 100.0});
  }
  int colour = 0;
  for (auto& [key, series] : by_policy) {
    series->setColor(series_colour(colour++));
    chart->addSeries(series);
  }
  points_ = static_cast<int>(points.size());
  front_ = add_front_and_axes(chart, points, QStringLiteral("reserved MiB·s (lower is better)"), "%.0f",
                              QStringLiteral("completeness (higher is better)"));
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace crashtwin::gui
