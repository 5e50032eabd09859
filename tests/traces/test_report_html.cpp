#include <catch2/catch.hpp>

#include <regex>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/report/component_colors.h"
#include "traces/report/format.h"
#include "traces/report/pareto.h"
#include "traces/report/svg_chart.h"
#include "traces/report_html.h"

using namespace crashtwin;
namespace fs = std::filesystem;

TEST_CASE("pareto front keeps exactly the non-dominated points", "[traces][report][property]") {
  using report::TradeoffPoint;
  std::vector<TradeoffPoint> pts = {{10, 0.5}, {5, 0.5}, {20, 0.9}, {15, 0.4}, {30, 0.9}, {1, 0.1}};
  auto front = report::pareto_front(pts);
  CHECK(front == std::vector<size_t>{5, 1, 2});

  uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 40) / static_cast<double>(1ull << 24);
  };
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<TradeoffPoint> p(1 + trial % 40);
    for (auto& q : p) q = {std::round(next() * 10), std::round(next() * 10) / 10};
    auto f = report::pareto_front(p);
    auto dominated = [&](size_t i) {
      for (size_t j = 0; j < p.size(); ++j) {
        if (p[j].cost <= p[i].cost && p[j].benefit >= p[i].benefit &&
            (p[j].cost < p[i].cost || p[j].benefit > p[i].benefit)) {
          return true;
        }
      }
      return false;
    };
    for (size_t i : f) REQUIRE_FALSE(dominated(i));
    for (size_t i = 0; i < p.size(); ++i) {
      bool on_front = std::find(f.begin(), f.end(), i) != f.end();
      bool duplicate_of_front = false;
      for (size_t k : f) duplicate_of_front |= p[k].cost == p[i].cost && p[k].benefit == p[i].benefit;
      if (!dominated(i)) REQUIRE((on_front || duplicate_of_front));
    }
    for (size_t k = 1; k < f.size(); ++k) REQUIRE(p[f[k - 1]].cost < p[f[k]].cost);
  }
}

TEST_CASE("downsampling keeps ends and extremes within the budget", "[traces][report]") {
  std::vector<double> y(10000);
  for (size_t i = 0; i < y.size(); ++i) y[i] = std::sin(i * 0.01);
  y[4321] = 50;  // a spike must survive
  auto keep = report::downsample_minmax(y, 300);
  CHECK(keep.size() <= 301);
  CHECK(keep.front() == 0);
  CHECK(keep.back() == y.size() - 1);
  CHECK(std::find(keep.begin(), keep.end(), 4321) != keep.end());
  CHECK(std::is_sorted(keep.begin(), keep.end()));
  CHECK(report::downsample_minmax({1, 2, 3}, 300).size() == 3);
}

TEST_CASE("axis ticks and human formats", "[traces][report]") {
  auto ticks = report::axis_ticks(0, 1, report::AxisFormat::percent, false);
  CHECK(ticks.front() == 0);
  CHECK(ticks.back() == Approx(1));
  auto bytes = report::axis_ticks(0, 64.0 * 1024 * 1024, report::AxisFormat::bytes, false);
  CHECK(bytes.size() >= 3);
  for (double t : bytes) CHECK(std::fmod(t, 1024.0 * 1024) == 0);
  auto decades = report::axis_ticks(3, 5e6, report::AxisFormat::number, true);
  CHECK(decades == std::vector<double>{10, 100, 1000, 10000, 100000, 1000000});
  CHECK(report::format_bytes(64.0 * 1024 * 1024) == "64.0 MiB");
  CHECK(report::format_seconds(0.0025) == "2.50 ms");
  CHECK(report::format_metric("capture_completeness", 0.875) == "87.5 %");
  CHECK(report::html_escape("<a&\"b\">") == "&lt;a&amp;&quot;b&quot;&gt;");
}

TEST_CASE("a table column writes every cell in the unit of its largest value", "[traces][report]") {
  const double mib = 1024.0 * 1024, tib = mib * 1024 * 1024;
  const std::vector<double> byte_seconds = {95.4 * mib, 90.9 * tib, 0.5 * tib};
  const auto unit = report::column_unit("reserved_byte_seconds", byte_seconds);
  CHECK(report::format_in_column(unit, 90.9 * tib) == "90.9 TiB·s");
  CHECK(report::format_in_column(unit, 0.5 * tib) == "0.50 TiB·s");
  CHECK(report::format_in_column(unit, 95.4 * mib) == "9.1e-05 TiB·s");  // never "95.4 MiB·s" in a TiB·s column
  CHECK(report::format_in_column(unit, 0) == "0.00 TiB·s");

  const auto seconds = report::column_unit("time_to_production_s.mean", std::vector<double>{0.0025, 0.75, 12.5});
  CHECK(report::format_in_column(seconds, 12.5) == "12.5 s");
  CHECK(report::format_in_column(seconds, 0.75) == "0.75 s");
  CHECK(report::format_in_column(seconds, 0.0025) == "0.0025 s");

  const auto bytes = report::column_unit("reserved_bytes_peak", std::vector<double>{512, 1000});
  CHECK(report::format_in_column(bytes, 512) == "512 B");

  // Ratios keep their own form; an empty column still formats.
  const auto ratio = report::column_unit("capture_completeness", std::vector<double>{0.875});
  CHECK(report::format_in_column(ratio, 0.875) == "87.5 %");
  const auto empty = report::column_unit("alert_to_report_s.mean", std::vector<double>{});
  CHECK(report::format_in_column(empty, 1.5) == "1.50 s");
  CHECK(report::format_in_column(empty, NAN) == "–");
}

TEST_CASE("report.html is self-contained and has every section", "[traces][report]") {
  auto dir = test::scratch_dir("report_batch");
  test::write_synthetic_batch(dir, 2);
  auto batch = results::load_batch(dir);
  write_report_html(batch, dir / "report.html");
  std::string html = read_file(dir / "report.html");

  // No script, no external resource of any kind.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  std::regex external("https?://(?!www\\.w3\\.org/2000/svg)");
  CHECK_FALSE(std::regex_search(html, external));

  for (const char* id : {"id=\"comparison\"", "id=\"tradeoff\"", "id=\"scenarios\""}) {
    CHECK(html.find(id) != std::string::npos);
  }
  // Comparison table: one row per policy x strategy (4), plus the per-run table.
  CHECK(html.find("<td class=\"text\">fixed_equal</td><td class=\"text\">predictive_bmc</td><td>4</td>") !=
        std::string::npos);
  CHECK(html.find("class=\"pareto\"") != std::string::npos);
  CHECK(html.find("class=\"front-point\"") != std::string::npos);
  // One trade-off chart per scenario (a 40 s and a 24 h scenario never
  // share an axis), each with its own front.
  const auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("<div class=\"tradeoff-chart\">") == 2);
  CHECK(count("class=\"pareto\"") >= 2);
  const size_t tradeoff = html.find("id=\"tradeoff\""), next = html.find("</section>", tradeoff);
  const std::string section = html.substr(tradeoff, next - tradeoff);
  CHECK(section.find(">Scenario dimm_ue_ramp<") != std::string::npos);
  CHECK(section.find(">Scenario nic_flap_storm<") != std::string::npos);
  CHECK(count("<title>dimm_ue_ramp · seed ") == count("<title>nic_flap_storm · seed "));
  // Each trade-off point's tooltip names its scenario, seed, policy and strategy.
  CHECK(html.find("<title>dimm_ue_ramp · seed 1 · fixed_equal · predictive_bmc: ") != std::string::npos);
  // The first screen: the at-a-glance table with readable headers and its
  // three bar charts, one bar per policy x strategy each ("no data" where
  // the synthetic runs lack the metric: they write no time to production).
  CHECK(html.find("id=\"glance\"") < html.find("id=\"comparison\""));
  CHECK(html.find("<th>Capture completeness</th>") != std::string::npos);
  const auto occurrences = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(occurrences("class=\"bar\"") >= 4);
  CHECK(occurrences("class=\"bar\"") + occurrences(">no data</text>") == 3 * 4);
  // The index draws no run's time series: each scenario's page does, linked
  // from the index's list of scenarios.
  CHECK(count("class=\"marker\"") == 0);
  CHECK(html.find("<a href=\"report-scenarios/dimm_ue_ramp.html\">dimm_ue_ramp</a>") != std::string::npos);
  CHECK(html.find("<a href=\"report-scenarios/nic_flap_storm.html\">nic_flap_storm</a>") != std::string::npos);

  // Each scenario's page: its 4 runs' table, and time series with failure
  // markers for the lowest seed of each of the 4 policy x strategy.
  for (const char* scenario : {"dimm_ue_ramp", "nic_flap_storm"}) {
    INFO(scenario);
    const fs::path page_path = dir / "report-scenarios" / (std::string(scenario) + ".html");
    REQUIRE(fs::exists(page_path));
    const std::string page = read_file(page_path);
    const auto in_page = [&](const std::string& what) {
      size_t n = 0;
      for (size_t at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) ++n;
      return n;
    };
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<a href=\"../report.html\">") != std::string::npos);
    for (const char* id : {"id=\"runs\"", "id=\"timeseries\"", "id=\"fragmentation\"", "id=\"memory\"", "Allocator events per second"}) CHECK(page.find(id) != std::string::npos);
    CHECK(in_page("<tr><td class=\"text\">" + std::string(scenario) + "</td>") == 2 * 4);  // 2 seeds x 4
    const size_t markers = in_page("class=\"marker\"");
    // 4 runs drawn x (slices, probabilities, fragmentation, and the boot's
    // spike on the memory allocation-rate chart)
    CHECK(markers == 4 * 4);
    // Failure markers carry their tag in the chart, not only in a tooltip.
    CHECK(in_page("class=\"marker-tag\"") == markers);
    CHECK(page.find("Unusable free space index") != std::string::npos);
    // A component is drawn in its own colour, the dashboard's (cpu blue,
    // memory orange...), not in the order its column came.
    CHECK(page.find("stroke=\"" + report::css_color(report::component_rgb({ComponentClass::memory, 0})) + "\"") !=
          std::string::npos);
    CHECK(page.find("stroke=\"" + report::css_color(report::component_rgb({ComponentClass::cpu, 0})) + "\"") !=
          std::string::npos);
  }
  CHECK(report::css_color(report::component_rgb({ComponentClass::memory, 0})) == "#e69f00");
  CHECK(read_file(dir / "report-scenarios" / "dimm_ue_ramp.html").find(">memory_uncorrectable @ memory.") !=
        std::string::npos);

  // Deterministic for equal input.
  CHECK(report_html(results::load_batch(dir)) == html);
}

// The index stays the same size however many seeds a batch runs: runs are
// detailed on the scenario pages; only the trade-off charts draw a point per
// run. A page of a scenario no longer in the batch is removed.
TEST_CASE("report index grows with policies and scenarios, not with runs, and scenario pages follow the batch",
          "[traces][report]") {
  auto small = test::scratch_dir("report_size_2"), large = test::scratch_dir("report_size_8");
  test::write_synthetic_batch(small, 2);
  test::write_synthetic_batch(large, 8);
  const auto small_pages = report_pages(results::load_batch(small));
  const auto large_pages = report_pages(results::load_batch(large));
  const auto tradeoff_points = [](const std::string& html) {
    size_t n = 0;
    for (size_t at = html.find("<title>"); at != std::string::npos; at = html.find("<title>", at + 1)) ++n;
    return n;
  };
  // 48 more runs (8 - 2 seeds x 2 scenarios x 4 policy x strategy).
  const double added_runs = 48;
  const double per_run = (static_cast<double>(large_pages.index.size()) - static_cast<double>(small_pages.index.size())) / added_runs;
  INFO("index " << small_pages.index.size() << " -> " << large_pages.index.size() << " bytes");
  CHECK(tradeoff_points(large_pages.index) - tradeoff_points(small_pages.index) == 48);
  CHECK(per_run < 400);  // a trade-off point and its tooltip, nothing else
  REQUIRE(large_pages.scenarios.size() == 2);
  CHECK(large_pages.directory == "report-scenarios");

  // Written next to an index of another name; a page left from another batch goes.
  auto out = test::scratch_dir("report_pages_out");
  write_file_atomically(out / "cmp-scenarios" / "gone.html", "old");
  write_file_atomically(out / "cmp-scenarios" / "notes.txt", "mine");
  write_report_html(results::load_batch(small), out / "cmp.html");
  CHECK(fs::exists(out / "cmp-scenarios" / "dimm_ue_ramp.html"));
  CHECK(fs::exists(out / "cmp-scenarios" / "nic_flap_storm.html"));
  CHECK_FALSE(fs::exists(out / "cmp-scenarios" / "gone.html"));
  CHECK(fs::exists(out / "cmp-scenarios" / "notes.txt"));
  CHECK(read_file(out / "cmp.html").find("href=\"cmp-scenarios/dimm_ue_ramp.html\"") != std::string::npos);
  CHECK(read_file(out / "cmp-scenarios" / "nic_flap_storm.html").find("href=\"../cmp.html\"") != std::string::npos);
}

TEST_CASE("report of a batch with only summary.csv still has the table", "[traces][report]") {
  auto src = test::scratch_dir("report_csv_only_src");
  test::write_synthetic_batch(src, 1);
  auto dir = test::scratch_dir("report_csv_only");
  std::filesystem::copy_file(src / "summary.csv", dir / "summary.csv");
  auto batch = results::load_batch(dir);
  CHECK(batch.runs.empty());
  std::string html = report_html(batch);
  CHECK(html.find("proportional") != std::string::npos);
  CHECK(html.find("No run directories loaded") != std::string::npos);
}

TEST_CASE("an axis reads in one unit, in 1-2-5 steps of that unit", "[traces][report]") {
  using report::AxisFormat;
  // 0..100 s is read in seconds; from 2 min on in minutes (format_seconds's
  // thresholds), never "100 s" next to "2.50 min".
  const auto short_run = report::axis_ticks(0, 100, AxisFormat::seconds, false);
  CHECK(report::axis_labels(short_run, AxisFormat::seconds) ==
        std::vector<std::string>{"0 s", "20 s", "40 s", "60 s", "80 s", "100 s"});
  CHECK(report::axis_labels(report::axis_ticks(0, 160, AxisFormat::seconds, false), AxisFormat::seconds) ==
        std::vector<std::string>{"0 min", "1 min", "2 min"});
  const auto ten_min = report::axis_ticks(0, 600, AxisFormat::seconds, false);
  CHECK(ten_min == std::vector<double>{0, 120, 240, 360, 480, 600});
  CHECK(report::axis_labels(ten_min, AxisFormat::seconds).back() == "10 min");
  const auto day = report::axis_ticks(0, 86400, AxisFormat::seconds, false);
  for (double t : day) CHECK(std::fmod(t, 3600.0) == 0);  // whole hours
  CHECK(report::axis_labels(day, AxisFormat::seconds).back() == "20 h");  // 5 h steps
  // Bytes: one binary unit for the axis, no "64.0 MiB" next to "128 MiB".
  const auto bytes = report::axis_ticks(0, 256.0 * 1024 * 1024, AxisFormat::bytes, false);
  const auto labels = report::axis_labels(bytes, AxisFormat::bytes);
  CHECK(labels.front() == "0 MiB");
  CHECK(labels.back() == "256 MiB");
  for (const std::string& l : labels) CHECK(l.find(".") == std::string::npos);
  // Percent with a fractional step keeps the decimal it needs.
  CHECK(report::axis_labels({0.9, 0.925, 0.95}, AxisFormat::percent) ==
        std::vector<std::string>{"90.0 %", "92.5 %", "95.0 %"});
}

// The recovery Gantt is built from the phases the runs recorded: each
// phase's mean start after the failure and mean length, per strategy.
TEST_CASE("report.html draws each strategy's recorded recovery phases", "[traces][report]") {
  results::Batch batch;
  batch.dir = "gantt";
  const auto phase = [](uint64_t t_s10, uint64_t dur_s10, const std::string& track, const std::string& name) {
    Event e;
    e.t_ns = t_s10 * 100'000'000;  // tenths of a second
    e.dur_ns = dur_s10 * 100'000'000;
    e.track = track;
    e.kind = EventKind::phase;
    e.fields["phase"] = name;
    return e;
  };
  for (uint64_t seed : {1, 2}) {
    results::Run run;
    run.dir = "gantt/run" + std::to_string(seed);
    run.summary.scenario = "s";
    run.summary.policy = "static";
    run.summary.strategy = "kdump";
    run.summary.seed = seed;
    const uint64_t failure = seed == 1 ? 100 : 300;  // 10 s and 30 s
    run.events.push_back(phase(failure, 1000, "host.recovery.1", "recovery"));
    run.events.push_back(phase(failure, 5, "host.recovery.1", "kexec"));
    // Boot lasts 15 s in one run and 17 s in the other: mean 16 s.
    run.events.push_back(phase(failure + 5, seed == 1 ? 150 : 170, "host.recovery.1", "capture-kernel boot"));
    // A workload phase (no duration) is not a recovery phase.
    Event workload;
    workload.kind = EventKind::phase;
    workload.track = "board.injector";
    workload.fields["phase"] = "steady";
    run.events.push_back(workload);
    batch.runs.push_back(std::move(run));
  }
  const std::string html = report_html(batch);
  const size_t section = html.find("id=\"recovery\"");
  REQUIRE(section != std::string::npos);
  CHECK(html.find("kdump (2 recoveries)", section) != std::string::npos);
  CHECK(html.find("<title>kdump · host: kexec: starts 0 s after the failure, lasts 500 ms (mean of 2)</title>", section) !=
        std::string::npos);
  CHECK(html.find("<title>kdump · host: capture-kernel boot: starts 500 ms after the failure, lasts 16.0 s (mean of 2)"
                  "</title>",
                  section) != std::string::npos);
  CHECK(html.find("steady", section) == std::string::npos);
  // Bars in the order the phases start: kexec above the boot.
  CHECK(html.find(">host: kexec<", section) < html.find(">host: capture-kernel boot<", section));
}

TEST_CASE("a scenario page draws the cache model's hit ratios and coherence when a run has them", "[traces][report]") {
  results::Batch batch;
  const fs::path dir = test::scratch_dir("report_cache");
  batch.dir = dir;
  for (const bool cache : {true, false}) {
    results::Run run;
    run.summary.scenario = cache ? "with_cache" : "without_cache";
    run.summary.policy = "proportional";
    run.summary.strategy = "predictive-bmc";
    run.summary.seed = 1;
    Timeseries& ts = run.timeseries;
    ts.add_column(probability_column({ComponentClass::cpu, 0}));
    if (cache) {
      for (std::string_view prefix : {kCacheL1HitPrefix, kCacheL2HitPrefix, kCacheLlcHitPrefix, kCacheTlbHitPrefix,
                                      kCacheCoherencePrefix})
        for (uint16_t core : {0, 1}) ts.add_column(cache_column(prefix, {ComponentClass::cpu, core}));
      for (const char* level : {"l1", "l2", "llc", "tlb"}) ts.add_column(std::string(kCacheHitRatioPrefix) + level);
    }
    for (int tick = 0; tick < 10; ++tick) {
      std::vector<double> row(ts.columns.size(), 0.5);
      ts.append_row(tick * 0.1, row);
    }
    batch.runs.push_back(std::move(run));
  }
  write_report_html(batch, dir / "report.html");
  const std::string with = read_file(dir / "report-scenarios" / "with_cache.html");
  const size_t section = with.find("<section id=\"cache\">");
  REQUIRE(section != std::string::npos);
  CHECK(with.find("<a href=\"#cache\">Cache</a>") != std::string::npos);
  for (const char* title : {"Cache hit ratio per level, every core", "L2 hit ratio per core", "LLC hit ratio per core",
                            "Coherence events (snoops + invalidations) per core"})
    CHECK(with.find(title, section) != std::string::npos);
  CHECK(with.find(">llc<", section) != std::string::npos);     // the per-level chart's legend
  CHECK(with.find(">cpu.1<", section) != std::string::npos);   // the per-core charts' legend
  const std::string without = read_file(dir / "report-scenarios" / "without_cache.html");
  CHECK(without.find("id=\"cache\"") == std::string::npos);
  CHECK(without.find("#cache") == std::string::npos);
}

TEST_CASE("a scenario page draws the kernel stacks' high-water and depth, with the overflows", "[traces][report]") {
  results::Batch batch;
  const fs::path dir = test::scratch_dir("report_stacks");
  batch.dir = dir;
  for (const bool stacks : {true, false}) {
    results::Run run;
    run.summary.scenario = stacks ? "with_stacks" : "without_stacks";
    run.summary.policy = "proportional";
    run.summary.strategy = "predictive-bmc";
    run.summary.seed = 1;
    Timeseries& ts = run.timeseries;
    ts.add_column(probability_column({ComponentClass::cpu, 0}));
    if (stacks) {
      run.summary.metrics["kernel_stacks"] = {{"stack_bytes", 16384}, {"high_water_bytes", 16376}, {"overflows", 1}};
      for (std::string_view prefix : {kStackDepthPrefix, kStackHighWaterPrefix})
        for (const char* core : {"cpu.0", "cpu.1"}) ts.add_column(std::string(prefix) + core);
    }
    for (int tick = 0; tick < 10; ++tick) {
      std::vector<double> row(ts.columns.size(), 1024.0 * tick);
      ts.append_row(tick * 0.1, row);
    }
    batch.runs.push_back(std::move(run));
  }
  write_report_html(batch, dir / "report.html");
  const std::string with = read_file(dir / "report-scenarios" / "with_stacks.html");
  const size_t section = with.find("<section id=\"stacks\">");
  REQUIRE(section != std::string::npos);
  CHECK(with.find("<a href=\"#stacks\">Kernel stacks</a>") != std::string::npos);
  CHECK(with.find("Kernel stack high-water per core", section) != std::string::npos);
  CHECK(with.find("Kernel stack depth per core at each tick", section) != std::string::npos);
  CHECK(with.find("1 overflow into the guard page (THREAD_SIZE 16.0 KiB)", section) != std::string::npos);
  CHECK(with.find(">cpu.1<", section) != std::string::npos);
  const std::string without = read_file(dir / "report-scenarios" / "without_stacks.html");
  CHECK(without.find("id=\"stacks\"") == std::string::npos);
}
