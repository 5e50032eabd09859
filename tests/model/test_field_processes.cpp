// The NIC and CPU field fault processes (models/core/degradation.h,
// models/nic/field_process.h, models/cpu/mca_field_process.h) over many
// draws: healthy rates, the fleet's failure rate, look-alikes that never
// fail, warned failures whose precursors grow, sudden ones with none, the
// per-bank mix of corrected machine checks, determinism. Plain C++: no
// SystemC kernel is started.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>

#include "models/cpu/mca_field_process.h"
#include "models/nic/field_process.h"
#include "tests/model/strict_systemc.h"  // the sc_main libsystemc links against

using namespace crashtwin;

namespace {

// |observed - expected| within `sigmas` standard deviations of a count
// with that Poisson mean.
bool within_poisson(double observed, double expected, double sigmas = 4.0) {
  return std::abs(observed - expected) <= sigmas * std::sqrt(expected);
}

DegradationSettings fleet_settings() {
  DegradationSettings s;
  s.acceleration = 1.0;
  s.failure_rate = 1.0 / 1000.0;  // per component-second
  s.warned_fraction = 0.5;
  s.lead_time_s = 100.0;
  s.growth = 1000.0;
  s.lookalike_fraction = 0.1;
  s.lookalike_factor = 20.0;
  return s;
}

}  // namespace

TEST_CASE("degradation plans: failure rate, look-alikes, warned share and lead time", "[field-faults]") {
  const DegradationSettings s = fleet_settings();
  constexpr int kParts = 20000;
  int lookalikes = 0, failing = 0, warned = 0;
  double failure_sum = 0, lead_sum = 0;
  for (int i = 0; i < kParts; ++i) {
    const std::array<double, 1> rates{0.01};
    const DegradationProcess p(s, rates, RngStream(1, "part" + std::to_string(i)));
    const DegradationPlan& plan = p.plan();
    if (plan.lookalike) {
      ++lookalikes;
      CHECK_FALSE(std::isfinite(plan.failure_s));  // a look-alike never fails
      continue;
    }
    REQUIRE(std::isfinite(plan.failure_s));
    ++failing;
    failure_sum += plan.failure_s;
    if (plan.warned) {
      ++warned;
      lead_sum += plan.failure_s - plan.onset_s;
    }
  }
  // Shares within 4 binomial standard deviations.
  CHECK(std::abs(lookalikes - kParts * 0.1) < 4 * std::sqrt(kParts * 0.1 * 0.9));
  CHECK(std::abs(warned - failing * 0.5) < 4 * std::sqrt(failing * 0.25));
  // The others carry the fleet's rate: mean time to failure (1 - f) / rate.
  const double mttf = failure_sum / failing;
  CHECK(std::abs(mttf / (0.9 * 1000.0) - 1.0) < 4.0 / std::sqrt(failing));
  CHECK(std::abs(lead_sum / warned / 100.0 - 1.0) < 4.0 / std::sqrt(warned));
}

TEST_CASE("a warned failure's precursors grow to `growth` times the healthy rate and a sudden one has none",
          "[field-faults]") {
  DegradationSettings s = fleet_settings();
  s.lookalike_fraction = 0.0;
  s.failure_rate = 1.0 / 50.0;
  const std::array<double, 1> rates{0.05};
  int warned_seen = 0, sudden_seen = 0;
  double early = 0, late = 0;  // precursors in the first and last tenth of the lead
  for (int i = 0; i < 4000 && (warned_seen < 300 || sudden_seen < 300); ++i) {
    DegradationProcess p(s, rates, RngStream(2, "part" + std::to_string(i)));
    const DegradationPlan plan = p.plan();
    REQUIRE(std::isfinite(plan.failure_s));
    const double lead = plan.failure_s - plan.onset_s;
    int precursors = 0;
    for (;;) {
      const DegradationProcess::Event e = p.next();
      if (e.failure()) {
        CHECK(e.time_s == plan.failure_s);
        break;
      }
      REQUIRE(std::isfinite(e.time_s));
      if (!e.precursor) continue;
      ++precursors;
      CHECK(plan.warned);
      CHECK(e.time_s >= plan.onset_s);
      CHECK(e.time_s < plan.failure_s);
      if (plan.onset_s >= 0.0 && e.time_s < plan.onset_s + 0.1 * lead) early += 1;
      if (plan.onset_s >= 0.0 && e.time_s >= plan.failure_s - 0.1 * lead) late += 1;
    }
    // After the failure nothing happens.
    CHECK_FALSE(std::isfinite(p.next().time_s));
    if (plan.warned) ++warned_seen;
    else {
      ++sudden_seen;
      CHECK(precursors == 0);
    }
    // The rate at the failure is `growth` times the healthy one.
    if (plan.warned) CHECK(p.precursor_rate(0, plan.failure_s - 1e-9) == Approx(0.05 * 1000.0).epsilon(1e-6));
  }
  CHECK(warned_seen >= 300);
  CHECK(sudden_seen >= 300);
  // Exponential growth by 1000 over the lead: the last tenth holds
  // (1 - 1000^-0.1) / (1000^0.1 - 1) ... = 1000^0.9 times the first's
  // expected count; a loose check that the signal grows by orders of
  // magnitude, and an exact one below on the integrated rate.
  CHECK(late > 50 * early);
}

TEST_CASE("the precursor stream draws its integrated rate exactly", "[field-faults]") {
  DegradationSettings s = fleet_settings();
  s.lookalike_fraction = 0.0;
  s.warned_fraction = 1.0;
  s.failure_rate = 1e-3;
  const std::array<double, 1> rates{0.2};
  double expected = 0, counted = 0;
  for (int i = 0; i < 100; ++i) {
    DegradationProcess p(s, rates, RngStream(3, "part" + std::to_string(i)));
    const DegradationPlan plan = p.plan();
    REQUIRE(plan.warned);
    // Integral of c exp(g (t - o)) over [max(0, o), failure).
    const double from = std::max(0.0, plan.onset_s);
    const double g = plan.growth_per_s;
    expected += 0.2 / g * (std::exp(g * (plan.failure_s - plan.onset_s)) - std::exp(g * (from - plan.onset_s)));
    for (DegradationProcess::Event e = p.next(); !e.failure(); e = p.next()) counted += e.precursor ? 1 : 0;
  }
  CHECK(within_poisson(counted, expected));
}

TEST_CASE("NIC field process: healthy CRC bursts and flaps at their rates, geometric bursts, look-alikes",
          "[field-faults][nic]") {
  NicFieldSettings s;
  s.degradation.time_compression = 1000.0;
  s.degradation.failure_rate = 0.0;  // healthy and look-alike signals only
  s.degradation.lookalike_fraction = 0.5;
  s.degradation.lookalike_factor = 30.0;
  const double horizon = 30 * 86400.0 / 1000.0 * 10;  // ten field months, compressed
  double healthy_bursts = 0, healthy_flaps = 0, lookalike_bursts = 0, errors = 0;
  int healthy = 0, lookalike = 0;
  for (int i = 0; i < 200; ++i) {
    NicFieldProcess p(s, RngStream(4, "nic" + std::to_string(i)));
    (p.plan().lookalike ? lookalike : healthy) += 1;
    for (NicFieldEvent e = p.next(); e.time_s < horizon; e = p.next()) {
      REQUIRE(e.kind != NicFieldEventKind::failure);
      CHECK_FALSE(e.precursor);
      if (e.kind == NicFieldEventKind::crc_burst) {
        REQUIRE(e.crc_errors >= 1);
        (p.plan().lookalike ? lookalike_bursts : healthy_bursts) += 1;
        errors += static_cast<double>(e.crc_errors);
      } else if (!p.plan().lookalike) {
        healthy_flaps += 1;
      }
    }
  }
  const double week = 7 * 86400.0 / 1000.0, month = 30 * 86400.0 / 1000.0;
  CHECK(within_poisson(healthy_bursts, healthy * horizon / week));
  CHECK(within_poisson(healthy_flaps, healthy * horizon / month));
  CHECK(within_poisson(lookalike_bursts, lookalike * 30.0 * horizon / week));
  // Geometric bursts of mean 10 (standard deviation sqrt(90) per burst).
  const double bursts = healthy_bursts + lookalike_bursts;
  CHECK(std::abs(errors / bursts - 10.0) < 4 * std::sqrt(90.0 / bursts));
}

TEST_CASE("NIC field process: a failing NIC's CRC bursts and flaps grow before it fails", "[field-faults][nic]") {
  NicFieldSettings s;
  s.degradation.acceleration = 1e5;  // 5 %/yr: a mean of 6,300 s
  s.degradation.time_compression = 1000.0;  // the lead of a field day in 86 s
  s.degradation.lookalike_fraction = 0.0;
  s.degradation.warned_fraction = 1.0;
  s.degradation.growth = 1e4;
  int checked = 0, precursors = 0;
  for (int i = 0; i < 50; ++i) {
    NicFieldProcess p(s, RngStream(5, "nic" + std::to_string(i)));
    const DegradationPlan plan = p.plan();
    REQUIRE(plan.warned);
    if (plan.onset_s < 0) continue;
    int before = 0, during = 0, flaps = 0;
    NicFieldEvent e = p.next();
    for (; e.kind != NicFieldEventKind::failure; e = p.next()) {
      REQUIRE(e.kind != NicFieldEventKind::none);
      if (e.precursor) ++during, flaps += e.kind == NicFieldEventKind::link_flap ? 1 : 0;
      else ++before;
    }
    CHECK(e.time_s == plan.failure_s);
    CHECK(p.next().kind == NicFieldEventKind::none);
    precursors += during;
    ++checked;
    (void)flaps;
  }
  CHECK(checked > 20);
  // Up to 1e4 x the healthy rates over the lead: about 150 precursor
  // bursts and 36 flaps in a field day's lead (healthy: a burst a week).
  CHECK(precursors > 100 * checked);
}

TEST_CASE("CPU field process: corrected errors by bank weight, precursors and the failure in one bank",
          "[field-faults][cpu]") {
  McaFieldSettings s;
  s.degradation.acceleration = 1.0;
  s.degradation.failure_rate = 0.0;
  s.degradation.lookalike_fraction = 0.0;
  s.corrected_error_rate = 1.0;
  std::map<McaBankRole, int> seen;
  constexpr int kErrors = 60000;
  McaFieldProcess healthy(s, RngStream(6));
  double last = 0;
  for (int i = 0; i < kErrors; ++i) {
    const McaFieldEvent e = healthy.next();
    REQUIRE(e.kind == McaFieldEventKind::corrected);
    ++seen[e.role];
    last = e.time_s;
  }
  CHECK(std::abs(last / kErrors - 1.0) < 4.0 / std::sqrt(kErrors));
  double total = 0;
  for (const McaBankRoleInfo& b : kMcaBankRoles) total += b.weight;
  for (const McaBankRoleInfo& b : kMcaBankRoles) {
    const double p = b.weight / total;
    CHECK(std::abs(seen[b.role] - kErrors * p) < 4 * std::sqrt(kErrors * p * (1 - p)));
  }

  s.degradation.failure_rate = 1e-3;
  s.degradation.warned_fraction = 1.0;
  s.degradation.lead_time_s = 200.0;
  s.corrected_error_rate = 0.01;
  int precursors = 0;
  for (int i = 0; i < 50; ++i) {
    McaFieldProcess p(s, RngStream(7, "core" + std::to_string(i)));
    McaFieldEvent e = p.next();
    for (; e.kind == McaFieldEventKind::corrected; e = p.next())
      if (e.precursor) {
        CHECK(e.role == p.failing_role());
        ++precursors;
      }
    REQUIRE(e.kind == McaFieldEventKind::uncorrected);
    CHECK(e.role == p.failing_role());
    CHECK(e.time_s == p.plan().failure_s);
  }
  CHECK(precursors > 50 * 10);
}

TEST_CASE("field processes are deterministic: the same seed gives the same events", "[field-faults]") {
  NicFieldSettings nic;
  nic.degradation.acceleration = 1e5;
  McaFieldSettings cpu;
  cpu.degradation.acceleration = 1e6;
  NicFieldProcess a(nic, RngStream(8, "nic")), b(nic, RngStream(8, "nic")), other(nic, RngStream(9, "nic"));
  McaFieldProcess c(cpu, RngStream(8, "core")), d(cpu, RngStream(8, "core"));
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    const NicFieldEvent x = a.next(), y = b.next(), z = other.next();
    CHECK(x.time_s == y.time_s);
    CHECK(x.kind == y.kind);
    CHECK(x.crc_errors == y.crc_errors);
    differs = differs || x.time_s != z.time_s;
    const McaFieldEvent u = c.next(), v = d.next();
    CHECK(u.time_s == v.time_s);
    CHECK(u.role == v.role);
  }
  CHECK(differs);
}

TEST_CASE("time compression brings precursors sooner but not more of them", "[field-faults]") {
  DegradationSettings s = fleet_settings();
  s.lookalike_fraction = 0.0;
  s.warned_fraction = 1.0;
  s.failure_rate = 1e-9;  // onsets long after power-on: whole leads
  s.acceleration = 1e6;
  const std::array<double, 1> rates{0.01};
  auto mean_precursors_and_lead = [&](double compression) {
    s.time_compression = compression;
    double precursors = 0, lead = 0;
    constexpr int kParts = 300;
    for (int i = 0; i < kParts; ++i) {
      DegradationProcess p(s, rates, RngStream(10, "part" + std::to_string(i)));
      lead += p.plan().failure_s - p.plan().onset_s;
      for (DegradationProcess::Event e = p.next(); !e.failure(); e = p.next()) precursors += e.precursor ? 1 : 0;
    }
    return std::pair{precursors / kParts, lead / kParts};
  };
  const auto [field_count, field_lead] = mean_precursors_and_lead(1.0);
  const auto [fast_count, fast_lead] = mean_precursors_and_lead(100.0);
  // 0.01 /s x 100 s x 999 / ln 1000: about 145 per lead.
  CHECK(field_count == Approx(0.01 * 100.0 * 999.0 / std::log(1000.0)).epsilon(0.15));
  CHECK(fast_count == Approx(field_count).epsilon(0.15));
  CHECK(fast_lead == Approx(field_lead / 100.0).epsilon(1e-9));
}
