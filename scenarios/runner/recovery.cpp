#include "scenarios/runner/recovery.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "models/recovery/host_recovery.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {
namespace {

constexpr const char* kTrack = "host.recovery";

// How closely a simulated recovery must follow the formulas to agree: the
// simulation adds each write command's latency and polls the DMA
// controller, so times differ by a little.
constexpr double kTimeToleranceFraction = 0.01;
constexpr double kTimeToleranceS = 0.1;
constexpr double kCompletenessTolerance = 1e-9;

}  // namespace

std::string cross_check(const FailureRecovery& r) {
  if (!r.simulated) return "not simulated";
  const StrategyOutcome& sim = r.outcome;
  const StrategyOutcome& formula = r.analytic;
  const double dt = sim.time_to_production_s() - formula.time_to_production_s();
  const double tolerance = std::max(kTimeToleranceS, kTimeToleranceFraction * formula.time_to_production_s());
  const bool same_time = std::abs(dt) <= tolerance;
  const bool same_completeness = std::abs(sim.completeness() - formula.completeness()) <= kCompletenessTolerance;
  if (same_time && same_completeness && sim.dump_succeeded == formula.dump_succeeded) return "agrees";
  // The differences the simulation explains, most specific first.
  const uint64_t first_start = sim.phase_count > 0 ? sim.phases[0].start_ns : sim.failure_ns;
  if (first_start > sim.failure_ns + static_cast<uint64_t>(tolerance * 1e9))
    return "differs: the host was still recovering from an earlier failure (queued)";
  if (!sim.dump_succeeded && formula.dump_succeeded && sim.failure_reason != nullptr &&
      std::string_view(sim.failure_reason).starts_with("dump target"))
    return "differs: the dump target failed during the dump";
  if (sim.failure_reason != nullptr && std::string_view(sim.failure_reason) == "no BMC report of the failure")
    return "differs: the BMC reported nothing for this failure";
  if (same_time && !same_completeness && sim.note != nullptr && std::string_view(sim.note) == kTruncatedRecordNote)
    return "differs: truncated record: the BMC decodes its sections, the formula counts the bytes the agent wrote";
  if (same_time && !same_completeness && sim.image_lost_bytes > 0)
    return "differs: CMA pages lost as the board placed them, not in proportion";
  return fmt::format("unexplained: time {:+.3f} s, completeness {:+.6f}", dt,
                     sim.completeness() - formula.completeness());
}

void RunCurve::add(uint64_t t, uint64_t b) {
  if (!t_ns.empty() && t_ns.back() == t) {
    bytes.back() = b;
    return;
  }
  t_ns.push_back(t);
  bytes.push_back(b);
}

uint64_t RunCurve::at(uint64_t t) const {
  const auto it = std::upper_bound(t_ns.begin(), t_ns.end(), t);
  return it == t_ns.begin() ? 0 : bytes[static_cast<size_t>(it - t_ns.begin()) - 1];
}

double RunCurve::byte_seconds(uint64_t until_ns) const {
  double sum = 0;
  for (size_t i = 0; i < t_ns.size() && t_ns[i] < until_ns; ++i) {
    const uint64_t end = i + 1 < t_ns.size() ? std::min(t_ns[i + 1], until_ns) : until_ns;
    sum += static_cast<double>(bytes[i]) * static_cast<double>(end - t_ns[i]) * 1e-9;
  }
  return sum;
}

uint64_t RunCurve::peak(uint64_t until_ns) const {
  uint64_t p = 0;
  for (size_t i = 0; i < t_ns.size() && t_ns[i] < until_ns; ++i) p = std::max(p, bytes[i]);
  return p;
}

MemoryOverRun memory_over_run(const StrategySetup& setup, const std::vector<FailureRecovery>& recoveries) {
  MemoryOverRun m;
  const uint64_t steady = setup.strategy->steady_held_bytes(setup.baseline_reservation_bytes);
  m.held.add(0, steady);
  m.available.add(0, setup.dram_bytes);
  std::vector<const FailureRecovery*> order;
  for (const FailureRecovery& r : recoveries) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const FailureRecovery* a, const FailureRecovery* b) {
    return a->outcome.failure_ns < b->outcome.failure_ns;
  });
  for (size_t k = 0; k < order.size(); ++k) {
    const StrategyOutcome& o = order[k]->outcome;
    // A second failure during a recovery starts its own: the first one's
    // curves stop there.
    const uint64_t end = k + 1 < order.size() ? std::min(o.production_ns, order[k + 1]->outcome.failure_ns)
                                              : o.production_ns;
    m.held.add(o.failure_ns, o.held.at(o.failure_ns));
    m.available.add(o.failure_ns, o.available.at(o.failure_ns));  // 0: the kernel is down
    for (uint32_t i = 0; i < o.held.count && o.held.steps[i].time_ns < end; ++i)
      if (o.held.steps[i].time_ns >= o.failure_ns) m.held.add(o.held.steps[i].time_ns, o.held.steps[i].bytes);
    for (uint32_t i = 0; i < o.available.count && o.available.steps[i].time_ns < end; ++i)
      if (o.available.steps[i].time_ns >= o.failure_ns)
        m.available.add(o.available.steps[i].time_ns, o.available.steps[i].bytes);
    if (end == o.production_ns) {
      m.held.add(end, steady);
      m.available.add(end, setup.dram_bytes);
    }
  }
  return m;
}

void record_recovery_events(const FailureRecovery& r, EventLog& events) {
  const StrategyOutcome& o = r.outcome;
  const std::string component = to_string(r.crash.component);
  const char* error = crashtwin::to_string(r.crash.error);
  // A track per recovery (recoveries of close failures overlap in time), and
  // the BMC's side of predictive-bmc on its own (its report runs while the
  // host already restarts): every span on a track nests or follows.
  const std::string track = fmt::format("{}.{}", kTrack, r.failure + 1);
  const std::string bmc_track = track + ".bmc";
  for (uint32_t i = 0; i < o.phase_count; ++i) {
    const RecoveryPhase& p = o.phases[i];
    const std::string_view name = p.name;
    const bool bmc_side = name == "capture" || name == "alert" || name == "drain" || name == "report";
    Event& e = events.add_span(p.start_ns, p.end_ns - p.start_ns, bmc_side ? bmc_track : track, EventKind::phase);
    e.fields["phase"] = p.name;
    e.fields["strategy"] = o.strategy;
    e.fields["component"] = component;
    e.fields["error"] = error;
  }
  Event& e = events.add_span(o.failure_ns, o.production_ns - o.failure_ns, track, EventKind::phase);
  e.fields["phase"] = "recovery";
  e.fields["strategy"] = o.strategy;
  e.fields["component"] = component;
  e.fields["error"] = error;
  e.fields["dump_succeeded"] = o.dump_succeeded;
  if (o.failure_reason != nullptr) e.fields["failure_reason"] = o.failure_reason;
  if (o.note != nullptr) e.fields["note"] = o.note;
  e.fields["reservation_bytes"] = r.crash.reservation_bytes;
  e.fields["used_bytes"] = r.crash.used_bytes;
  e.fields["needed_bytes"] = o.needed_bytes;
  e.fields["captured_bytes"] = o.captured_bytes;
  e.fields["dump_bytes"] = o.dump_bytes;
  e.fields["image_lost_bytes"] = o.image_lost_bytes;
  e.fields["identified"] = o.identified;
  e.fields["time_to_service_s"] = o.time_to_service_s();
  e.fields["time_to_production_s"] = o.time_to_production_s();
  e.fields["completeness"] = o.completeness();
  // The analytic model's figures for the same crash: the cross-check of
  // the simulated recovery (docs/policies.md says where they differ).
  e.fields["simulated"] = r.simulated;
  e.fields["analytic_time_to_production_s"] = r.analytic.time_to_production_s();
  e.fields["analytic_completeness"] = r.analytic.completeness();
  e.fields["analytic_dump_succeeded"] = r.analytic.dump_succeeded;
  e.fields["cross_check"] = cross_check(r);
  // Memory returned step by step (fadump's release_region): the first step
  // is the reduced-memory boot, the last all of DRAM.
  if (o.available.count > 2) {
    for (uint32_t i = 0; i < o.available.count; ++i) {
      Event& step = events.add(o.available.steps[i].time_ns, track, EventKind::phase);
      step.fields["phase"] = "memory_returned";
      step.fields["strategy"] = o.strategy;
      step.fields["available_bytes"] = o.available.steps[i].bytes;
      step.fields["held_bytes"] = o.held.at(o.available.steps[i].time_ns);
    }
  }
}

}  // namespace crashtwin::scenario
