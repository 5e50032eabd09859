#include "scenarios/runner/metrics.h"

#include <algorithm>

#include <fmt/format.h>

#include "policies/strategies/strategy_metrics.h"

namespace crashtwin::scenario {
namespace {

struct Judged {
  bool fired = false;
  uint64_t t_ns = 0;
  const BmcDrainReport* report = nullptr;
};

bool raised_after(const RunFacts& f, const PlannedFailure& p, uint64_t t_ns) {
  return std::any_of(f.raised.begin(), f.raised.end(), [&](const RaisedError& r) {
    return r.event.component == p.component && r.event.type == p.error && r.event.time_ns >= t_ns;
  });
}

// The BMC report of a failure: the first unused report after it whose alert
// code the host raised for this failure, else the first unused report after
// it (so a wrong verdict still counts against identification).
const BmcDrainReport* match_report(const RunFacts& f, const PlannedFailure& p, uint64_t t_ns,
                                   std::vector<bool>& used) {
  const uint32_t code = bmc_alert_code(ErrorEvent{p.component, p.error, 0, 0, 0});
  int64_t fallback = -1;
  for (size_t i = 0; i < f.reports.size(); ++i) {
    if (used[i] || f.reports[i].alert_t_ns < t_ns) continue;
    if (f.reports[i].alert_code == code) {
      used[i] = true;
      return &f.reports[i];
    }
    if (fallback < 0) fallback = static_cast<int64_t>(i);
  }
  if (fallback < 0) return nullptr;
  used[static_cast<size_t>(fallback)] = true;
  return &f.reports[static_cast<size_t>(fallback)];
}

double completeness(const BmcDrainReport& r, const PlannedFailure& p) {
  uint64_t needed = 0;
  uint64_t captured = 0;
  for (const DrainedRecord& rec : r.records) {
    if (rec.component != p.component || rec.error != p.error) continue;
    for (const DrainedSection& s : rec.sections) {
      needed += s.needed;
      captured += s.captured;
    }
  }
  return needed == 0 ? 0.0 : static_cast<double>(captured) / static_cast<double>(needed);
}

template <typename T>
const T* first_after(const std::vector<T>& list, const PlannedFailure& p, uint64_t t_ns) {
  for (const T& x : list)
    if (x.event.component == p.component && x.event.type == p.error && x.event.time_ns >= t_ns) return &x;
  return nullptr;
}

// The crash as the strategy models see it: the board and the agent at the
// moment the error was raised.
CrashFacts crash_facts(const RunFacts& f, const PlannedFailure& p, uint64_t t_ns) {
  CrashFacts c;
  c.component = p.component;
  c.error = p.error;
  c.time_ns = t_ns;
  c.capture_facts = f.strategy.board_facts;
  c.dram_bytes = f.strategy.dram_bytes;
  if (const RaisedError* r = first_after(f.raised, p, t_ns)) {
    c.time_ns = r->event.time_ns;
    c.used_bytes = std::min(r->used_bytes, c.dram_bytes);
    c.reservation_bytes = f.strategy.predictive ? r->reserved_bytes : f.strategy.baseline_reservation_bytes;
  }
  if (const CaptureFact* cap = first_after(f.captures, p, t_ns)) c.predictive_captured_bytes = cap->captured_bytes;
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
  std::vector<Judged> judged(f.planned.size());
  std::vector<bool> used(f.reports.size(), false);
  // Judge failures in the order they fired, so reports pair up in time.
  std::vector<size_t> order(f.planned.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return f.planned[a].t_ns < f.planned[b].t_ns; });
  for (size_t i : order) {
    const PlannedFailure& p = f.planned[i];
    const FiredFailure& inj = f.injected[i];
    Judged& j = judged[i];
    j.t_ns = inj.t_ns;
    j.fired = inj.injected && raised_after(f, p, inj.t_ns);
    if (!inj.injected)
      out.invalid_reasons.push_back(fmt::format("failure {} ({} on {}) was refused by the board: {}", p.name,
                                                crashtwin::to_string(p.error), to_string(p.component),
                                                crashtwin::to_string(inj.status)));
    else if (!j.fired)
      out.invalid_reasons.push_back(fmt::format("failure {} ({} on {}) never fired before the end of the run", p.name,
                                                crashtwin::to_string(p.error), to_string(p.component)));
    if (j.fired) j.report = match_report(f, p, inj.t_ns, used);
    if (j.fired && f.strategy.strategy != nullptr) {
      FailureRecovery r{i, crash_facts(f, p, inj.t_ns), {}};
      if (const Status st = f.strategy.strategy->recover(r.crash, r.outcome); !ok(st))
        out.invalid_reasons.push_back(fmt::format("failure {}: the {} model refused the crash facts ({})", p.name,
                                                  f.strategy.strategy->name(), crashtwin::to_string(st)));
      else
        out.recoveries.push_back(r);
    }
  }
  StrategyMetrics recovered;
  for (const FailureRecovery& r : out.recoveries) recovered.add(r.outcome);
  const bool baseline = f.strategy.strategy != nullptr && !f.strategy.predictive;

  uint64_t fired = 0, reported = 0, identified = 0, truncated = 0;
  std::vector<double> completeness_values, alert_to_report;
  for (size_t i = 0; i < judged.size(); ++i) {
    const Judged& j = judged[i];
    if (!j.fired) continue;
    ++fired;
    if (j.report == nullptr) {
      completeness_values.push_back(0.0);
      continue;
    }
    ++reported;
    const PlannedFailure& p = f.planned[i];
    if (j.report->identified && j.report->failed_component == p.component && j.report->error == p.error) ++identified;
    completeness_values.push_back(completeness(*j.report, p));
    alert_to_report.push_back(static_cast<double>(j.report->report_t_ns - j.t_ns) * 1e-9);
  }
  for (const BmcDrainReport& r : f.reports)
    for (const DrainedRecord& rec : r.records) truncated += rec.truncated ? 1 : 0;

  // A baseline's crash data is its dump, not the BMC's drain of the slices
  // (which the twin still simulates): its outcome decides.
  double reserved_byte_seconds = f.reserved_byte_seconds;
  uint64_t reserved_peak = f.reserved_bytes_peak;
  if (baseline) {
    reported = recovered.reports;
    identified = recovered.identified;
    completeness_values.clear();
    alert_to_report.clear();
    for (const FailureRecovery& r : out.recoveries) {
      completeness_values.push_back(r.outcome.completeness());
      if (r.outcome.report_ns != 0) alert_to_report.push_back(r.outcome.failure_to_report_s());
    }
    const MemoryOverRun memory = memory_over_run(f.strategy, out.recoveries);
    reserved_byte_seconds = memory.held.byte_seconds(f.duration_ns);
    reserved_peak = memory.held.peak(f.duration_ns);
  }

  auto& m = out.metrics;
  m["failures_injected"] = fired;
  m["failures_reported"] = reported;
  if (fired > 0) {
    m["failures_identified"] = static_cast<double>(identified) / static_cast<double>(fired);
    m["capture_completeness"] = mean(completeness_values);
  }
  m["records_truncated"] = truncated;
  m["reserved_byte_seconds"] = reserved_byte_seconds;
  m["reserved_bytes_mean"] = f.duration_ns == 0 ? 0.0 : reserved_byte_seconds / (static_cast<double>(f.duration_ns) * 1e-9);
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

  if (f.has_model) {
    // Recall and lead time: a fired failure counts as predicted when an alert
    // episode of its component overlaps the horizon before it.
    std::vector<double> leads;
    uint64_t predicted = 0;
    for (size_t i = 0; i < judged.size(); ++i) {
      if (!judged[i].fired) continue;
      const uint64_t t = judged[i].t_ns;
      const uint64_t window_begin = t > f.horizon_ns ? t - f.horizon_ns : 0;
      uint64_t earliest = UINT64_MAX;
      for (const AlertEpisode& e : f.episodes)
        if (e.component == f.planned[i].component && e.begin_ns < t && e.end_ns >= window_begin)
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
      for (size_t i = 0; i < judged.size(); ++i) {
        if (judged[i].fired && f.planned[i].component == e.component && judged[i].t_ns >= e.begin_ns &&
            judged[i].t_ns <= e.end_ns + f.horizon_ns) {
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
    m["prediction"] = prediction;
  }
  return out;
}

}  // namespace crashtwin::scenario
