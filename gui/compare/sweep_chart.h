// The budget-sweep chart of the Compare view, shown when the opened
// directory is a sweep (sweep.csv): per policy x strategy x other varied
// values, mean capture completeness against mean reserved_bytes_mean along
// the budget axis, one line per curve, and the Pareto front of the curve
// points dashed. The same curves as report.html's sweep section
// (traces/results/sweep.h).
#pragma once

#include <string>

#include <QChartView>

#include "traces/batch.h"

namespace crashtwin::gui {

class SweepChartView : public QChartView {
  Q_OBJECT
 public:
  explicit SweepChartView(QWidget* parent = nullptr);
  // Curves of `scenario` (all when empty); rebuilds the chart.
  void show_sweep(const BatchTable& sweep, const std::string& scenario);
  int curve_count() const { return curves_; }
  int front_count() const { return front_; }

 private:
  int curves_ = 0;
  int front_ = 0;
};

}  // namespace crashtwin::gui
