// fleet.csv: a batch's runs folded per (sweep point, scenario, policy,
// strategy) into fleet figures, each run one machine (a fleet scenario's
// machines and a batch's seeds alike). What field studies report: failures
// per machine-year, false alarms per machine-month, the crash memory a
// machine holds on average. docs/results.md lists the columns.
#pragma once

#include <filesystem>
#include <string>

#include "traces/batch.h"

namespace crashtwin {

// One row per group, in the order the group's first run appears in the
// table; rates over the runs that finished (those with `duration_s`).
std::string fleet_csv(const BatchTable& table);
void write_fleet_csv(const BatchTable& table, const std::filesystem::path& path);

}  // namespace crashtwin
