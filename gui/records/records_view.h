// Records: the BMC report of a run. Each alert's verdict (what the BMC
// named, how fast, what the DMA drain did, the event-log entries it may
// follow from), each decoded record, section by section (captured against
// needed), with its CPER fields decoded from the raw bytes, and the BMC's
// event log (the SEL: fans stopping, temperatures crossing their critical
// thresholds). Truncation, overflow, a stopped fan and a reading going
// above its threshold are highlighted in red.
#pragma once

#include <memory>

#include <QLabel>
#include <QTreeWidget>
#include <QWidget>

#include "traces/results/results.h"

namespace crashtwin::gui {

class RecordsView : public QWidget {
  Q_OBJECT
 public:
  explicit RecordsView(QWidget* parent = nullptr);
  void show_run(std::shared_ptr<const results::Run> run);
  QTreeWidget* tree() { return tree_; }

 private:
  void add_verdicts(const BmcReport& report);
  void add_records(const BmcReport& report);
  void add_event_log(const BmcReport& report);

  QLabel* title_ = nullptr;
  QTreeWidget* tree_ = nullptr;
};

}  // namespace crashtwin::gui
