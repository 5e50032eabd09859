// Folds one run's recovery outcomes into the metrics (docs/metrics.md) a capture
// strategy decides: capture_completeness, failures_identified,
// time_to_production_s, the failure-to-crash-data time, and the memory held
// during recoveries. The run's reserved_byte_seconds is the steady
// reservation integrated outside recovery windows plus held_byte_seconds.
#pragma once

#include <cstdint>

#include "policies/strategies/outcome.h"

namespace crashtwin {

struct StrategyMetrics {
  uint32_t failures = 0;
  uint32_t dumps_failed = 0;
  uint32_t identified = 0;
  uint32_t reports = 0;  // failures whose crash data reached the analyst
  double completeness_sum = 0;
  double time_to_production_sum_s = 0;
  double time_to_production_max_s = 0;
  double time_to_service_sum_s = 0;
  double report_sum_s = 0;
  double report_max_s = 0;
  double recovery_window_s = 0;   // failure to production, summed
  double held_byte_seconds = 0;   // memory held away within those windows

  void add(const StrategyOutcome& outcome);

  // Means over failures (completeness, production) or reports; 0 when none.
  double capture_completeness() const { return failures == 0 ? 0.0 : completeness_sum / failures; }
  double failures_identified() const { return failures == 0 ? 0.0 : static_cast<double>(identified) / failures; }
  double time_to_production_mean_s() const { return failures == 0 ? 0.0 : time_to_production_sum_s / failures; }
  double time_to_service_mean_s() const { return failures == 0 ? 0.0 : time_to_service_sum_s / failures; }
  double report_mean_s() const { return reports == 0 ? 0.0 : report_sum_s / reports; }
};

}  // namespace crashtwin
