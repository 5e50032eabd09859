#include "gui/memory/memory_view.h"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include "gui/data/palette.h"
#include "traces/report/format.h"

namespace crashtwin::gui {
namespace {

QString bytes_text(uint64_t b) { return QString::fromStdString(report::format_bytes(static_cast<double>(b))); }
QString seconds_text(uint64_t ns) {
  return QString::fromStdString(report::format_seconds(static_cast<double>(ns) * 1e-9));
}

QTableWidget* new_table(const QStringList& headers) {
  auto* t = new QTableWidget();
  t->setColumnCount(static_cast<int>(headers.size()));
  t->setHorizontalHeaderLabels(headers);
  t->verticalHeader()->hide();
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->setAlternatingRowColors(true);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

void add_row(QTableWidget* t, const QStringList& cells) {
  const int row = t->rowCount();
  t->insertRow(row);
  for (int c = 0; c < cells.size(); ++c) t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

QChart* new_chart(const QString& title) {
  auto* chart = new QChart();
  chart->setTitle(title);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(4, 4, 4, 4));
  return chart;
}

// A step line: each value held until the next point.
void append_step(QLineSeries* s, double x, double y) {
  if (s->count() > 0) s->append(x, s->at(s->count() - 1).y());
  s->append(x, y);
}

void set_axes(QChart* chart, const QString& x_title, const QString& y_title, double x_max, double y_max) {
  auto* x = new QValueAxis();
  x->setTitleText(x_title);
  x->setRange(0, std::max(x_max, 1e-9));
  auto* y = new QValueAxis();
  y->setTitleText(y_title);
  y->setRange(0, std::max(y_max, 1.0));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
}

void replace_chart(QChartView* view, QChart* chart) {
  QChart* old = view->chart();
  view->setChart(chart);
  delete old;
}

}  // namespace

MemoryView::MemoryView(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(tr("Open a batch and pick a run to see its crash-region allocator."));
  title_->setStyleSheet("font-weight:600; font-size:14px; color:#1d2330;");
  figures_ = new_table({tr("Figure"), tr("Value")});
  leaks_ = new_table({tr("Leak"), tr("Address"), tr("Size"), tr("Allocated for"), tr("At")});
  rate_chart_ = new QChartView();
  health_chart_ = new QChartView();
  cache_chart_ = new QChartView();
  for (QChartView* v : {rate_chart_, health_chart_, cache_chart_}) {
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumSize(420, 260);
  }
  auto* tables = new QVBoxLayout();
  tables->addWidget(figures_, 3);
  tables->addWidget(new QLabel(tr("Leaks at the end of the run")));
  tables->addWidget(leaks_, 1);
  auto* charts = new QVBoxLayout();
  charts->addWidget(rate_chart_);
  charts->addWidget(health_chart_);
  charts->addWidget(cache_chart_);
  auto* body = new QHBoxLayout();
  body->addLayout(tables, 2);
  body->addLayout(charts, 3);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addLayout(body, 1);
}

void MemoryView::show_run(std::shared_ptr<const results::Run> run) {
  figures_->setRowCount(0);
  leaks_->setRowCount(0);
  replace_chart(rate_chart_, new QChart());
  replace_chart(health_chart_, new QChart());
  replace_chart(cache_chart_, new QChart());
  if (!run) return;
  show_cache(run->timeseries);
  const QString who = QString::fromStdString(run->summary.scenario + " · " + run->summary.policy + " · " +
                                             run->summary.strategy + " · seed " + std::to_string(run->summary.seed));
  if (!run->memory) {
    title_->setText(who + tr(" — no memory_profile.json in this run"));
    return;
  }
  title_->setText(who + tr(" — crash-region allocator (docs/memory-analysis.md)"));
  show_analysis(*run->memory);
}

void MemoryView::show_analysis(const MemoryAnalysis& a) {
  const QString top_caller = a.callers.empty() ? tr("none") : QString::fromStdString(a.callers.front().name);
  add_row(figures_, {tr("pattern"), tr("%1 (%2 bursts, %3 spikes)").arg(QString::fromStdString(a.pattern)).arg(a.bursts).arg(a.spikes)});
  add_row(figures_, {tr("allocations"), tr("%1 (%2/s), hottest caller %3").arg(a.allocations).arg(a.allocations_per_s, 0, 'g', 3).arg(top_caller)});
  add_row(figures_, {tr("frees"), tr("%1 (%2/s)").arg(a.frees).arg(a.frees_per_s, 0, 'g', 3)});
  add_row(figures_, {tr("pressure"), tr("peak %1 %, mean %2 %").arg(100 * a.pressure_peak, 0, 'f', 1).arg(100 * a.pressure_mean, 0, 'f', 1)});
  add_row(figures_, {tr("trend"), tr("%1 (%2/s)").arg(QString::fromStdString(a.trend)).arg(bytes_text(static_cast<uint64_t>(std::abs(a.trend_bytes_per_s))))});
  add_row(figures_, {tr("direct leaks"), tr("%1 (%2)").arg(a.direct_leaks).arg(bytes_text(a.direct_leak_bytes))});
  add_row(figures_, {tr("indirect / resource leaks"), tr("%1 / %2").arg(a.indirect_leaks).arg(a.resource_leaks)});
  add_row(figures_, {tr("holes below a slice"), tr("%1 (%2)").arg(a.fragmentation_holes).arg(bytes_text(a.fragmentation_hole_bytes))});
  add_row(figures_, {tr("replay candidates / false positives"), tr("%1 / %2").arg(a.leak_candidates).arg(a.false_positives)});
  add_row(figures_, {tr("health"), tr("min %1, mean %2, final %3").arg(a.health_min, 0, 'f', 1).arg(a.health_mean, 0, 'f', 1).arg(a.health_final, 0, 'f', 1)});
  add_row(figures_, {tr("compaction would gain"), bytes_text(a.compaction_gain_final_bytes)});
  if (a.events_lost > 0) add_row(figures_, {tr("events lost"), QString::number(a.events_lost)});
  if (a.numa_nodes > 0) {
    for (const MemoryNumaNodeUse& n : a.numa_use)
      add_row(figures_, {tr("NUMA node %1").arg(n.node), tr("%1 in %2 slices").arg(bytes_text(n.slice_bytes)).arg(n.slices)});
    add_row(figures_, {tr("off home (%1)").arg(QString::fromStdString(a.slice_placement)),
                       tr("%1 % of slice bytes; %2 of %3 placements over the run")
                           .arg(100 * a.remote_slice_share, 0, 'f', 1)
                           .arg(a.placements_remote)
                           .arg(a.placements_home + a.placements_remote)});
    for (const MemoryNumaSlice& r : a.remote_slices)
      add_row(figures_, {tr("  %1").arg(QString::fromStdString(r.component)),
                         tr("on node %1, home %2: %3 off home").arg(r.node).arg(r.home_node).arg(bytes_text(r.bytes_off_home))});
  }
  figures_->resizeColumnToContents(0);
  for (const MemoryLeak& l : a.leaks)
    add_row(leaks_, {QString::fromStdString(l.kind), QStringLiteral("0x%1").arg(l.address, 0, 16), bytes_text(l.bytes),
                     QString::fromStdString(l.last_owner), seconds_text(l.allocated_ns)});

  QChart* rate = new_chart(tr("Allocator events per %1 window").arg(seconds_text(a.window_ns)));
  auto* events = new QLineSeries();
  events->setName(tr("events"));
  events->setColor(series_colour(0));
  double peak = a.hot_threshold;
  const double window_s = static_cast<double>(a.window_ns) * 1e-9;
  for (size_t w = 0; w < a.window_events.size(); ++w) {
    append_step(events, static_cast<double>(w) * window_s, static_cast<double>(a.window_events[w]));
    peak = std::max(peak, static_cast<double>(a.window_events[w]));
  }
  const double end_s = static_cast<double>(a.window_events.size()) * window_s;
  auto* threshold = new QLineSeries();
  threshold->setName(tr("hot threshold"));
  threshold->setColor(series_colour(1));
  threshold->append(0, a.hot_threshold);
  threshold->append(end_s, a.hot_threshold);
  rate->addSeries(events);
  rate->addSeries(threshold);
  for (const MemoryEpisode& e : a.episodes) {
    auto* span = new QLineSeries();
    span->setName(QString::fromStdString(e.kind) + tr(" at %1").arg(seconds_text(e.start_ns)));
    span->setColor(e.kind == "burst" ? failure_colour() : QColor(0xE6, 0x9F, 0x00));
    QPen pen = span->pen();
    pen.setWidth(4);
    span->setPen(pen);
    span->append(static_cast<double>(e.start_ns) * 1e-9, peak * 1.05);
    span->append(static_cast<double>(e.end_ns) * 1e-9, peak * 1.05);
    rate->addSeries(span);
  }
  set_axes(rate, tr("simulated time (s)"), tr("events"), end_s, peak * 1.15);
  replace_chart(rate_chart_, rate);

  QChart* health = new_chart(tr("Fragmentation health"));
  auto* score = new QLineSeries();
  score->setName(tr("health score"));
  auto* external = new QLineSeries();
  external->setName(tr("external fragmentation %"));
  auto* pressure = new QLineSeries();
  pressure->setName(tr("pressure %"));
  score->setColor(series_colour(0));
  external->setColor(series_colour(1));
  pressure->setColor(series_colour(2));
  double last_s = 0;
  for (const MemoryFragmentationPoint& f : a.fragmentation) {
    last_s = static_cast<double>(f.time_ns) * 1e-9;
    append_step(score, last_s, f.health);
    append_step(external, last_s, 100 * f.external);
    append_step(pressure, last_s, 100 * f.pressure);
  }
  health->addSeries(score);
  health->addSeries(external);
  health->addSeries(pressure);
  set_axes(health, tr("simulated time (s)"), tr("score / %"), std::max(last_s, static_cast<double>(a.duration_ns) * 1e-9), 100);
  replace_chart(health_chart_, health);
}

// One line per level, a point per tick (ticks without an access skipped):
// the report's "Cache hit ratio per level, every core" chart.
void MemoryView::show_cache(const Timeseries& ts) {
  QChart* chart = new_chart(tr("Cache hit ratio per level, every core"));
  const std::string prefix(kCacheHitRatioPrefix);
  size_t colour = 0;
  for (const std::string& column : ts.columns_with_prefix(prefix)) {
    auto* line = new QLineSeries();
    line->setName(QString::fromStdString(column.substr(prefix.size())));
    line->setColor(series_colour(colour++));
    const std::vector<double>& values = *ts.find(column);
    QList<QPointF> points;
    for (size_t i = 0; i < values.size(); ++i)
      if (std::isfinite(values[i])) points.append(QPointF(ts.t_s[i], values[i]));
    line->replace(points);
    chart->addSeries(line);
  }
  if (chart->series().isEmpty()) chart->setTitle(tr("No cache model in this run (board.cpu.cache.enabled)"));
  set_axes(chart, tr("simulated time (s)"), tr("hit ratio"), ts.row_count() > 0 ? ts.t_s.back() : 1.0, 1.0);
  replace_chart(cache_chart_, chart);
}

}  // namespace crashtwin::gui
