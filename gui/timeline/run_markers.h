// Timeline markers from a run's events: injected failures, BMC alerts and
// repartitions, each with the colour every view uses for it.
#pragma once

#include <vector>

#include "gui/widgets/time_chart_view.h"
#include "traces/event_log.h"

namespace crashtwin::gui {

std::vector<TimeMarker> run_markers(const std::vector<Event>& events);

}  // namespace crashtwin::gui
