// The metrics a run reports in summary.json (docs/metrics.md), by the
// dotted names expectations use. One list, so the loader can reject a typo in
// an expectation and the runner cannot report a name the docs do not know.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace crashtwin::scenario {

struct MetricInfo {
  std::string_view name;         // dotted: "alert_to_report_s.max"
  std::string_view description;  // one line, with the unit
};

std::span<const MetricInfo> known_metrics();
bool is_known_metric(std::string_view name);
// "a, b, c" of every known metric name, for error messages.
const std::string& known_metric_list();  // "a, b, c": every name above, for messages

}  // namespace crashtwin::scenario
