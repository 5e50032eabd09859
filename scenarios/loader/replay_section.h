// Reads the scenario's `replay:` section (scenarios/schema/replay.h):
//
//   replay:
//     trace: dimm1_mcelog.csv   # relative to the scenario file
//     start: "5 s"              # scenario time of the trace's first timestamp (default 0)
//     format: mcelog            # csv (default), rasdaemon, edac or mcelog
//     tickets: tickets.csv      # failure tickets replayed as failures (rasdaemon, mcelog)
//
// The trace is parsed here, so a malformed row, a metric that cannot be
// replayed or a trace longer than the run is an error located at
// `replay.trace`, or `replay.tickets` for the tickets (the message names the
// file:line of the log or CSV where it has one).
#pragma once

#include <filesystem>

#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

void read_replay(MapReader& root, Scenario& s, const std::filesystem::path& base_dir);

}  // namespace crashtwin::scenario
