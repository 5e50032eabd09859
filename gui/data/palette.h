// One colour per component class, the same in every view (Compare, Timeline,
// Crash region, Records) and in report.html (traces/report/component_colors.h
// holds them), so a glance at any view says "memory" in orange.
#pragma once

#include <QColor>

#include "platform/core/types.h"

namespace crashtwin::gui {

QColor class_colour(ComponentClass cls);
// Instances of one class share its hue in clearly different shades (base,
// dark, light or darker, greyed; repeating), and lines also differ in dash
// pattern: two DIMMs stay apart on a chart without telling shades apart.
QColor component_colour(ComponentId component);
Qt::PenStyle component_pen_style(ComponentId component);
// Header copies and free space in the memory map.
QColor header_colour();
QColor free_colour();
// Event markers on the timeline.
QColor failure_colour();
QColor alert_colour();
QColor repartition_colour();
// Colour of a policy · strategy (its index in policy_strategy_keys): the
// report's palette (report::palette_color), so a policy looks the same in
// report.html and the dashboard.
QColor series_colour(int index);

}  // namespace crashtwin::gui
