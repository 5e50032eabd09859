// Intel RDT resource monitoring on the cpu cluster (CMT and MBM, register
// semantics in platform/monitor/rdt_registers.h): each core's RMID
// (IA32_PQR_ASSOC), the LLC occupancy per RMID (models/cpu/llc_occupancy.h)
// and the event-select / counter pair software reads them through, with the
// memory's per-RMID byte counts (RmidTrafficSource: the DRAM, which counts
// the bursts each core tags with its RMID) behind the MBM events.
//
// Also the named workloads of a scenario (`workloads:`): each runs on some
// cores with a memory bandwidth and an LLC working set; its traffic is added
// to its cores' and tagged with whatever RMID the firmware put on them.
//
// Parameters (board.cpu.rdt.*):
//   rmids               count  RMIDs of the package, 0 included (CPUID.(0xF,1):ECX + 1) (64)
//   llc_size            size   last-level cache shared by the cores (24 MiB)
//   upscale             size   bytes per count of IA32_QM_CTR (CPUID.(0xF,1):EBX) (64 KiB)
//   mbm_counter_width   count  bits of an MBM count before it wraps (24)
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/config/params.h"
#include "models/cpu/llc_occupancy.h"
#include "models/workload/traffic_burst.h"
#include "platform/core/status.h"
#include "platform/monitor/rdt_registers.h"

namespace crashtwin {

// One named workload on the cluster.
struct ClusterWorkload {
  uint32_t id = 0;
  std::vector<uint32_t> cores;
  double memory_bandwidth_bps = 0;  // spread evenly over its cores
  uint64_t llc_working_set_bytes = 0;
};

class ResourceMonitoring {
 public:
  struct Params {
    explicit Params(const ParamScope& p);
    param<uint64_t> rmids;
    param<uint64_t> llc_size;
    param<uint64_t> upscale;
    param<uint64_t> mbm_counter_width;
  };

  // `core_traffic_bps(c)`: core c's memory traffic now (phase and
  // workloads); `untagged_working_set` what a core without a named workload
  // reuses (its part of the span its bursts walk).
  ResourceMonitoring(const ParamScope& scope, uint32_t cores, uint64_t untagged_working_set,
                     std::function<double(uint32_t core)> core_traffic_bps);

  void attach_memory(const RmidTrafficSource* memory) { memory_ = memory; }

  rdt::Capabilities capabilities() const;
  // The core's NUMA node (cores split evenly over the memory's nodes).
  uint32_t numa_node(uint32_t core) const;
  uint32_t core_rmid(uint32_t core) const { return core_rmid_.at(core); }
  // IA32_PQR_ASSOC written: the core tags from `now_ns` on (bits above the
  // RMID field are ignored, as the class-of-service field is not modelled).
  void set_core_rmid(uint32_t core, uint64_t pqr_assoc, uint64_t now_ns);
  // IA32_QM_CTR for the event select `evtsel` at `now_ns`.
  uint64_t read_counter(uint64_t evtsel, uint64_t now_ns);

  // Workloads. invalid_argument: an id already running, no cores, a core
  // already running another workload; out_of_range: a core the cluster
  // lacks; not_found: stop of an id not running. The caller applies the
  // new per-core traffic (workload_traffic_bps) and then calls refresh().
  Status start_workload(const ClusterWorkload& workload);
  Status stop_workload(uint32_t id);
  double workload_traffic_bps(uint32_t core) const;
  // The workload running on the core, nullptr if none.
  const ClusterWorkload* workload_on(uint32_t core) const;

  // The occupancies advanced to `now_ns` under the demands in force, then
  // the demands of the cores as they are now (call after any change of a
  // core's traffic or RMID).
  void refresh(uint64_t now_ns);
  // Warm reset: every core back to RMID 0 (counters and occupancy stay).
  void reset(uint64_t now_ns);

  const LlcOccupancy& llc() const { return llc_; }

 private:
  Params params_;
  uint32_t cores_;
  uint64_t untagged_working_set_;
  std::function<double(uint32_t)> core_traffic_bps_;
  const RmidTrafficSource* memory_ = nullptr;
  std::vector<uint32_t> core_rmid_;
  std::vector<bool> rmid_tagged_;  // ever put on a core since power-on: has data
  std::vector<ClusterWorkload> workloads_;
  LlcOccupancy llc_;
};

}  // namespace crashtwin
