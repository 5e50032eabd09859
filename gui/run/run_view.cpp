#include "gui/run/run_view.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include "gui/run/batch_progress.h"
#include "policies/partitioning/policies.h"
#include "policies/strategies/strategies.h"

namespace crashtwin::gui {

namespace {
constexpr int kTerminateGraceMs = 3000;  // SIGTERM first, so runs can clean up; then SIGKILL
}

RunView::RunView(QWidget* parent) : QWidget(parent), cli_(locate_cli()) {
  scenarios_ = new QListWidget();
  scenarios_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  auto* add_files = new QPushButton(tr("Add scenarios…"));
  auto* add_dir = new QPushButton(tr("Add directory…"));
  auto* remove = new QPushButton(tr("Remove"));
  policies_ = new QListWidget();
  for (const char* name : policy_names()) {
    auto* item = new QListWidgetItem(QString::fromLatin1(name), policies_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
  }
  strategies_ = new QListWidget();
  strategies_->setToolTip(tr("None checked: each scenario's own strategies"));
  for (const char* name : strategy_names()) {
    auto* item = new QListWidgetItem(QString::fromLatin1(name), strategies_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
  seeds_ = new QSpinBox();
  seeds_->setRange(1, 1000);
  seeds_->setValue(3);
  timeout_ = new QSpinBox();
  timeout_->setRange(1, 604800);  // the CLI's bounds
  timeout_->setValue(900);        // and its default
  timeout_->setSuffix(tr(" s"));
  vary_ = new QPlainTextEdit();
  vary_->setPlaceholderText(tr("e.g. crash_region.budget=16 MiB..256 MiB x5  (one axis per line; empty: a plain batch)"));
  vary_->setMaximumHeight(64);
  vary_->setTabChangesFocus(true);
  jobs_ = new QSpinBox();
  jobs_->setRange(1, 256);
  jobs_->setValue(std::max(1, QThread::idealThreadCount()));
  out_ = new QLineEdit(QDir::home().filePath(QStringLiteral("crashtwin-results/batch")));
  auto* browse = new QPushButton(tr("Browse…"));
  start_ = new QPushButton(tr("Run batch"));
  start_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"));
  progress_ = new QProgressBar();
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("no batch running"));
  log_ = new QPlainTextEdit();
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

  auto* scenario_box = new QGroupBox(tr("Scenarios"));
  auto* sl = new QVBoxLayout(scenario_box);
  sl->addWidget(scenarios_);
  auto* sb = new QHBoxLayout();
  sb->addWidget(add_files);
  sb->addWidget(add_dir);
  sb->addWidget(remove);
  sb->addStretch(1);
  sl->addLayout(sb);
  auto* policy_box = new QGroupBox(tr("Policies"));
  auto* pl = new QVBoxLayout(policy_box);
  pl->addWidget(policies_);
  auto* strategy_box = new QGroupBox(tr("Capture strategies"));
  auto* stl = new QVBoxLayout(strategy_box);
  stl->addWidget(strategies_);
  stl->addWidget(new QLabel(tr("none checked: each scenario's own")));
  auto* options = new QGroupBox(tr("Batch"));
  auto* form = new QFormLayout(options);
  form->addRow(tr("Seeds per scenario and policy"), seeds_);
  form->addRow(tr("Parallel runs (-j)"), jobs_);
  form->addRow(tr("Timeout per run (wall)"), timeout_);
  form->addRow(tr("Sweep axes (--vary)"), vary_);
  auto* out_row = new QHBoxLayout();
  out_row->addWidget(out_, 1);
  out_row->addWidget(browse);
  form->addRow(tr("Output directory"), out_row);
  cli_label_ = new QLabel(cli_text(), this);
  form->addRow(tr("crashtwin"), cli_label_);

  auto* pick = new QHBoxLayout();
  pick->addWidget(scenario_box, 3);
  pick->addWidget(policy_box, 1);
  pick->addWidget(strategy_box, 1);
  auto* actions = new QHBoxLayout();
  actions->addWidget(progress_, 1);
  actions->addWidget(start_);
  actions->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(pick, 2);
  layout->addWidget(options);
  layout->addLayout(actions);
  layout->addWidget(log_, 2);

  connect(add_files, &QPushButton::clicked, this, [this] {
    for (const QString& f : QFileDialog::getOpenFileNames(this, tr("Scenarios"), {}, tr("Scenarios (*.yaml *.yml)"))) {
      add_scenario(f);
    }
  });
  connect(add_dir, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Directory of scenarios"));
    if (!dir.isEmpty()) add_scenario(dir);
  });
  connect(remove, &QPushButton::clicked, this, [this] { qDeleteAll(scenarios_->selectedItems()); update_buttons(); });
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Batch output directory"), out_->text());
    if (!dir.isEmpty()) out_->setText(dir);
  });
  connect(start_, &QPushButton::clicked, this, &RunView::start);
  connect(cancel_, &QPushButton::clicked, this, &RunView::cancel);
  update_buttons();
}

RunView::~RunView() {
  if (process_ != nullptr) {
    process_->disconnect(this);
    signal_group(SIGKILL);
    process_->waitForFinished(kTerminateGraceMs);
  }
}

QString RunView::locate_cli() {
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("crashtwin"));
  if (QFileInfo(beside).isExecutable()) return beside;
  return QStandardPaths::findExecutable(QStringLiteral("crashtwin"));
}

void RunView::set_cli(const QString& path) {
  cli_ = path;
  cli_label_->setText(cli_text());
  update_buttons();
}

QString RunView::cli_text() const {
  return cli_.isEmpty() ? tr("<i>not found next to the dashboard nor on PATH</i>") : cli_;
}

void RunView::add_scenario(const QString& path) {
  if (scenarios_->findItems(path, Qt::MatchExactly).isEmpty()) scenarios_->addItem(path);
  update_buttons();
}

void RunView::select_policies(const QStringList& policies) {
  for (int i = 0; i < policies_->count(); ++i) {
    QListWidgetItem* item = policies_->item(i);
    item->setCheckState(policies.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
  }
}

void RunView::select_strategies(const QStringList& strategies) {
  for (int i = 0; i < strategies_->count(); ++i) {
    QListWidgetItem* item = strategies_->item(i);
    item->setCheckState(strategies.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
  }
}

QStringList RunView::command() const {
  QStringList axes;
  for (const QString& line : vary_->toPlainText().split(QChar('\n'))) {
    if (!line.trimmed().isEmpty()) axes << line.trimmed();
  }
  // With axes the batch runs at every point of their grid: `crashtwin sweep`.
  QStringList args{cli_, axes.isEmpty() ? QStringLiteral("batch") : QStringLiteral("sweep")};
  for (int i = 0; i < scenarios_->count(); ++i) args << scenarios_->item(i)->text();
  for (int i = 0; i < policies_->count(); ++i) {
    if (policies_->item(i)->checkState() == Qt::Checked) args << QStringLiteral("--policy") << policies_->item(i)->text();
  }
  for (int i = 0; i < strategies_->count(); ++i) {
    if (strategies_->item(i)->checkState() == Qt::Checked) {
      args << QStringLiteral("--strategy") << strategies_->item(i)->text();
    }
  }
  args << QStringLiteral("--seeds") << QString::number(seeds_->value()) << QStringLiteral("-j")
       << QString::number(jobs_->value()) << QStringLiteral("--timeout") << QString::number(timeout_->value());
  for (const QString& axis : axes) args << QStringLiteral("--vary") << axis;
  args << QStringLiteral("--out") << out_->text();
  return args;
}

void RunView::update_buttons() {
  start_->setEnabled(process_ == nullptr && scenarios_->count() > 0 && !cli_.isEmpty());
  cancel_->setEnabled(process_ != nullptr);
}

void RunView::start() {
  if (process_ != nullptr) return;
  if (cli_.isEmpty()) {
    emit failed(tr("crashtwin not found next to the dashboard nor on PATH"));
    return;
  }
  QStringList args = command();
  const QString program = args.takeFirst();
  log_->clear();
  log_->appendPlainText(QStringLiteral("$ %1 %2").arg(program, args.join(' ')));
  progress_->setFormat(tr("%v / %m runs"));
  progress_->setRange(0, 0);  // busy until the first progress line
  cancelled_ = false;
  pending_.clear();
  process_ = new QProcess(this);
  process_->setProgram(program);
  process_->setArguments(args);
  // Its own process group, so that cancel reaches the batch's child runs
  // (a SIGTERM to the batch alone would orphan them, still writing results).
  process_->setChildProcessModifier([] { ::setpgid(0, 0); });
  connect(process_, &QProcess::readyReadStandardError, this, &RunView::read_progress);
  connect(process_, &QProcess::readyReadStandardOutput, this,
          [this] { log_->appendPlainText(QString::fromUtf8(process_->readAllStandardOutput()).trimmed()); });
  connect(process_, &QProcess::finished, this, &RunView::finished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart) return;
    log_->appendPlainText(tr("could not start: %1").arg(process_->errorString()));
    emit failed(process_->errorString());
    process_->deleteLater();
    process_ = nullptr;
    progress_->setRange(0, 1);
    update_buttons();
  });
  process_->start();
  update_buttons();
}

void RunView::read_progress() {
  pending_ += process_->readAllStandardError();
  // Lines end with \n (per-run lines) or \r (the redrawn bar).
  qsizetype start = 0;
  for (qsizetype i = 0; i < pending_.size(); ++i) {
    if (pending_[i] != '\n' && pending_[i] != '\r') continue;
    const QString line = QString::fromUtf8(pending_.mid(start, i - start));
    start = i + 1;
    if (line.trimmed().isEmpty()) continue;
    if (auto p = parse_batch_progress(line)) {
      progress_->setRange(0, p->total);
      progress_->setValue(p->done);
      if (!p->run.isEmpty()) log_->appendPlainText(QStringLiteral("✔ [%1/%2] %3").arg(p->done).arg(p->total).arg(p->run));
    } else {
      log_->appendPlainText(line);
    }
  }
  pending_.remove(0, start);
}

void RunView::cancel() {
  if (process_ == nullptr) return;
  cancelled_ = true;
  log_->appendPlainText(tr("cancelling…"));
  signal_group(SIGTERM);
  QTimer::singleShot(kTerminateGraceMs, process_, [this] {
    if (process_ != nullptr && process_->state() != QProcess::NotRunning) signal_group(SIGKILL);
  });
}

void RunView::signal_group(int signal_number) {
  const qint64 group = process_group();
  if (group > 0) ::kill(static_cast<pid_t>(-group), signal_number);
}

void RunView::finished(int exit_code, QProcess::ExitStatus status) {
  read_progress();
  process_->deleteLater();
  process_ = nullptr;
  if (progress_->maximum() == 0) progress_->setRange(0, 1);
  update_buttons();
  if (cancelled_) {
    log_->appendPlainText(tr("cancelled"));
    return;
  }
  // Exit 1 means some expectations failed: the batch is complete and worth
  // looking at. 2 (bad input) and 3 (internal error) produced no batch.
  if (status == QProcess::NormalExit && (exit_code == 0 || exit_code == 1)) {
    log_->appendPlainText(tr("done (exit %1): loading %2").arg(exit_code).arg(out_->text()));
    emit batch_finished(out_->text());
  } else {
    const QString message = status == QProcess::CrashExit ? tr("crashtwin batch crashed")
                                                           : tr("crashtwin batch failed with exit code %1").arg(exit_code);
    log_->appendPlainText(message);
    emit failed(message);
  }
}

}  // namespace crashtwin::gui
