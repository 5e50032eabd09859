// A chart over simulated time with the interactions engineers expect:
// left-drag zooms into a time range (rubber band), the wheel zooms around the
// mouse, middle- or right-drag pans, double-click resets; event markers
// (failures, alerts, repartitions) and the shared time cursor are painted on
// top of the plot. Markers are painted, not series, so thousands of
// repartitions cost nothing to zoom.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include <QChartView>
#include <QValueAxis>

#include "gui/data/run_markers.h"

namespace crashtwin::gui {

class TimeChartView : public QChartView {
  Q_OBJECT
 public:
  TimeChartView(QChart* chart, QValueAxis* time_axis, QWidget* parent = nullptr);

  QValueAxis* time_axis() const { return axis_; }
  void set_full_range(double lo, double hi);  // what double-click returns to
  // Shows [lo, hi]: every range change of this view goes through here (see
  // the .cpp for why the order matters).
  void set_time_range(double lo, double hi);
  // The tick step for a range: 1-2-5 times a power of ten, about 8 ticks.
  static double tick_step(double lo, double hi);
  // Markers in time order; the caller keeps them alive while shown.
  void set_markers(std::span<const TimeMarker> markers);
  // Bands shaded behind the markers (alarms), sorted by begin; the caller
  // keeps them alive while shown.
  void set_bands(std::span<const TimeBand> bands);
  std::span<const TimeBand> bands() const { return bands_; }
  void set_cursor_time(std::optional<double> t_s);
  // Plot-area width in pixels: the bucket count for downsampling.
  int plot_width() const;

 signals:
  void hovered(double t_s);  // mouse over the plot
  void picked(double t_s);   // click without drag: move the shared cursor

 protected:
  void drawForeground(QPainter* painter, const QRectF& rect) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  std::optional<double> time_at(QPointF view_pos) const;
  double x_of(double t_s) const;  // scene x of a time
  void zoom_around(double centre, double factor);
  void pan_by_pixels(double dx);
  void set_tick_step(double lo, double hi);

  QValueAxis* axis_;
  double full_lo_ = 0, full_hi_ = 1;
  std::span<const TimeMarker> markers_;
  std::span<const TimeBand> bands_;
  std::vector<size_t> labelled_;  // indices of the markers with a label (failures, alerts: few)
  std::optional<double> cursor_;
  std::optional<QPointF> press_;
  std::optional<QPointF> pan_from_;
};

}  // namespace crashtwin::gui
