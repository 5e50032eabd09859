// The dashboard window: one tab per view (Compare, Timeline, Crash region,
// Records, Memory, Run), a run picker shared by the detail views, File > Open, a
// recent list (QSettings) and drag and drop of a directory. Loading runs in
// a worker thread: the batch's summaries first, then the chosen run's
// details (and their drawing index), so the window never freezes on a large
// batch or a year-long run; a run's loading shows its progress in the status
// bar and can be cancelled (Cancel, or Esc).
#pragma once

#include <memory>

#include <QComboBox>
#include <QFutureWatcher>
#include <QLabel>
#include <QMainWindow>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>

#include "gui/compare/compare_view.h"
#include "gui/crash_region/crash_region_view.h"
#include "gui/data/batch_overview.h"
#include "gui/data/run_details.h"
#include "gui/memory/memory_view.h"
#include "gui/records/records_view.h"
#include "gui/run/run_view.h"
#include "gui/timeline/timeline_view.h"
#include "gui/widgets/time_cursor.h"

namespace crashtwin::gui {

// What a worker hands back: the value, or the message of what went wrong.
template <typename T>
struct Loaded {
  std::shared_ptr<T> value;
  QString error;
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  static constexpr int kMaxRecent = 8;

  explicit MainWindow(QWidget* parent = nullptr);

  const BatchOverview* overview() const { return overview_.get(); }
  const results::Run* current_run() const { return current_run_ ? &current_run_->run : nullptr; }
  // The status bar's progress of a run's loading (hidden when idle) and its Cancel.
  QProgressBar* load_progress() { return load_progress_; }
  QPushButton* cancel_load_button() { return cancel_load_; }
  QTabWidget* tabs() { return tabs_; }
  CompareView* compare_view() { return compare_; }
  TimelineView* timeline_view() { return timeline_; }
  CrashRegionView* crash_region_view() { return crash_region_; }
  RecordsView* records_view() { return records_; }
  MemoryView* memory_view() { return memory_; }
  RunView* run_view() { return run_view_; }
  TimeCursor* time_cursor() { return &cursor_; }
  QStringList recent() const;

 public slots:
  void open_directory(const QString& dir);
  // Index into the overview's table rows.
  void select_run(int table_row);

 signals:
  void overview_loaded();
  void run_loaded();
  void load_failed(const QString& message);
  void run_load_cancelled();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_menus();
  void remember(const QString& dir);
  void rebuild_recent_menu();
  void overview_ready();
  void run_ready();
  void cancel_run_loading();
  void fail(const QString& message);

  TimeCursor cursor_;
  std::shared_ptr<BatchOverview> overview_;
  std::shared_ptr<const RunDetails> current_run_;
  QTabWidget* tabs_ = nullptr;
  CompareView* compare_ = nullptr;
  TimelineView* timeline_ = nullptr;
  CrashRegionView* crash_region_ = nullptr;
  RecordsView* records_ = nullptr;
  MemoryView* memory_ = nullptr;
  RunView* run_view_ = nullptr;
  QComboBox* run_picker_ = nullptr;
  QLabel* status_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QFutureWatcher<Loaded<BatchOverview>> overview_watcher_;
  QFutureWatcher<Loaded<RunDetails>> run_watcher_;
  QProgressBar* load_progress_ = nullptr;
  QPushButton* cancel_load_ = nullptr;
  bool run_loading_ = false;      // a run's load is in flight (its finished not yet handled)
  bool cancel_requested_ = false; // Cancel pressed during it
  QString loading_dir_;
  qint64 load_started_ms_ = 0;
};

}  // namespace crashtwin::gui
