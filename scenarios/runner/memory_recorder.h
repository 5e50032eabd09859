// Follows the agent's allocation-tracking ring during a run and builds
// memory_profile.json (traces/memory_profile.h): after every agent step it
// reads the events the step added and, when the allocator changed, takes a
// sample of its state; at the end it lists every live allocation with its
// owner from the agent's ownership map (Agent::owner_of).
#pragma once

#include <cstdint>
#include <vector>

#include "platform/agent/agent.h"
#include "traces/memory_profile.h"

namespace crashtwin::scenario {

class MemoryRecorder final : public AgentObserver {
 public:
  explicit MemoryRecorder(const Agent& agent);

  void on_tick(const Agent&, uint64_t time_ns) override { follow(time_ns); }
  void on_repartition(const Agent&, const RepartitionReport& report) override { follow(report.time_ns); }
  void on_capture(const Agent&, const ErrorEvent& event, const CaptureResult&, Status) override {
    follow(event.time_ns);
  }
  void on_control(const Agent&, std::string_view, const ControlResult& result) override { follow(result.time_ns); }

  // The profile as the scenario ended at `end_ns`.
  MemoryProfile finish(uint64_t end_ns);

 private:
  // Reads the ring's new events; samples the allocator when there were any
  // (or on the first step).
  void follow(uint64_t time_ns);
  MemorySample sample(uint64_t time_ns) const;

  const Agent& agent_;
  MemoryProfile profile_;
  uint64_t next_sequence_ = 0;
  std::vector<alloc::AllocEvent> buffer_;
};

}  // namespace crashtwin::scenario
