// The dashboard on a batch written by the test (the traces engineers'
// synthetic runs, through the real writers): the Compare table against
// summary.csv, the time slider against the memory map, shared zoom and
// cursor, downsampling of a long run, the Records tree, opening by drop and
// the recent list; and a PNG screenshot of every view in
// <build>/screenshots/synthetic (test_dashboard_real.cpp shoots a real batch).
#include <cmath>
#include <map>
#include <set>

#include <QCategoryAxis>
#include <QMimeData>
#include <QScatterSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "gui/app/main_window.h"
#include "gui/compare/policy_summary.h"
#include "gui/data/palette.h"
#include "traces/report/svg_chart.h"
#include "tests/gui/plain_csv.h"
#include "tests/gui/show_view.h"
#include "tests/traces/synthetic_run.h"
#include "traces/report/format.h"
#include "traces/summary.h"

using namespace crashtwin;
using namespace crashtwin::gui;
namespace fs = std::filesystem;

namespace {

constexpr int kLoadTimeoutMs = 60000;

using test::CsvRow;
using test::read_csv_plainly;

}  // namespace

class DashboardTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void compare_table_matches_summary_csv();
  void policy_means_match_summary_csv();
  void sorting_is_numeric();
  void scenario_drill_down_filters_runs();
  void pareto_front_is_non_dominated();
  void time_slider_moves_the_memory_map();
  void cursor_is_shared_between_views();
  void zoom_is_shared_between_charts();
  void records_tree_flags_truncation();
  void timeline_charts_align_and_instances_differ();
  void double_click_opens_run();
  void screenshots_of_every_view();
  void long_series_are_downsampled();
  void day_long_run_opens_with_readable_ticks();
  void summary_level_run_opens_without_traces();
  void loading_a_run_shows_progress_and_can_be_cancelled();
  void bad_directory_reports_error();
  void dropped_directory_opens_and_is_recent();
  void sweep_directory_shows_sweep_curves();
  void cleanupTestCase();

 private:
  void open_and_wait(const fs::path& dir);
  QModelIndex run_cell(const std::string& run, int column) const;

  fs::path batch_;
  std::unique_ptr<MainWindow> window_;
};

void DashboardTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);  // QSettings away from the user's
  QCoreApplication::setOrganizationName("crashtwin-tests");
  QCoreApplication::setApplicationName("dashboard-tests");
  QSettings().clear();
  batch_ = test::scratch_dir("gui_batch");
  test::write_synthetic_batch(batch_, 3);
  window_ = std::make_unique<MainWindow>();
  window_->resize(1440, 900);
  window_->show();
  QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
  open_and_wait(batch_);
}

void DashboardTest::open_and_wait(const fs::path& dir) {
  QSignalSpy overview(window_.get(), &MainWindow::overview_loaded);
  QSignalSpy run(window_.get(), &MainWindow::run_loaded);
  window_->open_directory(QString::fromStdString(dir.string()));
  QVERIFY(overview.wait(kLoadTimeoutMs));
  QVERIFY(run.count() > 0 || run.wait(kLoadTimeoutMs));
}

QModelIndex DashboardTest::run_cell(const std::string& run, int column) const {
  RunTableModel* model = window_->compare_view()->run_model();
  for (int r = 0; r < model->rowCount(); ++r) {
    if (model->row_at(r)->run == run) return model->index(r, column);
  }
  return {};
}

void DashboardTest::compare_table_matches_summary_csv() {
  const std::vector<CsvRow> csv = read_csv_plainly(batch_ / "summary.csv");
  RunTableModel* model = window_->compare_view()->run_model();
  QCOMPARE(model->rowCount(), static_cast<int>(csv.size()));
  QCOMPARE(model->rowCount(), 2 * 4 * 3);
  for (const CsvRow& row : csv) {
    const std::string run = row.cells.at("run");
    QVERIFY2(run_cell(run, 0).isValid(), run.c_str());
    QCOMPARE(run_cell(run, 0).data().toString().toStdString(), row.cells.at("scenario"));
    QCOMPARE(run_cell(run, 1).data().toString().toStdString(), row.cells.at("policy"));
    QCOMPARE(run_cell(run, 3).data(kSortRole).toULongLong(), std::stoull(row.cells.at("seed")));
    QCOMPARE(run_cell(run, 4).data().toString().toStdString(), row.cells.at("status"));
    for (size_t m = 0; m < model->metrics().size(); ++m) {
      const std::string& metric = model->metrics()[m];
      const QModelIndex cell = run_cell(run, RunTableModel::kFixedColumns + static_cast<int>(m));
      const std::string& text = row.cells.at(metric);
      if (text.empty()) {
        QVERIFY(!cell.data(kSortRole).isValid());
        continue;
      }
      QCOMPARE(cell.data(kSortRole).toDouble(), std::stod(text));
      // One unit per column (the column's largest value picks it), as report.html writes.
      std::vector<double> column;
      for (const CsvRow& other : csv) {
        if (!other.cells.at(metric).empty()) column.push_back(std::stod(other.cells.at(metric)));
      }
      QCOMPARE(cell.data().toString().toStdString(),
               report::format_in_column(report::column_unit(metric, column), std::stod(text)));
    }
  }
}

void DashboardTest::policy_means_match_summary_csv() {
  window_->compare_view()->set_scenario({});
  std::map<std::string, std::pair<double, int>> completeness;  // policy -> (sum, n)
  for (const CsvRow& row : read_csv_plainly(batch_ / "summary.csv")) {
    const std::string status = row.cells.at("status");
    if (status != "ok" && status != "expectations_failed") continue;
    auto& [sum, n] = completeness[row.cells.at("policy") + "/" + row.cells.at("strategy")];
    sum += std::stod(row.cells.at("capture_completeness"));
    ++n;
  }
  PolicyTableModel* model = window_->compare_view()->policy_model();
  QCOMPARE(model->rowCount(), static_cast<int>(completeness.size()));
  const int column = PolicyTableModel::kFixedColumns;  // capture_completeness is shown first
  QCOMPARE(model->headerData(column, Qt::Horizontal, kMetricNameRole).toString(), QStringLiteral("capture_completeness"));
  double best = -1;
  for (int r = 0; r < model->rowCount(); ++r) {
    const std::string key = model->index(r, 0).data().toString().toStdString() + "/" +
                            model->index(r, 1).data().toString().toStdString();
    const auto& [sum, n] = completeness.at(key);
    QVERIFY(std::abs(model->index(r, column).data(kSortRole).toDouble() - sum / n) < 1e-12);
    best = std::max(best, sum / n);
  }
  // The winners (ties included) are bold, and one of them is named in the verdict line.
  QStringList bold_policies;
  for (int r = 0; r < model->rowCount(); ++r) {
    const bool bold = model->index(r, column).data(Qt::FontRole).value<QFont>().bold();
    const bool is_best = std::abs(model->index(r, column).data(kSortRole).toDouble() - best) < 1e-12;
    QCOMPARE(bold, is_best);
    if (bold) bold_policies << model->index(r, 0).data().toString();
  }
  QVERIFY(!bold_policies.isEmpty());
  const QString verdict = window_->compare_view()->verdict_text();
  QVERIFY2(std::any_of(bold_policies.begin(), bold_policies.end(), [&](const QString& p) { return verdict.contains(p); }),
           qPrintable(verdict));
}

void DashboardTest::sorting_is_numeric() {
  QSortFilterProxyModel* proxy = window_->compare_view()->run_proxy();
  const int metrics = static_cast<int>(window_->compare_view()->run_model()->metrics().size());
  for (int m = 0; m < metrics; ++m) {
    const int column = RunTableModel::kFixedColumns + m;
    proxy->sort(column, Qt::AscendingOrder);
    for (int r = 1; r < proxy->rowCount(); ++r) {
      const QVariant a = proxy->index(r - 1, column).data(kSortRole), b = proxy->index(r, column).data(kSortRole);
      if (a.isValid() && b.isValid()) QVERIFY(a.toDouble() <= b.toDouble());
    }
  }
  proxy->sort(-1);
}

void DashboardTest::scenario_drill_down_filters_runs() {
  CompareView* compare = window_->compare_view();
  compare->set_scenario(QStringLiteral("nic_flap_storm"));
  QCOMPARE(compare->run_proxy()->rowCount(), 4 * 3);
  for (int r = 0; r < compare->run_proxy()->rowCount(); ++r) {
    QCOMPARE(compare->run_proxy()->index(r, 0).data().toString(), QStringLiteral("nic_flap_storm"));
  }
  QCOMPARE(compare->policy_model()->rowCount(), 4);
  for (int r = 0; r < compare->policy_model()->rowCount(); ++r) {
    QCOMPARE(compare->policy_model()->index(r, 2).data(kSortRole).toULongLong(), 3ull);  // runs per policy
  }
  compare->set_scenario({});
  QCOMPARE(compare->run_proxy()->rowCount(), 24);
}

void DashboardTest::pareto_front_is_non_dominated() {
  ParetoChartView* pareto = window_->compare_view()->pareto();
  QCOMPARE(pareto->point_count(), 24);  // every synthetic run finished
  QVERIFY(pareto->front_count() >= 1 && pareto->front_count() <= pareto->point_count());
  // Colours are the report's: palette index = the pair's place in the whole
  // batch's (policy, strategy) order, whatever the drill-down.
  const std::vector<std::string> keys = policy_strategy_keys(window_->overview()->table);
  int scatter = 0;
  for (QAbstractSeries* s : pareto->chart()->series()) {
    auto* points = qobject_cast<QScatterSeries*>(s);
    if (points == nullptr) continue;
    ++scatter;
    const auto it = std::find(keys.begin(), keys.end(), points->name().toStdString());
    QVERIFY2(it != keys.end(), qPrintable(points->name()));
    QCOMPARE(points->color(), QColor(report::palette_color(static_cast<size_t>(it - keys.begin()))));
  }
  QCOMPARE(scatter, static_cast<int>(keys.size()));
  // The x axis reads in one byte unit, as report.html's axes do.
  auto* x = qobject_cast<QCategoryAxis*>(pareto->chart()->axes(Qt::Horizontal).front());
  QVERIFY(x != nullptr);
  const QStringList labels = x->categoriesLabels();
  QVERIFY(labels.size() >= 3);
  const QString unit = labels.front().section(' ', 1);
  QVERIFY2(unit.endsWith(QStringLiteral("B")), qPrintable(labels.join(", ")));
  for (const QString& label : labels) QCOMPARE(label.section(' ', 1), unit);
}

void DashboardTest::time_slider_moves_the_memory_map() {
  CrashRegionView* view = window_->crash_region_view();
  const results::Run* run = window_->current_run();
  QVERIFY(run != nullptr);
  const Timeseries& ts = run->timeseries;
  QSlider* slider = view->slider();
  QCOMPARE(slider->maximum(), static_cast<int>(ts.row_count()) - 1);
  std::vector<uint64_t> previous;
  for (int row : {5, 15, 150, slider->maximum()}) {
    slider->setValue(row);
    const CrashMap& map = view->map_widget()->map();
    QCOMPARE(map.row, static_cast<size_t>(row));
    QCOMPARE(map.t_s, ts.t_s[static_cast<size_t>(row)]);
    // Each slice in the map is the size timeseries.csv records at that tick.
    std::vector<uint64_t> sizes;
    uint64_t cursor = 0, reserved = 0;
    for (const MapBlock& b : map.blocks) {
      QCOMPARE(b.offset, cursor);
      cursor += b.bytes;
      if (b.kind != MapBlock::Kind::slice) continue;
      const auto* column = ts.find(slice_bytes_column(b.component));
      QVERIFY(column != nullptr);
      QCOMPARE(b.bytes, static_cast<uint64_t>((*column)[static_cast<size_t>(row)]));
      sizes.push_back(b.bytes);
      reserved += b.bytes;
    }
    QCOMPARE(cursor, map.region_bytes);
    QCOMPARE(static_cast<double>(reserved), (*ts.find(kReservedBytesColumn))[static_cast<size_t>(row)]);
    QCOMPARE(view->slice_table()->rowCount(), static_cast<int>(sizes.size()));
    QVERIFY(!map.unusable_index.empty());
    QVERIFY(sizes != previous);  // the synthetic agent repartitions every 10 ticks
    previous = sizes;
  }
}

void DashboardTest::cursor_is_shared_between_views() {
  const Timeseries& ts = window_->current_run()->timeseries;
  window_->crash_region_view()->slider()->setValue(42);
  QCOMPARE(window_->time_cursor()->time_s(), ts.t_s[42]);
  // The Timeline picks a time: the slider follows.
  window_->time_cursor()->set_time_s(ts.t_s[120] + 0.001);
  QCOMPARE(window_->crash_region_view()->slider()->value(), 120);
}

void DashboardTest::zoom_is_shared_between_charts() {
  TimelineView* timeline = window_->timeline_view();
  QVERIFY(test::show_tab(window_->tabs(), timeline));
  QValueAxis* a = timeline->slice_chart()->time_axis();
  QValueAxis* b = timeline->probability_chart()->time_axis();
  a->setRange(0.5, 1.0);
  QCOMPARE(b->min(), 0.5);
  QCOMPARE(b->max(), 1.0);
  QTest::mouseDClick(timeline->probability_chart()->viewport(), Qt::LeftButton);
  QCOMPARE(a->min(), window_->current_run()->timeseries.t_s.front());
  QCOMPARE(a->max(), window_->current_run()->timeseries.t_s.back());
}

void DashboardTest::records_tree_flags_truncation() {
  QTreeWidget* tree = window_->records_view()->tree();
  QCOMPARE(tree->topLevelItemCount(), 3);  // verdicts, records, event log
  QTreeWidgetItem* records = tree->topLevelItem(1);
  QCOMPARE(records->childCount(), static_cast<int>(window_->current_run()->bmc->records.size()));
  QTreeWidgetItem* record = records->child(0);
  QVERIFY(record->text(1).contains("memory_uncorrectable"));
  QVERIFY(record->text(1).contains("TRUNCATED"));  // the synthetic capture did not fit
  QVERIFY(record->background(0).color() != QColor());
  // Sections as the BMC reported them: the partial one is flagged.
  QTreeWidgetItem* sections = record->child(2);
  QCOMPARE(sections->childCount(), 2);
  QVERIFY(sections->child(1)->text(1).contains("captured of"));
  QCOMPARE(sections->child(1)->foreground(0).color(), failure_colour());
  // Instants to the nanosecond: the alert (failure tick 150 of 10 ms, + 0.5
  // ms) and its report 1.5 ms later read apart, not both "1.50 s".
  QTreeWidgetItem* alert = tree->topLevelItem(0)->child(0);
  QVERIFY2(alert->text(0).endsWith(QStringLiteral("t = 1.5005 s")), qPrintable(alert->text(0)));
  bool report_time = false;
  for (int i = 0; i < alert->childCount(); ++i) {
    if (alert->child(i)->text(0) == QStringLiteral("report complete at")) {
      QCOMPARE(alert->child(i)->text(1), QStringLiteral("1.502 s"));
      report_time = true;
    }
  }
  QVERIFY(report_time);

  // Announced: the host's predictive-failure alarm was up at the alert.
  QTreeWidgetItem* announced = nullptr;
  for (int i = 0; i < alert->childCount(); ++i)
    if (alert->child(i)->text(0) == QStringLiteral("announced")) announced = alert->child(i);
  QVERIFY(announced != nullptr);
  QCOMPARE(announced->text(1), QStringLiteral("predictive failure asserted at t = 1 s, 501 ms before the alert"));

  // The alert's related SEL entries, named as the Event log branch names
  // them; the event log itself, a stopped fan, the predictive failure and
  // a crossing going high in red, the all-clear not.
  const BmcReport& bmc = *window_->current_run()->bmc;
  QCOMPARE(bmc.event_log.size(), size_t{4});
  QTreeWidgetItem* related = nullptr;
  for (int i = 0; i < alert->childCount(); ++i)
    if (alert->child(i)->text(0) == QStringLiteral("related events")) related = alert->child(i);
  QVERIFY(related != nullptr);
  QCOMPARE(related->text(1), QStringLiteral("3"));
  QCOMPARE(related->childCount(), 3);
  QCOMPARE(related->child(0)->text(0), QStringLiteral("event 0 · fan2"));
  QVERIFY(related->child(0)->text(1).startsWith(QStringLiteral("stopped at t = ")));
  const QString component = QString::fromStdString(bmc.event_log[1].sensor);
  QVERIFY2(component.startsWith(QStringLiteral("memory.")), qPrintable(component));
  QCOMPARE(related->child(1)->text(0), QStringLiteral("event 1 · ") + component);
  QVERIFY2(related->child(1)->text(1).startsWith(QStringLiteral("predictive failure asserted: probability 0.91 at t = ")),
           qPrintable(related->child(1)->text(1)));
  const QString dimm = QString::fromStdString(bmc.event_log[2].sensor);
  QCOMPARE(related->child(2)->text(0), QStringLiteral("event 2 · ") + dimm);
  QVERIFY2(related->child(2)->text(1).startsWith(QStringLiteral("upper critical going high: 86.5 C (threshold 85 C) at t = ")),
           qPrintable(related->child(2)->text(1)));
  QTreeWidgetItem* sel = tree->topLevelItem(2);
  QCOMPARE(sel->text(0), QStringLiteral("BMC event log (SEL)"));
  QCOMPARE(sel->childCount(), 4);
  QVERIFY(sel->child(2)->text(0).endsWith(QStringLiteral(" · ") + dimm));
  QVERIFY(sel->child(2)->text(0).startsWith(QStringLiteral("event 2 at t = 1.499 s")));
  QCOMPARE(sel->child(0)->foreground(0).color(), failure_colour());
  QCOMPARE(sel->child(1)->foreground(0).color(), failure_colour());
  QCOMPARE(sel->child(2)->foreground(0).color(), failure_colour());
  QVERIFY(sel->child(3)->foreground(0).color() != failure_colour());
  QCOMPARE(sel->child(3)->text(1), QStringLiteral("upper critical going low: 82.8 C (threshold 85 C)"));
}

// The two charts share the time axis, so their plot areas line up; the
// instances of a class differ in shade and dash pattern.
void DashboardTest::timeline_charts_align_and_instances_differ() {
  TimelineView* timeline = window_->timeline_view();
  QVERIFY(test::show_tab(window_->tabs(), timeline));
  QTRY_VERIFY(timeline->slice_chart()->chart()->plotArea().width() > 0 &&
              timeline->probability_chart()->chart()->plotArea().width() > 0);
  const QRectF a = timeline->slice_chart()->chart()->plotArea();
  const QRectF b = timeline->probability_chart()->chart()->plotArea();
  QVERIFY2(std::abs(a.left() - b.left()) <= 1 && std::abs(a.right() - b.right()) <= 1,
           qPrintable(QStringLiteral("plot areas %1..%2 and %3..%4").arg(a.left()).arg(a.right()).arg(b.left()).arg(b.right())));
  std::set<std::pair<QRgb, int>> pens;
  const QList<QAbstractSeries*> series = timeline->slice_chart()->chart()->series();
  for (QAbstractSeries* s : series) {
    const QPen pen = static_cast<QLineSeries*>(s)->pen();
    pens.insert({pen.color().rgb(), static_cast<int>(pen.style())});
  }
  QCOMPARE(pens.size(), static_cast<size_t>(series.size()));
  for (ComponentClass cls : {ComponentClass::cpu, ComponentClass::memory, ComponentClass::disk, ComponentClass::network}) {
    for (uint16_t i = 0; i < 4; ++i) {
      for (uint16_t j = i + 1; j < 4; ++j) {
        const QColor ci = component_colour({cls, i}), cj = component_colour({cls, j});
        const double distance = std::hypot(ci.red() - cj.red(), ci.green() - cj.green(), ci.blue() - cj.blue());
        QVERIFY2(distance >= 50, qPrintable(QStringLiteral("%1 and %2 too alike").arg(ci.name(), cj.name())));
        QVERIFY(ci.lightness() <= 215);  // visible on white
        QVERIFY(component_pen_style({cls, i}) != component_pen_style({cls, j}));
      }
    }
  }
}

void DashboardTest::double_click_opens_run() {
  CompareView* compare = window_->compare_view();
  QSignalSpy run(window_.get(), &MainWindow::run_loaded);
  const int table_row = 5;
  emit compare->run_activated(table_row);
  QVERIFY(run.wait(kLoadTimeoutMs));
  QCOMPARE(window_->current_run()->summary.seed, window_->overview()->table.rows[table_row].seed);
  QCOMPARE(window_->tabs()->currentWidget(), static_cast<QWidget*>(window_->timeline_view()));
}

void DashboardTest::screenshots_of_every_view() {
  window_->compare_view()->set_scenario(QStringLiteral("dimm_ue_ramp"));
  const Timeseries& ts = window_->current_run()->timeseries;
  window_->time_cursor()->set_time_s(ts.t_s[ts.row_count() * 3 / 4 + 2]);
  window_->records_view()->tree()->expandAll();
  // The synthetic batch's views; the real batch's go to screenshots/ itself.
  const fs::path dir = test::screenshot_dir("synthetic");
  const char* names[] = {"compare", "timeline", "crash_region", "records", "memory", "run"};
  QCOMPARE(window_->tabs()->count(), static_cast<int>(std::size(names)));
  for (int i = 0; i < window_->tabs()->count(); ++i) {
    QVERIFY(test::show_tab(window_->tabs(), i));
    const QPixmap shot = window_->grab();
    QVERIFY(!shot.isNull());
    const fs::path file = dir / (std::string(names[i]) + ".png");
    QVERIFY2(shot.save(QString::fromStdString(file.string()), "PNG"), file.c_str());
    QVERIFY(fs::file_size(file) > 10000);  // a real picture, not a blank
  }
  window_->compare_view()->set_scenario({});
}

void DashboardTest::long_series_are_downsampled() {
  const fs::path dir = test::scratch_dir("gui_long_run");
  test::SyntheticRunSpec spec;
  spec.ticks = 50000;
  test::write_synthetic_run(dir / "long-run", spec);
  open_and_wait(dir / "long-run");
  TimelineView* timeline = window_->timeline_view();
  QVERIFY(test::show_tab(window_->tabs(), timeline));
  const size_t lines = window_->current_run()->timeseries.columns_with_prefix("slice_bytes.").size() +
                       window_->current_run()->timeseries.columns_with_prefix("probability.").size();
  // At most 2 points per pixel column + the ends, each turned into a step
  // (a horizontal and a vertical segment).
  const qsizetype bound = static_cast<qsizetype>(lines) * (2 * (2 * timeline->slice_chart()->plot_width() + 2) - 1);
  QVERIFY2(timeline->drawn_points() <= bound,
           qPrintable(QStringLiteral("%1 points drawn, bound %2").arg(timeline->drawn_points()).arg(bound)));
  QVERIFY(timeline->drawn_points() < static_cast<qsizetype>(lines * 50000 / 10));
  // Drawn as steps: a value holds until the next sample.
  for (QAbstractSeries* s : timeline->slice_chart()->chart()->series()) {
    const QList<QPointF> points = static_cast<QLineSeries*>(s)->points();
    for (qsizetype i = 1; i < points.size(); ++i) {
      QVERIFY(points[i].x() == points[i - 1].x() || points[i].y() == points[i - 1].y());
    }
  }
  // Zooming in re-downsamples the visible range: still bounded, finer detail.
  timeline->slice_chart()->time_axis()->setRange(100.0, 101.0);
  QVERIFY(timeline->drawn_points() <= bound);
  open_and_wait(batch_);
}

// A day at a 10 s sampling period after a 2 s run: the time axis must get
// its tick step before its range, or Qt Charts lays out ~400,000 tick labels
// (the dashboard hung for minutes on the library's soak run).
void DashboardTest::day_long_run_opens_with_readable_ticks() {
  const fs::path dir = test::scratch_dir("gui_day_run");
  test::SyntheticRunSpec spec;
  spec.ticks = 8640;
  spec.tick_ns = 10'000'000'000;
  test::write_synthetic_run(dir / "day-run", spec);
  QElapsedTimer shown;
  shown.start();
  open_and_wait(dir / "day-run");
  TimelineView* timeline = window_->timeline_view();
  QVERIFY(test::show_tab(window_->tabs(), timeline));
  // Not a timing assertion: a hang shows as the load wait timing out.
  qInfo("day-long run loaded and drawn in %lld ms", static_cast<long long>(shown.elapsed()));
  for (TimeChartView* chart : {timeline->slice_chart(), timeline->probability_chart()}) {
    const QValueAxis* axis = chart->time_axis();
    QCOMPARE(axis->min(), 0.0);
    QCOMPARE(axis->max(), 8639 * 10.0);
    const double ticks = (axis->max() - axis->min()) / axis->tickInterval();
    QVERIFY2(ticks >= 4 && ticks <= 20, qPrintable(QStringLiteral("%1 ticks").arg(ticks)));
    QCOMPARE(axis->labelFormat(), QStringLiteral("%.0f"));  // "20000", not "20000.00"
  }
  // Zooming to a second keeps a readable step too.
  timeline->slice_chart()->set_time_range(100.0, 101.0);
  QCOMPARE(timeline->probability_chart()->time_axis()->tickInterval(), 0.2);
  QCOMPARE(timeline->probability_chart()->time_axis()->labelFormat(), QStringLiteral("%.1f"));
  open_and_wait(batch_);
}

// A fleet's machine (`traces: summary`, as the library's fleet_pair_year
// writes it): summary.json, perf.json, config.yaml and bmc/ only. It opens,
// every view shows without a time series, and the run's figures are there.
void DashboardTest::summary_level_run_opens_without_traces() {
  const fs::path dir = test::scratch_dir("gui_summary_run") / "fleet-machine";
  test::SyntheticRunSpec spec;
  test::write_synthetic_run(dir, spec);
  for (const char* trace : {"timeseries.csv", "events.jsonl", "trace.vcd", "trace.json", "memory_profile.json"})
    fs::remove(dir / trace);
  RunSummary summary = read_summary(dir / "summary.json");
  summary.traces = TraceLevel::summary;
  write_summary(summary, dir / "summary.json");

  open_and_wait(dir);
  const results::Run* run = window_->current_run();
  QVERIFY(run != nullptr);
  QCOMPARE(run->summary.traces, TraceLevel::summary);
  QCOMPARE(run->timeseries.row_count(), size_t{0});
  QVERIFY(run->events.empty());
  QVERIFY(run->bmc.has_value());  // the BMC's records are kept
  for (int i = 0; i < window_->tabs()->count(); ++i) {
    QVERIFY(test::show_tab(window_->tabs(), i));
    QVERIFY(!window_->grab().isNull());
  }
  open_and_wait(batch_);
}

// Cancel while a run loads: the run shown stays, the progress bar goes away,
// and the worker stops at its next block instead of finishing unseen.
void DashboardTest::loading_a_run_shows_progress_and_can_be_cancelled() {
  const fs::path dir = test::scratch_dir("gui_cancel_run");
  test::SyntheticRunSpec spec;
  spec.ticks = 100000;  // ~20 MB of timeseries.csv: several progress blocks
  test::write_synthetic_run(dir / "long-run", spec);
  open_and_wait(dir / "long-run");
  const results::Run* shown = window_->current_run();
  QVERIFY(shown != nullptr);
  QVERIFY(window_->load_progress()->isHidden());

  QSignalSpy cancelled(window_.get(), &MainWindow::run_load_cancelled);
  QSignalSpy loaded(window_.get(), &MainWindow::run_loaded);
  window_->select_run(0);  // load it again...
  QVERIFY(!window_->load_progress()->isHidden());
  QVERIFY(!window_->cancel_load_button()->isHidden());
  QTest::mouseClick(window_->cancel_load_button(), Qt::LeftButton);  // ...and change one's mind
  QVERIFY(cancelled.wait(kLoadTimeoutMs));
  QCOMPARE(loaded.count(), 0);
  QCOMPARE(window_->current_run(), shown);
  QVERIFY(window_->load_progress()->isHidden());
  QVERIFY(window_->cancel_load_button()->isHidden());

  // Uncancelled, the same load completes and reports progress up to the end.
  QSignalSpy progress(window_->load_progress(), &QProgressBar::valueChanged);
  window_->select_run(0);
  QVERIFY(loaded.wait(kLoadTimeoutMs));
  QVERIFY(!progress.isEmpty());
  QCOMPARE(progress.last().at(0).toInt(), window_->load_progress()->maximum());
  QCOMPARE(window_->current_run()->timeseries.row_count(), size_t{100000});
  open_and_wait(batch_);
}

void DashboardTest::bad_directory_reports_error() {
  QSignalSpy failed(window_.get(), &MainWindow::load_failed);
  window_->open_directory(QStringLiteral("/nonexistent/crashtwin/batch"));
  QVERIFY(failed.wait(kLoadTimeoutMs));
  QVERIFY(failed.front().front().toString().contains("/nonexistent/crashtwin/batch"));
  QVERIFY(window_->overview() != nullptr);  // the batch shown before stays
}

void DashboardTest::dropped_directory_opens_and_is_recent() {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(batch_.string()))});
  QSignalSpy overview(window_.get(), &MainWindow::overview_loaded);
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(window_.get(), &enter);
  QVERIFY(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(window_.get(), &drop);
  QVERIFY(overview.wait(kLoadTimeoutMs));
  const QStringList recent = window_->recent();
  QCOMPARE(recent.front(), QFileInfo(QString::fromStdString(batch_.string())).absoluteFilePath());
  QCOMPARE(recent.count(recent.front()), 1);  // no duplicates
  QVERIFY(recent.size() <= MainWindow::kMaxRecent);
}

// A sweep directory (sweep.csv beside the runs) adds the budget-sweep
// curves to Compare: one per policy x strategy, hidden again for a batch.
void DashboardTest::sweep_directory_shows_sweep_curves() {
  const fs::path sweep_dir = test::scratch_dir("gui_sweep");
  test::write_synthetic_batch(sweep_dir, 2);
  BatchTable table = read_summary_csv(sweep_dir / "summary.csv");
  table.parameter_columns = {"agent.budget"};
  std::set<std::pair<std::string, std::string>> pairs;
  for (BatchRow& row : table.rows) {
    row.parameters = {row.seed % 2 == 0 ? "64 MiB" : "1 GiB"};
    pairs.emplace(row.policy, row.strategy);
  }
  write_summary_csv(table, sweep_dir / "sweep.csv");
  open_and_wait(sweep_dir);
  SweepChartView* chart = window_->compare_view()->sweep_chart();
  QVERIFY(!chart->isHidden());
  QCOMPARE(chart->curve_count(), static_cast<int>(pairs.size()));
  QVERIFY(chart->front_count() >= 1);
  open_and_wait(batch_);
  QVERIFY(chart->isHidden());
}

void DashboardTest::cleanupTestCase() {
  window_.reset();
  QSettings().clear();
}

QTEST_MAIN(DashboardTest)
#include "test_dashboard.moc"
