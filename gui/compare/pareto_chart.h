// The trade-off chart of the Compare view: capture completeness against
// reserved byte-seconds, one point per finished run, one colour per policy,
// and the Pareto front (runs no other run beats on both) as a dashed step.
#pragma once

#include <string>
#include <vector>

#include <QChart>
#include <QChartView>

#include "traces/batch.h"
#include "traces/report/pareto.h"

namespace crashtwin::gui {

inline constexpr const char* kCompletenessMetric = "capture_completeness";
inline constexpr const char* kReservedMetric = "reserved_byte_seconds";

// A chart with the Compare view's title, legend (bottom, smaller font) and
// margins, owned by the caller until set on a view.
QChart* new_tradeoff_chart(const QString& title);

// Adds to `chart` the dashed stepped Pareto front of `points` (x cost,
// y benefit in %) and the axes: x logarithmic when the costs spread widely,
// y 0..105 %. Attaches every series of the chart; returns the front's size.
// The sweep chart shares it (sweep_chart.h).
int add_front_and_axes(QChart* chart, const std::vector<report::TradeoffPoint>& points, const QString& x_title,
                       const char* x_label_format, const QString& y_title);

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
