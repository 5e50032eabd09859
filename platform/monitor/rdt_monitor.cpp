#include "platform/monitor/rdt_monitor.h"

namespace crashtwin {

const char* to_string(RmidEventKind kind) {
  switch (kind) {
    case RmidEventKind::assigned: return "assigned";
    case RmidEventKind::freed: return "freed";
    case RmidEventKind::exhausted: return "exhausted";
  }
  return "unknown";
}

void RdtMonitor::reset(uint64_t min_free_time_ns) {
  min_free_time_ns_ = min_free_time_ns;
  probed_ = false;
  available_ = false;
  caps_ = {};
  workload_count_ = 0;
}

bool RdtMonitor::probe(Hal& hal) {
  if (probed_) return available_;
  probed_ = true;
  available_ = false;
  if (!ok(hal.read_monitoring_capabilities(caps_))) return false;
  if (caps_.max_rmid < 1 || caps_.upscale_bytes == 0 || caps_.mbm_counter_width < rdt::kMinMbmCounterWidth ||
      caps_.mbm_counter_width > rdt::kMaxMbmCounterWidth)
    return false;
  const size_t rmids = caps_.max_rmid + 1 < kMaxRmids ? caps_.max_rmid + 1 : kMaxRmids;
  available_ = ok(allocator_.init(std::span<RmidEntry>(entries_, rmids), min_free_time_ns_));
  return available_;
}

size_t RdtMonitor::find(uint32_t workload_id) const {
  for (size_t i = 0; i < workload_count_; ++i)
    if (workloads_[i].owner.workload_id == workload_id) return i;
  return workload_count_;
}

Status RdtMonitor::program_cores(Hal& hal, const WorkloadNotice& cores, uint32_t rmid) {
  Status result = Status::ok;
  for (uint32_t c = 0; c < kMaxNoticeCores; ++c)
    if (cores.has_core(c))
      if (Status s = hal.write_core_rmid(c, rmid); !ok(s)) {
        ++stats_.access_failures;
        result = s;
      }
  return result;
}

Status RdtMonitor::workload_changed(Hal& hal, const WorkloadNotice& notice, uint64_t now_ns, RmidEvent& event,
                                    bool& has_event) {
  has_event = false;
  if (!probe(hal)) return Status::unsupported;
  event = RmidEvent{};
  event.time_ns = now_ns;
  event.owner = notice.owner;
  const size_t at = find(notice.owner.workload_id);
  if (notice.kind == WorkloadNotice::Kind::stop) {
    if (at == workload_count_) return Status::not_found;
    const uint32_t rmid = workloads_[at].rmid;
    // Cores first: nothing may tag traffic with an RMID in limbo.
    if (rmid != 0) {
      (void)program_cores(hal, cores_[at], 0);
      if (ok(allocator_.free(rmid, now_ns))) {
        ++stats_.freed;
        event.kind = RmidEventKind::freed;
        event.rmid = rmid;
        event.counts = allocator_.counts(now_ns);
        has_event = true;
      }
    }
    // The last entry takes the stopped one's place.
    --workload_count_;
    workloads_[at] = workloads_[workload_count_];
    cores_[at] = cores_[workload_count_];
    baselines_[at] = baselines_[workload_count_];
    return Status::ok;
  }
  if (at != workload_count_) return Status::invalid_argument;
  if (workload_count_ == kMaxMonitoredWorkloads) return Status::no_memory;
  WorkloadFeatures& w = workloads_[workload_count_];
  w = WorkloadFeatures{};
  w.owner = notice.owner;
  w.started_ns = now_ns;
  cores_[workload_count_] = notice;
  baselines_[workload_count_] = CounterBaseline{};
  ++workload_count_;
  uint32_t rmid = 0;
  const Status s = allocator_.allocate(notice.owner, now_ns, rmid);
  has_event = true;
  event.counts = allocator_.counts(now_ns);
  if (!ok(s)) {
    // The workload runs untagged (in the default group) and is still listed:
    // its features stay empty.
    ++stats_.exhausted;
    event.kind = RmidEventKind::exhausted;
    event.status = s;
    return Status::ok;
  }
  ++stats_.assigned;
  w.rmid = rmid;
  event.kind = RmidEventKind::assigned;
  event.rmid = rmid;
  (void)program_cores(hal, notice, rmid);
  return Status::ok;
}

bool RdtMonitor::read_counter(Hal& hal, rdt::MonitorEvent event, uint32_t rmid, uint64_t& data) {
  uint64_t counter = 0;
  ++stats_.samples;
  if (!ok(hal.read_monitoring_counter(rdt::event_select(event, rmid), counter))) {
    ++stats_.access_failures;
    return false;
  }
  if ((counter & rdt::kCtrError) != 0) {
    ++stats_.counter_errors;
    return false;
  }
  if ((counter & rdt::kCtrUnavailable) != 0) {
    ++stats_.counter_unavailable;
    return false;
  }
  data = counter & rdt::kCtrDataMask;
  return true;
}

void RdtMonitor::sample(Hal& hal, uint64_t now_ns) {
  if (!available_) return;
  const uint64_t scale = caps_.upscale_bytes;
  const uint32_t width = caps_.mbm_counter_width;
  for (size_t i = 0; i < workload_count_; ++i) {
    WorkloadFeatures& w = workloads_[i];
    if (w.rmid == 0) continue;
    uint64_t occupancy = 0, total = 0, local = 0;
    if (read_counter(hal, rdt::MonitorEvent::llc_occupancy, w.rmid, occupancy))
      w.llc_occupancy_bytes = occupancy * scale;
    const bool have_total = read_counter(hal, rdt::MonitorEvent::mbm_total, w.rmid, total);
    const bool have_local = read_counter(hal, rdt::MonitorEvent::mbm_local, w.rmid, local);
    CounterBaseline& b = baselines_[i];
    if (have_total && have_local) {
      if (b.valid && now_ns > w.sampled_ns) {
        const uint64_t total_bytes = rdt::mbm_counts_since(b.total, total, width) * scale;
        const uint64_t local_bytes = rdt::mbm_counts_since(b.local, local, width) * scale;
        const double seconds = static_cast<double>(now_ns - w.sampled_ns) * 1e-9;
        w.mbm_total_bytes += total_bytes;
        w.mbm_local_bytes += local_bytes;
        w.mbm_total_bytes_per_s = static_cast<double>(total_bytes) / seconds;
        w.mbm_local_bytes_per_s = static_cast<double>(local_bytes) / seconds;
        w.has_rates = true;
      }
      b = {total, local, true};
    } else {
      b.valid = false;  // the next good reading starts a new interval
    }
    w.sampled_ns = now_ns;
  }
}

}  // namespace crashtwin
