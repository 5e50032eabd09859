#include "traces/report/component_colors.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace crashtwin::report {

namespace {

struct Hsl {
  double h = 0, s = 0, l = 0;  // h in [0, 1)
};

Hsl to_hsl(Rgb c) {
  const double r = c.r / 255.0, g = c.g / 255.0, b = c.b / 255.0;
  const double hi = std::max({r, g, b}), lo = std::min({r, g, b});
  Hsl out;
  out.l = (hi + lo) / 2;
  const double d = hi - lo;
  if (d == 0) return out;
  out.s = out.l > 0.5 ? d / (2 - hi - lo) : d / (hi + lo);
  double h = hi == r ? (g - b) / d + (g < b ? 6 : 0) : hi == g ? (b - r) / d + 2 : (r - g) / d + 4;
  out.h = h / 6;
  return out;
}

Rgb to_rgb(Hsl c) {
  const double l = std::clamp(c.l, 0.0, 1.0), s = std::clamp(c.s, 0.0, 1.0);
  const auto channel = [&](double t) {
    const double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
    t -= std::floor(t);
    double v = t < 1.0 / 6 ? p + (q - p) * 6 * t : t < 0.5 ? q : t < 2.0 / 3 ? p + (q - p) * (2.0 / 3 - t) * 6 : p;
    return static_cast<int>(std::lround(v * 255));
  };
  return {channel(c.h + 1.0 / 3), channel(c.h), channel(c.h - 1.0 / 3)};
}

}  // namespace

Rgb class_rgb(ComponentClass cls) {
  switch (cls) {
    case ComponentClass::cpu: return {0x00, 0x72, 0xB2};      // blue
    case ComponentClass::memory: return {0xE6, 0x9F, 0x00};   // orange
    case ComponentClass::disk: return {0x00, 0x9E, 0x73};     // green
    case ComponentClass::network: return {0xCC, 0x79, 0xA7};  // purple
  }
  return {0x80, 0x80, 0x80};
}

Rgb component_rgb(ComponentId component) {
  const Rgb base = class_rgb(component.cls);
  const Hsl hsl = to_hsl(base);
  const auto with = [&](double s, double l) { return to_rgb({hsl.h, s, l}); };
  // Darker and lighter stay readable on white: a light class (network's
  // pink) gets two darker shades instead of a lighter one.
  const bool light_class = hsl.l >= 0.5;
  switch (component.instance % 4) {
    case 1: return with(hsl.s, hsl.l * 0.55);
    case 2: return light_class ? with(hsl.s, hsl.l * 0.32) : with(hsl.s, hsl.l + 0.45 * (0.85 - hsl.l));
    case 3: return with(hsl.s * 0.35, light_class ? hsl.l * 0.75 : hsl.l);  // greyed
    default: return base;
  }
}

std::string css_color(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

}  // namespace crashtwin::report
