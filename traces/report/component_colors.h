// One colour per component, the same in report.html and the dashboard
// (gui/data/palette.h reads these): a hue per class (Okabe-Ito, safe with
// the common colour-vision deficiencies: cpu blue, memory orange, disk
// green, network purple) and, for the instances of a class, clearly
// different shades of it (base, dark, light or darker, greyed; repeating).
#pragma once

#include <string>

#include "platform/core/types.h"

namespace crashtwin::report {

struct Rgb {
  int r = 0, g = 0, b = 0;
};

Rgb class_rgb(ComponentClass cls);
Rgb component_rgb(ComponentId component);
std::string css_color(Rgb c);  // "#0072b2"

}  // namespace crashtwin::report
