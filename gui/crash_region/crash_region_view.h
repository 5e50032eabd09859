// Crash region: the memory map of the slices at a chosen time. The slider
// walks the run's ticks and follows (and moves) the shared time cursor, so
// clicking a moment on the Timeline shows the layout at that moment.
#pragma once

#include <memory>

#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QWidget>

#include "gui/crash_region/memory_map_widget.h"
#include "gui/widgets/time_cursor.h"
#include "gui/data/run_details.h"

namespace crashtwin::gui {

class CrashRegionView : public QWidget {
  Q_OBJECT
 public:
  CrashRegionView(TimeCursor* cursor, QWidget* parent = nullptr);
  void show_run(std::shared_ptr<const RunDetails> details);

  QSlider* slider() { return slider_; }
  MemoryMapWidget* map_widget() { return map_; }
  QTableWidget* slice_table() { return slices_; }

 private:
  void show_row(int row);

  TimeCursor* cursor_;
  std::shared_ptr<const RunDetails> details_;
  const results::Run* run_ = nullptr;  // &details_->run
  QLabel* title_ = nullptr;
  QLabel* time_ = nullptr;
  QSlider* slider_ = nullptr;
  MemoryMapWidget* map_ = nullptr;
  QTableWidget* slices_ = nullptr;
};

}  // namespace crashtwin::gui
