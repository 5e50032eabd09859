#include "gui/compare/sweep_chart.h"

#include <algorithm>
#include <vector>

#include <QChart>
#include <QLineSeries>

#include "gui/compare/pareto_chart.h"
#include "gui/compare/policy_summary.h"
#include "gui/data/palette.h"
#include "traces/results/sweep.h"

namespace crashtwin::gui {

SweepChartView::SweepChartView(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::RectangleRubberBand);
  setMinimumSize(380, 300);
}

void SweepChartView::show_sweep(const BatchTable& sweep, const std::string& scenario) {
  const std::string axis = results::sweep_axis(sweep);
  QChart* chart = new_tradeoff_chart(QString::fromStdString("Completeness vs reserved memory along " + axis));

  std::vector<report::TradeoffPoint> points;
  const auto curves = results::sweep_curves(sweep, scenario);
  for (const results::SweepCurve& c : curves) {
    for (const results::SweepPointStats& p : c.points) {
      if (p.reserved_bytes_mean && p.completeness_mean) points.push_back({*p.reserved_bytes_mean, *p.completeness_mean * 100.0});
    }
  }
  const bool log_scale = tradeoff_log_scale(points);
  const std::vector<std::string> keys = policy_strategy_keys(sweep);
  for (const results::SweepCurve& c : curves) {
    auto* series = new QLineSeries();
    std::string name = c.policy + " · " + c.strategy;
    if (!c.others.empty()) name += " · " + c.others;
    series->setName(QString::fromStdString(name));
    series->setPointsVisible(true);
    const auto index = std::find(keys.begin(), keys.end(), c.policy + " · " + c.strategy) - keys.begin();
    series->setColor(series_colour(static_cast<int>(index)));
    for (const results::SweepPointStats& p : c.points) {
      if (!p.reserved_bytes_mean || !p.completeness_mean) continue;
      series->append(tradeoff_x(*p.reserved_bytes_mean, log_scale), *p.completeness_mean * 100.0);
    }
    chart->addSeries(series);
  }
  curves_ = static_cast<int>(curves.size());
  front_ = add_front_and_axes(chart, points, QStringLiteral("reserved, time average (lower is better)"),
                              QStringLiteral("completeness, mean over runs"));
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace crashtwin::gui
