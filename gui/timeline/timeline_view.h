// Timeline: per-component slice sizes and failure probabilities over the
// run, with failure, alert and repartition markers. Both charts share the
// time axis range (zoom or pan one, the other follows) and the time cursor;
// series are downsampled (min/max per pixel, from the run's pyramids) for the
// visible range after every zoom, so million-tick runs stay smooth and
// spikes stay visible. Samples hold until the next tick (a slice keeps its
// size until a repartition): lines are drawn as steps, never as ramps.
#pragma once

#include <memory>
#include <vector>

#include <QLabel>
#include <QLineSeries>
#include <QWidget>

#include "gui/widgets/time_chart_view.h"
#include "gui/widgets/time_cursor.h"
#include "gui/data/run_details.h"

namespace crashtwin::gui {

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  TimelineView(TimeCursor* cursor, QWidget* parent = nullptr);

  void show_run(std::shared_ptr<const RunDetails> details);

  TimeChartView* slice_chart() { return slices_; }
  TimeChartView* probability_chart() { return probabilities_; }
  // Points currently handed to Qt Charts over all series (tests: downsampling).
  qsizetype drawn_points() const;

 private:
  struct Line {
    QLineSeries* series;
    const std::vector<double>* values;
    const MinMaxPyramid* pyramid;
    double scale;  // bytes -> MiB for slices, 1 for probabilities
  };
  TimeChartView* make_chart(const QString& title, const QString& y_title, QValueAxis*& y_axis);
  void fill(TimeChartView* view, std::vector<Line>& lines, const QString& prefix, double scale);
  // A baseline strategy's run: its reservation and recovery (timeseries
  // columns held_bytes, available_bytes, dump_bytes_written) in the chart
  // that shows a predictive run's slices.
  void fill_recovery(TimeChartView* view, std::vector<Line>& lines, double scale);
  void redraw();
  void sync_range(TimeChartView* from);
  void show_readout(double t_s);
  void align_plot_areas();

  TimeCursor* cursor_;
  std::shared_ptr<const RunDetails> details_;
  const results::Run* run_ = nullptr;  // &details_->run
  TimeChartView* slices_ = nullptr;
  TimeChartView* probabilities_ = nullptr;
  QValueAxis* slice_y_ = nullptr;
  QValueAxis* probability_y_ = nullptr;
  std::vector<Line> slice_lines_;
  std::vector<Line> probability_lines_;
  QLabel* title_ = nullptr;
  QLabel* readout_ = nullptr;
  bool syncing_ = false;
  bool aligning_ = false;
  QMargins extra_margin_[2];  // added to slices_' and probabilities_' margins to align their plot areas
};

}  // namespace crashtwin::gui
