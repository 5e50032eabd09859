// The monitoring agent: the host firmware that runs on the board. Every
// allocation period it samples every metric of every component through the
// Hal, predicts each instance's failure probability, asks the partitioning
// policy for slice sizes and repartitions the crash region with the least
// movement. On an error it captures into the failed component's slice,
// commits the partition table and alerts the BMC.
//
// All working memory (buddy metadata, metric windows, per-slice scratch,
// capture scratch, model blob buffer) is carved from one span handed to
// init(); the agent never touches the heap.
//
// Model reload: the agent loads the model at boot and again on the first
// tick after request_model_reload() (the board rings it when a newer model
// file is provisioned). A blob replaces the running model only when it parses,
// matches the firmware's feature set and has a higher generation; otherwise
// the running model stays and the reason is logged and counted.
//
// Control channel (control()): one command line at a time from the host's
// procfs-like entry or the BMC's mailbox, parsed strictly
// (platform/monitor/control_command.h) and run through the mechanisms above:
//   dump C                  capture C's state now into C's slice (the error
//                           handler's path, with the class's representative
//                           error type and kOperatorDumpDetail) and alert the BMC
//   status                  a snapshot of the agent (ControlResult::report)
//   release_region A S      give [A, A+S) of the slice area back to the
//                           running kernel: page aligned, inside the slice
//                           area, not holding records, not released before;
//                           empty slices there are dropped (the next tick
//                           places them elsewhere) and the budget shrinks to
//                           what is left. Lasts until the next boot.
//   set allocation_frequency D   the repartition period, within the bounds
//                           the scenario's value has; applies from the next tick
// Every line ends in a ControlResult the observer is told of; refused lines
// are counted by the parser's reason or the agent's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "platform/agent/numa_layout.h"
#include "platform/agent/partition_policy.h"
#include "platform/alloc/buddy.h"
#include "platform/capture/capture.h"
#include "platform/core/bmc_alert.h"
#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/hal/firmware.h"
#include "platform/hal/hal.h"
#include "platform/monitor/control_command.h"
#include "platform/monitor/rdt_monitor.h"
#include "platform/predictor/alarm.h"
#include "platform/predictor/features.h"
#include "platform/predictor/model_blob.h"
#include "platform/region/crash_region.h"
#include "platform/region/dma_window.h"

namespace crashtwin {

// Bounds of the repartition period: the scenario's agent.allocation_frequency
// and the control channel's `set allocation_frequency` alike.
inline constexpr uint64_t kMinAllocationFrequencyNs = 1'000'000;             // 1 ms
inline constexpr uint64_t kMaxAllocationFrequencyNs = 3'600'000'000'000ull;  // 1 h

// The error type a `dump` of a class captures as (what its catalog entry
// captures): machine_check, memory_uncorrectable, disk_timeout, nic_fatal.
ErrorType dump_error_type(ComponentClass cls);

// Ranges release_region may give back per boot.
inline constexpr size_t kMaxReleasedRanges = 8;

// Why the agent refused a line that parsed.
enum class ControlRefusal : uint8_t {
  none = 0,
  parse,              // the line did not parse (ControlResult::parse_error says why)
  not_booted,
  no_such_component,  // dump of an instance the board does not have
  not_page_aligned,   // release_region
  not_in_region,      // release_region: not inside the crash region's slice area
  holds_records,      // release_region: overlaps a slice holding records
  already_released,   // release_region: overlaps a range released before
  too_many_releases,  // release_region: kMaxReleasedRanges this boot
  whole_region,       // release_region: nothing would be left for slices
  out_of_bounds,      // set allocation_frequency outside [kMin, kMax]AllocationFrequencyNs
};
inline constexpr size_t kControlRefusalCount = 11;
const char* to_string(ControlRefusal r);

// What `status` reports.
struct AgentStatusReport {
  uint64_t ticks = 0;
  uint64_t repartitions = 0;
  uint64_t captures = 0;
  uint64_t failed_captures = 0;
  uint64_t reserved_bytes = 0;
  uint32_t slices = 0;
  uint64_t allocation_frequency_ns = 0;
  uint64_t budget_bytes = 0;
  uint64_t released_bytes = 0;
  uint64_t region_base = 0;  // the crash region (release_region's ranges are inside its slice area)
  uint64_t region_size = 0;
  uint32_t model_generation = 0;  // 0: no model
  uint64_t control_accepted = 0;  // lines that parsed (this one included)
  uint64_t control_refused = 0;   // lines refused, by the parser or the agent
};

// The outcome of one control line.
struct ControlResult {
  ControlSource source = ControlSource::host;
  uint64_t time_ns = 0;
  ControlError parse_error = ControlError::none;
  ControlRefusal refusal = ControlRefusal::none;
  ControlCommand command;      // what the line said (parse_error none)
  Status status = Status::ok;  // what control() returned
  // dump: the capture (status above: ok, truncated or why it failed)
  ErrorEvent dump_event;
  CaptureResult capture;
  uint64_t alert_code = 0;
  // release_region: empty slices dropped from the range
  uint32_t slices_dropped = 0;
  // set allocation_frequency: the period before
  uint64_t previous_allocation_frequency_ns = 0;
  AgentStatusReport report;  // status (and the state after any verb)
  bool refused() const { return refusal != ControlRefusal::none; }
};

// The mission's four named parameters (allocation frequency, minimum and
// maximum partition size; the model path is host-side) plus the budget and
// the region the board reserved.
struct AgentConfig {
  uint64_t allocation_frequency_ns = 100'000'000;  // period of sample -> predict -> repartition
  uint64_t minimum_partition_size = 1ull << 20;
  uint64_t maximum_partition_size = 64ull << 20;
  uint64_t budget_bytes = 0;  // slices in total; <= region_size - kHeaderAreaBytes
  uint64_t region_base = 0;   // crash region, page aligned
  uint64_t region_size = 0;
  uint64_t horizon_ns = 5'000'000'000;  // what the predictions mean; informs the oracle policy
  uint64_t dram_bytes = 0;              // board DRAM (static policy's crashkernel table)
  float feature_ewma_alpha = 0.25f;     // weight of the newest sample in feature EWMAs
  // Span of the feature windows (MetricWindow::reset): the model's window
  // (FailureModel::window_ns) unless the scenario sets one; 0: the last
  // kWindowCapacity samples.
  uint64_t feature_window_ns = 0;
  // Largest CPER record one capture builds (its scratch is sized from it).
  // A record never outgrows its slice, so the largest slice is enough.
  uint32_t capture_record_limit_bytes = 512 * 1024;
  // Sizes and addresses capture works with: the same facts the policies
  // plan with (needed_bytes), so a capture's needs match the plan's.
  BoardFacts capture_facts{};
  // The DMA windows boot grants the BMC (the crash region, read-only) and
  // locks; dma_registers 0: the board has no BMC DMA to program.
  BmcDmaGrant bmc_dma{};
  // Secret pages and registers, and how captures protect them (off: none).
  CaptureConfidentiality confidentiality{};
  // Read every core's sampling timer at each tick (Hal::read_core_tick) for
  // the cross-core skew and the cores' overruns, from the first tick that
  // came late or after a missed boundary on.
  bool watch_core_timers = true;
  // How long an RMID freed by a stopping workload stays in limbo before
  // another workload may have it: long enough for the lines it left in the
  // LLC to be evicted (resctrl checks the occupancy; this allocator waits).
  uint64_t rmid_min_free_time_ns = 1'000'000'000;
  // Events the allocation-tracking ring holds (platform/alloc/alloc_trace.h);
  // 0: no tracking. The twin's runner reads it after every agent step, so
  // it only has to hold one repartition's events.
  uint32_t alloc_trace_events = 1024;
  // The board's NUMA nodes and where slices go on them
  // (platform/agent/numa_layout.h); one node: placement changes nothing.
  NumaLayout numa{};
  SlicePlacement slice_placement = SlicePlacement::any;
  // Each instance's predictive-failure alarm: asserts at its class's
  // threshold, clears below the band (platform/predictor/alarm.h).
  AlarmConfig alarm{};
};

// Who holds a live allocation of the slice allocator: the ownership map
// leak detection checks against (docs/memory-analysis.md).
enum class AllocationOwnerKind : uint8_t {
  none,      // nothing the agent keeps refers to it
  slice,     // the slice of `component` in the partition table
  released,  // a range release_region gave to the running kernel
};
struct AllocationOwner {
  AllocationOwnerKind kind = AllocationOwnerKind::none;
  ComponentId component{};
  uint64_t requested_bytes = 0;  // the slice's size or the released range's
  uint64_t used_bytes = 0;       // records in the slice
  uint32_t records = 0;
};

// How many instances of each class the board has (Hal::component_count).
struct ComponentCounts {
  uint32_t of[kComponentClassCount] = {};
  uint32_t total() const { return of[0] + of[1] + of[2] + of[3]; }
};

struct AgentStats {
  uint64_t ticks = 0;
  uint64_t repartitions = 0;        // ticks that changed at least one slice
  uint64_t bytes_moved = 0;         // record bytes copied because a slice moved
  uint64_t slices_moved = 0;
  uint64_t grow_failures = 0;       // a slice could not get its target size
  uint64_t policy_rejections = 0;   // the policy broke its contract: layout kept
  uint64_t metric_read_errors = 0;  // instances skipped in a sample
  uint64_t captures = 0;
  uint64_t truncated_captures = 0;
  uint64_t failed_captures = 0;     // no slice, or nothing fit
  uint64_t model_reloads = 0;       // models accepted (boot included)
  uint64_t dma_grant_failures = 0;  // boots that could not grant the BMC its windows
  uint64_t model_rejections = 0;    // blobs refused (bad, incompatible, not newer)
  uint64_t reserved_bytes = 0;      // sum of slice sizes now
  // Ticks are due at multiples of the allocation period; the timer that
  // runs them is late by some latency, or skips boundaries (overruns).
  uint64_t missed_ticks = 0;        // boundaries no tick ran for (a gap in every window)
  uint64_t late_ticks = 0;          // ticks that ran after their boundary
  uint64_t tick_lateness_max_ns = 0;
  // Every core's timer, read at each tick (AgentConfig::watch_core_timers):
  uint64_t core_tick_overruns = 0;  // boundaries the cores' timers skipped, all cores
  uint64_t tick_skew_last_ns = 0;   // latest minus earliest handler of the newest boundary
  uint64_t tick_skew_max_ns = 0;
  uint64_t control_executed = 0;    // control lines run (dump, status, release_region, set)
  uint64_t control_refused = 0;     // control lines refused (parser or agent)
  uint64_t control_refused_by[kControlRefusalCount] = {};  // the agent's reasons ([parse]: the parser's)
  uint64_t released_bytes = 0;      // given back to the kernel this boot
  // node_local placement: slices placed in their component's node's part
  // of the region, and those that had to go to another node for lack of
  // room there (a slice in a region without memory on its node counts too).
  uint64_t node_local_placements = 0;
  uint64_t remote_placements = 0;
  uint64_t alarms_asserted = 0;  // predictive-failure alarms raised, every instance
  uint64_t alarm_report_errors = 0;  // alarm changes the BMC could not be told of (a failed PFA write)
};

// What one repartition did (observers, traces).
struct RepartitionReport {
  uint64_t time_ns = 0;
  uint32_t slices_changed = 0;
  uint32_t slices_moved = 0;
  uint64_t bytes_moved = 0;
  uint64_t reserved_bytes = 0;
};

class Agent;

// Lets the runner record events as they happen instead of polling. Calls come
// from inside tick() / handle_error(); an observer must not call back into
// the agent's mutating functions.
class AgentObserver {
 public:
  virtual void on_tick(const Agent& agent, uint64_t time_ns) { (void)agent, (void)time_ns; }
  virtual void on_repartition(const Agent& agent, const RepartitionReport& report) { (void)agent, (void)report; }
  virtual void on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) {
    (void)agent, (void)event, (void)result, (void)status;
  }
  // After every control line, run or refused (`line` as received).
  virtual void on_control(const Agent& agent, std::string_view line, const ControlResult& result) {
    (void)agent, (void)line, (void)result;
  }
  // After a workload notice that assigned, freed or failed to find an RMID.
  virtual void on_rmid(const Agent& agent, const RmidEvent& event) { (void)agent, (void)event; }

 protected:
  ~AgentObserver() = default;
};


class Agent final : public Firmware {
 public:
  Agent() = default;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Bytes init() needs for this configuration and board.
  static size_t memory_bytes(const AgentConfig& config, const ComponentCounts& counts);

  // Validates the configuration against the Hal's board (component counts,
  // at most kMaxPolicySlices instances) and carves `memory`.
  // invalid_argument: inconsistent configuration; no_memory: span too small.
  Status init(const AgentConfig& config, Hal& hal, PartitionPolicy& policy, std::span<std::byte> memory);
  void set_observer(AgentObserver* observer) { observer_ = observer; }

  // Firmware: boot loads the model (none is not an error: predictions are 0
  // until one arrives), formats the crash region and runs the first tick so
  // every component has a slice from the start.
  Status boot() override;
  uint64_t next_tick_ns() const override { return next_tick_ns_; }
  uint64_t tick_period_ns() const override { return config_.allocation_frequency_ns; }
  Status tick() override;
  Status handle_error(const ErrorEvent& event) override;
  // One control line: ok when it ran (a dump ran even when its capture
  // failed: see the result's status); invalid_argument when it did not
  // parse; out_of_range, not_found, busy or no_memory when the agent refused
  // it (ControlResult::refusal).
  Status control(ControlSource source, std::string_view line) override;
  Status control(ControlSource source, std::string_view line, ControlResult& result);
  // A workload started or stopped: its RMID (RdtMonitor); each tick then
  // reads its occupancy and bandwidth.
  Status workload_changed(const WorkloadNotice& notice) override;
  // The per-workload monitoring: RMIDs and features.
  const RdtMonitor& monitor() const { return monitor_; }
  // The parser's counts of every line so far (accepted, refused by reason).
  const ControlStats& control_stats() const { return control_stats_; }
  // Ranges given back by release_region this boot.
  struct ReleasedRange {
    uint64_t base = 0;
    uint64_t size = 0;
  };
  std::span<const ReleasedRange> released_ranges() const { return {released_, released_count_}; }

  // The model is reloaded from the Hal on the next tick.
  void request_model_reload() { reload_requested_ = true; }

  // Repartitions to `targets` (one size per instance, in instance() order)
  // as tick() does with its policy's answer: shrinks, grows in place or by
  // moving records, commits the partition table. The targets must honour the
  // policy contract (check_target_sizes) against the current slices.
  // invalid_argument before boot or for a wrong count; out_of_range for
  // targets that break the contract (layout kept).
  Status repartition(std::span<const uint64_t> targets, uint64_t now_ns);

  // --- read-only views for the runner and traces ---------------------------
  const PartitionTable& partition_table() const { return table_; }
  const AgentStats& stats() const { return stats_; }
  const AgentConfig& config() const { return config_; }
  const char* policy_name() const { return policy_ != nullptr ? policy_->name() : ""; }
  bool has_model() const { return has_model_; }
  uint32_t model_generation() const { return has_model_ ? model_.generation : 0; }
  const FailureModel& model() const { return model_; }
  // The slice allocator, read-only (fragmentation statistics for the results).
  const alloc::BuddyAllocator& buddy() const { return buddy_; }
  // The allocation-tracking ring (empty when alloc_trace_events is 0).
  const alloc::AllocTrace& alloc_trace() const { return trace_; }
  // Who holds the live allocation starting at `address` (kind none: nobody).
  AllocationOwner owner_of(uint64_t address) const;
  // Instances in a fixed order: every cpu, then memory, disk, network.
  size_t instance_count() const { return instance_count_; }
  ComponentId instance(size_t i) const;
  // Latest predicted probability; 0 for an unknown component.
  float probability(ComponentId component) const;
  std::span<const float> probabilities() const { return probabilities_; }
  // Whether the instance's predictive-failure alarm is asserted (with the
  // hysteresis of AgentConfig::alarm); false for an unknown component.
  bool alarmed(ComponentId component) const;
  const MetricWindow* window(ComponentId component) const;

 private:
  Status init_slice_allocator();
  // A reboot reformats the region: what the old boot held is gone, and the
  // tracking says so, one free per allocation (readers replay the ring).
  void trace_reformat();
  // Test fixture (PartitionPolicy::leaks_shrunk_slices): places the empty
  // slice at `entry` anew at `size` and never frees its old pages.
  bool leak_shrunk_slice(uint32_t entry, uint64_t size);
  void set_alloc_context(alloc::AllocCaller caller, ComponentId owner, uint64_t requested_bytes) {
    trace_.set_context(caller, static_cast<uint8_t>(owner.cls), owner.instance, requested_bytes);
  }
  Status load_model();
  // `missed`: boundaries passed without a tick since the last one.
  void sample(uint64_t now, bool missed);
  void watch_core_timers();
  Status repartition(uint64_t now);  // policy + apply_targets
  // Fills demands_ from the table and probabilities_; returns the policy input.
  PolicyInput describe_slices(uint64_t now);
  // Fills slot_of_ from the table.
  void index_slices();
  Status apply_targets(std::span<const uint64_t> targets, uint64_t now);
  // Finds and reserves `pages` for `owner`'s slice: on its node first under
  // node_local placement, then wherever the buddy, first fit or packing
  // find room.
  Status place(uint64_t pages, uint64_t& address, ComponentId owner);
  // First fit of `pages` at the slice area's start or right after a slice;
  // reserves it. False when no such spot is free.
  bool first_fit(uint64_t pages, uint64_t& address);
  Status place_anywhere(uint64_t pages, uint64_t& address);
  // Whether growing `slice` in place to `size` keeps it on its node (always
  // true unless placement is node_local).
  bool grows_in_place_at_home(const SliceEntry& slice, uint64_t size) const;
  // First fit inside [lo, hi) (the candidates first_fit tries, and lo).
  bool first_fit_within(uint64_t pages, uint64_t lo, uint64_t hi, uint64_t& address);
  // node_local placement: the part of the slice area on `owner`'s node,
  // false when the area has none there (or placement is any).
  bool home_range(ComponentId owner, uint64_t& lo, uint64_t& hi) const;
  // Slides record-free slices down to the lowest free addresses, in address
  // order, so scattered free pages become one run; returns how many moved
  // or grew.
  // Those the grow pass has still to reach are given their target size as
  // they move (see pass_ below), so one packing serves the whole pass.
  uint32_t pack_empty_slices();
  uint64_t pack_size(uint32_t entry) const;  // the size a slice packs at
  // Packs the slices of `entries` (address order, all empty) from `start`,
  // above which nothing else is allocated; returns how many moved.
  uint32_t pack_above(const uint16_t* entries, uint32_t count, uint64_t start);
  // Grows the empty slice at `entry` to `size` somewhere else (its own pages
  // count as free); on failure it keeps its size, where it was if possible.
  enum class EmptyMove : uint8_t { grown, kept, relocated, dropped };
  EmptyMove move_empty_slice(uint32_t entry, uint64_t size);
  // Shrinks the empty slice at `entry` to `size` by moving its start up
  // when the slice just below it is about to grow; false, untouched, when
  // that does not apply.
  bool shrink_from_start(uint32_t entry, uint64_t size, std::span<const uint64_t> targets);
  Status move_records(uint64_t from, uint64_t to, uint64_t bytes);
  // The error handler's capture: into the component's slice, table
  // committed, BMC alerted (in every case). Returns the capture's status.
  Status capture_and_alert(const ErrorEvent& event, CaptureResult& result, uint64_t& alert_code);
  // The verbs of control(); each fills `result` and returns its status.
  Status run_dump(ControlResult& result);
  Status run_release_region(ControlResult& result);
  Status run_set_allocation_frequency(ControlResult& result);
  AgentStatusReport status_report() const;
  size_t index_of(ComponentId component) const;
  void sort_table();
  uint64_t reserved_bytes() const;

  AgentConfig config_{};
  Hal* hal_ = nullptr;
  PartitionPolicy* policy_ = nullptr;
  AgentObserver* observer_ = nullptr;
  ComponentCounts counts_{};
  size_t instance_count_ = 0;

  alloc::BuddyAllocator buddy_;
  alloc::AllocTrace trace_;
  PartitionTable table_{};
  FailureModel model_{};
  bool has_model_ = false;
  bool reload_requested_ = false;
  bool booted_ = false;
  // Boots so far (the high half of record ids) and failures handled in this
  // boot (the low half, and the sequence the BMC alert carries).
  uint32_t boot_count_ = 0;
  uint32_t failure_sequence_ = 0;
  uint64_t next_tick_ns_ = 0;
  bool core_timers_readable_ = true;
  AgentStats stats_{};
  ControlStats control_stats_{};
  RdtMonitor monitor_;
  uint64_t configured_budget_bytes_ = 0;  // init's budget; release_region lowers config_'s until the next boot
  ReleasedRange released_[kMaxReleasedRanges] = {};
  size_t released_count_ = 0;
  // Smallest page count place() failed for since the last change that could
  // open a new spot (apply_targets resets it); UINT64_MAX: none.
  uint64_t first_fit_failed_pages_ = UINT64_MAX;
  uint32_t packed_slices_ = 0;  // moved by pack_empty_slices() in this repartition
  uint32_t grown_by_packing_ = 0;  // grown there without moving
  // The grow pass of apply_targets in progress: its targets and the
  // instance it is placing (later instances are not grown yet).
  struct GrowPass {
    std::span<const uint64_t> targets;
    size_t current = 0;
    uint64_t need_bytes = 0;  // the placement that is packing: left room for
  } pass_{};
  // Table position of each instance's slice (kNoSlot: none), so a
  // repartition does not search the table per instance.
  static constexpr uint16_t kNoSlot = UINT16_MAX;
  uint16_t slot_of_[kMaxPolicySlices] = {};

  // Carved from init's memory.
  std::span<std::byte> buddy_metadata_;
  std::span<MetricWindow> windows_;
  std::span<float> probabilities_;
  std::span<AlarmState> alarms_;
  std::span<SliceDemand> demands_;
  std::span<uint64_t> targets_;
  std::span<uint64_t> retired_;  // old bases of moved slices, freed after the copies
  size_t retired_count_ = 0;
  std::span<SensorReading> history_;
  std::span<std::byte> scratch_;  // capture records, slice moves
  std::span<std::byte> model_buffer_;
};

}  // namespace crashtwin
