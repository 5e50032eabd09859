#include "gui/timeline/timeline_view.h"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QVBoxLayout>

#include "gui/data/batch_overview.h"
#include "gui/data/crash_map.h"
#include "gui/data/downsample.h"
#include "gui/data/palette.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
const QMargins kChartMargins(4, 4, 4, 4);
}  // namespace

TimelineView::TimelineView(TimeCursor* cursor, QWidget* parent) : QWidget(parent), cursor_(cursor) {
  title_ = new QLabel(tr("Open a batch and pick a run to see its timeline."));
  title_->setStyleSheet("font-weight:600; font-size:14px; color:#1d2330;");
  readout_ = new QLabel();
  readout_->setTextFormat(Qt::RichText);
  readout_->setWordWrap(true);
  readout_->setStyleSheet("color:#374151; padding:2px 0;");
  auto* hint = new QLabel(tr("Drag to zoom · wheel zooms · right-drag pans · double-click resets · click moves the "
                             "cursor"));
  hint->setStyleSheet("color:#5b6577; font-size:11px;");
  slices_ = make_chart(tr("Slice size per component"), tr("MiB"), slice_y_);
  probabilities_ = make_chart(tr("Predicted failure probability (shaded: alarms)"), tr("probability"), probability_y_);
  probability_y_->setRange(0, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(hint);
  layout->addWidget(slices_, 1);
  layout->addWidget(probabilities_, 1);
  layout->addWidget(readout_);

  for (TimeChartView* view : {slices_, probabilities_}) {
    connect(view->chart(), &QChart::plotAreaChanged, this, &TimelineView::align_plot_areas);
    connect(view->time_axis(), &QValueAxis::rangeChanged, this, [this, view] { sync_range(view); });
    connect(view, &TimeChartView::picked, cursor_, &TimeCursor::set_time_s);
    connect(view, &TimeChartView::hovered, this, &TimelineView::show_readout);
  }
  connect(cursor_, &TimeCursor::changed, this, [this](double t) {
    slices_->set_cursor_time(t);
    probabilities_->set_cursor_time(t);
    show_readout(t);
  });
}

// The two charts share a time axis, so a moment must sit at the same x in
// both: their plot areas are aligned by widening the margin of the one with
// the narrower axis labels or legend (a margin, not a fixed plot area, so
// Qt still lays out on resize).
void TimelineView::align_plot_areas() {
  if (aligning_) return;
  aligning_ = true;
  TimeChartView* views[2] = {slices_, probabilities_};
  double natural_left[2], natural_right[2];
  for (int i = 0; i < 2; ++i) {
    const QRectF plot = views[i]->chart()->plotArea();
    natural_left[i] = plot.left() - extra_margin_[i].left();
    natural_right[i] = plot.right() + extra_margin_[i].right();
  }
  const double left = std::max(natural_left[0], natural_left[1]);
  const double right = std::min(natural_right[0], natural_right[1]);
  for (int i = 0; i < 2; ++i) {
    const QMargins extra(static_cast<int>(std::lround(left - natural_left[i])), 0,
                         static_cast<int>(std::lround(natural_right[i] - right)), 0);
    if (extra == extra_margin_[i]) continue;
    extra_margin_[i] = extra;
    views[i]->chart()->setMargins(kChartMargins + extra);
  }
  aligning_ = false;
}

TimeChartView* TimelineView::make_chart(const QString& title, const QString& y_title, QValueAxis*& y_axis) {
  auto* chart = new QChart();
  chart->setTitle(title);
  chart->legend()->setAlignment(Qt::AlignRight);
  chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);  // a line with the series' dash pattern
  chart->setMargins(kChartMargins);
  auto* x = new QValueAxis();
  x->setTitleText(tr("simulated time (s)"));
  x->setLabelFormat("%.2f");
  y_axis = new QValueAxis();
  y_axis->setTitleText(y_title);
  y_axis->setLabelFormat("%.2f");
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  auto* view = new TimeChartView(chart, x);
  view->setMinimumHeight(220);
  return view;
}

void TimelineView::fill(TimeChartView* view, std::vector<Line>& lines, const QString& prefix, double scale) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  lines.clear();
  if (!run_) return;
  const Timeseries& ts = run_->timeseries;
  for (const std::string& column : ts.columns_with_prefix(prefix.toStdString())) {
    auto component = component_of_column(column, prefix.toStdString());
    auto* series = new QLineSeries();
    series->setName(QString::fromStdString(column.substr(static_cast<size_t>(prefix.size()))));
    QPen pen(component ? component_colour(*component) : Qt::gray);
    pen.setWidthF(1.8);
    if (component) pen.setStyle(component_pen_style(*component));
    series->setPen(pen);
    chart->addSeries(series);
    for (QAbstractAxis* axis : chart->axes()) series->attachAxis(axis);
    lines.push_back({series, ts.find(column), details_->pyramid(column), scale});
  }
}

void TimelineView::fill_recovery(TimeChartView* view, std::vector<Line>& lines, double scale) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  lines.clear();
  if (!run_) return;
  struct Column {
    const char* name;
    const char* label;
    QColor colour;
  };
  const Column columns[] = {{"held_bytes", "held away", QColor(0xb9, 0x1c, 0x1c)},
                            {"available_bytes", "kernel owns", QColor(0x1d, 0x4e, 0xd8)},
                            {"dump_bytes_written", "dump written", QColor(0x6b, 0x72, 0x80)}};
  for (const Column& c : columns) {
    const std::vector<double>* values = run_->timeseries.find(c.name);
    if (values == nullptr) continue;
    auto* series = new QLineSeries();
    series->setName(tr(c.label));
    QPen pen(c.colour);
    pen.setWidthF(1.8);
    series->setPen(pen);
    chart->addSeries(series);
    for (QAbstractAxis* axis : chart->axes()) series->attachAxis(axis);
    lines.push_back({series, values, details_->pyramid(c.name), scale});
  }
}

void TimelineView::show_run(std::shared_ptr<const RunDetails> details) {
  details_ = std::move(details);
  run_ = details_ ? &details_->run : nullptr;
  // The charts point into the run's markers: never past the run's lifetime.
  for (TimeChartView* view : {slices_, probabilities_}) view->set_markers(run_ ? details_->markers : std::span<const TimeMarker>());
  probabilities_->set_bands(run_ ? details_->alarm_bands : std::span<const TimeBand>());
  // A baseline strategy's run has the crashkernel it holds away as a column.
  const bool predictive = !run_ || run_->timeseries.find("held_bytes") == nullptr;
  slices_->chart()->setTitle(predictive ? tr("Slice size per component")
                                        : tr("Crashkernel held away, memory the kernel owns, dump written"));
  if (predictive)
    fill(slices_, slice_lines_, QString::fromUtf8(kSliceBytesPrefix.data(), kSliceBytesPrefix.size()), 1.0 / kMiB);
  else
    fill_recovery(slices_, slice_lines_, 1.0 / kMiB);
  fill(probabilities_, probability_lines_,
       QString::fromUtf8(kProbabilityPrefix.data(), kProbabilityPrefix.size()), 1.0);
  if (!run_) return;
  const Timeseries& ts = run_->timeseries;
  title_->setText(tr("%1 — %2 ticks").arg(run_title(run_->summary)).arg(ts.row_count()));
  double peak = 0;
  for (const Line& line : slice_lines_) {
    const auto whole = line.pyramid->extremes(*line.values, 0, line.values->size());
    if (whole.hi != MinMaxPyramid::npos && std::isfinite((*line.values)[whole.hi])) {
      peak = std::max(peak, (*line.values)[whole.hi] * line.scale);
    }
  }
  slice_y_->setRange(0, peak > 0 ? peak * 1.08 : 1);
  slice_y_->applyNiceNumbers();
  const double lo = ts.row_count() > 0 ? ts.t_s.front() : 0;
  const double hi = ts.row_count() > 0 ? ts.t_s.back() : 1;
  syncing_ = true;  // both get the same range: one redraw below, not one per range change
  for (TimeChartView* view : {slices_, probabilities_}) view->set_full_range(lo, hi);
  syncing_ = false;
  redraw();
  show_readout(cursor_->time_s());
}

void TimelineView::sync_range(TimeChartView* from) {
  if (syncing_) return;
  syncing_ = true;
  for (TimeChartView* view : {slices_, probabilities_}) {
    if (view != from) view->set_time_range(from->time_axis()->min(), from->time_axis()->max());
  }
  syncing_ = false;
  redraw();
}

void TimelineView::redraw() {
  if (!run_) return;
  const std::vector<double>& t = run_->timeseries.t_s;
  const double lo = slices_->time_axis()->min(), hi = slices_->time_axis()->max();
  // One sample beyond each edge so lines reach the plot border.
  auto first = std::lower_bound(t.begin(), t.end(), lo);
  auto last = std::upper_bound(t.begin(), t.end(), hi);
  const size_t begin = static_cast<size_t>(std::max<std::ptrdiff_t>(0, (first - t.begin()) - 1));
  const size_t end = std::min(t.size(), static_cast<size_t>(last - t.begin()) + 1);
  for (auto* lines : {&slice_lines_, &probability_lines_}) {
    const size_t buckets = static_cast<size_t>(lines == &slice_lines_ ? slices_->plot_width() : probabilities_->plot_width());
    for (Line& line : *lines) {
      const std::vector<QPointF> points = line.pyramid->downsample(t, *line.values, begin, end, buckets);
      // As steps: each value holds until the next sample's time.
      QList<QPointF> steps;
      steps.reserve(static_cast<qsizetype>(2 * points.size()));
      for (size_t i = 0; i < points.size(); ++i) {
        const double y = points[i].y() * line.scale;
        if (i > 0) steps.append(QPointF(points[i].x(), steps.back().y()));
        steps.append(QPointF(points[i].x(), y));
      }
      line.series->replace(steps);
    }
  }
}

qsizetype TimelineView::drawn_points() const {
  qsizetype n = 0;
  for (const auto* lines : {&slice_lines_, &probability_lines_}) {
    for (const Line& line : *lines) n += line.series->count();
  }
  return n;
}

void TimelineView::show_readout(double t_s) {
  if (!run_) return;
  auto row = row_at(run_->timeseries, t_s);
  if (!row) return;
  QStringList cells;
  cells << QStringLiteral("<b>t = %1 s</b>").arg(run_->timeseries.t_s[*row], 0, 'f', 3);
  for (size_t i = 0; i < slice_lines_.size(); ++i) {
    const double bytes = (*slice_lines_[i].values)[*row];
    QString prob;
    for (const Line& p : probability_lines_) {
      if (p.series->name() == slice_lines_[i].series->name()) {
        prob = QStringLiteral(" (p %1)").arg((*p.values)[*row], 0, 'f', 3);
      }
    }
    const QColor c = slice_lines_[i].series->pen().color();
    cells << QStringLiteral("<span style='color:%1'>■</span> %2 %3%4")
                 .arg(c.name(), slice_lines_[i].series->name(),
                      std::isfinite(bytes) ? QString::fromStdString(report::format_bytes(bytes)) : QStringLiteral("–"),
                      prob);
  }
  readout_->setText(cells.join(QStringLiteral(" &nbsp; ")));
}

}  // namespace crashtwin::gui
