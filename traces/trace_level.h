// How much of a run the results directory keeps (the scenario's `traces:`).
// `full` writes every file of docs/results.md; `summary` keeps what a fleet
// of machine-years needs (summary.json, perf.json, config.yaml,
// timer_jitter.json, bmc/) and neither records nor writes the bulky traces
// (timeseries.csv, events.jsonl, trace.vcd, trace.json,
// memory_profile.json): a machine-year at the field sampling period writes
// about 0.5 GB of those and holds them in memory until the end.
// Header-only so the scenario language (which does not link traces/) and the
// results files share the spelling.
#pragma once

#include <optional>
#include <string_view>

namespace crashtwin {

enum class TraceLevel : unsigned char { full, summary };

constexpr std::string_view to_string(TraceLevel level) { return level == TraceLevel::summary ? "summary" : "full"; }

constexpr std::optional<TraceLevel> parse_trace_level(std::string_view text) {
  if (text == "full") return TraceLevel::full;
  if (text == "summary") return TraceLevel::summary;
  return std::nullopt;
}

}  // namespace crashtwin
