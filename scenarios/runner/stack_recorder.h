// The cores' kernel stacks over a run (models/cpu/kernel_stack.h): at every
// agent tick each core's depth (top - rsp) and high-water mark (Linux's
// CONFIG_DEBUG_STACK_USAGE scan), as timeseries columns; a
// `stack_overflow` event when a page fault the board raises is a core's
// stack overflowing into its guard page; and summary.json's
// `kernel_stacks` metric (over the cores and the run).
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
  // The cores' figures as the scenario ends (before the recovery tail);
  // nothing is recorded after.
  void finish();
  // {"stack_bytes", "high_water_bytes" (max over the cores and the run),
  // "overflows"}; per-core figures are the timeseries columns. Empty without a CPU cluster.
  nlohmann::ordered_json metric() const;
  bool modelled() const { return cpu_ != nullptr; }

 private:
  CpuCluster* cpu_ = nullptr;
  EventLog& events_;
  std::vector<std::vector<double>> depth_, high_water_series_;  // per core, per tick
  uint64_t overflows_ = 0;
  uint64_t high_water_ = 0;  // over the cores and the run
  bool finished_ = false;
};

}  // namespace crashtwin::scenario
