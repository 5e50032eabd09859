// The trade-off chart of the Compare view: capture completeness against
// reserved byte-seconds, one point per finished run, one colour per policy,
// and the Pareto front (runs no other run beats on both) as a dashed step.
#pragma once

#include <string>

#include <QChartView>

#include "traces/batch.h"

namespace crashtwin::gui {

inline constexpr const char* kCompletenessMetric = "capture_completeness";
inline constexpr const char* kReservedMetric = "reserved_byte_seconds";

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
