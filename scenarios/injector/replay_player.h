// Plays a scenario's recorded telemetry (scenarios/schema/replay.h) against
// the board: at each planned step's time (replay.start + the step's time in
// the trace) it calls the precursor hook scenarios/replay/replay_plan.h maps
// the metric onto. A separate module from the Injector, so the synthetic
// schedule and the recording run side by side; like the injector it records
// problems (a component the board lacks) for the runner to report.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "models/board/board.h"
#include "scenarios/schema/replay.h"
#include "traces/event_log.h"

namespace crashtwin::scenario {

class ReplayPlayer : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ReplayPlayer);
  // `board`, `replay` and `events` must outlive the module.
  ReplayPlayer(sc_core::sc_module_name name, Board& board, const ReplaySettings& replay, EventLog& events);

  const std::vector<std::string>& problems() const { return problems_; }
  // Steps applied so far.
  size_t applied() const { return applied_; }

 private:
  void play();
  void apply(const replay::ReplayStep& step);

  Board& board_;
  const ReplaySettings& replay_;
  EventLog& events_;
  std::vector<std::string> problems_;
  size_t applied_ = 0;
  struct CoreRates {
    double corrected_errors = 0.0, exceptions = 0.0;  // per second
  };
  std::map<std::pair<ComponentClass, uint16_t>, CoreRates> core_rates_;
};

}  // namespace crashtwin::scenario
