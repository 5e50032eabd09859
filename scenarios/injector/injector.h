// The injector: a SystemC module that plays a Schedule against the board at
// its simulated times: workload phases to the CPU cluster, DRAM, disks and
// NICs; precursor contributions (corrected-error, exception and I/O error
// rates, latency offsets, temperatures, heat ramps, link flaps) summed per
// component so overlapping precursors and baselines stack; and failures
// through Board::inject_failure. It records what it actually did, because a
// failure the board refused never fired (and makes the run invalid).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <systemc>

#include "models/board/board.h"
#include "models/workload/workload_phase.h"
#include "scenarios/injector/schedule.h"
#include "scenarios/schema/scenario.h"
#include "traces/event_log.h"

namespace crashtwin::scenario {

// What became of one planned failure.
struct FiredFailure {
  bool injected = false;    // the board accepted the injection
  uint64_t t_ns = 0;        // when it was injected
  Status status = Status::ok;  // the board's answer
};

class Injector : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Injector);
  // `board`, `scenario`, `schedule` and `events` must outlive the module.
  Injector(sc_core::sc_module_name name, Board& board, const Scenario& scenario, const Schedule& schedule,
           EventLog& events);

  const std::vector<FiredFailure>& fired() const { return fired_; }
  // Problems applying actions (a precursor on a component the board lacks):
  // reported by the runner as an invalid run.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  using ChannelKey = std::tuple<ActionKind, ComponentClass, uint16_t>;

  void play();
  // After the t = 0 actions: Sensors::settle_parts when the board starts in service.
  void start_parts();
  void apply(const Action& a);
  void apply_phase(const crashtwin::WorkloadPhase& cpu_phase, const scenario::WorkloadPhase& p);
  // Sets contribution `source` of a channel and returns the channel's sum.
  double contribute(const Action& a);
  void push_cpu(ComponentId core);
  void inject(const Action& a);
  void problem(const Action& a, const std::string& what);
  void change_workload(const Action& a);

  Board& board_;
  const Scenario& scenario_;
  const Schedule& schedule_;
  EventLog& events_;
  std::vector<FiredFailure> fired_;
  std::vector<std::string> problems_;
  std::map<ChannelKey, std::map<uint32_t, double>> contributions_;
  std::set<ChannelKey> reported_;
  std::map<uint16_t, CorePrecursor> cpu_heat_;  // per core: the active heat ramp and stack recursion
  scenario::WorkloadPhase levels_;  // workload levels so far (phases inherit unset ones)
};

}  // namespace crashtwin::scenario
