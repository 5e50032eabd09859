#include "scenarios/runner/workload_recorder.h"

#include <limits>

#include "traces/timeseries_writer.h"

namespace crashtwin::scenario {
namespace {
constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void WorkloadRecorder::on_tick(const Agent& agent, uint64_t time_ns) {
  (void)time_ns;
  series_.resize(scenario_.workloads.size());
  const auto features = agent.monitor().workloads();
  for (size_t i = 0; i < scenario_.workloads.size(); ++i) {
    const WorkloadFeatures* f = nullptr;
    for (const WorkloadFeatures& w : features)
      if (w.owner.workload_id == scenario_.workloads[i].id) f = &w;
    const bool measured = f != nullptr && f->rmid != 0 && f->sampled_ns > 0;
    const bool rates = measured && f->has_rates;
    Series& s = series_[i];
    s.occupancy_bytes.push_back(measured ? static_cast<double>(f->llc_occupancy_bytes) : kNoValue);
    s.mbm_total_bps.push_back(rates ? f->mbm_total_bytes_per_s : kNoValue);
    s.mbm_local_bps.push_back(rates ? f->mbm_local_bytes_per_s : kNoValue);
  }
}

void WorkloadRecorder::on_rmid(const Agent& agent, const RmidEvent& event) {
  (void)agent;
  Event& e = events_.add(event.time_ns, "board.agent", EventKind::rmid);
  e.fields["action"] = to_string(event.kind);
  e.fields["workload_id"] = event.owner.workload_id;
  for (const NamedWorkload& w : scenario_.workloads)
    if (w.id == event.owner.workload_id) e.fields["workload"] = w.name;
  if (event.kind == RmidEventKind::exhausted) e.fields["status"] = crashtwin::to_string(event.status);
  else e.fields["rmid"] = event.rmid;
  e.fields["in_use"] = event.counts.in_use;
  e.fields["limbo"] = event.counts.limbo;
  e.fields["free"] = event.counts.free;
}

void WorkloadRecorder::add_columns(RunRecorder& recorder) const {
  for (size_t i = 0; i < series_.size(); ++i) {
    const std::string& name = scenario_.workloads[i].name;
    recorder.add_column_after_run(workload_column(kWorkloadOccupancyPrefix, name), series_[i].occupancy_bytes);
    recorder.add_column_after_run(workload_column(kWorkloadMbmTotalPrefix, name), series_[i].mbm_total_bps);
    recorder.add_column_after_run(workload_column(kWorkloadMbmLocalPrefix, name), series_[i].mbm_local_bps);
  }
}

nlohmann::ordered_json WorkloadRecorder::metric(const RdtStats& stats) const {
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  m["workloads"] = scenario_.workloads.size();
  m["rmids_assigned"] = stats.assigned;
  m["rmids_freed"] = stats.freed;
  m["rmids_exhausted"] = stats.exhausted;
  m["counter_errors"] = stats.counter_errors;
  m["counter_unavailable"] = stats.counter_unavailable;
  return m;
}

}  // namespace crashtwin::scenario
