// Timeline markers from a run's events: injected failures, BMC alerts and
// repartitions, each with the colour every view uses for it, and the bands
// of the agent's predictive-failure alarms. Built in the loading thread (a
// year-long run has hundreds of thousands of repartitions), in time order.
#pragma once

#include <vector>

#include <QColor>
#include <QString>

#include "traces/event_log.h"

namespace crashtwin::gui {

struct TimeMarker {
  double t_s = 0;
  QColor colour;
  Qt::PenStyle style = Qt::SolidLine;
  QString label;  // failures and alerts: a full-height line, labelled; empty for churn: a tick at the bottom
};

// Sorted by time (stable: events of one instant keep their order).
std::vector<TimeMarker> run_markers(const std::vector<Event>& events);

// A span of time shaded behind a chart: one component's alarm, asserted to
// its last sample in alarm.
struct TimeBand {
  double begin_s = 0, end_s = 0;
  QColor colour;  // the component's (palette.h), drawn translucent
  QString label;  // "alarm memory.3"
};

// The `alarm` events (docs/results.md) as bands, sorted by begin; an event
// whose component does not parse keeps the alert colour.
std::vector<TimeBand> alarm_bands(const std::vector<Event>& events);

}  // namespace crashtwin::gui
