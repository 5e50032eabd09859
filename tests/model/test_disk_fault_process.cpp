// Disk field fault process (models/disk/fault_process.h): failure and
// look-alike rates against the published figures they come from, the share
// of failures with no SMART warning, what a degrading drive shows before its
// failure (counts, lead time, latency drift, the failure's kind), look-alikes
// that never fail, determinism. Plain C++: no SystemC kernel is started.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/disk/fault_process.h"
#include "tests/model/strict_systemc.h"  // the sc_main libsystemc links against

using namespace crashtwin;

namespace {

bool any_count(const DiskFaultProcess& p) {
  for (uint64_t c : p.counts())
    if (c > 0) return true;
  return false;
}

// Fires events until simulated `end_s` (field seconds) or the failure.
void run_until(DiskFaultProcess& p, double end_s) {
  while (!p.failed()) {
    const double dt = p.draw_next_delay();
    if (!std::isfinite(dt) || p.now_s() > end_s) return;
    p.fire();
  }
}

// Within k standard deviations of a binomial share.
bool near_share(double hits, double n, double share, double k = 4.0) {
  return std::abs(hits - n * share) < k * std::sqrt(n * share * (1 - share)) + 1;
}

}  // namespace

TEST_CASE("fleet over field years: annualized failure rate and look-alike prevalence", "[disk][faults]") {
  const DiskFaultSettings s;  // field rates, acceleration 1
  const double year = kSecondsPerYear;
  DiskFaultProcess one(s, RngStream(1));
  CHECK(one.failure_rate_per_s() == Approx(-std::log1p(-0.0157) / year));
  CHECK(one.lookalike_rate_per_s() == Approx(-std::log1p(-0.0107) / year));

  // 20,000 drives for one year: 1.57 % fail (a failing drive's lead time
  // can carry its failure past the year: count the onsets too).
  constexpr int kDrives = 20000;
  int failed_in_year = 0, failing_by_year = 0;
  for (int d = 0; d < kDrives; ++d) {
    DiskFaultProcess p(s, RngStream(1000 + d));
    run_until(p, year);
    failed_in_year += p.failed() ? 1 : 0;
    failing_by_year += p.degrading() ? 1 : 0;
  }
  INFO("failed " << failed_in_year << ", failing " << failing_by_year);
  CHECK(near_share(failing_by_year, kDrives, 0.0157));
  CHECK(failed_in_year <= failing_by_year);
  CHECK(failed_in_year > failing_by_year * 0.9);  // lead times are days, a year is long

  // The same fleet four years on: about 4.2 % of the drives still working
  // show one or more of the five attributes (Backblaze), nearly all of them
  // look-alikes.
  int working = 0, working_with_counts = 0;
  for (int d = 0; d < kDrives; ++d) {
    DiskFaultProcess p(s, RngStream(1000 + d));
    run_until(p, 4 * year);
    if (p.failed()) continue;
    ++working;
    working_with_counts += any_count(p) ? 1 : 0;
  }
  INFO("working " << working << ", with counts " << working_with_counts);
  CHECK(near_share(working_with_counts, working, 0.042));
}

TEST_CASE("failing drives: the silent share, counts before the failure, lead times, latency drift", "[disk][faults]") {
  DiskFaultSettings s;
  s.acceleration = 1e6;
  s.time_compression = 1e6;  // the whole life faster
  s.annual_lookalike_rate = 0.0;
  constexpr int kDrives = 4000;
  int silent = 0, media = 0, short_leads = 0, warned = 0;
  for (int d = 0; d < kDrives; ++d) {
    DiskFaultProcess p(s, RngStream(d));
    double onset_s = -1;
    bool first_failure = true;
    while (!p.failed()) {
      REQUIRE(std::isfinite(p.draw_next_delay()));
      const DiskFaultEvent e = p.fire();
      if (e.kind == DiskFaultKind::degrading_onset) onset_s = p.now_s();
      if (e.kind == DiskFaultKind::lookalike_onset) FAIL("no look-alikes at rate 0");
      if (e.kind != DiskFaultKind::failure) continue;
      REQUIRE(first_failure);
      first_failure = false;
      REQUIRE(onset_s >= 0);
      const double lead = p.now_s() - onset_s;
      if (!e.warned) {
        ++silent;
        // No warning at all: no count, no drift, and it happens at the onset.
        CHECK_FALSE(any_count(p));
        CHECK(p.latency_s() == 0.0);
        CHECK(lead == 0.0);
        CHECK_FALSE(e.media_error);
        continue;
      }
      ++warned;
      CHECK(any_count(p));
      CHECK(lead >= s.lead_time_min_s / s.time_compression * (1 - 1e-12));
      CHECK(lead <= s.lead_time_max_s / s.time_compression * (1 + 1e-12));
      // Log-uniform: half the leads below the geometric mean of the bounds.
      if (lead < std::sqrt(s.lead_time_min_s * s.lead_time_max_s) / s.time_compression) ++short_leads;
      CHECK(p.latency_s() == Approx(s.degraded_latency_s));
      // Unreadable sectors end in an unrecovered read; others stop responding.
      const bool unreadable = p.counts()[static_cast<size_t>(SmartAttribute::pending_sectors)] > 0 ||
                              p.counts()[static_cast<size_t>(SmartAttribute::offline_uncorrectable)] > 0;
      CHECK(e.media_error == unreadable);
      media += e.media_error ? 1 : 0;
    }
    // Out of the process after its failure.
    CHECK(std::isinf(p.draw_next_delay()));
  }
  INFO("silent " << silent << " of " << kDrives);
  CHECK(near_share(silent, kDrives, 0.233));
  CHECK(near_share(short_leads, warned, 0.5));
  // 197 or 198 shows in 3/4 of the non-empty subsets of five... 24 of 31.
  CHECK(near_share(media, warned, 24.0 / 31.0));
}

TEST_CASE("a degrading drive's counts grow toward its failure and average smart_count_mean", "[disk][faults]") {
  DiskFaultSettings s;
  s.acceleration = 1e6;
  s.time_compression = 1e6;
  s.annual_lookalike_rate = 0.0;
  s.silent_failure_fraction = 0.0;
  double late_increments = 0, increments = 0, shown = 0, counted = 0;
  for (int d = 0; d < 500; ++d) {
    DiskFaultProcess p(s, RngStream(77 + d));
    double onset_s = 0;
    std::vector<double> times;
    while (!p.failed()) {
      p.draw_next_delay();
      const DiskFaultEvent e = p.fire();
      if (e.kind == DiskFaultKind::degrading_onset) onset_s = p.now_s();
      if (e.kind == DiskFaultKind::smart_increment) times.push_back(p.now_s());
    }
    const double lead = p.now_s() - onset_s;
    for (double t : times) late_increments += (t - onset_s) > lead / 2 ? 1 : 0;
    increments += static_cast<double>(times.size());
    for (uint64_t c : p.counts())
      if (c > 0) {
        ++shown;
        counted += static_cast<double>(c);
      }
  }
  // Density rising linearly: 3/4 of the increments in the second half.
  CHECK(late_increments / increments == Approx(0.75).margin(0.02));
  CHECK(counted / shown == Approx(s.smart_count_mean).margin(0.5));
  // Each attribute shows with probability 1/2 given one: 5/2 / (31/32).
  CHECK(shown / 500 == Approx(2.5 * 32 / 31).margin(0.15));
}

TEST_CASE("look-alike drives log counts and never fail, the process is deterministic and off at zero",
          "[disk][faults]") {
  DiskFaultSettings s;
  s.acceleration = 1e6;
  s.time_compression = 1e6;
  s.annual_failure_rate = 0.0;
  // A century of field time each: a look-alike's counts come within 60
  // days of its onset, so hardly any are still pending at the end.
  double onsets = 0, counted = 0;
  for (int d = 0; d < 300; ++d) {
    DiskFaultProcess p(s, RngStream(500 + d));
    const double end_s = 100.0 * kSecondsPerYear / s.acceleration;
    while (p.draw_next_delay() >= 0 && p.now_s() <= end_s)
      onsets += p.fire().kind == DiskFaultKind::lookalike_onset ? 1 : 0;
    CHECK_FALSE(p.failed());
    CHECK_FALSE(p.degrading());
    CHECK(p.latency_s() == 0.0);
    for (uint64_t c : p.counts()) counted += static_cast<double>(c);
  }
  INFO(onsets << " onsets, " << counted << " counts");
  CHECK(onsets > 200);
  // Attributes shown per onset (5/2 given one: 2.58) x lookalike_count_mean.
  CHECK(counted / onsets == Approx(2.5 * 32 / 31 * s.lookalike_count_mean).margin(0.4));

  DiskFaultSettings busy;
  busy.acceleration = 1e8;
  busy.time_compression = 1e8;
  const auto trace = [&](uint64_t seed) {
    DiskFaultProcess p(busy, RngStream(seed));
    std::vector<std::pair<double, int>> out;
    for (int i = 0; i < 300 && !p.failed(); ++i) {
      const double dt = p.draw_next_delay();
      out.emplace_back(dt, static_cast<int>(p.fire().kind));
    }
    return out;
  };
  CHECK(trace(42) == trace(42));
  CHECK(trace(42) != trace(43));

  DiskFaultSettings off;
  off.acceleration = 0.0;
  DiskFaultProcess none(off, RngStream(1));
  CHECK(std::isinf(none.draw_next_delay()));
}

TEST_CASE("accelerated rates with field lead times: drives fail sooner, warned as long before as in the field",
          "[disk][faults]") {
  DiskFaultSettings s;
  s.acceleration = 1e6;  // time_compression 1: lead times as in the field
  s.annual_lookalike_rate = 0.0;
  int warned = 0;
  for (int d = 0; d < 500; ++d) {
    DiskFaultProcess p(s, RngStream(d));
    double onset_s = -1;
    while (!p.failed()) {
      REQUIRE(std::isfinite(p.draw_next_delay()));
      const DiskFaultEvent e = p.fire();
      if (e.kind == DiskFaultKind::degrading_onset) onset_s = p.now_s();
      if (e.kind != DiskFaultKind::failure || !e.warned) continue;
      ++warned;
      const double lead = p.now_s() - onset_s;
      CHECK(lead >= s.lead_time_min_s * (1 - 1e-12));
      CHECK(lead <= s.lead_time_max_s * (1 + 1e-12));
      // The onset itself came at the accelerated rate: within years / 1e6.
      CHECK(onset_s < 1000.0 * kSecondsPerYear / s.acceleration);
    }
  }
  CHECK(warned > 300);
}
