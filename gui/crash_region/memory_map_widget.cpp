#include "gui/crash_region/memory_map_widget.h"

#include <algorithm>

#include <QPainter>
#include <QPainterPath>

#include "gui/data/palette.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

namespace {
constexpr double kMinBlockPx = 4;
constexpr double kBarHeight = 96;
constexpr int kAddressTicks = 8;

QString bytes_text(uint64_t bytes) { return QString::fromStdString(report::format_bytes(static_cast<double>(bytes))); }

QString block_name(const MapBlock& b) {
  switch (b.kind) {
    case MapBlock::Kind::header: return QStringLiteral("hdr");
    case MapBlock::Kind::free: return QStringLiteral("free");
    case MapBlock::Kind::slice: break;
  }
  return QStringLiteral("%1.%2").arg(QString::fromUtf8(to_string(b.component.cls))).arg(b.component.instance);
}
}  // namespace

MemoryMapWidget::MemoryMapWidget(QWidget* parent) : QWidget(parent) {
  setMinimumSize(600, 300);
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, Qt::white);
  setPalette(pal);
}

void MemoryMapWidget::set_map(CrashMap map) {
  map_ = std::move(map);
  has_map_ = true;
  update();
}

void MemoryMapWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  if (!has_map_) {
    p.setPen(QColor(0x5b, 0x65, 0x77));
    p.drawText(rect(), Qt::AlignCenter, tr("No time series in this run: nothing to map."));
    return;
  }
  const QRectF area = QRectF(rect()).adjusted(16, 12, -16, -12);
  QFont title = font();
  title.setBold(true);
  title.setPointSizeF(title.pointSizeF() * 1.1);
  p.setFont(title);
  p.setPen(QColor(0x1d, 0x23, 0x30));
  p.drawText(QPointF(area.left(), area.top() + 14),
             tr("Crash region at t = %1 s — %2 total, %3 in slices, %4 free")
                 .arg(map_.t_s, 0, 'f', 3)
                 .arg(bytes_text(map_.region_bytes), bytes_text(map_.reserved_bytes), bytes_text(map_.free_bytes)));
  p.setFont(font());
  const QRectF bar(area.left(), area.top() + 30, area.width(), kBarHeight);
  paint_bar(p, bar);
  const QRectF frag(area.left(), bar.bottom() + 44, area.width(), area.bottom() - bar.bottom() - 44);
  paint_fragmentation(p, frag);
}

void MemoryMapWidget::paint_bar(QPainter& p, const QRectF& bar) {
  // Widths: proportional, with a floor; the floor's extra pixels come out of
  // the free space so the bar keeps its length.
  const double scale = map_.region_bytes > 0 ? bar.width() / static_cast<double>(map_.region_bytes) : 0;
  std::vector<double> widths;
  double extra = 0, free_px = 0;
  for (const MapBlock& b : map_.blocks) {
    double w = static_cast<double>(b.bytes) * scale;
    if (b.kind != MapBlock::Kind::free && w < kMinBlockPx) {
      extra += kMinBlockPx - w;
      w = kMinBlockPx;
    }
    if (b.kind == MapBlock::Kind::free) free_px += w;
    widths.push_back(w);
  }
  const double free_shrink = free_px > extra && free_px > 0 ? (free_px - extra) / free_px : 1;
  double x = bar.left();
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.9);
  p.setFont(small);
  for (size_t i = 0; i < map_.blocks.size(); ++i) {
    const MapBlock& b = map_.blocks[i];
    const double w = b.kind == MapBlock::Kind::free ? widths[i] * free_shrink : widths[i];
    const QRectF r(x, bar.top(), w, bar.height());
    x += w;
    if (b.kind == MapBlock::Kind::free) {
      p.fillRect(r, free_colour());
      p.fillRect(r, QBrush(QColor(0xc9, 0xd0, 0xda), Qt::BDiagPattern));
    } else {
      p.fillRect(r, b.kind == MapBlock::Kind::header ? header_colour() : component_colour(b.component));
    }
    p.setPen(QPen(Qt::white, 1));
    p.drawLine(r.topRight(), r.bottomRight());
    const QString name = block_name(b);
    const QString size = bytes_text(b.bytes);
    const QFontMetricsF fm(small);
    if (w > std::max(fm.horizontalAdvance(name), fm.horizontalAdvance(size)) + 8) {
      p.setPen(b.kind == MapBlock::Kind::free ? QColor(0x5b, 0x65, 0x77) : Qt::white);
      p.drawText(r.adjusted(4, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft, name + "\n" + size);
    }
  }
  p.setPen(QPen(QColor(0x9a, 0xa6, 0xba), 1));
  p.setBrush(Qt::NoBrush);
  p.drawRect(bar);
  // Address ticks (offsets from the region base).
  p.setPen(QColor(0x5b, 0x65, 0x77));
  for (int i = 0; i <= kAddressTicks; ++i) {
    const double tx = bar.left() + bar.width() * i / kAddressTicks;
    p.drawLine(QPointF(tx, bar.bottom()), QPointF(tx, bar.bottom() + 4));
    const uint64_t offset = map_.region_bytes * static_cast<uint64_t>(i) / kAddressTicks;
    const QString label = QStringLiteral("+%1").arg(bytes_text(offset));
    const Qt::Alignment align = i == 0 ? Qt::AlignLeft : i == kAddressTicks ? Qt::AlignRight : Qt::AlignHCenter;
    const QRectF lr(i == 0 ? tx : i == kAddressTicks ? tx - 100 : tx - 50, bar.bottom() + 5, 100, 16);
    p.drawText(lr, align | Qt::AlignTop, label);
  }
  if (!map_.bases_recorded) {
    p.drawText(QPointF(bar.left(), bar.bottom() + 36),
               tr("Slice bases are not in the results: slices are drawn packed in component order after the headers."));
  }
}

void MemoryMapWidget::paint_fragmentation(QPainter& p, const QRectF& area) {
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(QColor(0x1d, 0x23, 0x30));
  p.drawText(QPointF(area.left(), area.top() + 12), tr("Fragmentation of the free space (unusable free space index)"));
  p.setFont(font());
  if (map_.unusable_index.empty()) {
    p.setPen(QColor(0x5b, 0x65, 0x77));
    p.drawText(QPointF(area.left(), area.top() + 32), tr("no unusable_index columns in this run"));
    return;
  }
  if (map_.free_bytes == 0) {
    // The index is a share of free memory: with none free, Linux's
    // convention (every order "100 % unusable") would draw full red bars
    // beside "0 B free" and say nothing about fragmentation.
    p.setPen(QColor(0x5b, 0x65, 0x77));
    p.drawText(QPointF(area.left(), area.top() + 32),
               tr("nothing free at this moment: the slices hold the whole budget, so there is no free space to "
                  "fragment"));
    return;
  }
  const double row_h = std::min(22.0, (area.height() - 24) / static_cast<double>(map_.unusable_index.size()));
  const double label_w = 150;
  const double bar_w = std::max(50.0, area.width() - label_w - 60);
  double y = area.top() + 22;
  for (const auto& [order, index] : map_.unusable_index) {
    const uint64_t block = 4096ull << order;
    p.setPen(QColor(0x37, 0x41, 0x51));
    p.drawText(QRectF(area.left(), y, label_w, row_h), Qt::AlignVCenter,
               tr("order %1 (%2 blocks)").arg(order).arg(bytes_text(block)));
    const QRectF track(area.left() + label_w, y + 4, bar_w, row_h - 8);
    p.fillRect(track, QColor(0xf0, 0xf3, 0xf7));
    // Green when most free memory can still serve the order, red when not.
    const QColor fill = QColor::fromHsvF(static_cast<float>((1.0 - index) * 0.33), 0.65f, 0.80f);
    p.fillRect(QRectF(track.left(), track.top(), track.width() * index, track.height()), fill);
    p.drawText(QRectF(track.right() + 6, y, 60, row_h), Qt::AlignVCenter, QStringLiteral("%1%").arg(index * 100, 0, 'f', 1));
    y += row_h;
  }
}

}  // namespace crashtwin::gui
