#include "models/cpu/resource_monitoring.h"

#include <algorithm>
#include <cmath>

#include "models/core/numa.h"

namespace crashtwin {

ResourceMonitoring::Params::Params(const ParamScope& p)
    : rmids(p, "rmids", ParamKind::count, 64, "RMIDs of the package, RMID 0 included (CPUID.(0xF,1):ECX + 1)", 2,
            rdt::kMaxRmidEncodable + 1),
      llc_size(p, "llc_size", ParamKind::size, 24ull << 20, "last-level cache the cores share (CMT counts it per RMID)",
               64 * 1024, 1ull << 40),
      upscale(p, "upscale", ParamKind::size, 64 * 1024, "bytes per count of IA32_QM_CTR (CPUID.(0xF,1):EBX)", 1,
              1ull << 30),
      mbm_counter_width(p, "mbm_counter_width", ParamKind::count, 24,
                        "bits of a memory-bandwidth count before it wraps (CPUID.(0xF,1):EAX[7:0] + 24)",
                        rdt::kMinMbmCounterWidth, rdt::kMaxMbmCounterWidth) {}

ResourceMonitoring::ResourceMonitoring(const ParamScope& scope, uint32_t cores, uint64_t untagged_working_set,
                                       std::function<double(uint32_t core)> core_traffic_bps)
    : params_(scope),
      cores_(cores),
      untagged_working_set_(untagged_working_set),
      core_traffic_bps_(std::move(core_traffic_bps)),
      core_rmid_(cores, 0),
      rmid_tagged_(params_.rmids, false),
      llc_(params_.llc_size, static_cast<uint32_t>(params_.rmids.value())) {
  rmid_tagged_[0] = true;  // every core starts in the default group
}

rdt::Capabilities ResourceMonitoring::capabilities() const {
  return {static_cast<uint32_t>(params_.rmids - 1), params_.upscale, static_cast<uint32_t>(params_.mbm_counter_width)};
}

uint32_t ResourceMonitoring::numa_node(uint32_t core) const {
  const uint32_t nodes = memory_ != nullptr ? std::max<uint32_t>(1, memory_->numa_nodes()) : 1;
  return even_split_node(core, cores_, nodes);
}

void ResourceMonitoring::set_core_rmid(uint32_t core, uint64_t pqr_assoc, uint64_t now_ns) {
  const auto rmid = static_cast<uint32_t>(pqr_assoc & rdt::kPqrRmidMask);
  // An RMID the package lacks tags nothing it could count: the core stays
  // in the default group (hardware raises #GP on such a write).
  core_rmid_.at(core) = rmid < params_.rmids ? rmid : 0;
  rmid_tagged_[core_rmid_[core]] = true;
  refresh(now_ns);
}

uint64_t ResourceMonitoring::read_counter(uint64_t evtsel, uint64_t now_ns) {
  const uint8_t event = rdt::event_of(evtsel);
  const uint32_t rmid = rdt::rmid_of(evtsel);
  const bool known_event = event >= static_cast<uint8_t>(rdt::MonitorEvent::llc_occupancy) &&
                           event <= static_cast<uint8_t>(rdt::MonitorEvent::mbm_local);
  if (!known_event || rmid >= params_.rmids) return rdt::kCtrError;
  if (!rmid_tagged_[rmid]) return rdt::kCtrUnavailable;
  const uint64_t scale = params_.upscale;
  if (event == static_cast<uint8_t>(rdt::MonitorEvent::llc_occupancy)) {
    refresh(now_ns);
    return static_cast<uint64_t>(std::floor(llc_.occupancy_bytes(rmid))) / scale & rdt::kCtrDataMask;
  }
  if (memory_ == nullptr) return rdt::kCtrUnavailable;  // no memory counts traffic
  const RmidTraffic t = memory_->rmid_traffic(rmid);
  const uint64_t bytes = event == static_cast<uint8_t>(rdt::MonitorEvent::mbm_total) ? t.total_bytes : t.local_bytes;
  const uint64_t wrap_mask = (1ull << params_.mbm_counter_width) - 1;
  return (bytes / scale) & wrap_mask;
}

const ClusterWorkload* ResourceMonitoring::workload_on(uint32_t core) const {
  for (const ClusterWorkload& w : workloads_)
    if (std::find(w.cores.begin(), w.cores.end(), core) != w.cores.end()) return &w;
  return nullptr;
}

Status ResourceMonitoring::start_workload(const ClusterWorkload& workload) {
  if (workload.cores.empty()) return Status::invalid_argument;
  for (const ClusterWorkload& w : workloads_)
    if (w.id == workload.id) return Status::invalid_argument;
  for (uint32_t c : workload.cores) {
    if (c >= cores_) return Status::out_of_range;
    if (workload_on(c) != nullptr) return Status::invalid_argument;
  }
  workloads_.push_back(workload);
  return Status::ok;
}

Status ResourceMonitoring::stop_workload(uint32_t id) {
  const auto it = std::find_if(workloads_.begin(), workloads_.end(), [id](const ClusterWorkload& w) { return w.id == id; });
  if (it == workloads_.end()) return Status::not_found;
  workloads_.erase(it);
  return Status::ok;
}

double ResourceMonitoring::workload_traffic_bps(uint32_t core) const {
  const ClusterWorkload* w = workload_on(core);
  return w != nullptr ? w->memory_bandwidth_bps / static_cast<double>(w->cores.size()) : 0.0;
}

void ResourceMonitoring::refresh(uint64_t now_ns) {
  llc_.advance_to(now_ns);
  std::vector<LlcOccupancy::Demand> demands(params_.rmids);
  for (uint32_t c = 0; c < cores_; ++c) {
    const double traffic = core_traffic_bps_(c);
    if (traffic <= 0) continue;
    LlcOccupancy::Demand& d = demands[core_rmid_[c]];
    d.fill_bytes_per_s += traffic;
    // A core running a named workload reuses the workload's data (the
    // phase's share of its traffic too); another walks its part of the span.
    const ClusterWorkload* w = workload_on(c);
    d.working_set_bytes += w != nullptr ? static_cast<double>(w->llc_working_set_bytes) / static_cast<double>(w->cores.size())
                                        : static_cast<double>(untagged_working_set_);
  }
  llc_.set_demands(demands);
}

void ResourceMonitoring::reset(uint64_t now_ns) {
  std::fill(core_rmid_.begin(), core_rmid_.end(), 0);
  refresh(now_ns);
}

}  // namespace crashtwin
