// compute_metrics on synthetic run facts: completeness per failure from its
// own record, undeclared failures counted. One regression test per way the
// metrics used to mislead (e2e_metrics.cpp runs the rest through the CLI).
#include <catch2/catch.hpp>

#include <string>

#include "platform/core/bmc_alert.h"
#include "scenarios/runner/metrics.h"

using namespace crashtwin;
using namespace crashtwin::scenario;

// libsystemc's main() needs an sc_main to link (the runner library brings
// it in); Catch2's main runs instead and nothing elaborates.
int sc_main(int, char*[]) { return 0; }

namespace {

constexpr ComponentId kDimm{ComponentClass::memory, 1};
constexpr uint64_t kSecond = 1'000'000'000;

// A run in which `kDimm` fails at 10, 20 and 30 s; `recorded[k]` says
// whether failure k's record made it into the slice. Every report holds the
// records written so far, as a real drain of the region does.
RunFacts dimm_failing_three_times(const bool recorded[3]) {
  RunFacts f;
  f.duration_ns = 60 * kSecond;
  std::vector<DrainedRecord> region;
  for (uint32_t k = 0; k < 3; ++k) {
    const uint64_t t = (10 + 10 * k) * kSecond;
    const uint64_t record_id = make_record_id(1, k + 1);
    f.planned.push_back({"ue" + std::to_string(k), kDimm, ErrorType::memory_uncorrectable, t, std::nullopt});
    f.injected.push_back({true, t, Status::ok});
    const ErrorEvent event{kDimm, ErrorType::memory_uncorrectable, t, 0x1000, 0};
    f.raised.push_back({event, 0, 0});
    f.captures.push_back({event, record_id, 1000, recorded[k] ? 1000u : 0u, false, Status::ok});
    if (recorded[k]) {
      DrainedRecord r;
      r.record_id = record_id;
      r.component = kDimm;
      r.error = ErrorType::memory_uncorrectable;
      r.sections.push_back({"platform_memory", 1000, 1000, 1000});
      region.push_back(r);
    }
    BmcDrainReport report;
    report.alert_t_ns = t + 10'000;
    report.report_t_ns = t + 60'000'000;
    report.identified = true;
    report.failed_component = kDimm;
    report.error = ErrorType::memory_uncorrectable;
    report.failure_sequence = k + 1;
    report.slice_found = true;
    report.record_found = recorded[k];
    report.records = region;
    f.reports.push_back(report);
  }
  return f;
}

}  // namespace

TEST_CASE("completeness counts each failure's own record, not an earlier failure's", "[metrics][regression]") {
  // The third failure captured nothing; its report still holds the records
  // of the first two (same component, same error). It used to score them.
  const bool recorded[3] = {true, true, false};
  const MetricResult m = compute_metrics(dimm_failing_three_times(recorded));
  CHECK(m.metrics["failures"] == 3);
  CHECK(m.metrics["capture_completeness"].get<double>() == Approx(2.0 / 3.0));
  CHECK(m.metrics["failures_identified"].get<double>() == 1.0);  // the alerts name the DIMM
  const bool none[3] = {false, false, false};
  CHECK(compute_metrics(dimm_failing_three_times(none)).metrics["capture_completeness"].get<double>() == 0.0);
}

TEST_CASE("a fatal error the scenario did not declare counts as a failure and is named", "[metrics][regression]") {
  const bool recorded[3] = {true, true, true};
  RunFacts f = dimm_failing_three_times(recorded);
  // A thermal trip nobody declared, with no record and no report.
  const ErrorEvent trip{{ComponentClass::cpu, 1}, ErrorType::thermal_shutdown, 45 * kSecond, 0, 0};
  f.raised.push_back({trip, 0, 0});
  const MetricResult m = compute_metrics(f);
  CHECK(m.metrics["failures"] == 4);
  CHECK(m.metrics["failures_injected"] == 3);
  CHECK(m.metrics["failures_undeclared"] == 1);
  CHECK(m.metrics["capture_completeness"].get<double>() == Approx(3.0 / 4.0));
  REQUIRE(m.undeclared.size() == 1);
  CHECK(m.undeclared[0].component == trip.component);
  CHECK(m.undeclared[0].error == ErrorType::thermal_shutdown);
  CHECK(m.invalid_reasons.empty());
}

