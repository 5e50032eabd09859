#include "scenarios/runner/metrics.h"

#include <algorithm>

#include <fmt/format.h>

#include "platform/core/bmc_alert.h"
#include "policies/strategies/strategy_metrics.h"

namespace crashtwin::scenario {
namespace {

// One failure of the run as the board raised it, declared by the scenario
// or not, followed through the firmware (its capture, whose record id names
// the failure) to the BMC's report of it.
struct JudgedFailure {
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  uint64_t t_ns = 0;               // raised by the board
  int64_t planned = -1;            // index into RunFacts::planned; -1: undeclared
  const CaptureFact* capture = nullptr;
  const BmcDrainReport* report = nullptr;
};

bool same_event(const ErrorEvent& a, const ErrorEvent& b) {
  return a.component == b.component && a.type == b.type && a.time_ns == b.time_ns;
}

// The capture the firmware made of a raised error (the agent handles each
// error it is told of once).
const CaptureFact* capture_of(const RunFacts& f, const ErrorEvent& raised) {
  for (const CaptureFact& c : f.captures)
    if (same_event(c.event, raised)) return &c;
  return nullptr;
}

// The BMC report of a failure: the one whose alert named this failure (its
// component and failure sequence). Without a capture there is no sequence:
// the first unused report naming the component and error after it.
const BmcDrainReport* report_of(const RunFacts& f, const JudgedFailure& j, std::vector<bool>& used) {
  for (size_t i = 0; i < f.reports.size(); ++i) {
    const BmcDrainReport& r = f.reports[i];
    if (used[i] || r.alert_t_ns < j.t_ns || !(r.failed_component == j.component) || r.error != j.error) continue;
    if (j.capture != nullptr && r.failure_sequence != failure_sequence_of(j.capture->record_id)) continue;
    used[i] = true;
    return &r;
  }
  return nullptr;
}

// Captured over needed bytes of this failure's own record: records of
// earlier failures of the same component and error do not count.
double completeness(const JudgedFailure& j) {
  if (j.report == nullptr || j.capture == nullptr) return 0.0;
  uint64_t needed = 0;
  uint64_t captured = 0;
  for (const DrainedRecord& rec : j.report->records) {
    if (rec.record_id != j.capture->record_id) continue;
    for (const DrainedSection& s : rec.sections) {
      needed += s.needed;
      captured += s.captured;
    }
  }
  return needed == 0 ? 0.0 : static_cast<double>(captured) / static_cast<double>(needed);
}

// The crash as the strategy models see it: the board and the agent at the
// moment the error was raised.
CrashFacts crash_facts(const RunFacts& f, const JudgedFailure& j, const RaisedError& raised) {
  CrashFacts c;
  c.component = j.component;
  c.error = j.error;
  c.time_ns = j.t_ns;
  c.capture_facts = f.strategy.board_facts;
  c.dram_bytes = f.strategy.dram_bytes;
  c.used_bytes = std::min(raised.used_bytes, c.dram_bytes);
  c.reservation_bytes = f.strategy.predictive ? raised.reserved_bytes : f.strategy.baseline_reservation_bytes;
  if (j.capture != nullptr) {
    c.predictive_captured_bytes = j.capture->captured_bytes;
    c.predictive_needed_bytes = j.capture->needed_bytes;
  }
  c.reservation_bytes = std::min(c.reservation_bytes, c.dram_bytes);
  return c;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
}

}  // namespace

MetricResult compute_metrics(const RunFacts& f) {
  MetricResult out;
  // Every fatal error the board raised is a failure. A declared one is the
  // first raise of its component and error at or after its injection; any
  // raise left over (a thermal trip a temperature ramp caused, say) is an
  // undeclared failure, counted the same way and named in the summary.
  std::vector<bool> raise_used(f.raised.size(), false);
  std::vector<JudgedFailure> failures;
  std::vector<const RaisedError*> raise_of;  // parallel to failures
  std::vector<size_t> order(f.planned.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return f.planned[a].t_ns < f.planned[b].t_ns; });
  for (size_t i : order) {
    const PlannedFailure& p = f.planned[i];
    const FiredFailure& inj = f.injected[i];
    int64_t raised = -1;
    for (size_t k = 0; inj.injected && k < f.raised.size() && raised < 0; ++k) {
      const ErrorEvent& e = f.raised[k].event;
      if (!raise_used[k] && e.component == p.component && e.type == p.error && e.time_ns >= inj.t_ns)
        raised = static_cast<int64_t>(k);
    }
    if (!inj.injected)
      out.invalid_reasons.push_back(fmt::format("failure {} ({} on {}) was refused by the board: {}", p.name,
                                                crashtwin::to_string(p.error), to_string(p.component),
                                                crashtwin::to_string(inj.status)));
    else if (raised < 0)
      out.invalid_reasons.push_back(fmt::format("failure {} ({} on {}) never fired before the end of the run", p.name,
                                                crashtwin::to_string(p.error), to_string(p.component)));
    if (raised < 0) continue;
    raise_used[static_cast<size_t>(raised)] = true;
    const RaisedError& r = f.raised[static_cast<size_t>(raised)];
    failures.push_back({p.component, p.error, r.event.time_ns, static_cast<int64_t>(i), nullptr, nullptr});
    raise_of.push_back(&r);
  }
  for (size_t k = 0; k < f.raised.size(); ++k) {
    if (raise_used[k]) continue;
    const ErrorEvent& e = f.raised[k].event;
    failures.push_back({e.component, e.type, e.time_ns, -1, nullptr, nullptr});
    raise_of.push_back(&f.raised[k]);
    out.undeclared.push_back({e.component, e.type, e.time_ns});
  }
  // Judge in the order the board raised them, so reports pair up in time.
  std::vector<size_t> by_time(failures.size());
  for (size_t i = 0; i < by_time.size(); ++i) by_time[i] = i;
  std::stable_sort(by_time.begin(), by_time.end(), [&](size_t a, size_t b) { return failures[a].t_ns < failures[b].t_ns; });
  std::vector<bool> report_used(f.reports.size(), false);
  for (size_t i : by_time) {
    JudgedFailure& j = failures[i];
    j.capture = capture_of(f, raise_of[i]->event);
    j.report = report_of(f, j, report_used);
    if (f.strategy.strategy != nullptr) {
      FailureRecovery r{i, crash_facts(f, j, *raise_of[i]), {}, {}, false};
      const std::string name = j.planned >= 0 ? f.planned[static_cast<size_t>(j.planned)].name
                                              : fmt::format("undeclared {} on {}", crashtwin::to_string(j.error),
                                                            to_string(j.component));
      const ErrorEvent& raised = raise_of[i]->event;
      const SimulatedRecovery* sim = nullptr;
      if (f.simulated != nullptr)
        for (const SimulatedRecovery& s : *f.simulated)
          if (s.event.time_ns == raised.time_ns && s.event.component == raised.component && s.event.type == raised.type)
            sim = &s;
      if (const Status st = f.strategy.strategy->recover(r.crash, r.analytic); !ok(st)) {
        out.invalid_reasons.push_back(fmt::format("failure {}: the {} model refused the crash facts ({})", name,
                                                  f.strategy.strategy->name(), crashtwin::to_string(st)));
      } else if (sim != nullptr) {
        r.outcome = sim->outcome;
        r.simulated = true;
        out.recoveries.push_back(r);
      } else if (f.simulated == nullptr) {
        r.outcome = r.analytic;
        out.recoveries.push_back(r);
      } else {
        out.invalid_reasons.push_back(fmt::format("failure {}: its {} recovery did not finish in simulated time",
                                                  name, f.strategy.strategy->name()));
      }
    }
  }
  StrategyMetrics recovered;
  for (const FailureRecovery& r : out.recoveries) recovered.add(r.outcome);
  const bool baseline = f.strategy.strategy != nullptr && !f.strategy.predictive;

  uint64_t declared = 0, reported = 0, identified = 0, truncated = 0;
  std::vector<double> completeness_values, alert_to_report;
  std::vector<bool> is_declared;  // parallel to completeness_values
  for (const JudgedFailure& j : failures) {
    declared += j.planned >= 0 ? 1 : 0;
    is_declared.push_back(j.planned >= 0);
    if (j.report == nullptr) {
      completeness_values.push_back(0.0);
      continue;
    }
    ++reported;
    if (j.report->identified && j.report->failed_component == j.component && j.report->error == j.error) ++identified;
    completeness_values.push_back(completeness(j));
    alert_to_report.push_back(static_cast<double>(j.report->report_t_ns - j.t_ns) * 1e-9);
  }
  for (const CaptureFact& c : f.captures) truncated += c.truncated ? 1 : 0;
  const uint64_t fired = failures.size();

  // A baseline's crash data is its dump, not the BMC's drain of the slices
  // (which the twin still simulates): its outcome decides.
  // Memory held while the host serves its workload (until the first
  // failure: the headline figure), while it recovers, and both.
  double reserved_byte_seconds = f.reserved_byte_seconds;
  double reserved_in_production = f.reserved_byte_seconds_in_production;
  uint64_t reserved_peak = f.reserved_bytes_peak;
  if (baseline) {
    reported = recovered.reports;
    identified = recovered.identified;
    completeness_values.clear();
    is_declared.clear();
    alert_to_report.clear();
    for (const FailureRecovery& r : out.recoveries) {
      completeness_values.push_back(r.outcome.completeness());
      is_declared.push_back(failures[r.failure].planned >= 0);
      if (r.outcome.report_ns != 0) alert_to_report.push_back(r.outcome.failure_to_report_s());
    }
    const MemoryOverRun memory = memory_over_run(f.strategy, out.recoveries);
    reserved_byte_seconds = memory.held.byte_seconds(f.duration_ns);
    reserved_in_production = memory.held.byte_seconds(std::min(f.production_end_ns, f.duration_ns));
    reserved_peak = memory.held.peak(f.duration_ns);
  }

  auto& m = out.metrics;
  m["failures"] = fired;
  m["failures_injected"] = declared;
  m["failures_undeclared"] = fired - declared;
  m["failures_reported"] = reported;
  if (fired > 0) {
    m["failures_identified"] = static_cast<double>(identified) / static_cast<double>(fired);
    m["capture_completeness"] = mean(completeness_values);
  }
  // Over the declared failures only: what the oracle, which knows them and
  // nothing else, bounds.
  std::vector<double> declared_values;
  for (size_t i = 0; i < completeness_values.size(); ++i)
    if (is_declared[i]) declared_values.push_back(completeness_values[i]);
  if (!declared_values.empty()) m["capture_completeness_declared"] = mean(declared_values);
  m["records_truncated"] = truncated;
  const uint64_t production_ns = std::min(f.production_end_ns, f.duration_ns);
  m["reserved_byte_seconds"] = reserved_byte_seconds;
  m["reserved_byte_seconds_in_production"] = reserved_in_production;
  m["reserved_byte_seconds_in_recovery"] = reserved_byte_seconds - reserved_in_production;
  m["reserved_bytes_mean"] = f.duration_ns == 0 ? 0.0 : reserved_byte_seconds / (static_cast<double>(f.duration_ns) * 1e-9);
  if (production_ns > 0)
    m["reserved_bytes_mean_in_production"] = reserved_in_production / (static_cast<double>(production_ns) * 1e-9);
  m["reserved_bytes_peak"] = reserved_peak;
  m["repartitions"] = f.repartitions;
  m["repartition_bytes_moved"] = f.repartition_bytes_moved;
  if (!alert_to_report.empty())
    m["alert_to_report_s"] = {{"mean", mean(alert_to_report)},
                              {"max", *std::max_element(alert_to_report.begin(), alert_to_report.end())}};
  if (recovered.failures > 0) {
    m["time_to_production_s"] = {{"mean", recovered.time_to_production_mean_s()},
                                 {"max", recovered.time_to_production_max_s}};
    m["time_to_service_s"] = {{"mean", recovered.time_to_service_mean_s()}};
    m["dumps_failed"] = recovered.dumps_failed;
  }
  m["dma_refused"] = f.dma_refused;
  m["model_rejections"] = f.model_rejections;
  // The machine-time the rates above are over (fleet.csv's machine-years).
  m["duration_s"] = static_cast<double>(f.duration_ns) / 1e9;  // exact for whole seconds

  if (f.has_model) {
    // Recall and lead time: a fired failure counts as predicted when an alert
    // episode of its component overlaps the horizon before it.
    std::vector<double> leads;
    uint64_t predicted = 0;
    for (const JudgedFailure& j : failures) {
      const uint64_t t = j.t_ns;
      const uint64_t window_begin = t > f.horizon_ns ? t - f.horizon_ns : 0;
      uint64_t earliest = UINT64_MAX;
      for (const AlertEpisode& e : f.episodes)
        if (e.component == j.component && e.begin_ns < t && e.end_ns >= window_begin)
          earliest = std::min(earliest, std::max(e.begin_ns, window_begin));
      if (earliest != UINT64_MAX) {
        ++predicted;
        leads.push_back(static_cast<double>(t - earliest) * 1e-9);
      }
    }
    // Precision: episodes followed (within the horizon) by a failure of the
    // same component.
    uint64_t true_alerts = 0;
    for (const AlertEpisode& e : f.episodes) {
      for (const JudgedFailure& j : failures) {
        if (j.component == e.component && j.t_ns >= e.begin_ns && j.t_ns <= e.end_ns + f.horizon_ns) {
          ++true_alerts;
          break;
        }
      }
    }
    nlohmann::ordered_json prediction = nlohmann::ordered_json::object();
    if (!leads.empty()) prediction["lead_time_s"] = mean(leads);
    if (!f.episodes.empty())
      prediction["precision"] = static_cast<double>(true_alerts) / static_cast<double>(f.episodes.size());
    if (fired > 0) prediction["recall"] = static_cast<double>(predicted) / static_cast<double>(fired);
    prediction["alert_episodes"] = f.episodes.size();
    // How long components sat in alarm (instance-seconds, from each
    // episode's first alerting sample to its last): a fleet's alarm that
    // never ends is one episode, and this says it lasted the year.
    uint64_t alerting_ns = 0;
    for (const AlertEpisode& e : f.episodes) alerting_ns += e.end_ns - e.begin_ns;
    prediction["alerting_s"] = static_cast<double>(alerting_ns) / 1e9;
    m["prediction"] = prediction;
  }
  return out;
}

}  // namespace crashtwin::scenario
