// The cores' kernel stacks over a run (models/cpu/kernel_stack.h): at every
// agent tick each core's depth (top - rsp) and high-water mark (Linux's
// CONFIG_DEBUG_STACK_USAGE scan), as timeseries columns; a
// `stack_overflow` event when a page fault the board raises is a core's
// stack overflowing into its guard page; and summary.json's
// `kernel_stacks` metric (per core and over the cores).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/board/board.h"
#include "platform/agent/agent.h"
#include "scenarios/runner/run_recorder.h"
#include "traces/event_log.h"

namespace crashtwin {
class CpuCluster;
}

namespace crashtwin::scenario {

class StackRecorder final : public AgentObserver, public BoardObserver {
 public:
  StackRecorder(Board& board, EventLog& events);

  void on_tick(const Agent& agent, uint64_t time_ns) override;
  void on_error_raised(const ErrorEvent& event) override;

  // One depth and one high-water column per core, a value per tick seen.
  void add_columns(RunRecorder& recorder) const;
  // {"high_water_bytes": max over cores, "overflows": n, "cores": [...]},
  // each core's figures as the run ended. Empty without a CPU cluster.
  nlohmann::ordered_json metric();
  bool modelled() const { return cpu_ != nullptr; }

 private:
  CpuCluster* cpu_ = nullptr;
  EventLog& events_;
  std::vector<std::vector<double>> depth_, high_water_;  // per core, per tick
  uint64_t overflows_ = 0;
};

}  // namespace crashtwin::scenario
