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

// The slice allocator's state now, with the bytes of allocations that have
// an owner in the agent's map and what those owners asked for (a
// memory_profile.json sample; the live view's memory tab takes the same).
MemorySample memory_sample_of(const Agent& agent, uint64_t time_ns);
// Free blocks per order, like /proc/buddyinfo, up to the largest order the
// allocator's pages can hold.
std::vector<uint64_t> free_blocks_per_order(const alloc::BuddyAllocator& buddy);

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

  const Agent& agent_;
  MemoryProfile profile_;
  uint64_t next_sequence_ = 0;
  std::vector<alloc::AllocEvent> buffer_;
};

}  // namespace crashtwin::scenario
