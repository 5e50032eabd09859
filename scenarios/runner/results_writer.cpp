#include "scenarios/runner/results_writer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "platform/predictor/features.h"
#include "scenarios/schema/capture_params.h"
#include "scenarios/schema/quantity_text.h"
#include "traces/bmc_report.h"
#include "traces/chrome_trace.h"
#include "traces/config_dump.h"

namespace crashtwin::scenario {
namespace {

BmcReport bmc_report_of(const std::vector<BmcDrainReport>& drains, const std::vector<BmcLogEntry>& event_log) {
  BmcReport out;
  for (const BmcLogEntry& e : event_log) {
    BmcEvent event;
    event.t_ns = e.t_ns;
    event.sensor = e.sensor;
    event.event = e.event;
    if (std::isfinite(e.reading_c)) event.reading_c = e.reading_c;
    if (std::isfinite(e.threshold_c)) event.threshold_c = e.threshold_c;
    event.component = e.component;
    if (std::isfinite(e.probability)) event.probability = e.probability;
    out.event_log.push_back(std::move(event));
  }
  for (const BmcDrainReport& d : drains) {
    BmcVerdict v;
    v.alert_t_ns = d.alert_t_ns;
    v.report_t_ns = d.report_t_ns;
    v.identified = d.identified;
    v.failed_component = d.failed_component;
    v.error = d.error;
    v.failure_sequence = d.failure_sequence;
    v.slice_found = d.slice_found;
    v.record_found = d.record_found;
    v.record_truncated = d.record_truncated;
    v.alert_to_report_s = d.alert_to_report_s();
    v.refused_accesses = d.refused_accesses;
    v.bytes_drained = d.bytes_drained;
    v.diagnostics = d.diagnostics;
    v.related_events = d.related_events;
    v.alarm_asserted_t_ns = d.alarm_asserted_t_ns;
    for (const DrainedRecord& r : d.records) {
      BmcRecord rec;
      rec.slice = r.slice;
      rec.record_id = r.record_id;
      rec.component = r.component;
      rec.error = r.error;
      rec.severity = r.severity;
      rec.timestamp_ns = r.timestamp_ns;
      rec.truncated = r.truncated;
      rec.cper = r.cper;
      rec.kernel_stacks = kernel_stacks_of(rec.cper);
      for (const DrainedSection& s : r.sections)
        rec.sections.push_back({s.type, s.length, s.needed, s.captured, s.protection});
      v.records.push_back(static_cast<uint32_t>(out.records.size()));
      out.records.push_back(std::move(rec));
    }
    out.verdicts.push_back(std::move(v));
  }
  return out;
}

// agent.feature_window's description: what a span of 0 means.
std::string feature_window_description(bool set_by_scenario) {
  return fmt::format("span of the feature windows; 0 s: the last {} samples, however far apart{}", kWindowCapacity,
                     set_by_scenario ? "" : " (the model's)");
}

std::vector<ConfigEntry> config_entries(const ResultsToWrite& r) {
  const Scenario& s = r.scenario;
  std::vector<ConfigEntry> e = {
      {"scenario.name", s.name, "scenario name"},
      {"scenario.source", s.source_path, "scenario file"},
      {"scenario.seed", std::to_string(s.seed), "seed of every random draw"},
      {"scenario.duration", duration_text(s.duration_ns), "simulated time of the run"},
      {"scenario.fleet_machines", std::to_string(s.fleet_machines),
       s.fleet_machines > 1 ? "machines of the scenario's fleet: this run is one of them" : "not a fleet"},
      {"scenario.traces", std::string(to_string(s.traces)),
       s.traces == TraceLevel::full ? "what the results keep: every trace" : "what the results keep: no traces, the summary and the BMC's records"},
      {"run.policy", r.request.policy, "partitioning policy of this run"},
      {"run.strategy", r.request.strategy, "capture strategy of this run"},
      {"agent.allocation_frequency", duration_text(s.agent.allocation_frequency_ns),
       "period of sample, predict, repartition"},
      {"agent.minimum_partition_size", size_text(s.agent.minimum_partition_size), "smallest slice"},
      {"agent.maximum_partition_size", size_text(s.agent.maximum_partition_size), "largest slice"},
      {"agent.budget", size_text(s.agent.budget_bytes), "crash region capacity for slices"},
      {"agent.region_placement",
       s.agent.region_placement == AgentSettings::RegionPlacement::top ? "top" : "node_boundary",
       "where the board reserves the crash region"},
      {"agent.slice_placement", to_string(s.agent.slice_placement), "where slices go on a NUMA board"},
      {"agent.failure_prediction_model_path",
       s.agent.failure_prediction_model_path.empty() ? "(default: data/failure-models/default.ctpm)" : s.agent.failure_prediction_model_path,
       "failure model blob"},
      {"agent.horizon", duration_text(r.model.horizon_ns),
       s.agent.horizon_ns ? "a prediction's horizon: failure within this time" : "a prediction's horizon (the model's)"},
      {"agent.feature_window", duration_text(r.model.feature_window_ns),
       feature_window_description(s.agent.feature_window_ns.has_value())},
      {"agent.alarm_clear_ratio", fmt::format("{}", s.agent.alarm_clear_ratio),
       "an alarm clears below this fraction of its class's threshold"},
      {"agent.alarm_clear_time", duration_text(s.agent.alarm_clear_time_ns),
       "... held this long (0: at the first sample below)"},
      {"model.generation", std::to_string(r.model.generation), "generation of the failure model the run loaded"},
      {"model.feature_set", std::to_string(r.model.feature_set_version), "feature set version it was trained on"},
      {"model.horizon", duration_text(r.model.model_horizon_ns), "horizon it was trained for"},
      {"model.window", duration_text(r.model.model_window_ns), "feature window span it was trained on"},
  };
  for (const EffectiveParam& p : r.board_config)
    e.push_back({p.name, p.value, p.description + (p.is_default ? " (default)" : "")});
  // Every strategy's timing parameters, as the scenario wrote them or the
  // default: a run's config.yaml reproduces its timings on its own.
  for (const StrategyParamInfo& p : strategy_param_table()) {
    const auto set = std::find_if(s.strategy_settings.begin(), s.strategy_settings.end(),
                                  [&](const BoardParam& b) { return b.name == p.name; });
    const bool is_default = set == s.strategy_settings.end();
    e.push_back({std::string("strategy.") + p.name, is_default ? std::string(p.default_text) : set->value,
                 std::string(p.description) + (is_default ? " (default)" : "")});
  }
  // The capture sizes (capture:), as the scenario wrote them or the default.
  for (const CaptureParamInfo& p : capture_param_table()) {
    const bool is_default = std::none_of(s.capture_settings.begin(), s.capture_settings.end(),
                                         [&](const BoardParam& b) { return b.name == p.name; });
    e.push_back({std::string("capture.") + p.name, capture_param_text(p, s.capture_facts),
                 std::string(p.description) + (is_default ? " (default)" : "")});
  }
  return e;
}

}  // namespace

void write_results(const ResultsToWrite& r, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  write_perf(r.perf, dir / "perf.json");
  if (r.scenario.traces == TraceLevel::full) {
    write_timeseries_csv(r.recorder.timeseries(), dir / "timeseries.csv");
    r.events.write_jsonl(dir / "events.jsonl");
    r.recorder.vcd().write(dir / "trace.vcd");
    write_chrome_trace(r.events.events(), &r.recorder.timeseries(), dir / "trace.json");
    write_memory_profile(r.memory_profile, dir / "memory_profile.json");
  }
  write_bmc_report(bmc_report_of(r.recorder.reports(), r.bmc_event_log), dir / "bmc");
  write_config_yaml(config_entries(r), dir / "config.yaml");
  write_timer_jitter(r.timer_jitter, dir / "timer_jitter.json");
  write_summary(r.summary, dir / "summary.json");
}

}  // namespace crashtwin::scenario
