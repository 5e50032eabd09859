#include "policies/strategies/strategy_metrics.h"

namespace crashtwin {

void StrategyMetrics::add(const StrategyOutcome& o) {
  ++failures;
  if (!o.dump_succeeded) ++dumps_failed;
  if (o.identified) ++identified;
  completeness_sum += o.completeness();
  const double production = o.time_to_production_s();
  time_to_production_sum_s += production;
  if (production > time_to_production_max_s) time_to_production_max_s = production;
  time_to_service_sum_s += o.time_to_service_s();
  recovery_window_s += production;
  held_byte_seconds += o.held_byte_seconds();
  if (o.report_ns != 0) {
    ++reports;
    const double report = o.failure_to_report_s();
    report_sum_s += report;
    if (report > report_max_s) report_max_s = report;
  }
}

}  // namespace crashtwin
