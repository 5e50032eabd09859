#include "gui/crash_region/crash_region_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QVBoxLayout>

#include "gui/data/batch_overview.h"
#include "gui/data/palette.h"
#include "traces/report/format.h"

namespace crashtwin::gui {

CrashRegionView::CrashRegionView(TimeCursor* cursor, QWidget* parent) : QWidget(parent), cursor_(cursor) {
  title_ = new QLabel(tr("Open a batch and pick a run to see its crash region."));
  title_->setStyleSheet("font-weight:600; font-size:14px; color:#1d2330;");
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setEnabled(false);
  slider_->setTickPosition(QSlider::TicksBelow);
  time_ = new QLabel(QStringLiteral("t = –"));
  time_->setMinimumWidth(120);
  map_ = new MemoryMapWidget();
  slices_ = new QTableWidget(0, 5);
  slices_->setHorizontalHeaderLabels({tr("Slice"), tr("Component"), tr("Offset"), tr("Size"), tr("Share of region")});
  slices_->verticalHeader()->setVisible(false);
  slices_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  slices_->horizontalHeader()->setStretchLastSection(true);
  slices_->setAlternatingRowColors(true);

  auto* time_row = new QHBoxLayout();
  time_row->addWidget(new QLabel(tr("Time:")));
  time_row->addWidget(slider_, 1);
  time_row->addWidget(time_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addLayout(time_row);
  layout->addWidget(map_, 3);
  layout->addWidget(slices_, 2);

  connect(slider_, &QSlider::valueChanged, this, [this](int row) {
    show_row(row);
    if (run_ && static_cast<size_t>(row) < run_->timeseries.row_count()) {
      cursor_->set_time_s(run_->timeseries.t_s[static_cast<size_t>(row)]);
    }
  });
  connect(cursor_, &TimeCursor::changed, this, [this](double t) {
    if (!run_) return;
    if (auto row = row_at(run_->timeseries, t)) slider_->setValue(static_cast<int>(*row));
  });
}

void CrashRegionView::show_run(std::shared_ptr<const RunDetails> details) {
  details_ = std::move(details);
  run_ = details_ ? &details_->run : nullptr;
  const size_t rows = run_ ? run_->timeseries.row_count() : 0;
  if (run_) title_->setText(run_title(run_->summary));
  QSignalBlocker block(slider_);
  slider_->setEnabled(rows > 0);
  slider_->setRange(0, rows > 0 ? static_cast<int>(rows) - 1 : 0);
  slider_->setTickInterval(std::max(1, static_cast<int>(rows) / 20));
  int row = 0;
  if (rows > 0) row = static_cast<int>(row_at(run_->timeseries, cursor_->time_s()).value_or(0));
  slider_->setValue(row);
  show_row(row);
}

void CrashRegionView::show_row(int row) {
  if (!run_ || run_->timeseries.row_count() == 0) {
    slices_->setRowCount(0);
    return;
  }
  const CrashMap map = crash_map_at_row(run_->timeseries, static_cast<size_t>(row), details_->crash_region_extent);
  time_->setText(QStringLiteral("t = %1 s").arg(map.t_s, 0, 'f', 3));
  slices_->setRowCount(0);
  int index = 0;
  for (const MapBlock& b : map.blocks) {
    if (b.kind != MapBlock::Kind::slice) continue;
    const int r = slices_->rowCount();
    slices_->insertRow(r);
    auto* swatch = new QTableWidgetItem(QString::number(index++));
    swatch->setIcon([&] {
      QPixmap pix(12, 12);
      pix.fill(component_colour(b.component));
      return QIcon(pix);
    }());
    slices_->setItem(r, 0, swatch);
    slices_->setItem(r, 1, new QTableWidgetItem(QStringLiteral("%1.%2")
                                                    .arg(QString::fromUtf8(to_string(b.component.cls)))
                                                    .arg(b.component.instance)));
    slices_->setItem(r, 2, new QTableWidgetItem(QStringLiteral("0x%1").arg(b.offset, 8, 16, QChar('0'))));
    slices_->setItem(r, 3, new QTableWidgetItem(QString::fromStdString(report::format_bytes(static_cast<double>(b.bytes)))));
    const double share = map.region_bytes > 0 ? 100.0 * static_cast<double>(b.bytes) / static_cast<double>(map.region_bytes) : 0;
    slices_->setItem(r, 4, new QTableWidgetItem(QStringLiteral("%1%").arg(share, 0, 'f', 1)));
  }
  slices_->resizeColumnsToContents();
  map_->set_map(map);
}

}  // namespace crashtwin::gui
