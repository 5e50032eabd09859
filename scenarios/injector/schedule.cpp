#include "scenarios/injector/schedule.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "scenarios/injector/seeded_random.h"

namespace crashtwin::scenario {
namespace {

// Where a ramp starts when the scenario gives no baseline temperature: the
// chassis inlet the part breathes.
constexpr double kNominalInletC = 25.0;
constexpr uint64_t kMaxDrawAttempts = 1000;

double baseline_temperature(const Scenario& s, ComponentId c) {
  for (const ComponentBaseline& b : s.components)
    if (b.component == c && b.temperature_c) return *b.temperature_c;
  return kNominalInletC;
}

uint64_t draw_time(const FailureTime& t, uint64_t duration_ns, SeededRandom& rng) {
  const double from = static_cast<double>(t.from_ns);
  for (uint64_t attempt = 0; attempt < kMaxDrawAttempts; ++attempt) {
    double v = 0;
    switch (t.distribution) {
      case TimeDistribution::fixed: return t.at_ns;
      case TimeDistribution::uniform: v = from + rng.uniform() * static_cast<double>(t.to_ns - t.from_ns); break;
      case TimeDistribution::exponential: v = from + rng.exponential(static_cast<double>(t.mean_ns)); break;
      case TimeDistribution::normal:
        v = static_cast<double>(t.mean_ns) + rng.normal() * static_cast<double>(t.stddev_ns);
        break;
    }
    // Redraw outside the run, so a drawn failure always fires.
    if (v >= 1.0 && v < static_cast<double>(duration_ns) && v >= from) return static_cast<uint64_t>(v);
  }
  // A distribution almost entirely outside the run: its clamp is the honest answer.
  return std::clamp<uint64_t>(t.from_ns, 1, duration_ns - 1);
}

class Planner {
 public:
  Planner(const Scenario& s, Schedule& out) : s_(s), out_(out) {}

  void precursor(const Precursor& p, uint64_t anchor_ns, const std::string& label, uint32_t id) {
    const uint64_t start = anchor_ns > p.lead_time_ns ? anchor_ns - p.lead_time_ns : 0;
    SeededRandom rng(s_.seed, "precursor:" + label);
    const uint32_t source = id + 1;  // 0 is the baseline
    add({start, ActionKind::precursor_begin, p.component, id, source, 0, 0, label});
    add({anchor_ns, ActionKind::precursor_end, p.component, id, source, 0, 0, label});
    const uint64_t step = precursor_step_ns(anchor_ns - start);
    switch (p.kind) {
      case PrecursorKind::corrected_error_burst:
        stepped_rate(ActionKind::corrected_error_rate, p, start, anchor_ns, step, source, rng);
        break;
      case PrecursorKind::exception_rate_rise:
        stepped_rate(ActionKind::exception_rate, p, start, anchor_ns, step, source, rng);
        break;
      case PrecursorKind::io_errors:
        stepped_rate(ActionKind::io_error_rate, p, start, anchor_ns, step, source, rng);
        break;
      case PrecursorKind::io_latency:
        ramp(ActionKind::latency_offset, p, 0.0, start, anchor_ns, step, source, rng);
        break;
      case PrecursorKind::temperature_ramp:
        // A core's or a DIMM's air warms continuously (their thermal models
        // solve the ramp in closed form); a disk's or NIC's inlet steps.
        if (p.component.cls == ComponentClass::cpu || p.component.cls == ComponentClass::memory) {
          const double span_s = static_cast<double>(anchor_ns - start) * 1e-9;
          const double rise = std::max(0.0, p.level - baseline_temperature(s_, p.component));
          add({start, ActionKind::heat_ramp, p.component, id, source, rise / span_s * rng.jitter(p.noise), rise, label});
          add({anchor_ns, ActionKind::heat_ramp, p.component, id, source, 0, 0, label});
        } else {
          ramp(ActionKind::temperature, p, baseline_temperature(s_, p.component), start, anchor_ns, step, source, rng);
        }
        break;
      case PrecursorKind::stack_recursion:
        // The core's model ramps the depth itself (models/cpu/kernel_stack.h).
        add({start, ActionKind::stack_recursion, p.component, id, source, p.level * rng.jitter(p.noise),
             static_cast<double>(anchor_ns), label});
        add({anchor_ns, ActionKind::stack_recursion, p.component, id, source, 0, 0, label});
        break;
      case PrecursorKind::link_flap: {
        double t = static_cast<double>(start);
        for (;;) {
          t += rng.exponential(1e9 / (p.rate_per_s * std::max(0.05, rng.jitter(p.noise))));
          if (t >= static_cast<double>(anchor_ns)) break;
          add({static_cast<uint64_t>(t), ActionKind::link_flap, p.component, id, source, 0, 0, label});
        }
        break;
      }
    }
  }

  void add(Action a) { out_.actions.push_back(std::move(a)); }

 private:
  void stepped_rate(ActionKind kind, const Precursor& p, uint64_t start, uint64_t end, uint64_t step,
                    uint32_t source, SeededRandom& rng) {
    for (uint64_t t = start; t < end; t += step)
      add({t, kind, p.component, 0, source, p.rate_per_s * rng.jitter(p.noise), 0, {}});
    add({end, kind, p.component, 0, source, 0, 0, {}});
  }

  // Linear from `from` to p.level over [start, end], with noise relative to
  // the rise; back to `from` (nothing added) at the end.
  void ramp(ActionKind kind, const Precursor& p, double from, uint64_t start, uint64_t end, uint64_t step,
            uint32_t source, SeededRandom& rng) {
    const double span = static_cast<double>(end - start);
    for (uint64_t t = start; t < end; t += step) {
      const double f = static_cast<double>(t + step - start) / span;
      const double level = from + (p.level - from) * std::min(1.0, f);
      add({t, kind, p.component, 0, source, level + (p.level - from) * p.noise * 0.25 * rng.normal(), 0, {}});
    }
    add({end, kind, p.component, 0, source, from, 0, {}});
  }

  const Scenario& s_;
  Schedule& out_;
};

}  // namespace

const char* to_string(ActionKind k) {
  static constexpr std::array<const char*, 15> kNames = {
      "phase",     "corrected_error_rate", "exception_rate", "io_error_rate", "latency_offset", "temperature",
      "heat_ramp", "stack_recursion", "link_flap", "precursor_begin", "precursor_end", "failure", "control",
      "workload_start", "workload_stop"};
  return kNames[static_cast<size_t>(k)];
}

uint64_t precursor_step_ns(uint64_t lead_time_ns) {
  return std::clamp<uint64_t>(lead_time_ns / 20, 10'000'000ull, 1'000'000'000ull);
}

Schedule plan_schedule(const Scenario& s) {
  Schedule out;
  Planner planner(s, out);
  for (size_t i = 0; i < s.phases.size(); ++i)
    planner.add({s.phases[i].at_ns, ActionKind::phase, {}, static_cast<uint32_t>(i), 0, 0, 0, s.phases[i].name});
  for (const ComponentBaseline& b : s.components) {
    if (b.corrected_error_rate > 0)
      planner.add({0, ActionKind::corrected_error_rate, b.component, 0, 0, b.corrected_error_rate, 0, {}});
    if (b.temperature_c && b.component.cls != ComponentClass::cpu)
      planner.add({0, ActionKind::temperature, b.component, 0, 0, *b.temperature_c, 0, {}});
  }
  uint32_t precursor_id = 0;
  SeededRandom times(s.seed, "failure-times");
  for (size_t i = 0; i < s.failures.size(); ++i) {
    const Failure& f = s.failures[i];
    const uint64_t t = draw_time(f.when, s.duration_ns, times);
    out.failures.push_back({f.name, f.component, f.error, t, f.logged_address});
    SeededRandom where(s.seed, "fault-address:" + f.name);
    planner.add({t, ActionKind::failure, f.component, static_cast<uint32_t>(i), 0, where.uniform(), 0, f.name});
    for (size_t k = 0; k < f.precursors.size(); ++k)
      planner.precursor(f.precursors[k], t, f.name + ".precursors[" + std::to_string(k) + "]", precursor_id++);
  }
  for (const FalseAlarm& a : s.false_alarms)
    for (size_t k = 0; k < a.precursors.size(); ++k)
      planner.precursor(a.precursors[k], a.at_ns, a.name + ".precursors[" + std::to_string(k) + "]", precursor_id++);
  for (size_t i = 0; i < s.control.size(); ++i)
    planner.add({s.control[i].at_ns, ActionKind::control, {}, static_cast<uint32_t>(i), 0, 0, 0, {}});
  for (size_t i = 0; i < s.workloads.size(); ++i) {
    const NamedWorkload& w = s.workloads[i];
    planner.add({w.start_ns, ActionKind::workload_start, {}, static_cast<uint32_t>(i), 0, 0, 0, w.name});
    if (w.stops) planner.add({w.stop_ns, ActionKind::workload_stop, {}, static_cast<uint32_t>(i), 0, 0, 0, w.name});
  }
  std::stable_sort(out.actions.begin(), out.actions.end(),
                   [](const Action& a, const Action& b) { return a.t_ns < b.t_ns; });
  return out;
}

}  // namespace crashtwin::scenario
