#include "gui/data/palette.h"

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
  const int step = component.instance % 4;
  return class_colour(component.cls).darker(100 + 45 * step);
}

QColor header_colour() { return QColor(0x4A, 0x55, 0x68); }
QColor free_colour() { return QColor(0xE9, 0xEC, 0xF1); }
QColor failure_colour() { return QColor(0xC0, 0x39, 0x2B); }
QColor alert_colour() { return QColor(0xD3, 0x54, 0x00); }
QColor repartition_colour() { return QColor(0x7F, 0x8C, 0x8D); }

QColor series_colour(int index) {
  static constexpr std::array<QRgb, 8> kColours = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                                   0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};
  return QColor::fromRgb(kColours[static_cast<size_t>(index) % kColours.size()]);
}

}  // namespace crashtwin::gui
