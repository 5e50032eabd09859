#include "gui/widgets/time_chart_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <QChart>
#include <QFontMetricsF>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

namespace crashtwin::gui {

namespace {
constexpr double kWheelZoom = 1.25;  // per wheel notch
constexpr double kClickSlop = 3.0;   // pixels a click may move and still be a click
constexpr double kRugPixels = 7.0;   // height of an unlabelled marker's tick
}  // namespace

TimeChartView::TimeChartView(QChart* chart, QValueAxis* time_axis, QWidget* parent)
    : QChartView(chart, parent), axis_(time_axis) {
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::HorizontalRubberBand);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  // The foreground (markers, cursor) changes without the chart changing.
  setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
  // Ranges set elsewhere (the rubber band, QChartView's zoom-out) get their
  // tick step after Qt Charts laid the axis out: harmless, since those at
  // most double the range. Ranges this class sets go through set_time_range.
  connect(axis_, &QValueAxis::rangeChanged, this, [this](qreal lo, qreal hi) { set_tick_step(lo, hi); });
}

double TimeChartView::tick_step(double lo, double hi) {
  const double raw = (hi - lo) / 8;
  if (!(raw > 0) || !std::isfinite(raw)) return 0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  return raw / magnitude < 2 ? 2 * magnitude : raw / magnitude < 5 ? 5 * magnitude : 10 * magnitude;
}

void TimeChartView::set_tick_step(double lo, double hi) {
  const double step = tick_step(lo, hi);
  if (step <= 0 || step == axis_->tickInterval()) return;
  axis_->setTickType(QValueAxis::TicksDynamic);
  axis_->setTickAnchor(0);
  axis_->setTickInterval(step);
  // As many decimals as the step has: "86400 s", "0.25 s", never "86400.00".
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 9);
  axis_->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
}

void TimeChartView::set_time_range(double lo, double hi) {
  // Round tick values whatever the zoom ("0.25 s", not "0.2487 s"). The step
  // is set before the range: Qt Charts lays the axis out on the range change
  // with the step it has then, and a day-long run after a one-second one
  // would have it create 400,000 tick labels (the dashboard hung for
  // minutes on every 24 h soak run).
  set_tick_step(lo, hi);
  axis_->setRange(lo, hi);
}

void TimeChartView::set_full_range(double lo, double hi) {
  full_lo_ = lo;
  full_hi_ = hi > lo ? hi : lo + 1;
  set_time_range(full_lo_, full_hi_);
}

void TimeChartView::set_markers(std::span<const TimeMarker> markers) {
  markers_ = markers;
  labelled_.clear();
  for (size_t i = 0; i < markers_.size(); ++i) {
    if (!markers_[i].label.isEmpty()) labelled_.push_back(i);
  }
  viewport()->update();
}

void TimeChartView::set_bands(std::span<const TimeBand> bands) {
  bands_ = bands;
  viewport()->update();
}

void TimeChartView::set_cursor_time(std::optional<double> t_s) {
  cursor_ = t_s;
  viewport()->update();
}

int TimeChartView::plot_width() const { return std::max(50, static_cast<int>(chart()->plotArea().width())); }

double TimeChartView::x_of(double t_s) const {
  const QRectF plot = chart()->plotArea();
  const double span = axis_->max() - axis_->min();
  return plot.left() + (t_s - axis_->min()) / (span > 0 ? span : 1) * plot.width();
}

std::optional<double> TimeChartView::time_at(QPointF view_pos) const {
  const QPointF scene = mapToScene(view_pos.toPoint());
  const QRectF plot = chart()->plotArea();
  if (!plot.contains(scene) || plot.width() <= 0) return std::nullopt;
  return axis_->min() + (scene.x() - plot.left()) / plot.width() * (axis_->max() - axis_->min());
}

void TimeChartView::drawForeground(QPainter* painter, const QRectF& rect) {
  QChartView::drawForeground(painter, rect);
  const QRectF plot = chart()->plotArea();
  painter->save();
  painter->setClipRect(plot);
  QFont font = painter->font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  painter->setFont(font);
  // Only the visible markers; of the unlabelled ones (a year-long run has
  // hundreds of thousands of repartitions) one per pixel column, found by
  // jumping to the next column's time, so painting costs the plot's width,
  // not the run's length; labels only where they overlap none drawn.
  const double lo = axis_->min(), hi = axis_->max();
  const double pixels_per_s = plot.width() / (hi - lo > 0 ? hi - lo : 1);
  const auto x_at = [&](double t) { return plot.left() + (t - lo) * pixels_per_s; };
  // Bands first, under the markers: a translucent fill at least a pixel
  // wide (an alarm of one sample has no duration), labelled at the bottom
  // where the label fits. Bands are few (one per alarm), so all are tried.
  for (const TimeBand& b : bands_) {
    if (b.end_s < lo || b.begin_s > hi) continue;
    const double x0 = std::max(x_at(b.begin_s), plot.left());
    const double x1 = std::max(std::min(x_at(b.end_s), plot.right()), x0 + 1.0);
    QColor fill = b.colour;
    fill.setAlpha(48);
    painter->fillRect(QRectF(QPointF(x0, plot.top()), QPointF(x1, plot.bottom())), fill);
    if (x1 - x0 > QFontMetricsF(font).horizontalAdvance(b.label) + 8) {
      painter->setPen(b.colour.darker(130));
      painter->drawText(QPointF(x0 + 4, plot.bottom() - kRugPixels - 4), b.label);
    }
  }
  const auto at_or_after = [&](std::span<const TimeMarker>::iterator from, double t) {
    return std::lower_bound(from, markers_.end(), t, [](const TimeMarker& m, double v) { return m.t_s < v; });
  };
  for (auto it = at_or_after(markers_.begin(), lo); it != markers_.end() && it->t_s <= hi;) {
    if (!it->label.isEmpty()) {
      ++it;
      continue;
    }
    // A rug along the bottom edge, not a full-height line: 6,000
    // repartitions a day would hatch the whole plot.
    const double x = x_at(it->t_s);
    painter->setPen(QPen(it->colour, 1.0));
    painter->drawLine(QPointF(x, plot.bottom() - kRugPixels), QPointF(x, plot.bottom()));
    const double next_column_t = lo + (std::floor(x - plot.left()) + 1) / pixels_per_s;
    it = next_column_t > it->t_s ? at_or_after(it + 1, next_column_t) : it + 1;
  }
  const QFontMetricsF metrics(font);
  constexpr int kLabelRows = 3;  // labels step down so a failure and its alert a millisecond later stay readable
  std::array<double, kLabelRows> row_end;
  row_end.fill(-std::numeric_limits<double>::infinity());
  for (size_t index : labelled_) {
    const TimeMarker& m = markers_[index];
    if (m.t_s < lo || m.t_s > hi) continue;
    const double x = x_at(m.t_s);
    painter->setPen(QPen(m.colour, 1.6, m.style));
    painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    for (int r = 0; r < kLabelRows; ++r) {
      if (row_end[static_cast<size_t>(r)] >= x + 4) continue;
      painter->drawText(QPointF(x + 4, plot.top() + 12 + 14 * r), m.label);
      row_end[static_cast<size_t>(r)] = x + 4 + metrics.horizontalAdvance(m.label) + 6;
      break;
    }
  }
  if (cursor_ && *cursor_ >= axis_->min() && *cursor_ <= axis_->max()) {
    const double x = x_of(*cursor_);
    painter->setPen(QPen(QColor(0x1d, 0x23, 0x30), 1.2));
    painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    painter->drawText(QPointF(x + 4, plot.bottom() - 4), QStringLiteral("t = %1 s").arg(*cursor_, 0, 'f', 3));
  }
  painter->restore();
}

void TimeChartView::zoom_around(double centre, double factor) {
  double lo = centre - (centre - axis_->min()) * factor;
  double hi = centre + (axis_->max() - centre) * factor;
  lo = std::max(lo, full_lo_);
  hi = std::min(hi, full_hi_);
  if (hi - lo < 1e-9) return;
  set_time_range(lo, hi);
}

void TimeChartView::pan_by_pixels(double dx) {
  const double width = chart()->plotArea().width();
  if (width <= 0) return;
  const double span = axis_->max() - axis_->min();
  double shift = -dx / width * span;
  shift = std::clamp(shift, full_lo_ - axis_->min(), full_hi_ - axis_->max());
  set_time_range(axis_->min() + shift, axis_->max() + shift);
}

void TimeChartView::wheelEvent(QWheelEvent* event) {
  const auto t = time_at(event->position());
  if (!t || event->angleDelta().y() == 0) return QChartView::wheelEvent(event);
  zoom_around(*t, event->angleDelta().y() > 0 ? 1 / kWheelZoom : kWheelZoom);
  event->accept();
}

void TimeChartView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
    pan_from_ = event->position();
    event->accept();
    return;
  }
  if (event->button() == Qt::LeftButton) press_ = event->position();
  QChartView::mousePressEvent(event);
}

void TimeChartView::mouseMoveEvent(QMouseEvent* event) {
  if (pan_from_) {
    pan_by_pixels(event->position().x() - pan_from_->x());
    pan_from_ = event->position();
    event->accept();
    return;
  }
  if (auto t = time_at(event->position())) emit hovered(*t);
  QChartView::mouseMoveEvent(event);
}

void TimeChartView::mouseReleaseEvent(QMouseEvent* event) {
  if (pan_from_ && (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton)) {
    pan_from_.reset();
    event->accept();  // not QChartView's right-click zoom-out: right-drag pans
    return;
  }
  if (event->button() == Qt::LeftButton && press_) {
    const QPointF moved = event->position() - *press_;
    press_.reset();
    if (std::abs(moved.x()) <= kClickSlop && std::abs(moved.y()) <= kClickSlop) {
      if (auto t = time_at(event->position())) emit picked(*t);
      // A click is not a zoom: let the rubber band go without zooming.
      setRubberBand(QChartView::NoRubberBand);
      QChartView::mouseReleaseEvent(event);
      setRubberBand(QChartView::HorizontalRubberBand);
      return;
    }
  }
  QChartView::mouseReleaseEvent(event);
}

void TimeChartView::mouseDoubleClickEvent(QMouseEvent* event) {
  set_time_range(full_lo_, full_hi_);
  event->accept();
}

void TimeChartView::keyPressEvent(QKeyEvent* event) {
  const double centre = (axis_->min() + axis_->max()) / 2;
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoom_around(centre, 1 / kWheelZoom); break;
    case Qt::Key_Minus: zoom_around(centre, kWheelZoom); break;
    case Qt::Key_Left: pan_by_pixels(chart()->plotArea().width() / 10); break;
    case Qt::Key_Right: pan_by_pixels(-chart()->plotArea().width() / 10); break;
    case Qt::Key_Home: set_time_range(full_lo_, full_hi_); break;
    default: QChartView::keyPressEvent(event); return;
  }
  event->accept();
}

}  // namespace crashtwin::gui
