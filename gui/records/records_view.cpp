#include "gui/records/records_view.h"

#include <QHeaderView>
#include <QVBoxLayout>

#include "gui/data/batch_overview.h"
#include "gui/data/palette.h"
#include "gui/records/cper_fields.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

namespace {

QString component_text(ComponentId c) {
  return QStringLiteral("%1.%2").arg(QString::fromLatin1(to_string(c.cls))).arg(c.instance);
}

QString seconds_text(double s) { return QString::fromStdString(report::format_seconds(s)); }
// An instant of simulated time to the nanosecond ("45.312507 s"): an alert
// and the report it led to are milliseconds apart, which three significant
// digits would print as the same time.
QString instant_text(uint64_t ns) {
  QString text = QStringLiteral("%1.%2").arg(ns / 1'000'000'000).arg(ns % 1'000'000'000, 9, 10, QChar('0'));
  while (text.endsWith(QChar('0'))) text.chop(1);
  if (text.endsWith(QChar('.'))) text.chop(1);
  return text + QStringLiteral(" s");
}
QString bytes_text(uint64_t b) { return QString::fromStdString(report::format_bytes(static_cast<double>(b))); }

void mark_alarm(QTreeWidgetItem* item) {
  for (int c = 0; c < 2; ++c) {
    item->setForeground(c, failure_colour());
    item->setBackground(c, QColor(0xFD, 0xEC, 0xEA));
  }
}

QTreeWidgetItem* add_field(QTreeWidgetItem* parent, const QString& name, const QString& value, bool alarm = false) {
  auto* item = new QTreeWidgetItem(parent, {name, value});
  if (alarm) mark_alarm(item);
  return item;
}

// What an SEL entry says, as the Event log branch and a verdict's related
// events both show it: "upper critical going high: 93.6 C (threshold 90 C)",
// "predictive failure asserted: probability 0.8828".
QString event_text(const BmcEvent& e) {
  QString text = QString::fromStdString(e.event);
  if (e.reading_c) text += QStringLiteral(": %1 C").arg(*e.reading_c, 0, 'f', 1);
  if (e.threshold_c) text += QObject::tr(" (threshold %1 C)").arg(*e.threshold_c, 0, 'g', 4);
  if (e.probability) text += QObject::tr(": probability %1").arg(*e.probability, 0, 'g', 4);
  return text;
}

// A fan stopping, a reading going above its threshold and a predictive
// failure asserted are the entries an operator acts on ("going low" and
// "deasserted" are the all-clear); a malformed report is the firmware's
// fault.
bool event_is_alarm(const BmcEvent& e) {
  return e.event == "stopped" || e.event.ends_with("going high") || e.event == "predictive failure asserted" ||
         e.event.starts_with("malformed");
}

void bold(QTreeWidgetItem* item) {
  QFont f = item->font(0);
  f.setBold(true);
  item->setFont(0, f);
}

}  // namespace

RecordsView::RecordsView(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(tr("Open a batch and pick a run to see its BMC report."));
  title_->setStyleSheet("font-weight:600; font-size:14px; color:#1d2330;");
  tree_ = new QTreeWidget();
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Item"), tr("Value")});
  tree_->setAlternatingRowColors(true);
  tree_->setUniformRowHeights(true);
  tree_->header()->setSectionResizeMode(0, QHeaderView::Interactive);
  tree_->header()->resizeSection(0, 380);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(tree_, 1);
}

void RecordsView::show_run(std::shared_ptr<const results::Run> run) {
  tree_->clear();
  if (!run) return;
  const QString name = run_title(run->summary);
  if (!run->bmc) {
    title_->setText(name + tr(" — no bmc/report.json (no alert, or the BMC never finished its drain)"));
    return;
  }
  size_t truncated = 0;
  for (const BmcRecord& r : run->bmc->records) truncated += r.truncated ? 1 : 0;
  title_->setText(tr("%1 — %2 alert(s), %3 record(s), %4 truncated, %5 SEL event(s)")
                      .arg(name)
                      .arg(run->bmc->verdicts.size())
                      .arg(run->bmc->records.size())
                      .arg(truncated)
                      .arg(run->bmc->event_log.size()));
  add_verdicts(*run->bmc);
  add_records(*run->bmc);
  add_event_log(*run->bmc);
  tree_->expandToDepth(1);
}

void RecordsView::add_verdicts(const BmcReport& report) {
  auto* root = new QTreeWidgetItem(tree_, {tr("BMC verdicts"), QString::number(report.verdicts.size())});
  bold(root);
  for (size_t i = 0; i < report.verdicts.size(); ++i) {
    const BmcVerdict& v = report.verdicts[i];
    const QString named = v.identified ? QStringLiteral("%1 %2").arg(component_text(v.failed_component),
                                                                     QString::fromLatin1(to_string(v.error)))
                                       : tr("nothing identified");
    auto* item = new QTreeWidgetItem(root, {tr("alert %1 at t = %2").arg(i).arg(instant_text(v.alert_t_ns)), named});
    if (!v.identified) mark_alarm(item);
    // Whether the host's predictive-failure alarm announced it: what the
    // predictor was for.
    if (v.identified)
      add_field(item, tr("announced"),
                v.alarm_asserted_t_ns
                    ? tr("predictive failure asserted at t = %1, %2 before the alert")
                          .arg(instant_text(*v.alarm_asserted_t_ns),
                               seconds_text(static_cast<double>(v.alert_t_ns - *v.alarm_asserted_t_ns) * 1e-9))
                    : tr("no: no predictive-failure alarm was up"));
    add_field(item, tr("report complete at"), instant_text(v.report_t_ns));
    add_field(item, tr("alert to report"), seconds_text(v.alert_to_report_s));
    add_field(item, tr("bytes drained by DMA"), bytes_text(v.bytes_drained));
    add_field(item, tr("refused DMA accesses"), QString::number(v.refused_accesses), v.refused_accesses > 0);
    QStringList records;
    for (uint32_t r : v.records) records << tr("record %1").arg(r);  // as the Records branch names them
    add_field(item, tr("records"), records.isEmpty() ? tr("none") : records.join(", "));
    // The SEL entries the BMC relates this failure to (the component's
    // predictive-failure events; a thermal shutdown's threshold crossings,
    // the fan that stopped before them), named as the Event log branch
    // names them.
    auto* related = add_field(item, tr("related events"), v.related_events.empty()
                                                               ? tr("none")
                                                               : QString::number(v.related_events.size()));
    for (uint32_t e : v.related_events) {
      if (e >= report.event_log.size()) {  // the reader checks indices; never trust a file
        add_field(related, tr("event %1").arg(e), tr("not in the event log"), true);
        continue;
      }
      const BmcEvent& event = report.event_log[e];
      add_field(related, tr("event %1 · %2").arg(e).arg(QString::fromStdString(event.sensor)),
                tr("%1 at t = %2").arg(event_text(event), instant_text(event.t_ns)), event_is_alarm(event));
    }
    for (const std::string& d : v.diagnostics) add_field(item, tr("diagnostic"), QString::fromStdString(d), true);
  }
}

void RecordsView::add_records(const BmcReport& report) {
  auto* root = new QTreeWidgetItem(tree_, {tr("Records"), QString::number(report.records.size())});
  bold(root);
  for (size_t i = 0; i < report.records.size(); ++i) {
    const BmcRecord& r = report.records[i];
    auto* item = new QTreeWidgetItem(
        root, {tr("record %1 · slice %2").arg(i).arg(r.slice),
               QStringLiteral("%1 · %2 · %3%4")
                   .arg(component_text(r.component), QString::fromLatin1(to_string(r.error)),
                        QString::fromStdString(r.severity), r.truncated ? tr(" · TRUNCATED") : QString())});
    item->setIcon(0, [&] {
      QPixmap pix(12, 12);
      pix.fill(component_colour(r.component));
      return QIcon(pix);
    }());
    if (r.truncated) mark_alarm(item);
    add_field(item, tr("timestamp"), instant_text(r.timestamp_ns));
    add_field(item, tr("raw bytes"), bytes_text(r.cper.size()));
    uint64_t needed = 0, captured = 0;
    auto* sections = add_field(item, tr("sections (as reported)"), QString::number(r.sections.size()));
    for (const BmcSection& s : r.sections) {
      needed += s.needed;
      captured += s.captured;
      const double pct = s.needed > 0 ? 100.0 * static_cast<double>(s.captured) / static_cast<double>(s.needed) : 100;
      add_field(sections, QString::fromStdString(s.type),
                tr("%1 captured of %2 needed (%3%), body %4").arg(bytes_text(s.captured), bytes_text(s.needed))
                    .arg(pct, 0, 'f', 1)
                    .arg(bytes_text(s.length)),
                s.captured < s.needed);
    }
    sections->setText(1, tr("%1 sections, %2 of %3 captured").arg(r.sections.size()).arg(bytes_text(captured), bytes_text(needed)));
    const CperDecoded cper = decode_cper_fields(r.cper);
    auto* fields = add_field(item, tr("CPER fields"), cper.ok ? tr("decoded") : cper.problem, !cper.ok);
    for (const CperField& f : cper.header) add_field(fields, f.name, f.value, f.alarm);
    for (const CperSectionFields& s : cper.sections) {
      auto* section = add_field(fields, s.title, QString());
      bool alarm = false;
      for (const CperField& f : s.fields) {
        add_field(section, f.name, f.value, f.alarm);
        alarm = alarm || f.alarm;
      }
      if (alarm) mark_alarm(section);
    }
  }
}

void RecordsView::add_event_log(const BmcReport& report) {
  auto* root = new QTreeWidgetItem(tree_, {tr("BMC event log (SEL)"), QString::number(report.event_log.size())});
  bold(root);
  for (size_t i = 0; i < report.event_log.size(); ++i) {
    const BmcEvent& e = report.event_log[i];
    add_field(root, tr("event %1 at t = %2 · %3").arg(i).arg(instant_text(e.t_ns), QString::fromStdString(e.sensor)),
              event_text(e), event_is_alarm(e));
  }
}

}  // namespace crashtwin::gui
