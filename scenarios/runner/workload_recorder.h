// The named workloads of a run (scenario `workloads:`) as the firmware
// monitors them: at every agent tick each workload's LLC occupancy and
// total and local memory bandwidth (the agent's RdtMonitor features), as
// timeseries columns of one family per quantity (traces/timeseries_writer.h);
// every RMID the firmware assigned, freed or could not find, as `rmid`
// events; and the counts for summary.json's `rdt` metric.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/agent/agent.h"
#include "scenarios/runner/run_recorder.h"
#include "scenarios/schema/scenario.h"
#include "traces/event_log.h"

namespace crashtwin::scenario {

class WorkloadRecorder final : public AgentObserver {
 public:
  WorkloadRecorder(const Scenario& scenario, EventLog& events) : scenario_(scenario), events_(events) {}

  void on_tick(const Agent& agent, uint64_t time_ns) override;
  void on_rmid(const Agent& agent, const RmidEvent& event) override;

  // One column per workload and quantity, a value per tick the recorder saw
  // (the run's ticks; empty cells while a workload is not measured).
  void add_columns(RunRecorder& recorder) const;
  // summary.json's `rdt`: RMIDs assigned, freed, exhausted, counter readings
  // with the Error or Unavailable bit.
  nlohmann::ordered_json metric(const RdtStats& stats) const;

 private:
  struct Series {
    std::vector<double> occupancy_bytes, mbm_total_bps, mbm_local_bps;
  };
  const Scenario& scenario_;
  EventLog& events_;
  std::vector<Series> series_;  // per scenario workload
};

}  // namespace crashtwin::scenario
