#include "gui/app/main_window.h"

#include <QApplication>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPromise>
#include <QShortcut>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

namespace crashtwin::gui {

namespace {
constexpr const char* kRecentKey = "recent";
constexpr int kProgressSteps = 1000;  // the progress bar's resolution

// The first local directory among dropped URLs.
QString dropped_directory(const QMimeData* mime) {
  if (mime == nullptr || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) return url.toLocalFile();
  }
  return {};
}

// Results-library errors are exceptions; the UI shows them as messages.
template <typename T, typename F>
Loaded<T> load_catching(F&& load) {
  try {
    return {std::make_shared<T>(load()), {}};
  } catch (const std::exception& e) {
    return {nullptr, QString::fromStdString(e.what())};
  }
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("crashtwin dashboard"));
  setAcceptDrops(true);
  resize(1400, 900);

  tabs_ = new QTabWidget();
  tabs_->setDocumentMode(true);
  compare_ = new CompareView();
  timeline_ = new TimelineView(&cursor_);
  crash_region_ = new CrashRegionView(&cursor_);
  records_ = new RecordsView();
  memory_ = new MemoryView();
  run_view_ = new RunView();
  tabs_->addTab(compare_, tr("Compare"));
  tabs_->addTab(timeline_, tr("Timeline"));
  tabs_->addTab(crash_region_, tr("Crash region"));
  tabs_->addTab(records_, tr("Records"));
  tabs_->addTab(memory_, tr("Memory"));
  tabs_->addTab(run_view_, tr("Run"));
  setCentralWidget(tabs_);

  run_picker_ = new QComboBox();
  run_picker_->setMinimumWidth(460);
  run_picker_->setToolTip(tr("The run shown in Timeline, Crash region and Records"));
  auto* bar = addToolBar(tr("Run"));
  bar->setMovable(false);
  bar->addWidget(new QLabel(tr("  Run: ")));
  bar->addWidget(run_picker_);
  status_ = new QLabel(tr("Open a batch or run directory (File > Open, or drop it here)."));
  statusBar()->addWidget(status_, 1);
  load_progress_ = new QProgressBar();
  load_progress_->setRange(0, kProgressSteps);
  load_progress_->setMaximumWidth(240);
  load_progress_->setFormat(tr("loading run %p%"));
  load_progress_->hide();
  cancel_load_ = new QPushButton(tr("Cancel"));
  cancel_load_->setToolTip(tr("Stop loading this run (Esc)"));
  cancel_load_->hide();
  statusBar()->addPermanentWidget(load_progress_);
  statusBar()->addPermanentWidget(cancel_load_);
  connect(cancel_load_, &QPushButton::clicked, this, &MainWindow::cancel_run_loading);
  auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  connect(escape, &QShortcut::activated, this, &MainWindow::cancel_run_loading);
  build_menus();

  connect(run_picker_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) select_run(run_picker_->itemData(index).toInt());
  });
  connect(compare_, &CompareView::run_activated, this, [this](int row) {
    const int index = run_picker_->findData(row);
    if (index >= 0) run_picker_->setCurrentIndex(index);
    tabs_->setCurrentWidget(timeline_);
  });
  connect(run_view_, &RunView::batch_finished, this, &MainWindow::open_directory);
  connect(run_view_, &RunView::failed, this, [this](const QString& m) { status_->setText(m); });
  connect(&overview_watcher_, &QFutureWatcherBase::finished, this, &MainWindow::overview_ready);
  connect(&run_watcher_, &QFutureWatcherBase::finished, this, &MainWindow::run_ready);
  connect(&run_watcher_, &QFutureWatcherBase::progressValueChanged, load_progress_, &QProgressBar::setValue);
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a batch or run directory"),
                                                          recent().value(0));
    if (!dir.isEmpty()) open_directory(dir);
  });
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  rebuild_recent_menu();
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < tabs_->count(); ++i) {
    view->addAction(tabs_->tabText(i), QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this,
                    [this, i] { tabs_->setCurrentIndex(i); });
  }
}

QStringList MainWindow::recent() const { return QSettings().value(kRecentKey).toStringList(); }

void MainWindow::remember(const QString& dir) {
  QStringList list = recent();
  const QString path = QFileInfo(dir).absoluteFilePath();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > kMaxRecent) list.removeLast();
  QSettings().setValue(kRecentKey, list);
  rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList list = recent();
  for (const QString& dir : list) {
    recent_menu_->addAction(dir, this, [this, dir] { open_directory(dir); });
  }
  recent_menu_->setEnabled(!list.isEmpty());
}

void MainWindow::open_directory(const QString& dir) {
  loading_dir_ = dir;
  load_started_ms_ = QDateTime::currentMSecsSinceEpoch();  // shown to the user only, never in results
  status_->setText(tr("Loading %1…").arg(dir));
  const std::filesystem::path path = dir.toStdString();
  overview_watcher_.setFuture(
      QtConcurrent::run([path] { return load_catching<BatchOverview>([&] { return load_overview(path); }); }));
}

void MainWindow::overview_ready() {
  Loaded<BatchOverview> loaded = overview_watcher_.result();
  if (!loaded.value) return fail(loaded.error);
  overview_ = std::move(loaded.value);
  remember(loading_dir_);
  setWindowTitle(tr("crashtwin dashboard — %1").arg(loading_dir_));
  compare_->show_overview(overview_.get());
  {
    QSignalBlocker block(run_picker_);
    run_picker_->clear();
    const auto& rows = overview_->table.rows;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (finished(rows[i].status) || rows[i].status == RunStatus::invalid) {
        run_picker_->addItem(QString::fromStdString(run_title(rows[i])), static_cast<int>(i));
      }
    }
  }
  const qint64 ms = QDateTime::currentMSecsSinceEpoch() - load_started_ms_;
  QString text = tr("%1: %2 runs loaded in %3 ms").arg(loading_dir_).arg(overview_->table.rows.size()).arg(ms);
  if (!overview_->batch.problems.empty()) {
    text += tr(" · %1 problem(s): %2").arg(overview_->batch.problems.size())
                .arg(QString::fromStdString(overview_->batch.problems.front()));
  }
  status_->setText(text);
  emit overview_loaded();
  if (run_picker_->count() > 0) select_run(run_picker_->itemData(0).toInt());
}

void MainWindow::select_run(int table_row) {
  if (!overview_ || table_row < 0 || static_cast<size_t>(table_row) >= overview_->table.rows.size()) return;
  const std::filesystem::path dir = run_dir_of(*overview_, overview_->table.rows[static_cast<size_t>(table_row)]);
  status_->setText(tr("Loading run %1…").arg(QString::fromStdString(dir.string())));
  // A run still loading is no longer wanted: stop it rather than let it
  // finish in the background (setFuture drops the old future's signals).
  run_watcher_.cancel();
  run_loading_ = true;
  cancel_requested_ = false;
  load_progress_->setValue(0);
  load_progress_->show();
  cancel_load_->show();
  run_watcher_.setFuture(QtConcurrent::run([dir](QPromise<Loaded<RunDetails>>& promise) {
    promise.setProgressRange(0, kProgressSteps);
    const ReadProgress progress = [&promise](uint64_t done, uint64_t total) {
      promise.setProgressValue(total > 0 ? static_cast<int>(done * kProgressSteps / total) : 0);
      return !promise.isCanceled();
    };
    try {
      promise.addResult(Loaded<RunDetails>{std::make_shared<RunDetails>(load_run_details(dir, progress)), {}});
    } catch (const read_cancelled&) {
      // No result: run_ready sees a cancelled future.
    } catch (const std::exception& e) {
      promise.addResult(Loaded<RunDetails>{nullptr, QString::fromStdString(e.what())});
    }
  }));
}

void MainWindow::cancel_run_loading() {
  if (!run_loading_) return;
  // The worker may have finished already with its result on the way: the
  // user asked for it not to be shown, so it is dropped in run_ready.
  cancel_requested_ = true;
  run_watcher_.cancel();
  status_->setText(tr("Cancelling…"));
}

void MainWindow::run_ready() {
  run_loading_ = false;
  load_progress_->hide();
  cancel_load_->hide();
  if (cancel_requested_ || run_watcher_.isCanceled() || run_watcher_.future().resultCount() == 0) {
    status_->setText(current_run_ ? tr("Loading cancelled; still showing %1")
                                        .arg(QString::fromStdString(current_run_->run.dir.string()))
                                  : tr("Loading cancelled."));
    emit run_load_cancelled();
    return;
  }
  Loaded<RunDetails> loaded = run_watcher_.result();
  if (!loaded.value) return fail(loaded.error);
  current_run_ = std::move(loaded.value);
  const std::shared_ptr<const results::Run> run(current_run_, &current_run_->run);
  timeline_->show_run(current_run_);
  crash_region_->show_run(current_run_);
  records_->show_run(run);
  memory_->show_run(run);
  status_->setText(tr("Run %1: %2 ticks, %3 repartitions, %4 other events")
                       .arg(QString::fromStdString(run->dir.string()))
                       .arg(run->timeseries.row_count())
                       .arg(current_run_->repartitions)
                       .arg(run->events.size()));
  emit run_loaded();
}

void MainWindow::fail(const QString& message) {
  status_->setText(message);
  emit load_failed(message);
  // Window-modal but not blocking: the event loop (and loading) goes on.
  if (!isVisible()) return;
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open results"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!dropped_directory(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString dir = dropped_directory(event->mimeData());
  if (dir.isEmpty()) return;
  event->acceptProposedAction();
  open_directory(dir);
}

}  // namespace crashtwin::gui
