// Run: pick scenarios and policies, launch `crashtwin batch` as a
// subprocess, follow its progress live, cancel it; when it finishes the
// batch directory is loaded into the dashboard (batch_finished).
#pragma once

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QWidget>

namespace crashtwin::gui {

class RunView : public QWidget {
  Q_OBJECT
 public:
  explicit RunView(QWidget* parent = nullptr);
  ~RunView() override;

  // `crashtwin` next to the dashboard binary, else on PATH; empty if none.
  static QString locate_cli();

  // The crashtwin executable to launch (shown in the form).
  void set_cli(const QString& path);
  void add_scenario(const QString& path);
  void set_output_dir(const QString& dir) { out_->setText(dir); }
  void set_seeds(int seeds) { seeds_->setValue(seeds); }
  void set_timeout_s(int seconds) { timeout_->setValue(seconds); }
  // One `--vary` axis per entry ("agent.budget=4MiB,8MiB"); none: a plain batch.
  void set_sweep_axes(const QStringList& axes) { vary_->setPlainText(axes.join(QChar('\n'))); }
  void select_strategies(const QStringList& strategies);
  // Checks exactly these policies (others unchecked).
  void select_policies(const QStringList& policies);
  // The command line start() would run (program first).
  QStringList command() const;
  bool running() const { return process_ != nullptr; }
  // Process group of the running batch (its id is the batch's pid): the
  // batch forks one child per run, and cancel must stop them too. 0 when idle.
  qint64 process_group() const { return process_ != nullptr ? process_->processId() : 0; }
  QProgressBar* progress() { return progress_; }
  QPlainTextEdit* log() { return log_; }

 public slots:
  void start();
  void cancel();

 signals:
  void batch_finished(const QString& batch_dir);
  void failed(const QString& message);

 private:
  void read_progress();
  void finished(int exit_code, QProcess::ExitStatus status);
  void update_buttons();
  void signal_group(int signal_number);

  QString cli_;
  QLabel* cli_label_ = nullptr;
  QString cli_text() const;
  QListWidget* scenarios_ = nullptr;
  QListWidget* policies_ = nullptr;
  QListWidget* strategies_ = nullptr;  // none checked: each scenario's own
  QSpinBox* seeds_ = nullptr;
  QSpinBox* timeout_ = nullptr;        // per-run wall seconds
  QPlainTextEdit* vary_ = nullptr;     // sweep axes, one KEY=... per line; empty: a plain batch
  QSpinBox* jobs_ = nullptr;
  QLineEdit* out_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
  QProcess* process_ = nullptr;
  QByteArray pending_;  // stderr bytes after the last line break
  bool cancelled_ = false;
};

}  // namespace crashtwin::gui
