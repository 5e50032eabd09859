// The trade-off chart of the Compare view: capture completeness against the
// crash memory held while the host is in production (time average: runs of
// 40 s and of 24 h compare, where byte-seconds would spread them by their
// length), one point per finished run, one colour per policy · strategy (the
// report's), and the Pareto front (runs no other run beats on both) as a
// dashed step. The x axis reads as report.html's do: 1-2-5 steps in one unit.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <QChart>
#include <QChartView>

#include "traces/batch.h"
#include "traces/report/pareto.h"

namespace crashtwin::gui {

inline constexpr const char* kCompletenessMetric = "capture_completeness";
inline constexpr const char* kReservedMetric = "reserved_byte_seconds";
// The chart's cost, first present of (older results lack the production split).
inline constexpr const char* kTradeoffCostMetrics[] = {"reserved_bytes_mean_in_production", "reserved_bytes_mean"};

// A chart with the Compare view's title, legend (right, one full name per
// line, smaller font) and margins, owned by the caller until set on a view.
QChart* new_tradeoff_chart(const QString& title);

// Adds to `chart` the dashed stepped Pareto front of `points` (x cost in
// bytes, y benefit in %) and the axes: x logarithmic when the costs spread
// widely (series then hold log10 of the cost: append through tradeoff_x),
// labelled with the report's ticks and units and relabelled on zoom; y
// 0..105 %. Attaches every series of the chart; returns the front's size.
// The sweep chart shares it (sweep_chart.h).
int add_front_and_axes(QChart* chart, const std::vector<report::TradeoffPoint>& points, const QString& x_title,
                       const QString& y_title);
// Whether add_front_and_axes will make the x axis of `points` logarithmic,
// and the x a cost is drawn at.
bool tradeoff_log_scale(const std::vector<report::TradeoffPoint>& points);
inline double tradeoff_x(double cost, bool log_scale) { return log_scale ? std::log10(cost) : cost; }

class ParetoChartView : public QChartView {
  Q_OBJECT
 public:
  explicit ParetoChartView(QWidget* parent = nullptr);
  // Rows of `scenario` (all when empty); rebuilds the chart.
  void show_table(const BatchTable& table, const std::string& scenario);
  // Points drawn and points on the front (for tests and the status line).
  int point_count() const { return points_; }
  int front_count() const { return front_; }

 private:
  int points_ = 0;
  int front_ = 0;
};

}  // namespace crashtwin::gui
