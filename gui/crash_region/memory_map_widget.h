// Paints the crash region at one instant: the two header copies, each
// component's slice in its class colour, free space hatched, address ticks,
// and the allocator's fragmentation (unusable free space index per order) as
// bars. Blocks too small to see at scale (the 8 KiB headers in a 1 GiB
// region) get a minimum width so they are never invisible.
#pragma once

#include <QWidget>

#include "gui/data/crash_map.h"

namespace crashtwin::gui {

class MemoryMapWidget : public QWidget {
  Q_OBJECT
 public:
  explicit MemoryMapWidget(QWidget* parent = nullptr);
  void set_map(CrashMap map);
  const CrashMap& map() const { return map_; }
  QSize sizeHint() const override { return {900, 340}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void paint_bar(QPainter& p, const QRectF& bar);
  void paint_fragmentation(QPainter& p, const QRectF& area);
  CrashMap map_;
  bool has_map_ = false;
};

}  // namespace crashtwin::gui
