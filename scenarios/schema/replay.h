// The scenario's `replay:` section: recorded telemetry (a CSV trace,
// docs/training.md "Telemetry replay format") that drives components'
// precursors, so real corrected-error logs or SMART records can be replayed
// against the twin. The loader parses and checks the trace once and keeps
// the planned hook calls; the injector's replay player applies them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/types.h"
#include "scenarios/replay/replay_plan.h"
#include "scenarios/schema/diagnostics.h"

namespace crashtwin::scenario {

struct ReplaySettings {
  std::string trace_path;   // as resolved against the scenario file's directory
  uint64_t start_ns = 0;    // scenario time of the trace's first timestamp
  // Recorded seconds played per simulated second (`replay.time_scale`): 720
  // plays a 30-day log in an hour. Every planned time is divided by it and
  // every replayed rate multiplied, so counts stay as logged.
  double time_scale = 1.0;
  uint64_t trace_duration_ns = 0;  // first to last timestamp, in scenario time (scaled)
  std::vector<ComponentId> components;     // the components the trace drives
  std::vector<replay::ReplayStep> steps;   // scenario time from the trace's start (scaled)
  std::string tickets_path;  // failure tickets replayed as failures (scenarios/replay/tickets.h); empty: none
  // What the loader left out of a log, for the user ("12 mcelog records
  // that are not memory errors skipped").
  std::vector<std::string> notes;
  Location where;
};

}  // namespace crashtwin::scenario
