// summary.json (deterministic result of one run) and perf.json (wall-clock
// figures, the only place they go). Both written and read here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/trace_level.h"

namespace crashtwin {

// One expectation of the scenario ("capture_completeness >= 0.9") and how the
// run measured against it.
struct Expectation {
  std::string metric;  // dotted metric name: "alert_to_report_s.max"
  std::string op;      // one of <, <=, >, >=, ==, !=
  double value = 0;    // the bound the scenario declared
  double actual = 0;   // what the run measured
  bool passed = false;
};

struct RunSummary {
  std::string scenario;
  std::string policy;
  std::string strategy;
  uint64_t seed = 0;
  // What the run directory keeps besides this file (absent in older files:
  // full). run_directory_complete asks for the files of this level.
  TraceLevel traces = TraceLevel::full;
  bool valid = true;           // false if the run did not exercise what it claims
  std::string invalid_reason;  // why not valid ("fault memory_ue@dimm1 never fired")
  // Fatal errors the board raised that the scenario did not declare, each
  // "<error> on <component> at <t> s"; they count as failures in the metrics.
  std::vector<std::string> undeclared_failures;
  // Metric name -> number, or -> object of numbers for composite metrics
  // (alert_to_report_s: {mean, max}; prediction: {lead_time_s, precision,
  // recall}). Insertion order is kept in the file. NaN/inf must not be put
  // here (JSON has no spelling for them): omit the metric instead.
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  std::vector<Expectation> expectations;

  bool expectations_passed() const;
  // The metric at a dotted path ("alert_to_report_s.mean"), if it is a number.
  std::optional<double> metric(std::string_view dotted) const;
};

// Every numeric leaf of `metrics` as (dotted name, value), in file order.
std::vector<std::pair<std::string, double>> flatten_metrics(const nlohmann::ordered_json& metrics);

std::string summary_json(const RunSummary& summary);  // 2-space indent, trailing newline
void write_summary(const RunSummary& summary, const std::filesystem::path& path);
// Throws format_error naming the file (and line for JSON syntax errors).
RunSummary parse_summary(std::string_view text, const std::filesystem::path& path_for_errors);
RunSummary read_summary(const std::filesystem::path& path);

struct PerfFigures {
  double wall_s = 0;
  double sim_s = 0;
  double real_time_factor = 0;  // sim_s / wall_s
  uint64_t transactions = 0;    // TLM transactions
  double transactions_per_s = 0;
  uint64_t peak_rss_bytes = 0;
  // The host recoveries simulated after failures: wall time spent in them
  // after the scenario's end (recoveries still running then) and the dump
  // bytes the simulated targets wrote in the whole run.
  double recovery_tail_wall_s = 0;
  uint64_t dump_bytes_simulated = 0;
};

// Peak resident set size of this process so far (getrusage), for perf.json.
uint64_t peak_rss_bytes_of_this_process();

void write_perf(const PerfFigures& perf, const std::filesystem::path& path);
// Throws format_error naming the file (and line for JSON syntax errors).
PerfFigures parse_perf(std::string_view text, const std::filesystem::path& path_for_errors);
PerfFigures read_perf(const std::filesystem::path& path);

}  // namespace crashtwin
