// Issue 17 items 4 and 6 through the real `crashtwin` on a running board:
// the library's RDT scenario starts and stops named workloads; the firmware
// gives each an RMID when it starts (none when all are in use or in limbo:
// an event), frees it when it stops and hands it out again only after the
// limbo; at every timer tick the agent reads each workload's bandwidth
// counters and LLC occupancy, which match the traffic the workloads
// generate; the series are deterministic and the report draws them.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/run_cli.h"
#include "traces/io.h"
#include "traces/results/results.h"
#include "traces/timeseries_writer.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kScenario = kSource / "scenarios/library/rdt_workloads.yaml";
constexpr double kPhaseTrafficPerCore = 0.1 * 1e9;  // the phase's 10 % busy cores, 1 GB/s per busy core

fs::path scratch(const std::string& name) { return test::fresh_test_dir("rdt", name); }

// The column's values at rows whose time is in [from_s, to_s].
std::vector<double> values(const Timeseries& ts, std::string_view prefix, const std::string& workload, double from_s,
                           double to_s) {
  const std::vector<double>* column = ts.find(workload_column(prefix, workload));
  REQUIRE(column != nullptr);
  std::vector<double> out;
  for (size_t i = 0; i < ts.row_count(); ++i)
    if (ts.t_s[i] >= from_s && ts.t_s[i] <= to_s) out.push_back((*column)[i]);
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? NAN : sum / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("workloads get RMIDs at start and free them at stop, and the agent reads their counters every tick",
          "[e2e][rdt]") {
  const fs::path out = scratch("run");
  const auto r = run_cli("run " + quoted(kScenario) + " --out " + quoted(out / "a"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const results::Run run = results::load_run(out / "a");

  // RMIDs: web 1, db 2, hog 3; batch finds none (hog's is in limbo until
  // 18 s); report gets db's again after its limbo.
  std::vector<std::string> rmid_events;
  for (const Event& e : run.events)
    if (e.kind == EventKind::rmid)
      rmid_events.push_back(e.fields.value("action", "") + " " + e.fields.value("workload", "") + " " +
                            (e.fields.contains("rmid") ? std::to_string(e.fields["rmid"].get<int>())
                                                       : e.fields.value("status", "")));
  CHECK(rmid_events == std::vector<std::string>{"assigned web 1", "assigned db 2", "assigned hog 3", "freed hog 3",
                                                "exhausted batch busy", "freed db 2", "assigned report 2",
                                                "freed report 2"});
  const auto& rdt = run.summary.metrics.at("rdt");
  CHECK(rdt.at("rmids_assigned") == 4);
  CHECK(rdt.at("rmids_freed") == 3);
  CHECK(rdt.at("rmids_exhausted") == 1);
  CHECK(rdt.at("counter_errors") == 0);
  int workload_events = 0;
  for (const Event& e : run.events) workload_events += e.kind == EventKind::workload ? 1 : 0;
  CHECK(workload_events == 8);  // 5 starts, 3 stops (web and batch run to the end)

  // Bandwidth: what the workload and the phase put on its cores, every tick.
  const Timeseries& ts = run.timeseries;
  const double web_bps = 2e9 + 2 * kPhaseTrafficPerCore;
  const auto web = values(ts, kWorkloadMbmTotalPrefix, "web", 3.0, 29.0);
  REQUIRE(web.size() >= 255);  // a reading per 100 ms tick
  // Every byte counted once: over the run the mean is the rate; tick by
  // tick too while the memory is not saturated (the hog's 16 GB/s delays
  // the others' bursts, which then land in the tick after it stops).
  CHECK(mean(web) == Approx(web_bps).epsilon(0.002));
  for (double bps : values(ts, kWorkloadMbmTotalPrefix, "web", 3.0, 7.9)) CHECK(bps == Approx(web_bps).epsilon(0.01));
  CHECK(mean(values(ts, kWorkloadMbmLocalPrefix, "web", 3.0, 29.0)) == Approx(mean(web)));  // node 0's memory
  const auto hog = values(ts, kWorkloadMbmTotalPrefix, "hog", 9.0, 15.5);
  CHECK(mean(hog) == Approx(16e9 + 4 * kPhaseTrafficPerCore).epsilon(0.01));
  for (double local : values(ts, kWorkloadMbmLocalPrefix, "hog", 9.0, 15.5)) CHECK(local == 0);  // node 1's cores
  // No RMID, no readings: batch's cells are empty.
  for (double v : values(ts, kWorkloadOccupancyPrefix, "batch", 17.5, 29.0)) CHECK(std::isnan(v));
  for (double v : values(ts, kWorkloadOccupancyPrefix, "db", 20.5, 29.0)) CHECK(std::isnan(v));

  // Occupancy: within the 24 MiB cache at every tick; the hog takes most
  // of it while it streams, web gets its working set back after.
  for (size_t i = 0; i < ts.row_count(); ++i) {
    double sum = 0;
    for (const std::string w : {"web", "db", "hog", "batch", "report"}) {
      const double v = (*ts.find(workload_column(kWorkloadOccupancyPrefix, w)))[i];
      if (!std::isnan(v)) sum += v;
    }
    CHECK(sum <= 24.0 * (1 << 20));
  }
  const double web_before = mean(values(ts, kWorkloadOccupancyPrefix, "web", 6.0, 7.9));
  const double web_during = mean(values(ts, kWorkloadOccupancyPrefix, "web", 10.0, 15.9));
  const double hog_during = mean(values(ts, kWorkloadOccupancyPrefix, "hog", 10.0, 15.9));
  // Before the hog web holds most of its 6 MiB working set (db and the
  // untagged cores' traffic compete for the rest), during it less than half.
  CHECK(web_before > 4.0 * (1 << 20));
  CHECK(web_before <= 6.0 * (1 << 20));
  CHECK(web_during < web_before / 2);
  CHECK(hog_during > 12.0 * (1 << 20));

  // The same scenario and seed: the same series and events, byte for byte.
  const auto again = run_cli("run " + quoted(kScenario) + " --out " + quoted(out / "b"));
  REQUIRE(again.exit_code == 0);
  CHECK(read_file(out / "a" / "timeseries.csv") == read_file(out / "b" / "timeseries.csv"));
  CHECK(read_file(out / "a" / "events.jsonl") == read_file(out / "b" / "events.jsonl"));
}

TEST_CASE("the report's scenario page draws each workload's bandwidth and occupancy over time", "[e2e][rdt]") {
  const fs::path out = scratch("batch");
  const auto r = run_cli("batch " + quoted(kScenario) + " --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string page = read_file(out / "report-scenarios" / "rdt_workloads.html");
  CHECK(page.find("id=\"workloads\"") != std::string::npos);
  CHECK(page.find("Memory bandwidth per workload (MBM total)") != std::string::npos);
  CHECK(page.find("LLC occupancy per workload (CMT)") != std::string::npos);
  CHECK(page.find("hog") != std::string::npos);
  // The cache model's section: hit ratios per level and per core, coherence.
  CHECK(page.find("<section id=\"cache\">") != std::string::npos);
  CHECK(page.find("LLC hit ratio per core") != std::string::npos);
  CHECK(page.find("Coherence events (snoops + invalidations) per core") != std::string::npos);
}

TEST_CASE("the cache model sees the hog evict web's LLC lines, as CMT does, and the run's ratios are in summary.json",
          "[e2e][rdt][cache]") {
  const fs::path out = scratch("cache");
  const auto r = run_cli("run " + quoted(kScenario) + " --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const results::Run run = results::load_run(out);
  const Timeseries& ts = run.timeseries;
  // Means over the ticks that had lookups at that level (a core's tick may
  // have none while the hog takes most of the samples).
  const auto mean_of = [&](std::string_view prefix, const std::string& core, double from_s, double to_s) {
    double sum = 0;
    int n = 0;
    for (double v : values(ts, prefix, core, from_s, to_s))
      if (!std::isnan(v)) sum += v, ++n;
    REQUIRE(n > 0);
    return sum / n;
  };
  // web (cores 0 and 1) reuses 6 MiB: beyond its L2, within the LLC except
  // while the hog (cores 4 to 7, 8 to 16 s) streams 256 MiB through it at
  // 8 times web's rate. (Before the hog web's lines are still warming: at
  // the default sampling its first pass takes most of 1 to 8 s.)
  for (const std::string core : {"cpu.0", "cpu.1"}) {
    INFO(core);
    const double during = mean_of(kCacheLlcHitPrefix, core, 10.0, 15.9);
    const double after = mean_of(kCacheLlcHitPrefix, core, 22.0, 29.0);
    CHECK(during < 0.6);
    CHECK(after > 0.7);
    CHECK(after > during + 0.2);
    CHECK(mean_of(kCacheL2HitPrefix, core, 5.0, 29.0) < 0.4);  // 1.25 MiB of L2 against 6 MiB
    // Two cores reading and writing the same lines: snoops and invalidations.
    CHECK(mean_of(kCacheCoherencePrefix, core, 5.0, 7.9) > 10.0);
  }
  CHECK(mean_of(kCacheLlcHitPrefix, "cpu.4", 10.0, 15.9) < 0.1);  // the hog itself misses
  const auto& cache = run.summary.metrics.at("cache");
  CHECK(cache.at("sampled_accesses").get<double>() > 10000);
  for (const char* ratio : {"l1_hit_ratio", "l2_hit_ratio", "llc_hit_ratio", "tlb_hit_ratio"}) {
    INFO(ratio);
    CHECK(cache.at(ratio).get<double>() >= 0.0);
    CHECK(cache.at(ratio).get<double>() <= 1.0);
  }
  CHECK(cache.at("back_invalidations").get<double>() > 0);
  // Known metrics: an expectation on one is judged.
  const auto judged = run_cli("run " + quoted(kScenario) + " --set 'expectations=[{metric: cache.llc_hit_ratio, op: \">\", "
                              "value: 0.99}]' --out " + quoted(out / "judged"));
  CHECK(judged.exit_code == 1);
  CHECK(judged.output.find("cache.llc_hit_ratio") != std::string::npos);
}
