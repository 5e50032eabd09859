#include "platform/agent/agent.h"

#include <cstdint>
#include <cstring>
#include <memory>

#include "platform/predictor/predictor.h"

namespace crashtwin {
namespace {

constexpr uint64_t kPage = kCrashRegionPageBytes;
static_assert(kPage == alloc::kPageSize, "slices are buddy pages");
static_assert(kMaxPolicySlices <= kMaxSlices, "every instance's slice fits the table");
constexpr size_t kHistoryReadings = kWindowCapacity * kMaxMetricsPerClass;

// The pieces init() carves, in order; memory_bytes() sums the same list.
struct Parts {
  size_t buddy_metadata_words, windows, floats, alarms, demands, sizes, readings, scratch, model, alloc_events;
};

Parts parts_of(const AgentConfig& c, const ComponentCounts& counts) {
  const size_t n = counts.total();
  const uint64_t slice_area = c.region_size > kHeaderAreaBytes ? c.region_size - kHeaderAreaBytes : 0;
  return Parts{(alloc::BuddyAllocator::metadata_bytes(slice_area) + 7) / 8,
               n,
               n,
               n,
               n,
               n,
               kHistoryReadings,
               capture_scratch_bytes(c.capture_record_limit_bytes),
               kMaxModelBlobBytes,
               c.alloc_trace_events};
}

template <typename T>
size_t carved_bytes(size_t count) {
  return count * sizeof(T) + alignof(T);  // worst-case alignment padding
}

// Takes `count` value-initialised T from the front of `memory`.
template <typename T>
std::span<T> carve(std::span<std::byte>& memory, size_t count) {
  const auto address = reinterpret_cast<uintptr_t>(memory.data());
  const size_t pad = (alignof(T) - address % alignof(T)) % alignof(T);
  T* first = reinterpret_cast<T*>(memory.data() + pad);
  for (size_t i = 0; i < count; ++i) std::construct_at(first + i);
  memory = memory.subspan(pad + count * sizeof(T));
  return {first, count};
}

uint64_t pages_of(uint64_t bytes) { return bytes / kPage; }

}  // namespace

size_t Agent::memory_bytes(const AgentConfig& config, const ComponentCounts& counts) {
  const Parts p = parts_of(config, counts);
  return carved_bytes<uint64_t>(p.buddy_metadata_words) + carved_bytes<MetricWindow>(p.windows) +
         carved_bytes<float>(p.floats) + carved_bytes<AlarmState>(p.alarms) + carved_bytes<SliceDemand>(p.demands) +
         2 * carved_bytes<uint64_t>(p.sizes) + carved_bytes<SensorReading>(p.readings) +
         carved_bytes<std::byte>(p.scratch) + carved_bytes<std::byte>(p.model) +
         carved_bytes<alloc::AllocEvent>(p.alloc_events);
}

Status Agent::init(const AgentConfig& config, Hal& hal, PartitionPolicy& policy, std::span<std::byte> memory) {
  const AgentConfig& c = config;
  if (c.allocation_frequency_ns == 0 || c.region_base % kPage != 0 || c.region_size % kPage != 0 ||
      c.region_size <= kHeaderAreaBytes || c.budget_bytes == 0 || c.budget_bytes > c.region_size - kHeaderAreaBytes ||
      c.maximum_partition_size < kPage || c.minimum_partition_size > c.maximum_partition_size ||
      c.capture_record_limit_bytes < kPage || !(c.feature_ewma_alpha > 0.0f && c.feature_ewma_alpha <= 1.0f) ||
      !c.numa.valid() || !c.alarm.valid())
    return Status::invalid_argument;
  // Sealing needs a sealer: without one, a secret section could only be
  // left out of every record.
  if (c.confidentiality.range_count > kMaxSecretRanges ||
      (c.confidentiality.mode == ConfidentialityMode::seal && c.confidentiality.sealer == nullptr))
    return Status::invalid_argument;
  ComponentCounts counts;
  for (size_t k = 0; k < kComponentClassCount; ++k) {
    counts.of[k] = hal.component_count(static_cast<ComponentClass>(k));
    if (counts.of[k] > UINT16_MAX) return Status::invalid_argument;
  }
  if (counts.total() > kMaxPolicySlices) return Status::invalid_argument;
  if (memory.size() < memory_bytes(c, counts)) return Status::no_memory;

  config_ = c;
  configured_budget_bytes_ = c.budget_bytes;
  hal_ = &hal;
  policy_ = &policy;
  counts_ = counts;
  instance_count_ = counts.total();
  const Parts p = parts_of(c, counts);
  buddy_metadata_ = std::as_writable_bytes(carve<uint64_t>(memory, p.buddy_metadata_words));
  windows_ = carve<MetricWindow>(memory, p.windows);
  probabilities_ = carve<float>(memory, p.floats);
  alarms_ = carve<AlarmState>(memory, p.alarms);
  demands_ = carve<SliceDemand>(memory, p.demands);
  targets_ = carve<uint64_t>(memory, p.sizes);
  retired_ = carve<uint64_t>(memory, p.sizes);
  history_ = carve<SensorReading>(memory, p.readings);
  scratch_ = carve<std::byte>(memory, p.scratch);
  model_buffer_ = carve<std::byte>(memory, p.model);
  if (p.alloc_events > 0) {
    if (Status s = trace_.init(carve<alloc::AllocEvent>(memory, p.alloc_events)); !ok(s)) return s;
    buddy_.set_trace(&trace_);
  }
  return init_slice_allocator();
}

void Agent::trace_reformat() {
  if (buddy_.trace() == nullptr || buddy_.allocation_count() == 0) return;
  trace_.set_time(hal_->now_ns());
  trace_.set_context(alloc::AllocCaller::boot);
  buddy_.walk_allocated(
      [](void* context, const alloc::Allocation& a) {
        static_cast<alloc::AllocTrace*>(context)->record(alloc::AllocOp::free, a.address, a.pages, a.pages);
      },
      &trace_);
}

Status Agent::init_slice_allocator() {
  return buddy_.init(config_.region_base + kHeaderAreaBytes, config_.region_size - kHeaderAreaBytes, buddy_metadata_);
}

ComponentId Agent::instance(size_t i) const {
  for (size_t k = 0; k < kComponentClassCount; ++k) {
    if (i < counts_.of[k]) return ComponentId{static_cast<ComponentClass>(k), static_cast<uint16_t>(i)};
    i -= counts_.of[k];
  }
  return ComponentId{};
}

size_t Agent::index_of(ComponentId component) const {
  const auto k = static_cast<size_t>(component.cls);
  if (k >= kComponentClassCount || component.instance >= counts_.of[k]) return instance_count_;
  size_t index = component.instance;
  for (size_t before = 0; before < k; ++before) index += counts_.of[before];
  return index;
}

float Agent::probability(ComponentId component) const {
  const size_t i = index_of(component);
  return i < instance_count_ ? probabilities_[i] : 0.0f;
}

bool Agent::alarmed(ComponentId component) const {
  const size_t i = index_of(component);
  return i < instance_count_ && alarms_[i].asserted;
}

const MetricWindow* Agent::window(ComponentId component) const {
  const size_t i = index_of(component);
  return i < instance_count_ ? &windows_[i] : nullptr;
}

uint64_t Agent::reserved_bytes() const {
  uint64_t sum = 0;
  for (uint32_t s = 0; s < table_.slice_count; ++s) sum += table_.slices[s].size;
  return sum;
}

Status Agent::boot() {
  if (hal_ == nullptr) return Status::invalid_argument;
  // A boot (or reboot) starts from an empty region: the BMC drained the old one.
  trace_reformat();
  if (Status s = init_slice_allocator(); !ok(s)) return s;
  // Ranges released to the kernel were for that boot: its successor
  // reserves the whole region again.
  released_count_ = 0;
  stats_.released_bytes = 0;
  config_.budget_bytes = configured_budget_bytes_;
  // The kernel that boots starts its workloads, and their RMIDs, again.
  monitor_.reset(config_.rmid_min_free_time_ns);
  for (size_t i = 0; i < instance_count_; ++i) {
    windows_[i].reset(instance(i).cls, config_.feature_ewma_alpha, config_.feature_window_ns);
    probabilities_[i] = 0.0f;
    alarms_[i].reset();
  }
  if (Status s = load_model(); !ok(s) && s != Status::not_found) hal_->log(LogLevel::warning, "agent: boot without a usable model");
  if (Status s = format_crash_region(*hal_, config_.region_base, config_.region_size, table_); !ok(s)) return s;
  // Granted at every boot: a reboot finds the table locked with the same
  // grant (ok); anything else leaves the BMC unable to read the region, which
  // its reports and the refused-DMA count will show.
  if (config_.bmc_dma.dma_registers != 0)
    if (Status s = grant_bmc_dma_windows(*hal_, config_.bmc_dma); !ok(s)) {
      ++stats_.dma_grant_failures;
      hal_->log(LogLevel::error, "agent: the BMC's DMA windows could not be granted; it cannot read the crash region");
    }
  booted_ = true;
  ++boot_count_;
  failure_sequence_ = 0;
  next_tick_ns_ = hal_->now_ns();
  return tick();
}

Status Agent::load_model() {
  size_t length = 0;
  if (Status s = hal_->load_model_blob(model_buffer_, length); !ok(s)) {
    if (s == Status::not_found) hal_->log(LogLevel::info, "agent: no failure model provisioned");
    else ++stats_.model_rejections;
    return s;
  }
  FailureModel candidate;
  if (Status s = parse_model(std::span<const std::byte>(model_buffer_.data(), length), candidate); !ok(s)) {
    ++stats_.model_rejections;
    hal_->log(LogLevel::warning, "agent: failure model refused (corrupt); keeping the running one");
    return s;
  }
  if (const ModelMismatch mismatch = find_mismatch(candidate); mismatch.kind != ModelMismatch::Kind::none) {
    ++stats_.model_rejections;
    char line[160] = "agent: failure model refused: ";
    const size_t prefix = std::strlen(line);
    describe(mismatch, std::span<char>(line).subspan(prefix));
    hal_->log(LogLevel::warning, line);
    return Status::unsupported;
  }
  if (has_model_ && candidate.generation <= model_.generation) {
    hal_->log(LogLevel::info, "agent: provisioned model is not newer; keeping the running one");
    return Status::ok;
  }
  model_ = candidate;
  has_model_ = true;
  ++stats_.model_reloads;
  hal_->log(LogLevel::info, "agent: failure model loaded");
  return Status::ok;
}

Status Agent::tick() {
  if (!booted_) return Status::invalid_argument;
  const uint64_t now = hal_->now_ns();
  if (reload_requested_) {
    reload_requested_ = false;
    (void)load_model();  // refusals are logged and counted; the old model stays
  }
  // Keep the period's phase: a late tick does not shift later ones, and the
  // boundaries passed before this one had no tick.
  const uint64_t period = config_.allocation_frequency_ns;
  const uint64_t due = next_tick_ns_;
  const uint64_t passed = due <= now ? (now - due) / period + 1 : 0;
  const uint64_t missed = passed > 1 ? passed - 1 : 0;
  stats_.missed_ticks += missed;
  if (passed > 0) {
    const uint64_t lateness = (now - due) % period;
    if (lateness > 0) ++stats_.late_ticks;
    if (lateness > stats_.tick_lateness_max_ns) stats_.tick_lateness_max_ns = lateness;
    next_tick_ns_ = due + passed * period;
  }
  if (missed > 0) hal_->log(LogLevel::warning, "agent: missed a tick; the interval is a gap in every window");
  sample(now, missed > 0);
  // The cores' timer blocks are read from the first tick that came late or
  // after a miss on: while ticks fall on their boundaries there is no skew
  // to measure, and the reads would cost every tick bus time.
  if (config_.watch_core_timers && core_timers_readable_ && stats_.late_ticks + stats_.missed_ticks > 0)
    watch_core_timers();
  // Only while workloads run: a board without them sees no access.
  if (!monitor_.workloads().empty()) monitor_.sample(*hal_, hal_->now_ns());
  const Status s = repartition(now);
  ++stats_.ticks;
  stats_.reserved_bytes = reserved_bytes();
  if (observer_ != nullptr) observer_->on_tick(*this, now);
  return s;
}

void Agent::watch_core_timers() {
  uint64_t newest = 0, earliest = UINT64_MAX, latest = 0, overruns = 0;
  for (uint32_t c = 0; c < counts_.of[static_cast<size_t>(ComponentClass::cpu)]; ++c) {
    CoreTickReading r;
    if (!ok(hal_->read_core_tick(ComponentId{ComponentClass::cpu, static_cast<uint16_t>(c)}, r))) {
      core_timers_readable_ = false;  // no per-core timers on this board
      return;
    }
    overruns += r.overruns;
    if (r.boundary_ns > newest) newest = r.boundary_ns, earliest = UINT64_MAX, latest = 0;
    if (r.boundary_ns == newest) {
      if (r.delivered_ns < earliest) earliest = r.delivered_ns;
      if (r.delivered_ns > latest) latest = r.delivered_ns;
    }
  }
  stats_.core_tick_overruns = overruns;
  stats_.tick_skew_last_ns = latest >= earliest ? latest - earliest : 0;
  if (stats_.tick_skew_last_ns > stats_.tick_skew_max_ns) stats_.tick_skew_max_ns = stats_.tick_skew_last_ns;
}

void Agent::sample(uint64_t now, bool missed) {
  for (size_t i = 0; i < instance_count_; ++i) {
    const ComponentId id = instance(i);
    const uint32_t metrics = metric_count(id.cls);
    uint64_t values[kMaxMetricsPerClass] = {};
    bool complete = true;
    for (uint32_t slot = 0; slot < metrics && complete; ++slot)
      complete = ok(hal_->read_metric(id, metric_at(id.cls, slot), values[slot]));
    // A partial sample would fake rates: the instance skips this period.
    if (!complete) ++stats_.metric_read_errors;
    else (void)windows_[i].push(now, std::span<const uint64_t>(values, metrics), missed);
  }
  if (has_model_) {
    (void)predict_all(model_, windows_, probabilities_);
  } else {
    for (float& p : probabilities_) p = 0.0f;
  }
  // A class without a model predicts nothing, so it never alarms (its
  // threshold says nothing either). Each change goes to the BMC.
  for (size_t i = 0; i < instance_count_; ++i) {
    const ClassModel& m = model_.of(instance(i).cls);
    AlarmChange change = AlarmChange::none;
    if (!has_model_ || m.kind == ModelKind::none) {
      if (alarms_[i].asserted) change = AlarmChange::deasserted;  // its model was replaced by one without it
      alarms_[i].reset();
    } else {
      change = alarms_[i].update(probabilities_[i], m.threshold, now, config_.alarm);
    }
    if (change == AlarmChange::none) continue;
    if (change == AlarmChange::asserted) ++stats_.alarms_asserted;
    const PredictiveFailure report{instance(i), change == AlarmChange::asserted,
                                   probability_to_ppm(probabilities_[i])};
    if (const Status s = hal_->report_predictive_failure(report); !ok(s) && s != Status::unsupported)
      ++stats_.alarm_report_errors;
  }
}

bool Agent::home_range(ComponentId owner, uint64_t& lo, uint64_t& hi) const {
  if (config_.slice_placement != SlicePlacement::node_local || config_.numa.nodes < 2) return false;
  const uint32_t node = config_.numa.node_of(owner);
  const NumaLayout::Range& r = config_.numa.memory[node];
  const uint64_t area = config_.region_base + kHeaderAreaBytes, end = config_.region_base + config_.region_size;
  lo = r.base > area ? r.base : area;
  hi = r.base + r.size < end ? r.base + r.size : end;
  lo = (lo + kPage - 1) & ~(kPage - 1);
  hi &= ~(kPage - 1);
  return hi > lo;
}

bool Agent::grows_in_place_at_home(const SliceEntry& slice, uint64_t size) const {
  // node_local: a slice off its node, or one that would grow past the end
  // of its node's part, moves instead (home, when there is room).
  uint64_t lo = 0, hi = 0;
  if (!home_range(slice.component, lo, hi)) return true;
  return slice.base >= lo && slice.base + size <= hi;
}

bool Agent::first_fit_within(uint64_t pages, uint64_t lo, uint64_t hi, uint64_t& address) {
  if (pages > (hi - lo) / kPage) return false;
  alloc::Allocation taken;
  for (uint32_t s = 0; s <= table_.slice_count; ++s) {
    const uint64_t candidate = s == 0 ? lo : table_.slices[s - 1].base + table_.slices[s - 1].size;
    if (candidate < lo || candidate > hi - pages * kPage) continue;
    if (ok(buddy_.find(candidate, taken))) continue;
    if (buddy_.is_free_range(candidate, pages) && ok(buddy_.reserve(candidate, pages * kPage))) {
      address = candidate;
      return true;
    }
  }
  return false;
}

Status Agent::place(uint64_t pages, uint64_t& address, ComponentId owner) {
  uint64_t lo = 0, hi = 0;
  const bool homed = home_range(owner, lo, hi);
  if (homed && first_fit_within(pages, lo, hi, address)) {
    ++stats_.node_local_placements;
    return Status::ok;
  }
  const Status s = place_anywhere(pages, address);
  if (ok(s) && config_.slice_placement == SlicePlacement::node_local && config_.numa.nodes > 1) {
    if (config_.numa.node_at(address) == config_.numa.node_of(owner)) ++stats_.node_local_placements;
    else ++stats_.remote_placements;
  }
  return s;
}

Status Agent::place_anywhere(uint64_t pages, uint64_t& address) {
  // Within one repartition's grow pass free runs only shrink until a
  // placement succeeds (which adds a slice end to try after): a request no
  // smaller than one that just failed fails too, without the scan.
  if (pages >= first_fit_failed_pages_ || buddy_.free_pages() < pages) return Status::no_memory;
  if (ok(buddy_.allocate_pages(pages, address))) {
    first_fit_failed_pages_ = UINT64_MAX;
    return Status::ok;
  }
  // The buddy aligns runs to their power of two; when that fails, first fit.
  if (first_fit(pages, address)) return Status::ok;
  // Enough free pages but no run long enough: the free space is scattered
  // between slices (runs the buddy aligned to their power of two leave
  // tails). Gather it by packing the slices without records, then try once
  // more. Without this a policy that spends the whole budget (uniform) left
  // the last instances -- disks and NICs -- without a slice.
  pass_.need_bytes = pages * kPage;
  const uint32_t packed = pack_empty_slices();
  pass_.need_bytes = 0;
  if (packed > 0 && first_fit(pages, address)) return Status::ok;
  first_fit_failed_pages_ = pages;
  return Status::no_memory;
}

bool Agent::first_fit(uint64_t pages, uint64_t& address) {
  // At the start of the slice area or right after a slice. In a packed
  // region most candidates are the next slice's first page: find() rejects
  // those in O(1), before the costlier free-range walk.
  const uint64_t area = config_.region_base + kHeaderAreaBytes;
  alloc::Allocation taken;
  for (uint32_t s = 0; s <= table_.slice_count; ++s) {
    const uint64_t candidate = s == 0 ? area : table_.slices[s - 1].base + table_.slices[s - 1].size;
    if (ok(buddy_.find(candidate, taken))) continue;
    if (buddy_.is_free_range(candidate, pages) && ok(buddy_.reserve(candidate, pages * kPage))) {
      address = candidate;
      first_fit_failed_pages_ = UINT64_MAX;
      return true;
    }
  }
  return false;
}

uint32_t Agent::pack_empty_slices() {
  const uint32_t grown_before = grown_by_packing_;
  // Packing runs inside a placement: the placement's context comes back after.
  const alloc::AllocTrace::Context placing = trace_.context();
  uint16_t order[kMaxSlices];
  uint32_t n = 0;
  for (uint32_t s = 0; s < table_.slice_count; ++s)
    if (table_.slices[s].size > 0) order[n++] = static_cast<uint16_t>(s);
  for (uint32_t s = 1; s < n; ++s) {  // by base; the table is nearly sorted
    const uint16_t e = order[s];
    uint32_t j = s;
    for (; j > 0 && table_.slices[order[j - 1]].base > table_.slices[e].base; --j) order[j] = order[j - 1];
    order[j] = e;
  }
  // What cannot move: slices holding records (moving one would write over
  // pages the committed table may still give to records) and the old homes
  // of slices moved in this pass. Above the highest of them there are only
  // empty slices and free pages; below, slices move one at a time around
  // them.
  const uint64_t area = config_.region_base + kHeaderAreaBytes;
  uint64_t fixed_end = area;
  for (uint32_t k = 0; k < n; ++k) {
    const SliceEntry& slice = table_.slices[order[k]];
    if (slice.used_bytes > 0 && slice.base + slice.size > fixed_end) fixed_end = slice.base + slice.size;
  }
  for (size_t r = 0; r < released_count_; ++r)  // the kernel's now: never a slice's
    if (released_[r].base + released_[r].size > fixed_end) fixed_end = released_[r].base + released_[r].size;
  for (size_t r = 0; r < retired_count_; ++r) {
    alloc::Allocation home;
    if (ok(buddy_.find(retired_[r], home)) && home.address + home.pages * kPage > fixed_end)
      fixed_end = home.address + home.pages * kPage;
  }
  uint32_t packed = 0;
  uint64_t cursor = area;
  uint32_t k = 0;
  for (; k < n && table_.slices[order[k]].base < fixed_end; ++k) {
    SliceEntry& slice = table_.slices[order[k]];
    const uint64_t size = pack_size(order[k]);
    set_alloc_context(alloc::AllocCaller::pack, slice.component, size);
    // An empty slice is only an entry: it moves for free (and is committed
    // with the repartition).
    if (slice.used_bytes == 0 && (slice.base > cursor || size > slice.size) && ok(buddy_.free(slice.base))) {
      // reserve() fails, changing nothing, where the range is not free.
      if (size > slice.size && ok(buddy_.reserve(cursor, size))) {
        if (slice.base != cursor) ++packed;
        else ++grown_by_packing_;
        slice.base = cursor;
        slice.size = size;
      } else if (ok(buddy_.reserve(cursor, slice.size))) {
        if (slice.base != cursor) ++packed;
        slice.base = cursor;
      } else {
        (void)buddy_.reserve(slice.base, slice.size);  // its own pages: still free
      }
    }
    if (slice.base + slice.size > cursor) cursor = slice.base + slice.size;
  }
  trace_.set_context(alloc::AllocCaller::pack);
  if (k < n) packed += pack_above(order + k, n - k, cursor > fixed_end ? cursor : fixed_end);
  packed_slices_ += packed;
  trace_.restore(placing);
  return packed + (grown_by_packing_ - grown_before);
}

uint64_t Agent::pack_size(uint32_t entry) const {
  // A slice the grow pass has not reached takes its target size as it
  // moves: a packed region leaves no room to grow in place later, and
  // moving it a second time would cost another packing.
  const SliceEntry& slice = table_.slices[entry];
  const size_t i = index_of(slice.component);
  if (i < instance_count_ && i > pass_.current && i < pass_.targets.size() && slot_of_[i] == entry &&
      pass_.targets[i] > slice.size)
    return pass_.targets[i];
  return slice.size;
}

uint32_t Agent::pack_above(const uint16_t* entries, uint32_t count, uint64_t start) {
  // Every page from `start` to the end of the area is free once these
  // slices are: lay them back to back and reserve them with one split of
  // the free blocks (a slice at a time costs a split and a merge each).
  const uint64_t end = config_.region_base + config_.region_size;
  uint64_t at_current_sizes = 0;
  for (uint32_t j = 0; j < count; ++j) {
    const SliceEntry& slice = table_.slices[entries[j]];
    if (!ok(buddy_.free(slice.base))) {
      // Not ours to move after all: put back what was freed.
      for (uint32_t back = 0; back < j; ++back)
        (void)buddy_.reserve(table_.slices[entries[back]].base, table_.slices[entries[back]].size);
      return 0;
    }
    at_current_sizes += slice.size;
  }
  uint64_t sizes[kMaxSlices];
  uint64_t at = start;
  for (uint32_t j = 0; j < count; ++j) {
    const uint64_t current = table_.slices[entries[j]].size;
    at_current_sizes -= current;
    const uint64_t grown = pack_size(entries[j]);
    // Grow only while every later slice still fits at its current size,
    // and the request that asked for the packing after them.
    sizes[j] = at + grown + at_current_sizes + pass_.need_bytes <= end ? grown : current;
    at += sizes[j];
  }
  uint32_t moved = 0;
  if (!ok(buddy_.reserve_runs(start, std::span<const uint64_t>(sizes, count)))) {
    // Cannot happen while the slices were where the table says; keep them.
    for (uint32_t j = 0; j < count; ++j)
      (void)buddy_.reserve(table_.slices[entries[j]].base, table_.slices[entries[j]].size);
    return 0;
  }
  at = start;
  for (uint32_t j = 0; j < count; ++j) {
    SliceEntry& slice = table_.slices[entries[j]];
    if (slice.base != at) ++moved;
    else if (sizes[j] != slice.size) ++grown_by_packing_;
    slice.base = at;
    slice.size = sizes[j];
    at += sizes[j];
  }
  return moved;
}

Agent::EmptyMove Agent::move_empty_slice(uint32_t entry, uint64_t size) {
  // Nothing to copy, so the slice's own pages may serve its new home: free
  // them first (a slice growing in a nearly full region needs them). While
  // it looks for a home its size is 0, which hides it from packing.
  SliceEntry& slice = table_.slices[entry];
  const uint64_t old_base = slice.base, old_size = slice.size;
  if (!ok(buddy_.free(old_base))) return EmptyMove::kept;
  first_fit_failed_pages_ = UINT64_MAX;  // the freed pages may be the spot an earlier request missed
  slice.size = 0;
  uint64_t address = 0;
  if (ok(place(pages_of(size), address, slice.component))) {
    slice.base = address;
    slice.size = size;
    return EmptyMove::grown;
  }
  // Back at the old size: in its old pages, or wherever packing left room
  // (it may have moved others into them).
  slice.size = old_size;
  if (ok(buddy_.reserve(old_base, old_size))) return EmptyMove::kept;
  if (ok(place(pages_of(old_size), address, slice.component))) {
    slice.base = address;
    return EmptyMove::relocated;
  }
  // Records pinning slices all over a full region: the instance has no
  // slice until a later repartition finds room (sort_table drops the entry).
  slice.size = 0;
  return EmptyMove::dropped;
}

bool Agent::shrink_from_start(uint32_t entry, uint64_t size, std::span<const uint64_t> targets) {
  // The table is in address order at the start of a repartition, so the
  // entry before is the slice just below. When that one is about to grow,
  // an empty slice gives up its first pages instead of its last: they land
  // where the neighbour grows in place (its records are not copied, nothing
  // has to be packed). An empty slice is only an entry: its start is free
  // to move.
  SliceEntry& slice = table_.slices[entry];
  if (entry == 0 || slice.used_bytes != 0) return false;
  const SliceEntry& below = table_.slices[entry - 1];
  const size_t j = index_of(below.component);
  if (below.base + below.size != slice.base || j >= instance_count_ || slot_of_[j] != entry - 1 ||
      targets[j] <= below.size)
    return false;
  const uint64_t base = slice.base + (slice.size - size);
  if (!ok(buddy_.free(slice.base))) return false;
  if (!ok(buddy_.reserve(base, size))) {
    (void)buddy_.reserve(slice.base, slice.size);  // its own pages: still free
    return false;
  }
  slice.base = base;
  slice.size = size;
  return true;
}

Status Agent::move_records(uint64_t from, uint64_t to, uint64_t bytes) {
  for (uint64_t done = 0; done < bytes;) {
    const uint64_t chunk = bytes - done < scratch_.size() ? bytes - done : scratch_.size();
    const auto buffer = scratch_.first(chunk);
    if (Status s = hal_->phys_read(from + done, buffer); !ok(s)) return s;
    if (Status s = hal_->phys_write(to + done, buffer); !ok(s)) return s;
    done += chunk;
  }
  return Status::ok;
}

void Agent::sort_table() {
  // Drop emptied entries, then insertion sort by base (the table format
  // requires address order; n <= kMaxSlices and nearly sorted already).
  uint32_t kept = 0;
  for (uint32_t s = 0; s < table_.slice_count; ++s)
    if (table_.slices[s].size > 0) table_.slices[kept++] = table_.slices[s];
  table_.slice_count = kept;
  for (uint32_t s = 1; s < kept; ++s) {
    const SliceEntry entry = table_.slices[s];
    uint32_t j = s;
    for (; j > 0 && table_.slices[j - 1].base > entry.base; --j) table_.slices[j] = table_.slices[j - 1];
    table_.slices[j] = entry;
  }
}

void Agent::index_slices() {
  for (size_t i = 0; i < instance_count_; ++i) slot_of_[i] = kNoSlot;
  for (uint32_t s = 0; s < table_.slice_count; ++s) {
    const size_t i = index_of(table_.slices[s].component);
    if (i < instance_count_ && slot_of_[i] == kNoSlot) slot_of_[i] = static_cast<uint16_t>(s);  // first, as find_slice
  }
}

PolicyInput Agent::describe_slices(uint64_t now) {
  index_slices();
  for (size_t i = 0; i < instance_count_; ++i) {
    const bool present = slot_of_[i] != kNoSlot;
    const SliceEntry& slice = table_.slices[present ? slot_of_[i] : 0];
    demands_[i] = SliceDemand{instance(i), probabilities_[i], present ? slice.size : 0, present ? slice.used_bytes : 0};
  }
  return PolicyInput{demands_, config_.budget_bytes, config_.minimum_partition_size, config_.maximum_partition_size,
                     kPage,    config_.dram_bytes,   now};
}

Status Agent::repartition(uint64_t now) {
  const PolicyInput input = describe_slices(now);
  Status s = policy_->target_sizes(input, targets_);
  if (ok(s)) s = check_target_sizes(input, targets_);
  if (!ok(s)) {
    ++stats_.policy_rejections;
    hal_->log(LogLevel::error, "agent: policy answer refused; layout kept");
    return Status::ok;
  }
  return apply_targets(targets_, now);
}

Status Agent::repartition(std::span<const uint64_t> targets, uint64_t now_ns) {
  if (!booted_ || targets.size() != instance_count_) return Status::invalid_argument;
  if (Status s = check_target_sizes(describe_slices(now_ns), targets); !ok(s)) return s;
  const Status s = apply_targets(targets, now_ns);
  stats_.reserved_bytes = reserved_bytes();
  return s;
}

Status Agent::apply_targets(std::span<const uint64_t> targets, uint64_t now) {
  RepartitionReport report{now, 0, 0, 0, 0};
  trace_.set_time(now);
  const bool leak_fixture = policy_->leaks_shrunk_slices();
  first_fit_failed_pages_ = UINT64_MAX;
  packed_slices_ = 0;
  grown_by_packing_ = 0;
  pass_ = GrowPass{targets, 0};
  // Table positions stay put until sort_table(): index them once.
  index_slices();
  // Shrinks first: giving back tails makes room to grow in place.
  for (size_t i = 0; i < instance_count_; ++i) {
    const uint32_t e = slot_of_[i];
    if (e == kNoSlot || targets[i] >= table_.slices[e].size) continue;
    SliceEntry& slice = table_.slices[e];
    set_alloc_context(alloc::AllocCaller::slice, slice.component, targets[i]);
    if (targets[i] > 0 && leak_fixture && leak_shrunk_slice(e, targets[i])) {
      ++report.slices_changed;
      continue;
    }
    if (targets[i] > 0 && shrink_from_start(e, targets[i], targets)) {
      ++report.slices_changed;
      continue;
    }
    const Status r = targets[i] == 0 ? buddy_.free(slice.base) : buddy_.resize(slice.base, pages_of(targets[i]));
    if (!ok(r)) continue;
    slice.size = targets[i];
    ++report.slices_changed;
  }
  // Grows: in place where the following pages are free, else move. Old
  // homes of moved slices are freed only after every copy, so no copy lands
  // on records the committed table still points at.
  retired_count_ = 0;
  for (size_t i = 0; i < instance_count_; ++i) {
    pass_.current = i;
    const uint32_t e = slot_of_[i];
    const bool present = e != kNoSlot;
    const uint64_t current = present ? table_.slices[e].size : 0;
    if (targets[i] <= current) continue;
    const uint64_t pages = pages_of(targets[i]);
    set_alloc_context(alloc::AllocCaller::slice, instance(i), targets[i]);
    if (present && grows_in_place_at_home(table_.slices[e], targets[i]) &&
        ok(buddy_.resize(table_.slices[e].base, pages))) {
      table_.slices[e].size = targets[i];
      ++report.slices_changed;
      continue;
    }
    uint64_t address = 0;
    if (!present && table_.slice_count == kMaxSlices) continue;
    if (present && table_.slices[e].used_bytes == 0) {
      const EmptyMove moved = move_empty_slice(e, targets[i]);
      if (moved != EmptyMove::grown) ++stats_.grow_failures;
      if (moved != EmptyMove::kept) ++report.slices_changed;
      if (moved == EmptyMove::grown || moved == EmptyMove::relocated) ++report.slices_moved;
      continue;
    }
    if (!ok(place(pages, address, instance(i)))) {
      ++stats_.grow_failures;
      continue;
    }
    if (!present) {
      table_.slices[table_.slice_count++] = SliceEntry{instance(i), address, targets[i], 0, 0, 0};
      ++report.slices_changed;
      continue;
    }
    SliceEntry& slice = table_.slices[e];
    if (!ok(move_records(slice.base, address, slice.used_bytes))) {
      (void)buddy_.free(address);
      first_fit_failed_pages_ = UINT64_MAX;
      ++stats_.grow_failures;
      continue;
    }
    // An empty slice's old home protects nothing: free it now, so later
    // placements (and packing) in this pass can use it.
    if (slice.used_bytes == 0) (void)buddy_.free(slice.base);
    else retired_[retired_count_++] = slice.base;
    report.bytes_moved += slice.used_bytes;
    ++report.slices_moved;
    ++report.slices_changed;
    slice.base = address;
    slice.size = targets[i];
  }
  trace_.set_context(alloc::AllocCaller::move);
  for (size_t r = 0; r < retired_count_; ++r) (void)buddy_.free(retired_[r]);
  retired_count_ = 0;
  trace_.set_context(alloc::AllocCaller::unknown);
  pass_ = GrowPass{};
  report.slices_changed += packed_slices_ + grown_by_packing_;
  report.slices_moved += packed_slices_;
  if (report.slices_changed == 0) return Status::ok;

  sort_table();
  if (Status c = commit_partition_table(*hal_, table_); !ok(c)) {
    hal_->log(LogLevel::error, "agent: partition table commit failed");
    return c;
  }
  report.reserved_bytes = reserved_bytes();
  ++stats_.repartitions;
  stats_.bytes_moved += report.bytes_moved;
  stats_.slices_moved += report.slices_moved;
  if (observer_ != nullptr) observer_->on_repartition(*this, report);
  return Status::ok;
}

bool Agent::leak_shrunk_slice(uint32_t entry, uint64_t size) {
  SliceEntry& slice = table_.slices[entry];
  if (slice.used_bytes != 0) return false;
  uint64_t address = 0;
  if (!ok(place(pages_of(size), address, slice.component))) return false;
  slice.base = address;  // the old pages stay allocated, referred to by nothing
  slice.size = size;
  return true;
}

AllocationOwner Agent::owner_of(uint64_t address) const {
  AllocationOwner owner;
  for (uint32_t s = 0; s < table_.slice_count; ++s) {
    const SliceEntry& slice = table_.slices[s];
    if (slice.size > 0 && slice.base == address) {
      owner.kind = AllocationOwnerKind::slice;
      owner.component = slice.component;
      owner.requested_bytes = slice.size;
      owner.used_bytes = slice.used_bytes;
      owner.records = slice.record_count;
      return owner;
    }
  }
  for (size_t r = 0; r < released_count_; ++r)
    if (released_[r].base == address) {
      owner.kind = AllocationOwnerKind::released;
      owner.requested_bytes = released_[r].size;
      return owner;
    }
  return owner;
}

Status Agent::handle_error(const ErrorEvent& event) {
  if (!booted_) return Status::invalid_argument;
  CaptureResult result;
  uint64_t alert_code = 0;
  const Status s = capture_and_alert(event, result, alert_code);
  if (observer_ != nullptr) observer_->on_capture(*this, event, result, s);
  return s;
}

Status Agent::capture_and_alert(const ErrorEvent& event, CaptureResult& result, uint64_t& alert_code) {
  const size_t i = index_of(event.component);
  uint32_t e = 0;
  result.record_id = make_record_id(boot_count_, ++failure_sequence_);
  Status s = Status::not_found;
  if (i < instance_count_ && ok(table_.find_slice(event.component, e))) {
    // The component's own window is its sensor history, oldest first.
    const MetricWindow& w = windows_[i];
    const uint32_t metrics = metric_count(event.component.cls);
    size_t n = 0;
    for (size_t k = 0; k < w.size(); ++k)
      for (uint32_t slot = 0; slot < metrics; ++slot)
        history_[n++] = SensorReading{w.time_ns(k), event.component, metric_at(event.component.cls, slot), w.value(k, slot)};
    SliceEntry& slice = table_.slices[e];
    s = capture_error(*hal_, event, result.record_id, slice, history_.first(n), scratch_, result,
                      config_.capture_facts, &config_.confidentiality);
    if (s == Status::ok || s == Status::truncated) {
      slice.used_bytes += result.record_bytes;
      ++slice.record_count;
      slice.flags |= kSliceFlagHasRecords | (s == Status::truncated ? kSliceFlagTruncated : 0u);
      ++stats_.captures;
      if (s == Status::truncated) ++stats_.truncated_captures;
      if (Status c = commit_partition_table(*hal_, table_); !ok(c)) s = c;
    }
  }
  if (s != Status::ok && s != Status::truncated) {
    ++stats_.failed_captures;
    hal_->log(LogLevel::error, "agent: capture failed; alerting the BMC anyway");
  }
  // The BMC is told in every case: a failure with no record still needs a
  // report naming the component.
  alert_code = encode_bmc_alert({event.component, event.type, failure_sequence_of(result.record_id)});
  hal_->alert_bmc(alert_code);
  return s;
}

// ------------------------------------------------------------ control channel

ErrorType dump_error_type(ComponentClass cls) {
  switch (cls) {
    case ComponentClass::cpu: return ErrorType::machine_check;
    case ComponentClass::memory: return ErrorType::memory_uncorrectable;
    case ComponentClass::disk: return ErrorType::disk_timeout;
    case ComponentClass::network: return ErrorType::nic_fatal;
  }
  return ErrorType::machine_check;
}

const char* to_string(ControlRefusal r) {
  switch (r) {
    case ControlRefusal::none: return "none";
    case ControlRefusal::parse: return "parse";
    case ControlRefusal::not_booted: return "not_booted";
    case ControlRefusal::no_such_component: return "no_such_component";
    case ControlRefusal::not_page_aligned: return "not_page_aligned";
    case ControlRefusal::not_in_region: return "not_in_region";
    case ControlRefusal::holds_records: return "holds_records";
    case ControlRefusal::already_released: return "already_released";
    case ControlRefusal::too_many_releases: return "too_many_releases";
    case ControlRefusal::whole_region: return "whole_region";
    case ControlRefusal::out_of_bounds: return "out_of_bounds";
  }
  return "unknown";
}

AgentStatusReport Agent::status_report() const {
  AgentStatusReport r;
  r.ticks = stats_.ticks;
  r.repartitions = stats_.repartitions;
  r.captures = stats_.captures;
  r.failed_captures = stats_.failed_captures;
  r.reserved_bytes = reserved_bytes();
  r.slices = table_.slice_count;
  r.allocation_frequency_ns = config_.allocation_frequency_ns;
  r.budget_bytes = config_.budget_bytes;
  r.released_bytes = stats_.released_bytes;
  r.region_base = config_.region_base;
  r.region_size = config_.region_size;
  r.model_generation = model_generation();
  r.control_accepted = control_stats_.accepted;
  r.control_refused = stats_.control_refused;
  return r;
}

Status Agent::workload_changed(const WorkloadNotice& notice) {
  if (!booted_) return Status::invalid_argument;
  RmidEvent event;
  bool has_event = false;
  const Status s = monitor_.workload_changed(*hal_, notice, hal_->now_ns(), event, has_event);
  if (has_event && observer_ != nullptr) observer_->on_rmid(*this, event);
  return s;
}

Status Agent::control(ControlSource source, std::string_view line) {
  ControlResult result;
  return control(source, line, result);
}

Status Agent::control(ControlSource source, std::string_view line, ControlResult& result) {
  result = ControlResult{};
  result.source = source;
  result.time_ns = hal_ != nullptr ? hal_->now_ns() : 0;
  result.parse_error = control_stats_.submit(line, result.command);
  if (result.parse_error != ControlError::none) {
    result.refusal = ControlRefusal::parse;
    result.status = Status::invalid_argument;
  } else if (!booted_) {
    result.refusal = ControlRefusal::not_booted;
    result.status = Status::invalid_argument;
  } else {
    switch (result.command.verb) {
      case ControlVerb::dump: result.status = run_dump(result); break;
      case ControlVerb::status: result.status = Status::ok; break;
      case ControlVerb::release_region: result.status = run_release_region(result); break;
      case ControlVerb::set_allocation_frequency: result.status = run_set_allocation_frequency(result); break;
    }
  }
  if (result.refused()) {
    ++stats_.control_refused;
    ++stats_.control_refused_by[static_cast<size_t>(result.refusal)];
  } else {
    ++stats_.control_executed;
  }
  result.report = status_report();
  if (observer_ != nullptr) observer_->on_control(*this, line, result);
  // A dump ran even when its capture failed: the result says how it went.
  return result.refused() || result.command.verb != ControlVerb::dump ? result.status : Status::ok;
}

Status Agent::run_dump(ControlResult& result) {
  const ComponentId c = result.command.component;
  if (index_of(c) >= instance_count_) {
    result.refusal = ControlRefusal::no_such_component;
    return Status::not_found;
  }
  result.dump_event = ErrorEvent{c, dump_error_type(c.cls), result.time_ns, 0, kOperatorDumpDetail};
  hal_->log(LogLevel::info, "agent: dump requested on the control channel");
  return capture_and_alert(result.dump_event, result.capture, result.alert_code);
}

Status Agent::run_release_region(ControlResult& result) {
  const uint64_t base = result.command.address, size = result.command.size;  // parser: no wrap
  const uint64_t area = config_.region_base + kHeaderAreaBytes, end = config_.region_base + config_.region_size;
  const auto refuse = [&result](ControlRefusal why, Status s) {
    result.refusal = why;
    return s;
  };
  if (base % kPage != 0 || size % kPage != 0) return refuse(ControlRefusal::not_page_aligned, Status::invalid_argument);
  if (base < area || base + size > end) return refuse(ControlRefusal::not_in_region, Status::out_of_range);
  for (size_t r = 0; r < released_count_; ++r)
    if (base < released_[r].base + released_[r].size && released_[r].base < base + size)
      return refuse(ControlRefusal::already_released, Status::busy);
  if (released_count_ == kMaxReleasedRanges) return refuse(ControlRefusal::too_many_releases, Status::no_memory);
  const uint64_t left = end - area - stats_.released_bytes - size;
  if (left < kPage) return refuse(ControlRefusal::whole_region, Status::out_of_range);
  for (uint32_t s = 0; s < table_.slice_count; ++s) {
    const SliceEntry& slice = table_.slices[s];
    if (slice.used_bytes > 0 && base < slice.base + slice.size && slice.base < base + size)
      return refuse(ControlRefusal::holds_records, Status::busy);
  }
  // Empty slices in the range are only entries: drop them (the next tick
  // places them elsewhere), then take the range out of the allocator.
  trace_.set_time(result.time_ns);
  trace_.set_context(alloc::AllocCaller::release, alloc::kNoOwnerClass, 0, size);
  for (uint32_t s = 0; s < table_.slice_count; ++s) {
    SliceEntry& slice = table_.slices[s];
    if (slice.size == 0 || !(base < slice.base + slice.size && slice.base < base + size)) continue;
    if (ok(buddy_.free(slice.base))) {
      slice.size = 0;
      ++result.slices_dropped;
    }
  }
  if (result.slices_dropped > 0) {
    sort_table();
    if (Status c = commit_partition_table(*hal_, table_); !ok(c)) return c;
  }
  if (Status r = buddy_.reserve(base, size); !ok(r)) return refuse(ControlRefusal::holds_records, r);
  released_[released_count_++] = ReleasedRange{base, size};
  stats_.released_bytes += size;
  stats_.reserved_bytes = reserved_bytes();
  if (config_.budget_bytes > left) config_.budget_bytes = left;
  first_fit_failed_pages_ = UINT64_MAX;
  hal_->log(LogLevel::info, "agent: crash-region range released to the running kernel");
  return Status::ok;
}

Status Agent::run_set_allocation_frequency(ControlResult& result) {
  const uint64_t period = result.command.allocation_frequency_ns;
  result.previous_allocation_frequency_ns = config_.allocation_frequency_ns;
  if (period < kMinAllocationFrequencyNs || period > kMaxAllocationFrequencyNs) {
    result.refusal = ControlRefusal::out_of_bounds;
    return Status::out_of_range;
  }
  config_.allocation_frequency_ns = period;
  // The tick already due stays; a shorter period brings it forward.
  if (result.time_ns + period < next_tick_ns_) next_tick_ns_ = result.time_ns + period;
  return Status::ok;
}

}  // namespace crashtwin
