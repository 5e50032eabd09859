// The memory analyses of `crashtwin analyze` (docs/memory-analysis.md has
// every formula): from a run's memory_profile.json, allocation and free
// rates, size distribution, burst/steady/spike classification and hotspots
// by caller and owner; pressure and trend; leaks classified against the
// agent's ownership map, cross-checked by replaying the events; and
// fragmentation health over time with what a compaction would gain. Pure
// functions of the profile: the same profile gives the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "traces/memory_profile.h"

namespace crashtwin {

struct MemoryEpisode {
  std::string kind;  // burst or spike
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;  // end of its last window
  uint64_t events = 0;
  uint64_t peak_window_events = 0;
};

struct MemorySizeBucket {
  uint64_t min_bytes = 0;  // 2^k pages
  uint64_t max_bytes = 0;  // 2^(k+1) pages - 1 page
  uint64_t allocations = 0;
  uint64_t bytes = 0;
};

struct MemoryHotspot {
  std::string name;  // caller or owner
  uint64_t allocations = 0;  // alloc and grow events
  uint64_t frees = 0;        // free and shrink events
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  double share = 0;  // of all alloc and grow events
};

struct MemoryLeak {
  std::string kind;  // direct, indirect, resource
  uint64_t address = 0;
  uint64_t bytes = 0;
  std::string last_owner;  // from the events: whom it was allocated for ("" unknown)
  uint64_t allocated_ns = 0;  // from the events; 0 when not seen
};

struct MemoryFragmentationPoint {
  uint64_t time_ns = 0;
  double external = 0;  // 1 - largest free block / free bytes
  double internal = 0;  // 1 - requested / owned bytes
  double health = 0;    // 100 (1 - external) (1 - internal)
  uint64_t compaction_gain_bytes = 0;  // free bytes - largest free block
  double pressure = 0;  // allocated / managed bytes
};

// NUMA placement (boards with several nodes): a live slice at the end and
// where it lies against its component's node.
struct MemoryNumaSlice {
  std::string component;
  uint64_t address = 0;
  uint64_t bytes = 0;
  uint32_t node = 0;       // of its first byte
  uint32_t home_node = 0;  // its component's
  uint64_t bytes_off_home = 0;
};
struct MemoryNumaNodeUse {
  uint32_t node = 0;
  uint64_t slice_bytes = 0;  // live slice bytes on the node at the end
  uint64_t slices = 0;       // slices starting on it
};

struct MemoryAnalysis {
  uint64_t duration_ns = 0;
  uint64_t region_bytes = 0;
  uint64_t events = 0;
  uint64_t events_lost = 0;
  // Rates
  uint64_t allocations = 0;  // alloc and grow events
  uint64_t frees = 0;        // free and shrink events
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  double allocations_per_s = 0;
  double frees_per_s = 0;
  double bytes_allocated_per_s = 0;
  std::vector<MemorySizeBucket> sizes;
  // Classification over windows of one tick period
  uint64_t window_ns = 0;
  std::vector<uint64_t> window_events;  // every event, per window
  double window_median = 0;
  double hot_threshold = 0;  // a window above it is hot
  std::string pattern;       // steady, spiky, bursty
  std::vector<MemoryEpisode> episodes;
  uint64_t bursts = 0;
  uint64_t spikes = 0;
  std::vector<MemoryHotspot> callers;  // by allocations, most first
  std::vector<MemoryHotspot> owners;   // top 10 by allocations
  bool firmware_counts_match = true;   // the events add up to the firmware's per-caller counts
  // Pressure and trend
  double pressure_peak = 0;
  double pressure_mean = 0;  // time-weighted
  double pressure_final = 0;
  double trend_bytes_per_s = 0;  // least-squares slope of allocated bytes
  std::string trend;             // growing, flat, shrinking
  // Leaks at the end of the run
  std::vector<MemoryLeak> leaks;
  uint64_t direct_leaks = 0, direct_leak_bytes = 0;
  uint64_t indirect_leaks = 0, indirect_leak_bytes = 0;
  uint64_t resource_leaks = 0, resource_leak_bytes = 0;
  uint64_t fragmentation_holes = 0, fragmentation_hole_bytes = 0;  // free blocks below the minimum slice
  uint64_t leak_candidates = 0;  // the event replay's suspects
  uint64_t false_positives = 0;  // suspects the ownership map holds live
  uint64_t missed_by_replay = 0;  // direct leaks the replay did not suspect
  // Fragmentation
  std::vector<MemoryFragmentationPoint> fragmentation;
  double health_min = 100, health_mean = 100, health_final = 100;
  uint64_t compaction_gain_final_bytes = 0, compaction_gain_max_bytes = 0;
  double external_final = 0, internal_final = 0;
  // NUMA (numa_nodes 0: a one-node board, nothing below is computed)
  uint32_t numa_nodes = 0;
  std::string slice_placement;
  std::vector<MemoryNumaNodeUse> numa_use;
  std::vector<MemoryNumaSlice> remote_slices;  // live slices with bytes off their component's node
  uint64_t remote_slice_bytes = 0;             // their bytes off home
  double remote_slice_share = 0;               // of all live slice bytes, at the end
  uint64_t placements_home = 0;    // alloc and grow events of a slice whose new pages start on its node
  uint64_t placements_remote = 0;  // ... on another node
};

// The files `crashtwin analyze` writes into a run directory (analysis.json
// also into a batch directory).
inline constexpr const char* kAnalysisFile = "analysis.json";
inline constexpr const char* kAllocationRateChart = "memory_allocation_rate.svg";
inline constexpr const char* kFragmentationChart = "memory_fragmentation.svg";

MemoryAnalysis analyze_memory(const MemoryProfile& profile);

// One sample's fragmentation and health (the formulas of
// docs/memory-analysis.md, "Fragmentation health"), `region_bytes` being
// the bytes the allocator manages; the one place they are computed (the
// analysis and the live view's memory tab use it).
MemoryFragmentationPoint fragmentation_point(const MemorySample& sample, uint64_t region_bytes);

// analysis.json of a run directory.
std::string memory_analysis_json(const MemoryAnalysis& analysis);
// Charts written beside it, as .svg files (styles and legend inside) and as
// report.html figures (styled by the page, legend in HTML).
std::string allocation_rate_svg(const MemoryAnalysis& analysis);
std::string fragmentation_health_svg(const MemoryAnalysis& analysis);
std::string allocation_rate_figure(const MemoryAnalysis& analysis);
std::string fragmentation_health_figure(const MemoryAnalysis& analysis);

// One run of a batch-level analysis.json.
struct MemoryAnalysisRun {
  std::string run;  // relative to the batch directory
  std::string scenario, policy, strategy;
  uint64_t seed = 0;
  MemoryAnalysis analysis;
};
std::string batch_memory_analysis_json(const std::vector<MemoryAnalysisRun>& runs);

}  // namespace crashtwin
