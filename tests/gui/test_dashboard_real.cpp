// The dashboard against results of the real simulator: `crashtwin batch`
// over library scenarios with two policies and `crashtwin run` of the
// skeleton, both launched by the test (CRASHTWIN_CLI is the built binary).
// Checks the Compare table against summary.csv, the memory map against the
// recorded slice bases, the Records tree against the real CPER bytes, the
// Run view launching and cancelling the real batch; and saves a PNG of every
// view in <build>/screenshots (the pictures docs/dashboard.md shows).
#include <cmath>
#include <fstream>

#include <QChart>
#include <QLineSeries>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "gui/app/main_window.h"
#include "gui/data/palette.h"
#include "gui/timeline/timeline_view.h"
#include "platform/region/crash_region.h"
#include "tests/gui/plain_csv.h"
#include "tests/gui/show_view.h"
#include "traces/report/format.h"

using namespace crashtwin;
using namespace crashtwin::gui;
namespace fs = std::filesystem;

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kBatchTimeoutMs = 180000;  // a shared 2-core machine: generous

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const char* const kPolicies[] = {"proportional", "static"};
const char* const kScenarios[] = {"memory_uncorrectable", "cpu_invalid_opcode", "disk_media_error"};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "gui_real" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

// Runs the CLI to completion; "" on success (exit 0 or 1: results written),
// else what went wrong with its stderr.
QString run_cli(const QStringList& args) {
  QProcess p;
  p.setProgram(QStringLiteral(CRASHTWIN_CLI));
  p.setArguments(args);
  p.start();
  if (!p.waitForFinished(kBatchTimeoutMs)) {
    p.kill();
    p.waitForFinished();
    return QStringLiteral("crashtwin %1 timed out").arg(args.join(' '));
  }
  if (p.exitStatus() == QProcess::NormalExit && (p.exitCode() == 0 || p.exitCode() == 1)) return {};
  return QStringLiteral("crashtwin %1 exited %2: %3")
      .arg(args.join(' '))
      .arg(p.exitCode())
      .arg(QString::fromUtf8(p.readAllStandardError().right(2000)));
}

// Processes of a process group that are still running (zombies waiting for
// their reaper do not count: they write nothing), from /proc/<pid>/stat.
int live_processes_in_group(qint64 group) {
  int live = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const size_t close = line.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    char state = 0;
    long long parent = 0, pgrp = 0;
    fields >> state >> parent >> pgrp;
    if (pgrp == group && state != 'Z' && state != 'X') ++live;
  }
  return live;
}

QTreeWidgetItem* child_named(QTreeWidgetItem* parent, const QString& prefix) {
  for (int i = 0; i < parent->childCount(); ++i) {
    if (parent->child(i)->text(0).startsWith(prefix)) return parent->child(i);
  }
  return nullptr;
}

}  // namespace

class RealResultsTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void compare_table_matches_summary_csv();
  void memory_map_draws_recorded_slice_bases();
  void screenshots_of_every_view();
  void records_decode_a_real_cper_record();
  void records_show_the_bmc_event_log();
  void baseline_timeline_draws_reservation_and_recovery();
  void run_view_launches_the_real_batch();
  void run_view_launches_a_real_sweep();
  void run_view_cancels_the_real_batch();
  void cleanupTestCase();

 private:
  void open_and_wait(const fs::path& dir);
  // Selects the overview's run of `scenario` whose policy or strategy is
  // `pair_part` and waits until it is loaded; false if there is none.
  bool select_and_wait(const std::string& scenario, const std::string& pair_part);

  fs::path batch_;
  fs::path skeleton_run_;
  fs::path fans_run_;  // every fan stops: the SEL has entries, the shutdowns relate to them
  std::unique_ptr<MainWindow> window_;
};

void RealResultsTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("crashtwin-tests");
  QCoreApplication::setApplicationName("dashboard-real-tests");
  QSettings().clear();

  batch_ = fresh_dir("batch");
  QStringList args{QStringLiteral("batch")};
  for (const char* s : kScenarios) args << QString::fromStdString((kSource / "scenarios/library" / (std::string(s) + ".yaml")).string());
  for (const char* p : kPolicies) args << QStringLiteral("--policy") << QString::fromLatin1(p);
  args << QStringLiteral("--seeds") << QStringLiteral("1") << QStringLiteral("-j") << QStringLiteral("2")
       << QStringLiteral("--out") << QString::fromStdString(batch_.string());
  const QString batch_problem = run_cli(args);
  QVERIFY2(batch_problem.isEmpty(), qPrintable(batch_problem));

  skeleton_run_ = fresh_dir("skeleton_run");
  const QString run_problem =
      run_cli({QStringLiteral("run"), QString::fromStdString((kSource / "scenarios/examples/skeleton.yaml").string()),
               QStringLiteral("--policy"), QStringLiteral("proportional"), QStringLiteral("--out"),
               QString::fromStdString(skeleton_run_.string())});
  QVERIFY2(run_problem.isEmpty(), qPrintable(run_problem));
  fans_run_ = fresh_dir("fans_run");
  const QString fans_problem = run_cli(
      {QStringLiteral("run"), QString::fromStdString((kSource / "scenarios/examples/fan_failure.yaml").string()),
       QStringLiteral("--policy"), QStringLiteral("proportional"), QStringLiteral("--set"),
       QStringLiteral("board.sensors.fan_fault_acceleration=1e9"), QStringLiteral("--out"),
       QString::fromStdString(fans_run_.string())});
  QVERIFY2(fans_problem.isEmpty(), qPrintable(fans_problem));

  window_ = std::make_unique<MainWindow>();
  window_->resize(1440, 900);
  window_->show();
  QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
  open_and_wait(batch_);
}

void RealResultsTest::open_and_wait(const fs::path& dir) {
  QSignalSpy overview(window_.get(), &MainWindow::overview_loaded);
  QSignalSpy run(window_.get(), &MainWindow::run_loaded);
  window_->open_directory(QString::fromStdString(dir.string()));
  QVERIFY(overview.wait(kLoadTimeoutMs));
  QVERIFY(run.count() > 0 || run.wait(kLoadTimeoutMs));
}

void RealResultsTest::compare_table_matches_summary_csv() {
  const std::vector<test::CsvRow> csv = test::read_csv_plainly(batch_ / "summary.csv");
  // Every scenario under both policies (and under the capture strategies a
  // library scenario also compares: one row per policy · strategy · scenario).
  QVERIFY(csv.size() >= std::size(kScenarios) * std::size(kPolicies));
  QCOMPARE(csv.size() % std::size(kScenarios), size_t{0});
  RunTableModel* model = window_->compare_view()->run_model();
  QCOMPARE(model->rowCount(), static_cast<int>(csv.size()));
  for (int r = 0; r < model->rowCount(); ++r) {
    const BatchRow* row = model->row_at(r);
    auto it = std::find_if(csv.begin(), csv.end(), [&](const test::CsvRow& c) { return c.cells.at("run") == row->run; });
    QVERIFY2(it != csv.end(), row->run.c_str());
    QCOMPARE(model->index(r, 0).data().toString().toStdString(), it->cells.at("scenario"));
    QCOMPARE(model->index(r, 1).data().toString().toStdString(), it->cells.at("policy"));
    QCOMPARE(model->index(r, 4).data().toString().toStdString(), it->cells.at("status"));
    for (size_t m = 0; m < model->metrics().size(); ++m) {
      const std::string& metric = model->metrics()[m];
      const QModelIndex cell = model->index(r, RunTableModel::kFixedColumns + static_cast<int>(m));
      const std::string& text = it->cells.at(metric);
      if (text.empty()) {
        QVERIFY(!cell.data(kSortRole).isValid());
        continue;
      }
      QCOMPARE(cell.data(kSortRole).toDouble(), std::stod(text));
    }
  }
  // One row per policy · strategy, the mean over the three scenarios' finished runs.
  PolicyTableModel* policies = window_->compare_view()->policy_model();
  QCOMPARE(policies->rowCount(), static_cast<int>(csv.size() / std::size(kScenarios)));
  for (int r = 0; r < policies->rowCount(); ++r) {
    const std::string policy = policies->index(r, 0).data().toString().toStdString();
    const std::string strategy = policies->index(r, 1).data().toString().toStdString();
    double sum = 0;
    int n = 0;
    for (const test::CsvRow& c : csv) {
      const std::string& status = c.cells.at("status");
      if (c.cells.at("policy") != policy || c.cells.at("strategy") != strategy) continue;
      if (status != "ok" && status != "expectations_failed") continue;
      sum += std::stod(c.cells.at("capture_completeness"));
      ++n;
    }
    QVERIFY(n > 0);
    QVERIFY(std::abs(policies->index(r, PolicyTableModel::kFixedColumns).data(kSortRole).toDouble() - sum / n) < 1e-12);
  }
  QCOMPARE(window_->compare_view()->pareto()->point_count(), static_cast<int>(csv.size()));
}

void RealResultsTest::memory_map_draws_recorded_slice_bases() {
  CrashRegionView* view = window_->crash_region_view();
  const results::Run* run = window_->current_run();
  QVERIFY(run != nullptr);
  const Timeseries& ts = run->timeseries;
  QVERIFY(!ts.columns_with_prefix(kSliceBasePrefix).empty());
  QSlider* slider = view->slider();
  QCOMPARE(slider->maximum(), static_cast<int>(ts.row_count()) - 1);
  for (int row : {0, slider->maximum() / 3, slider->maximum() / 2, slider->maximum()}) {
    slider->setValue(row);
    const CrashMap& map = view->map_widget()->map();
    QVERIFY(map.bases_recorded);
    QCOMPARE(map.row, static_cast<size_t>(row));
    uint64_t cursor = 0;
    size_t slices = 0;
    for (const MapBlock& b : map.blocks) {
      QCOMPARE(b.offset, cursor);  // blocks tile the region: no overlap, no hole
      cursor += b.bytes;
      if (b.kind != MapBlock::Kind::slice) continue;
      ++slices;
      // Drawn where the firmware put it: the recorded base and size.
      QCOMPARE(static_cast<double>(b.offset), (*ts.find(slice_base_column(b.component)))[static_cast<size_t>(row)]);
      QCOMPARE(static_cast<double>(b.bytes), (*ts.find(slice_bytes_column(b.component)))[static_cast<size_t>(row)]);
      QVERIFY(b.offset >= kHeaderAreaBytes);
      QCOMPARE(b.offset % kCrashRegionPageBytes, uint64_t{0});
    }
    QCOMPARE(cursor, map.region_bytes);
    QCOMPARE(static_cast<int>(slices), view->slice_table()->rowCount());
    QVERIFY(slices > 0);
    // Fragmentation from the allocator itself, one value per order.
    QVERIFY(!map.unusable_index.empty());
    for (const auto& [order, index] : map.unusable_index) QVERIFY(index >= 0.0 && index <= 1.0);
  }
}

bool RealResultsTest::select_and_wait(const std::string& scenario, const std::string& pair_part) {
  const BatchOverview* overview = window_->overview();
  int chosen = -1;
  for (size_t i = 0; i < overview->table.rows.size(); ++i) {
    const BatchRow& r = overview->table.rows[i];
    if (r.scenario == scenario && (r.policy == pair_part || r.strategy == pair_part)) chosen = static_cast<int>(i);
  }
  if (chosen < 0) return false;
  QSignalSpy loaded(window_.get(), &MainWindow::run_loaded);
  window_->select_run(chosen);
  return loaded.count() > 0 || loaded.wait(kLoadTimeoutMs);
}

void RealResultsTest::screenshots_of_every_view() {
  // The memory_uncorrectable run under proportional: a failure, a capture, a report.
  QVERIFY(select_and_wait("memory_uncorrectable", "proportional"));
  const results::Run* run = window_->current_run();
  // The cursor just after the first failure: the capture is in the map.
  double t = run->timeseries.t_s[run->timeseries.row_count() / 2];
  for (const Event& e : run->events) {
    if (e.kind == EventKind::capture) {
      t = static_cast<double>(e.t_ns) / 1e9 + 0.5;
      break;
    }
  }
  window_->time_cursor()->set_time_s(t);
  window_->records_view()->tree()->expandAll();
  window_->run_view()->set_cli(QStringLiteral(CRASHTWIN_CLI));
  window_->run_view()->add_scenario(QString::fromStdString((kSource / "scenarios/examples/skeleton.yaml").string()));
  // The form shows the executable the batch will run.
  bool shown = false;
  for (const QLabel* label : window_->run_view()->findChildren<QLabel*>())
    shown = shown || label->text() == QStringLiteral(CRASHTWIN_CLI);
  QVERIFY(shown);
  const fs::path dir = test::screenshot_dir();
  // The Memory view shows the run's allocator analyses (memory_profile.json).
  QVERIFY(window_->memory_view()->figures()->rowCount() >= 10);
  QVERIFY(window_->memory_view()->rate_chart()->chart()->series().size() >= 2);
  QVERIFY(window_->memory_view()->health_chart()->chart()->series().size() == 3);
  // ...and the cache model's hit ratios per level (L1, L2, LLC, TLB).
  QCOMPARE(window_->memory_view()->cache_chart()->chart()->series().size(), 4);
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
  window_->tabs()->setCurrentIndex(0);
}

// A kdump run holds no slices: the timeline draws its crashkernel held away,
// the memory the kernel owns (0 while it is down) and the dump written.
void RealResultsTest::baseline_timeline_draws_reservation_and_recovery() {
  open_and_wait(batch_);  // an earlier case may have opened the single run
  QVERIFY(select_and_wait("memory_uncorrectable", "kdump"));
  QCOMPARE(QString::fromStdString(window_->current_run()->summary.strategy), QStringLiteral("kdump"));
  QChart* chart = window_->timeline_view()->slice_chart()->chart();
  QVERIFY(chart->title().contains(QStringLiteral("Crashkernel held away")));
  QStringList names;
  double lowest_owned = -1;
  for (QAbstractSeries* s : chart->series()) {
    names << s->name();
    if (s->name() == QStringLiteral("kernel owns"))
      for (const QPointF& p : static_cast<QLineSeries*>(s)->points())
        lowest_owned = lowest_owned < 0 ? p.y() : std::min(lowest_owned, p.y());
  }
  QCOMPARE(names, (QStringList{QStringLiteral("held away"), QStringLiteral("kernel owns"), QStringLiteral("dump written")}));
  QCOMPARE(lowest_owned, 0.0);  // the kernel is down during the recovery
  // Back to a predictive run: slices again.
  QVERIFY(select_and_wait("memory_uncorrectable", "predictive-bmc"));
  QVERIFY(chart->title().contains(QStringLiteral("Slice size")));
  // ...and the probability chart shades each of its alarms: one band per
  // alert episode of the summary, on the failing DIMM.
  const results::Run* run = window_->current_run();
  const std::optional<double> episodes = run->summary.metric("prediction.alert_episodes");
  QVERIFY(episodes && *episodes >= 1);
  const std::span<const TimeBand> bands = window_->timeline_view()->probability_chart()->bands();
  QCOMPARE(static_cast<double>(bands.size()), *episodes);
  for (const TimeBand& b : bands) {
    QVERIFY(b.end_s >= b.begin_s);
    QCOMPARE(b.label, QStringLiteral("alarm memory.1"));
  }
  QVERIFY(window_->timeline_view()->slice_chart()->bands().empty());
}

// Every fan stops (tests/scenario/e2e_fans.cpp): the Records view lists the
// BMC's event log as the simulator wrote it, the stops and each crossing
// going high in red, and each thermal shutdown's alert names the entries it
// relates to.
void RealResultsTest::records_show_the_bmc_event_log() {
  open_and_wait(fans_run_);
  const results::Run* run = window_->current_run();
  QVERIFY(run != nullptr && run->bmc.has_value());
  const BmcReport& bmc = *run->bmc;
  QVERIFY(bmc.event_log.size() >= 10);
  QVERIFY(!bmc.verdicts.empty());
  QTreeWidget* tree = window_->records_view()->tree();
  QTreeWidgetItem* sel = tree->topLevelItem(2);
  QCOMPARE(sel->text(0), QStringLiteral("BMC event log (SEL)"));
  QCOMPARE(sel->childCount(), static_cast<int>(bmc.event_log.size()));
  for (int i = 0; i < sel->childCount(); ++i) {
    const BmcEvent& e = bmc.event_log[static_cast<size_t>(i)];
    QTreeWidgetItem* item = sel->child(i);
    QVERIFY2(item->text(0).endsWith(QStringLiteral(" · ") + QString::fromStdString(e.sensor)), qPrintable(item->text(0)));
    QVERIFY(item->text(1).startsWith(QString::fromStdString(e.event)));
    QCOMPARE(item->text(1).contains(QStringLiteral("threshold")), e.threshold_c.has_value());
    const bool alarm =
        e.event == "stopped" || e.event == "upper critical going high" || e.event == "predictive failure asserted";
    QCOMPARE(item->text(1).contains(QStringLiteral("probability")), e.probability.has_value());
    QCOMPARE(item->foreground(0).color() == failure_colour(), alarm);
  }
  QTreeWidgetItem* alert = tree->topLevelItem(0)->child(0);
  QTreeWidgetItem* announced = child_named(alert, QStringLiteral("announced"));
  QVERIFY(announced != nullptr);
  QCOMPARE(announced->text(1).startsWith(QStringLiteral("predictive failure asserted at t = ")),
           bmc.verdicts.front().alarm_asserted_t_ns.has_value());
  QTreeWidgetItem* related = child_named(alert, QStringLiteral("related events"));
  QVERIFY(related != nullptr);
  QCOMPARE(related->childCount(), static_cast<int>(bmc.verdicts.front().related_events.size()));
  QVERIFY(related->childCount() >= 7);  // six fans, at least one core going high
  for (int i = 0; i < related->childCount(); ++i) {
    const uint32_t index = bmc.verdicts.front().related_events[static_cast<size_t>(i)];
    QVERIFY(related->child(i)->text(0).startsWith(QStringLiteral("event %1 · ").arg(index)));
  }
  // The picture docs/dashboard.md shows: the shutdown's related events and
  // the log.
  QVERIFY(test::show_tab(window_->tabs(), window_->records_view()));
  tree->collapseAll();
  tree->topLevelItem(0)->setExpanded(true);
  alert->setExpanded(true);
  related->setExpanded(true);
  sel->setExpanded(true);
  const fs::path file = test::screenshot_dir() / "records_event_log.png";
  QVERIFY2(window_->grab().save(QString::fromStdString(file.string()), "PNG"), file.c_str());
  window_->tabs()->setCurrentIndex(0);
}

void RealResultsTest::records_decode_a_real_cper_record() {
  open_and_wait(skeleton_run_);
  const results::Run* run = window_->current_run();
  QVERIFY(run != nullptr && run->bmc.has_value());
  QVERIFY(!run->bmc->records.empty());
  const BmcRecord& expected = run->bmc->records.front();

  QTreeWidget* tree = window_->records_view()->tree();
  QCOMPARE(tree->topLevelItemCount(), 3);  // verdicts, records, event log
  QCOMPARE(tree->topLevelItem(2)->childCount(), static_cast<int>(run->bmc->event_log.size()));
  QTreeWidgetItem* record = tree->topLevelItem(1)->child(0);
  QVERIFY(record != nullptr);
  QVERIFY(record->text(1).contains(QString::fromLatin1(to_string(expected.error))));
  QTreeWidgetItem* cper = child_named(record, QStringLiteral("CPER fields"));
  QVERIFY(cper != nullptr);
  QCOMPARE(cper->text(1), QStringLiteral("decoded"));  // the platform reader accepted the BMC's bytes

  // Record header, as the CPER spec lays it out.
  QTreeWidgetItem* signature = child_named(cper, QStringLiteral("signature"));
  QVERIFY(signature != nullptr);
  QCOMPARE(signature->text(1), QStringLiteral("CPER"));
  QCOMPARE(child_named(cper, QStringLiteral("severity"))->text(1), QString::fromStdString(expected.severity));
  QCOMPARE(child_named(cper, QStringLiteral("record length"))->text(1),
           QStringLiteral("%1 bytes").arg(expected.cper.size()));
  const int section_count = child_named(cper, QStringLiteral("section count"))->text(1).toInt();
  QVERIFY(section_count >= 2);  // the manifest plus at least one captured section
  QVERIFY(child_named(cper, QStringLiteral("flags"))->text(1).contains("truncated") == expected.truncated);

  // Section descriptors: every one decoded with its type; the standard
  // memory error section and crashtwin's capture manifest are among them.
  QStringList titles;
  QTreeWidgetItem* manifest = nullptr;
  for (int i = 0; i < cper->childCount(); ++i) {
    const QString title = cper->child(i)->text(0);
    if (!QRegularExpression(QStringLiteral("^section \\d+: ")).match(title).hasMatch()) continue;  // not "section count"
    titles << title;
    QVERIFY2(!title.contains("unknown type"), qPrintable(title));
    QVERIFY(child_named(cper->child(i), QStringLiteral("section type")) != nullptr);
    if (title.contains("capture manifest")) manifest = cper->child(i);
  }
  QCOMPARE(titles.size(), section_count);
  QVERIFY2(titles.filter("platform memory").size() == 1, qPrintable(titles.join("; ")));
  QVERIFY(manifest != nullptr);

  // The manifest's needed / captured bytes are the capture's own figures.
  uint64_t needed = 0, captured = 0;
  for (const BmcSection& s : expected.sections) {
    needed += s.needed;
    captured += s.captured;
  }
  QTreeWidgetItem* sizes = child_named(manifest, QStringLiteral("needed / captured bytes"));
  QVERIFY(sizes != nullptr);
  const QStringList parts = sizes->text(1).split(" / ");
  QCOMPARE(parts.size(), 2);
  QVERIFY(parts[0].toULongLong() > 0);
  QVERIFY(parts[1].toULongLong() <= parts[0].toULongLong());
  QCOMPARE(parts[1].toULongLong() < parts[0].toULongLong(), expected.truncated);
  QVERIFY2(parts[0].toULongLong() >= needed && parts[1].toULongLong() >= captured,
           qPrintable(QStringLiteral("manifest %1, sections %2 / %3").arg(sizes->text(1)).arg(needed).arg(captured)));
  QCOMPARE(child_named(manifest, QStringLiteral("error type"))->text(1), QString::fromLatin1(to_string(expected.error)));
}

void RealResultsTest::run_view_launches_the_real_batch() {
  RunView* run_view = window_->run_view();
  run_view->set_cli(QStringLiteral(CRASHTWIN_CLI));
  const fs::path out = fresh_dir("run_view_batch");
  run_view->set_output_dir(QString::fromStdString(out.string()));
  run_view->add_scenario(QString::fromStdString((kSource / "scenarios/examples/skeleton.yaml").string()));
  run_view->select_policies({QStringLiteral("proportional")});
  run_view->set_seeds(1);
  QSignalSpy finished(run_view, &RunView::batch_finished);
  QSignalSpy failed(run_view, &RunView::failed);
  QSignalSpy overview(window_.get(), &MainWindow::overview_loaded);
  run_view->start();
  QVERIFY(run_view->running());
  QVERIFY2(finished.wait(kBatchTimeoutMs), qPrintable(run_view->log()->toPlainText()));
  QCOMPARE(failed.count(), 0);
  QVERIFY(!run_view->running());
  QCOMPARE(run_view->progress()->maximum(), 1);  // [1/1] parsed from the real stderr
  QCOMPARE(run_view->progress()->value(), 1);
  // The dashboard opened what the batch wrote.
  QVERIFY(overview.count() > 0 || overview.wait(kLoadTimeoutMs));
  QCOMPARE(window_->overview()->batch.dir, out);
  QVERIFY(window_->overview()->table_from_csv);
  QCOMPARE(window_->overview()->table.rows.size(), size_t{1});
  QCOMPARE(window_->overview()->table.rows.front().policy, std::string("proportional"));
  QCOMPARE(window_->overview()->table.rows.front().scenario, std::string("skeleton"));
}

// Strategy, timeout and sweep axes reach the real CLI: a two-point budget
// sweep of one strategy opens as a sweep directory.
void RealResultsTest::run_view_launches_a_real_sweep() {
  RunView* run_view = window_->run_view();
  run_view->set_cli(QStringLiteral(CRASHTWIN_CLI));
  const fs::path out = fresh_dir("run_view_sweep");
  run_view->set_output_dir(QString::fromStdString(out.string()));
  run_view->select_policies({QStringLiteral("proportional")});
  run_view->select_strategies({QStringLiteral("predictive-bmc")});
  run_view->set_seeds(1);
  run_view->set_timeout_s(120);
  run_view->set_sweep_axes({QStringLiteral("agent.budget=32MiB,64MiB")});
  const QStringList argv = run_view->command();
  QCOMPARE(argv.at(1), QStringLiteral("sweep"));
  for (const QString& expected : {QStringLiteral("--strategy predictive-bmc"), QStringLiteral("--timeout 120"),
                                  QStringLiteral("--vary agent.budget=32MiB,64MiB")}) {
    QVERIFY2(argv.join(' ').contains(expected), qPrintable(argv.join(' ')));
  }
  QSignalSpy finished(run_view, &RunView::batch_finished);
  QSignalSpy overview(window_.get(), &MainWindow::overview_loaded);
  run_view->start();
  QVERIFY2(finished.wait(kBatchTimeoutMs), qPrintable(run_view->log()->toPlainText()));
  QVERIFY(overview.count() > 0 || overview.wait(kLoadTimeoutMs));
  QCOMPARE(window_->overview()->batch.dir, out);
  QVERIFY(window_->overview()->batch.sweep.has_value());
  QCOMPARE(window_->overview()->table.rows.size(), size_t{2});
  for (const BatchRow& row : window_->overview()->table.rows) QCOMPARE(row.strategy, std::string("predictive-bmc"));
  // Back to a plain batch for the tests after this one.
  run_view->set_sweep_axes({});
  run_view->select_strategies({});
  QCOMPARE(run_view->command().at(1), QStringLiteral("batch"));
}

void RealResultsTest::run_view_cancels_the_real_batch() {
  RunView* run_view = window_->run_view();
  const fs::path out = fresh_dir("run_view_cancelled");
  run_view->set_output_dir(QString::fromStdString(out.string()));
  run_view->add_scenario(QString::fromStdString((kSource / "scenarios/library/soak_24h.yaml").string()));
  run_view->select_policies({QStringLiteral("proportional"), QStringLiteral("static")});
  run_view->set_seeds(20);  // far longer than the test waits
  QSignalSpy finished(run_view, &RunView::batch_finished);
  run_view->start();
  QVERIFY(run_view->running());
  const qint64 group = run_view->process_group();
  QVERIFY(group > 0);
  // The batch has started child runs (the batch and at least one run).
  QTRY_VERIFY_WITH_TIMEOUT(live_processes_in_group(group) >= 2, 15000);
  run_view->cancel();
  QTRY_VERIFY_WITH_TIMEOUT(!run_view->running(), 15000);
  QCOMPARE(finished.count(), 0);
  QVERIFY(run_view->log()->toPlainText().contains("cancelled"));
  // The batch's child runs went with it: nothing of its process group is
  // left writing results.
  QTRY_COMPARE_WITH_TIMEOUT(live_processes_in_group(group), 0, 10000);
  QVERIFY(!fs::exists(out / "summary.csv"));
}

void RealResultsTest::cleanupTestCase() {
  window_.reset();
  QSettings().clear();
}

QTEST_MAIN(RealResultsTest)
#include "test_dashboard_real.moc"
