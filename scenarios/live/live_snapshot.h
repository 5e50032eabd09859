// What the live terminal view (`crashtwin run --live`, docs/live-view.md)
// shows, as plain data: one snapshot struct per tab, each filled by one
// function from what the running board and agent expose. These fill
// functions are the one place to extend when a model gains something to
// show (a cache model's hit ratios on the cache tab, modelled stack
// high-water on the stacks tab, NUMA placement on the NUMA tab).
//
// Filling reads the models without moving them (CpuCluster::core_as_is,
// CpuCore::last_registers, Dram::dimm_traffic_bytes, the LLC occupancies as
// last integrated): advancing a model draws from its random stream or
// changes its integration steps, and a run watched live must write the same
// bytes as one that is not. Formatting is live_text.h; the terminal is
// curses_screen.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/agent/agent.h"
#include "traces/memory_analysis.h"
#include "traces/memory_profile.h"

namespace crashtwin {
class Board;
}  // namespace crashtwin

namespace crashtwin::live {

// A run the user stops (q) ends the view at once (the CLI says why nothing
// was written), so the view only shows these two.
enum class RunState : uint8_t { running, finished };

// Header of every tab: what runs and how far it is.
struct ProgressSnapshot {
  std::string scenario, policy, strategy;
  uint64_t seed = 0;
  uint64_t sim_ns = 0;       // simulated time reached
  uint64_t duration_ns = 0;  // the scenario's
  double wall_s = 0;         // since the simulation started
  double view_s = 0;         // of it spent by the view (snapshots, drawing, keys)
  RunState state = RunState::running;
  std::string outcome;       // finished: "finished: passed -> results/x"
};

// Overview tab: the crash region's slices and each component's predicted
// failure probability.
struct SliceRow {
  std::string component;  // "cpu.0"
  double probability = 0;  // latest prediction (0 without a model)
  bool alarmed = false;    // the agent's predictive-failure alarm (Agent::alarmed)
  bool has_slice = false;
  uint64_t base = 0;
  uint64_t size = 0;
  uint64_t used_bytes = 0;
  uint32_t records = 0;
  bool truncated = false;
};
struct OverviewTab {
  std::vector<SliceRow> components;  // in the agent's instance order
  uint64_t reserved_bytes = 0;
  uint64_t budget_bytes = 0;
  uint32_t model_generation = 0;  // 0: no model
  uint64_t ticks = 0, repartitions = 0, captures = 0, truncated_captures = 0, failed_captures = 0;
  RepartitionReport last_repartition;  // time_ns 0 with repartitions 0: none yet
};

// Memory tab: the slice allocator's health (docs/memory-analysis.md).
struct CallerRow {
  std::string caller;
  uint64_t allocs = 0, frees = 0, pages_allocated = 0, pages_freed = 0;
};
struct MemoryTab {
  uint64_t region_bytes = 0;  // managed by the allocator
  MemorySample sample;
  MemoryFragmentationPoint health;
  std::vector<uint64_t> free_blocks_per_order;  // like /proc/buddyinfo
  std::vector<CallerRow> callers;
  uint64_t events_recorded = 0;  // by the tracking ring since boot
};

// Cache tab: the LLC occupancy per RMID (CMT), with the workload the
// firmware monitors on it and its memory-bandwidth rates (MBM).
struct CacheRow {
  uint32_t rmid = 0;
  std::string workload;         // the firmware's owner name ("" for none)
  std::vector<uint32_t> cores;  // tagged with it now (IA32_PQR_ASSOC)
  double occupancy_bytes = 0;   // the CPU model's, as last integrated
  double mbm_total_bytes_per_s = 0;  // the firmware's latest rates
  double mbm_local_bytes_per_s = 0;
};
// One core's cache model counts since power-on (models/cpu/cache_model.h);
// a ratio is negative when its level had no lookup.
struct CoreCacheRow {
  uint32_t core = 0;
  uint64_t accesses = 0;  // sampled
  double l1 = -1, l2 = -1, llc = -1, tlb = -1;
  double coherence_per_kaccess = 0;
};
struct CacheTab {
  bool has_cluster = false;
  std::vector<CoreCacheRow> cores;  // empty: the cache model is off
  uint64_t llc_bytes = 0;
  double occupied_bytes = 0;
  uint32_t rmids = 0;
  std::vector<CacheRow> rows;  // RMIDs in use by a core or holding lines
};

// Stacks tab: each core's kernel stack pointer against its stack's top.
struct StackRow {
  uint32_t core = 0;
  std::string state;  // running, hung, halted
  uint64_t rsp = 0;
  uint64_t stack_top = 0;
  uint64_t depth_bytes = 0;       // stack_top - rsp
  uint64_t high_water_bytes = 0;  // Linux's stack_not_used() scan of the modelled stack
  bool magic_intact = true;       // STACK_END_MAGIC still in the lowest word
};
struct StacksTab {
  uint64_t stack_bytes = 0;  // THREAD_SIZE
  std::vector<StackRow> cores;
};

// NUMA tab: traffic per memory node and MBM local/remote bytes per RMID.
struct NumaNodeRow {
  uint32_t node = 0;
  uint32_t dimms = 0;
  uint64_t bytes = 0;
  std::vector<uint32_t> cores;
  uint64_t traffic_bytes = 0;  // since power-on
  double traffic_bytes_per_s = 0;  // over the simulated time since the previous snapshot
  uint64_t slice_bytes = 0;        // crash slices on the node now
  uint64_t slice_bytes_off_home = 0;  // of those, slices of components on another node
};
struct NumaRmidRow {
  uint32_t rmid = 0;
  uint64_t total_bytes = 0;
  uint64_t local_bytes = 0;
  uint64_t remote_bytes() const { return total_bytes - local_bytes; }
};
struct NumaTab {
  std::string slice_placement;  // agent.slice_placement
  std::vector<NumaNodeRow> nodes;
  std::vector<NumaRmidRow> rmids;  // RMIDs that moved bytes
};

// One line of the event list: an event, or a run of the same event
// (a repartition every tick) from first_ns to t_ns.
struct EventRow {
  uint64_t t_ns = 0;
  std::string text;
  uint64_t repeats = 1;
  uint64_t first_ns = 0;
};

struct LiveSnapshot {
  ProgressSnapshot progress;
  OverviewTab overview;
  MemoryTab memory;
  CacheTab cache;
  StacksTab stacks;
  NumaTab numa;
  std::vector<EventRow> events;  // oldest first
};

// The fill functions. `previous` (the tab of the snapshot before, when
// there was one) carries what accumulates across snapshots: the traffic
// for the NUMA rates.
void fill_overview(const Agent& agent, OverviewTab& out);
void fill_memory(const Agent& agent, uint64_t now_ns, MemoryTab& out);
void fill_cache(Board& board, const Agent& agent, CacheTab& out);
void fill_stacks(Board& board, StacksTab& out);
void fill_numa(Board& board, const Agent& agent, const NumaTab* previous, uint64_t elapsed_ns, NumaTab& out);

}  // namespace crashtwin::live
