// What the injector will do, when: the scenario's phases, baselines,
// precursors, false alarms and failures turned into a time-ordered list of
// concrete actions, with every random draw (drawn failure times, noisy rates,
// link-flap instants, fault addresses) already made from the scenario seed.
// Plain data and no SystemC, so it is unit tested on its own and the oracle
// policy can be told the future before the simulation starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/types.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

enum class ActionKind : uint8_t {
  phase,                 // workload levels of phase `index`
  corrected_error_rate,  // contribution `source` to a component's CE rate (/s)
  exception_rate,        // contribution to a CPU's extra exception rate (/s)
  io_error_rate,         // contribution to a disk's timeout / NIC's CRC rate (/s)
  latency_offset,        // contribution to a disk/NIC's extra latency (ns)
  temperature,           // the air at a DIMM's slot, a disk's or a NIC's inlet (C)
  heat_ramp,             // a core's or DIMM slot's air warming: value = C/s, value2 = limit above inlet (C)
  stack_recursion,       // a core's runaway recursion: value = stack bytes reached at time value2 (ns); 0: ends
  link_flap,             // one NIC link flap
  precursor_begin,       // markers for events.jsonl (index: precursor id)
  precursor_end,
  failure,               // failure `index` fires (value = fault address fraction 0..1)
  control,               // control line `index` is written (scenario.control)
  workload_start,        // named workload `index` starts (scenario.workloads)
  workload_stop,         // named workload `index` stops
};
const char* to_string(ActionKind k);

struct Action {
  uint64_t t_ns = 0;
  ActionKind kind = ActionKind::phase;
  ComponentId component;
  uint32_t index = 0;   // phase / failure / precursor id
  uint32_t source = 0;  // contribution id (0 = the component's baseline)
  double value = 0;
  double value2 = 0;
  std::string label;    // "dimm0_ue.precursors[0]" for events
};

// A failure's drawn time (fixed ones are their `at`).
struct PlannedFailure {
  std::string name;
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  uint64_t t_ns = 0;
  std::optional<uint64_t> logged_address;  // Failure::logged_address
};

struct Schedule {
  std::vector<Action> actions;  // sorted by t_ns, stable in declaration order
  std::vector<PlannedFailure> failures;  // in declaration order
};

// Length of one step of a stepped precursor (ramps and noisy rates are
// piecewise constant at this granularity).
uint64_t precursor_step_ns(uint64_t lead_time_ns);

Schedule plan_schedule(const Scenario& s);

}  // namespace crashtwin::scenario
