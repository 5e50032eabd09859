#include "scenarios/schema/metrics.h"

#include <array>
#include <string>

namespace crashtwin::scenario {
namespace {

constexpr std::array kMetrics = {
    MetricInfo{"failures", "fatal errors the board raised, declared by the scenario or not"},
    MetricInfo{"failures_injected", "declared failures that fired during the run"},
    MetricInfo{"failures_undeclared",
               "fatal errors the scenario did not declare (a thermal trip a temperature ramp caused...)"},
    MetricInfo{"failures_reported", "failures for which the BMC finished a report"},
    MetricInfo{"failures_identified",
               "fraction of failures whose BMC report names the right component and error type"},
    MetricInfo{"capture_completeness",
               "mean over failures of captured/needed bytes of each failure's own record (0..1)"},
    MetricInfo{"capture_completeness_declared",
               "capture_completeness over the declared failures only (what the oracle bounds)"},
    MetricInfo{"records_truncated", "captures that did not fit whole in their slice"},
    MetricInfo{"reserved_byte_seconds", "integral of crash memory reserved over simulated time (B*s)"},
    MetricInfo{"reserved_byte_seconds_in_production",
               "integral of crash memory reserved until the first failure, while the host serves its workload (B*s)"},
    MetricInfo{"reserved_byte_seconds_in_recovery", "integral of crash memory reserved after the first failure (B*s)"},
    MetricInfo{"reserved_bytes_mean", "time-weighted mean of crash memory reserved (B)"},
    MetricInfo{"reserved_bytes_mean_in_production", "time-weighted mean of crash memory reserved in production (B)"},
    MetricInfo{"reserved_bytes_peak", "largest crash memory reservation (B)"},
    MetricInfo{"repartitions", "times the agent changed the slice layout"},
    MetricInfo{"repartition_bytes_moved", "bytes of slices moved or resized by repartitions (B)"},
    MetricInfo{"alert_to_report_s.mean", "mean time from failure to a complete BMC report (s)"},
    MetricInfo{"alert_to_report_s.max", "largest time from failure to a complete BMC report (s)"},
    MetricInfo{"time_to_production_s.mean", "mean time from failure to the workload running with all memory (s)"},
    MetricInfo{"time_to_production_s.max", "largest time from failure to production (s)"},
    MetricInfo{"time_to_service_s.mean",
               "mean time from failure to the workload running again, perhaps in reduced memory (fadump) (s)"},
    MetricInfo{"dumps_failed", "failures whose capture strategy delivered no crash data (kdump out of memory...)"},
    MetricInfo{"dma_refused", "DMA transfers, descriptors and window-table writes the controller refused the BMC"},
    MetricInfo{"model_rejections", "failure-model blobs the agent refused (corrupt, another feature set, not newer)"},
    MetricInfo{"duration_s", "simulated duration of the scenario (s): the machine-time the rates are over"},
    MetricInfo{"control_lines.sent", "control-channel lines the scenario sent (scenarios with control: only)"},
    MetricInfo{"control_lines.executed", "control lines the firmware ran (scenarios with control: only)"},
    MetricInfo{"control_lines.refused",
               "control lines the firmware refused: malformed, unknown or not possible now (scenarios with control: only)"},
    MetricInfo{"numa.remote_slice_share",
               "time-weighted share of slice bytes on another NUMA node than their component's (boards with "
               "several nodes only)"},
    MetricInfo{"numa.captures_remote", "captures whose record went to another node than the failed component's"},
    MetricInfo{"numa.remote_traffic_share", "share of the memory bytes the interconnect carried that crossed sockets"},
    MetricInfo{"numa.cross_node_dma_bytes", "bytes the DMA engine (the BMC's drain) moved to or from another socket (B)"},
    MetricInfo{"cache.l1_hit_ratio", "L1 data cache hits / sampled accesses, every core over the run (cache model)"},
    MetricInfo{"cache.l2_hit_ratio", "L2 hits / L2 lookups (L1 misses), every core over the run (cache model)"},
    MetricInfo{"cache.llc_hit_ratio", "LLC hits / LLC lookups (L2 misses), every core over the run (cache model)"},
    MetricInfo{"cache.tlb_hit_ratio", "data TLB hits / lookups, every core over the run (cache model)"},
    MetricInfo{"cache.coherence_per_kaccess",
               "snoops and invalidations per 1000 sampled accesses, every core over the run (cache model)"},
    MetricInfo{"kernel_stacks.high_water_bytes",
               "deepest kernel stack use of any core, Linux's CONFIG_DEBUG_STACK_USAGE scan of its stack (B)"},
    MetricInfo{"kernel_stacks.overflows", "kernel stacks that overflowed into their guard page (a page fault there)"},
    MetricInfo{"prediction.lead_time_s", "mean time from the first alert-level prediction to its failure (s)"},
    MetricInfo{"prediction.precision", "alerted components that did fail / alerted components"},
    MetricInfo{"prediction.recall", "failed components alerted before their failure / failed components"},
    MetricInfo{"prediction.alert_episodes",
               "maximal runs of samples with a component's probability at or above its class's threshold"},
    MetricInfo{"prediction.alerting_s", "instance-seconds components spent in alarm (each episode's first to last alert)"},
};

}  // namespace

std::span<const MetricInfo> known_metrics() { return kMetrics; }

bool is_known_metric(std::string_view name) {
  for (const MetricInfo& m : kMetrics)
    if (m.name == name) return true;
  return false;
}

const std::string& known_metric_list() {
  static const std::string list = [] {
    std::string names;
    for (const MetricInfo& m : kMetrics) names += (names.empty() ? "" : ", ") + std::string(m.name);
    return names;
  }();
  return list;
}

}  // namespace crashtwin::scenario
