#include "scenarios/schema/metrics.h"

#include <array>

namespace crashtwin::scenario {
namespace {

constexpr std::array kMetrics = {
    MetricInfo{"failures_injected", "failures that fired during the run"},
    MetricInfo{"failures_reported", "failures for which the BMC finished a report"},
    MetricInfo{"failures_identified",
               "fraction of fired failures whose BMC report names the right component and error type"},
    MetricInfo{"capture_completeness", "mean over fired failures of captured/needed bytes (0..1)"},
    MetricInfo{"records_truncated", "records the BMC found marked truncated"},
    MetricInfo{"reserved_byte_seconds", "integral of crash memory reserved over simulated time (B*s)"},
    MetricInfo{"reserved_bytes_mean", "time-weighted mean of crash memory reserved (B)"},
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
    MetricInfo{"dma_refused", "DMA accesses the controller refused (outside the BMC window)"},
    MetricInfo{"prediction.lead_time_s", "mean time from the first alert-level prediction to its failure (s)"},
    MetricInfo{"prediction.precision", "alerted components that did fail / alerted components"},
    MetricInfo{"prediction.recall", "failed components alerted before their failure / failed components"},
};

constexpr std::string_view kMetricList =
    "failures_injected, failures_reported, failures_identified, capture_completeness, records_truncated, "
    "reserved_byte_seconds, reserved_bytes_mean, reserved_bytes_peak, repartitions, repartition_bytes_moved, "
    "alert_to_report_s.mean, alert_to_report_s.max, time_to_production_s.mean, time_to_production_s.max, "
    "time_to_service_s.mean, dumps_failed, dma_refused, prediction.lead_time_s, prediction.precision, prediction.recall";

}  // namespace

std::span<const MetricInfo> known_metrics() { return kMetrics; }

bool is_known_metric(std::string_view name) {
  for (const MetricInfo& m : kMetrics)
    if (m.name == name) return true;
  return false;
}

std::string_view known_metric_list() { return kMetricList; }

}  // namespace crashtwin::scenario
