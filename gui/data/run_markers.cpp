#include "gui/data/run_markers.h"

#include <algorithm>

#include "gui/data/palette.h"
#include "traces/timeseries_writer.h"

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

std::vector<TimeBand> alarm_bands(const std::vector<Event>& events) {
  std::vector<TimeBand> bands;
  for (const Event& e : events) {
    if (e.kind != EventKind::alarm) continue;
    const QString component = field_text(e, "component");
    const std::optional<ComponentId> id = component_of_column(component.toStdString(), "");
    const double begin = static_cast<double>(e.t_ns) / 1e9;
    bands.push_back({begin, begin + static_cast<double>(e.dur_ns.value_or(0)) / 1e9,
                     id ? component_colour(*id) : alert_colour(), QStringLiteral("alarm %1").arg(component)});
  }
  std::stable_sort(bands.begin(), bands.end(), [](const TimeBand& a, const TimeBand& b) { return a.begin_s < b.begin_s; });
  return bands;
}

}  // namespace crashtwin::gui
