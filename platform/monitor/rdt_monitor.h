// The firmware's resource monitoring, as Linux's resctrl does it with Intel
// RDT (platform/monitor/rdt_registers.h): a workload that starts gets an
// RMID from the allocator and its cores are programmed to tag their cache
// fills and memory traffic with it; each sample reads, per monitored
// workload, its LLC occupancy and its total and local memory-bandwidth
// counters, and turns the counters into rates by the difference to the
// previous reading modulo the counter width (the counters wrap). A workload
// that stops has its cores set back to RMID 0 and its RMID put in limbo,
// so the next workload does not inherit its cache lines.
//
// Portable firmware code: fixed storage, no heap. The hardware is probed on
// the first workload notice, not at boot: a board without workloads sees no
// access of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/hal/hal.h"
#include "platform/monitor/rdt_registers.h"
#include "platform/monitor/rmid_allocator.h"
#include "platform/monitor/workload_notice.h"

namespace crashtwin {

inline constexpr size_t kMaxRmids = 256;               // RMIDs the firmware manages (the rest idle)
inline constexpr size_t kMaxMonitoredWorkloads = 32;   // workloads running at once

// What the firmware knows of one running workload: its features.
struct WorkloadFeatures {
  RmidOwner owner;
  uint32_t rmid = 0;         // 0: none (the RMIDs were exhausted when it started)
  uint64_t started_ns = 0;
  uint64_t sampled_ns = 0;   // the latest reading (0: none yet)
  uint64_t llc_occupancy_bytes = 0;
  double mbm_total_bytes_per_s = 0;  // over the interval before sampled_ns
  double mbm_local_bytes_per_s = 0;
  uint64_t mbm_total_bytes = 0;      // since its RMID was assigned
  uint64_t mbm_local_bytes = 0;
  bool has_rates = false;            // two readings so far: the rates mean something
};

enum class RmidEventKind : uint8_t {
  assigned,   // a starting workload got an RMID
  freed,      // a stopping workload's RMID went to limbo
  exhausted,  // a starting workload got none: every RMID in use or in limbo
};
const char* to_string(RmidEventKind kind);

struct RmidEvent {
  RmidEventKind kind = RmidEventKind::assigned;
  uint64_t time_ns = 0;
  RmidOwner owner;
  uint32_t rmid = 0;
  Status status = Status::ok;  // exhausted: the allocator's answer (no_memory, busy)
  RmidCounts counts;           // after the event
};

struct RdtStats {
  uint64_t assigned = 0;
  uint64_t freed = 0;
  uint64_t exhausted = 0;
  uint64_t samples = 0;               // counter readings (one event of one workload)
  uint64_t counter_errors = 0;        // readings with the Error bit
  uint64_t counter_unavailable = 0;   // readings with the Unavailable bit
  uint64_t access_failures = 0;       // the Hal refused a register access
};

class RdtMonitor {
 public:
  // Forgets every workload and RMID (a boot). `min_free_time_ns`: an RMID's
  // limbo after its workload stopped.
  void reset(uint64_t min_free_time_ns);
  // A workload started or stopped. `event` tells what happened to RMIDs;
  // returns false when nothing did (a stop of a workload that was never
  // started, a board without monitoring).
  // Status: ok; unsupported (no monitoring on this board); no_memory (more
  // than kMaxMonitoredWorkloads running); not_found (stop of an unknown
  // workload); invalid_argument (a start of a workload already running).
  Status workload_changed(Hal& hal, const WorkloadNotice& notice, uint64_t now_ns, RmidEvent& event, bool& has_event);
  // Reads every monitored workload's counters.
  void sample(Hal& hal, uint64_t now_ns);

  bool probed() const { return probed_; }
  bool available() const { return available_; }
  const rdt::Capabilities& capabilities() const { return caps_; }
  std::span<const WorkloadFeatures> workloads() const { return {workloads_, workload_count_}; }
  const RdtStats& stats() const { return stats_; }
  const RmidAllocator& allocator() const { return allocator_; }

 private:
  struct CounterBaseline {
    uint64_t total = 0;
    uint64_t local = 0;
    bool valid = false;
  };
  bool probe(Hal& hal);
  // One counter's data bits; false (counted) for Error, Unavailable or a
  // failed access.
  bool read_counter(Hal& hal, rdt::MonitorEvent event, uint32_t rmid, uint64_t& data);
  Status program_cores(Hal& hal, const WorkloadNotice& cores, uint32_t rmid);
  size_t find(uint32_t workload_id) const;

  uint64_t min_free_time_ns_ = 0;
  bool probed_ = false;
  bool available_ = false;
  rdt::Capabilities caps_{};
  RmidEntry entries_[kMaxRmids] = {};
  RmidAllocator allocator_;
  WorkloadFeatures workloads_[kMaxMonitoredWorkloads] = {};
  WorkloadNotice cores_[kMaxMonitoredWorkloads] = {};  // each workload's start notice (its cores)
  CounterBaseline baselines_[kMaxMonitoredWorkloads] = {};
  size_t workload_count_ = 0;
  RdtStats stats_{};
};

}  // namespace crashtwin
