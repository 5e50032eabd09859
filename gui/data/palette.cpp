#include "gui/data/palette.h"

#include "traces/report/svg_chart.h"

#include <algorithm>
#include <array>

namespace crashtwin::gui {

QColor class_colour(ComponentClass cls) {
  switch (cls) {
    case ComponentClass::cpu: return QColor(0x00, 0x72, 0xB2);      // blue
    case ComponentClass::memory: return QColor(0xE6, 0x9F, 0x00);   // orange
    case ComponentClass::disk: return QColor(0x00, 0x9E, 0x73);     // green
    case ComponentClass::network: return QColor(0xCC, 0x79, 0xA7);  // purple
  }
  return Qt::gray;
}

QColor component_colour(ComponentId component) {
  const QColor base = class_colour(component.cls);
  const float hue = base.hslHueF(), saturation = base.hslSaturationF(), lightness = base.lightnessF();
  const auto with = [&](float s, float l) { return QColor::fromHslF(hue, s, std::clamp(l, 0.0f, 1.0f)); };
  // Darker and lighter stay readable on white: a light class (network's
  // pink) gets two darker shades instead of a lighter one.
  const bool light_class = lightness >= 0.5f;
  switch (component.instance % 4) {
    case 1: return with(saturation, lightness * 0.55f);
    case 2: return light_class ? with(saturation, lightness * 0.32f) : with(saturation, lightness + 0.45f * (0.85f - lightness));
    case 3: return with(saturation * 0.35f, light_class ? lightness * 0.75f : lightness);  // greyed
    default: return base;
  }
}

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
