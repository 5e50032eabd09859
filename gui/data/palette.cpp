#include "gui/data/palette.h"

#include "traces/report/component_colors.h"
#include "traces/report/svg_chart.h"

#include <algorithm>
#include <array>

namespace crashtwin::gui {

namespace {
QColor qcolor(report::Rgb c) { return QColor(c.r, c.g, c.b); }
}  // namespace

QColor class_colour(ComponentClass cls) { return qcolor(report::class_rgb(cls)); }

QColor component_colour(ComponentId component) { return qcolor(report::component_rgb(component)); }

Qt::PenStyle component_pen_style(ComponentId component) {
  static constexpr std::array<Qt::PenStyle, 4> kStyles = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
  return kStyles[component.instance % kStyles.size()];
}

QColor header_colour() { return QColor(0x4A, 0x55, 0x68); }
QColor free_colour() { return QColor(0xE9, 0xEC, 0xF1); }
QColor failure_colour() { return QColor(0xC0, 0x39, 0x2B); }
QColor alert_colour() { return QColor(0xD3, 0x54, 0x00); }
QColor repartition_colour() { return QColor(0x7F, 0x8C, 0x8D); }

QColor series_colour(int index) { return QColor(report::palette_color(static_cast<size_t>(std::max(index, 0)))); }

}  // namespace crashtwin::gui
