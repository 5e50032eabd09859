#include "gui/data/run_markers.h"

#include <algorithm>

#include "gui/data/palette.h"

namespace crashtwin::gui {

namespace {
QString field_text(const Event& e, const char* key) {
  auto it = e.fields.find(key);
  if (it == e.fields.end()) return {};
  return it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString::fromStdString(it->dump());
}
}  // namespace

std::vector<TimeMarker> run_markers(const std::vector<Event>& events) {
  std::vector<TimeMarker> markers;
  for (const Event& e : events) {
    const double t = static_cast<double>(e.t_ns) / 1e9;
    switch (e.kind) {
      case EventKind::injection:
        markers.push_back({t, failure_colour(), Qt::SolidLine,
                           QStringLiteral("✖ %1 @ %2").arg(field_text(e, "error"), field_text(e, "component"))});
        break;
      case EventKind::alert:
        markers.push_back({t, alert_colour(), Qt::DashLine, QStringLiteral("alert")});
        break;
      case EventKind::repartition:
        markers.push_back({t, repartition_colour(), Qt::DotLine, {}});
        break;
      default: break;
    }
  }
  std::stable_sort(markers.begin(), markers.end(),
                   [](const TimeMarker& a, const TimeMarker& b) { return a.t_s < b.t_s; });
  return markers;
}

}  // namespace crashtwin::gui
