// Reads the scenario's `workloads:` list (schema/scenario.h NamedWorkload):
//
//   workloads:
//     - {name: db, id: 101, cores: [0, 1], start: "1 s", stop: "8 s",
//        memory_bandwidth: "4 GB/s", llc_working_set: "12 MiB"}
//
// Shapes and units here, with each problem at its file:line:column; the
// rules across entries (unique names and ids, times, cores shared by
// workloads running at once) are in checks.cpp.
#pragma once

#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

// Cores of the largest cpu cluster a board may have (board.cpu.cores).
inline constexpr uint64_t kMaxWorkloadCore = 255;

void read_workloads(MapReader& root, Scenario& s);

}  // namespace crashtwin::scenario
