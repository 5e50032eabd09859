// The dashboard's data layer, without a window: downsampling (property
// tests), the column-name inverse, the crash map, batch progress lines and
// the policy means.
#include <cmath>
#include <limits>
#include <random>
#include <span>

#include <QtTest>

#include "gui/compare/policy_summary.h"
#include "gui/data/crash_map.h"
#include "gui/data/downsample.h"
#include "gui/data/palette.h"
#include "gui/data/run_markers.h"
#include "gui/run/batch_progress.h"
#include "platform/region/crash_region.h"
#include "traces/timeseries_writer.h"

using namespace crashtwin;
using namespace crashtwin::gui;

class GuiDataTest : public QObject {
  Q_OBJECT
 private slots:
  void downsample_keeps_short_series_whole();
  void downsample_bounds_points_and_keeps_extremes();
  void downsample_skips_nan();
  void pyramid_downsample_equals_a_scan_of_the_range();
  void pyramid_extremes_equal_a_scan();
  void component_columns_invert_the_writer_names();
  void component_columns_reject_bad_names();
  void crash_map_packs_slices_after_headers();
  void crash_map_uses_recorded_bases();
  void row_at_picks_last_row_at_or_before();
  void progress_lines_of_the_batch_cli();
  void policy_means_over_finished_runs();
  void best_means_mark_winners_in_the_metric_direction();
  void alarm_bands_are_the_alarm_events_in_time_order();
};

void GuiDataTest::downsample_keeps_short_series_whole() {
  const std::vector<double> x{0, 1, 2, 3}, y{5, 6, 7, 8};
  const auto out = downsample_min_max(x, y, 10);
  QCOMPARE(out.size(), size_t{4});
  QCOMPARE(out[2], QPointF(2, 7));
}

// Property: for random series and bucket counts, the output is bounded, in x
// order, keeps the first/last points and the global min and max, and every
// point is one of the input points.
void GuiDataTest::downsample_bounds_points_and_keeps_extremes() {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 20000;
    const size_t buckets = 1 + rng() % 600;
    std::vector<double> x(n), y(n);
    double t = 0;
    for (size_t i = 0; i < n; ++i) {
      t += 0.001 * static_cast<double>(1 + rng() % 5);  // uneven ticks
      x[i] = t;
      y[i] = std::sin(static_cast<double>(i) * 0.01) * 100 + static_cast<double>(rng() % 1000) / 10.0;
    }
    const size_t spike = rng() % n;
    y[spike] = 1e6;  // a one-tick spike must survive
    const auto out = downsample_min_max(x, y, buckets);
    if (n <= 2 * buckets) QCOMPARE(out.size(), n);
    else QVERIFY(out.size() <= 2 * buckets + 2);
    QCOMPARE(out.front(), QPointF(x.front(), y.front()));
    QCOMPARE(out.back(), QPointF(x.back(), y.back()));
    double lo = y[0];
    for (double v : y) lo = std::min(lo, v);
    bool has_min = false, has_max = false;
    for (size_t i = 0; i < out.size(); ++i) {
      if (i > 0) QVERIFY(out[i].x() >= out[i - 1].x());
      has_min = has_min || out[i].y() == lo;
      has_max = has_max || out[i].y() == 1e6;
      const auto it = std::lower_bound(x.begin(), x.end(), out[i].x());
      QVERIFY(it != x.end() && *it == out[i].x() && y[static_cast<size_t>(it - x.begin())] == out[i].y());
    }
    QVERIFY(has_min);
    QVERIFY(has_max);
  }
}

void GuiDataTest::downsample_skips_nan() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> x(1000), y(1000);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<double>(i);
    y[i] = i % 3 == 0 ? nan : static_cast<double>(i);
  }
  y[0] = nan;
  y[999] = nan;
  const auto out = downsample_min_max(x, y, 10);
  QVERIFY(!out.empty() && out.size() <= 22);
  for (const QPointF& p : out) QVERIFY(!std::isnan(p.y()));
  QCOMPARE(out.front().x(), 1.0);
  QCOMPARE(out.back().x(), 998.0);
}

namespace {
// The specification of MinMaxPyramid::downsample written as the plain scan
// it replaces: per bucket of x, the first minimum and first maximum.
std::vector<QPointF> scan_downsample(std::span<const double> x, std::span<const double> y, size_t buckets) {
  const size_t n = std::min(x.size(), y.size());
  std::vector<QPointF> out;
  size_t valid = 0;
  for (size_t i = 0; i < n; ++i) valid += std::isnan(y[i]) ? 0 : 1;
  if (buckets == 0 || valid <= 2 * buckets) {
    for (size_t i = 0; i < n; ++i) {
      if (!std::isnan(y[i])) out.emplace_back(x[i], y[i]);
    }
    return out;
  }
  size_t first = 0, last = n - 1;
  while (std::isnan(y[first])) ++first;
  while (std::isnan(y[last])) --last;
  const double x0 = x[first], span = x[last] - x0;
  out.emplace_back(x[first], y[first]);
  size_t i = first + 1;
  for (size_t b = 0; b < buckets && i < last; ++b) {
    const double end = b + 1 == buckets ? x[last] : x0 + span * static_cast<double>(b + 1) / static_cast<double>(buckets);
    size_t lo = n, hi = n;
    for (; i < last && (x[i] < end || b + 1 == buckets); ++i) {
      if (std::isnan(y[i])) continue;
      if (lo == n || y[i] < y[lo]) lo = i;
      if (hi == n || y[i] > y[hi]) hi = i;
    }
    if (lo == n) continue;
    const size_t a = std::min(lo, hi), c = std::max(lo, hi);
    out.emplace_back(x[a], y[a]);
    if (c != a) out.emplace_back(x[c], y[c]);
  }
  out.emplace_back(x[last], y[last]);
  return out;
}

// A series with what real columns have: plateaus (a slice's size held for
// thousands of ticks: ties everywhere), long empty stretches (no slice),
// spikes, uneven ticks.
void random_series(std::mt19937_64& rng, size_t n, std::vector<double>& x, std::vector<double>& y) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  x.resize(n);
  y.resize(n);
  double t = 0, level = 0;
  size_t i = 0;
  while (i < n) {
    const size_t stretch = 1 + rng() % (rng() % 4 == 0 ? 3000 : 40);
    const unsigned kind = static_cast<unsigned>(rng() % 4);
    for (size_t k = 0; k < stretch && i < n; ++k, ++i) {
      t += 0.001 * static_cast<double>(1 + rng() % 3);
      x[i] = t;
      y[i] = kind == 0 ? nan : kind == 1 ? level : static_cast<double>(rng() % 100);
    }
    level = static_cast<double>(rng() % 5);
  }
}
}  // namespace

// Property: on any range of any series, the pyramid's answer is exactly the
// plain scan's (same points, same order), for every bucket count.
void GuiDataTest::pyramid_downsample_equals_a_scan_of_the_range() {
  std::mt19937_64 rng(2026);
  std::vector<double> x, y;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t n = 1 + rng() % (trial % 10 == 0 ? 200000 : 5000);
    random_series(rng, n, x, y);
    const MinMaxPyramid pyramid(y);
    for (int query = 0; query < 5; ++query) {
      const size_t begin = rng() % n;
      const size_t end = begin + 1 + rng() % (n - begin);
      const size_t buckets = rng() % 3 == 0 ? rng() % 4 : 1 + rng() % 1500;
      const auto got = pyramid.downsample(x, y, begin, end, buckets);
      const auto want = scan_downsample(std::span(x).subspan(begin, end - begin),
                                        std::span(y).subspan(begin, end - begin), buckets);
      QCOMPARE(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) QCOMPARE(got[i], want[i]);
    }
  }
}

void GuiDataTest::pyramid_extremes_equal_a_scan() {
  std::mt19937_64 rng(7);
  std::vector<double> x, y;
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 70000;
    random_series(rng, n, x, y);
    const MinMaxPyramid pyramid(y);
    QVERIFY(pyramid.memory_bytes() <= n);  // about 0.75 bytes per sample
    const size_t begin = rng() % n, end = begin + rng() % (n - begin + 1);
    MinMaxPyramid::Extremes want;
    for (size_t i = begin; i < end; ++i) {
      if (std::isnan(y[i])) continue;
      ++want.valid;
      if (want.lo == MinMaxPyramid::npos || y[i] < y[want.lo]) want.lo = i;
      if (want.hi == MinMaxPyramid::npos || y[i] > y[want.hi]) want.hi = i;
    }
    const auto got = pyramid.extremes(y, begin, end);
    QCOMPARE(got.valid, want.valid);
    QCOMPARE(got.lo, want.lo);
    QCOMPARE(got.hi, want.hi);
  }
}

void GuiDataTest::component_columns_invert_the_writer_names() {
  for (auto cls : {ComponentClass::cpu, ComponentClass::memory, ComponentClass::disk, ComponentClass::network}) {
    for (uint16_t instance : {uint16_t{0}, uint16_t{7}, uint16_t{65535}}) {
      const ComponentId c{cls, instance};
      QCOMPARE(component_of_column(slice_bytes_column(c), kSliceBytesPrefix), std::optional<ComponentId>(c));
      QCOMPARE(component_of_column(probability_column(c), kProbabilityPrefix), std::optional<ComponentId>(c));
      QCOMPARE(component_of_column(slice_base_column(c), kSliceBasePrefix), std::optional<ComponentId>(c));
      QVERIFY(!component_of_column(slice_base_column(c), kSliceBytesPrefix));
    }
  }
  for (unsigned order : {0u, 4u, 10u}) QCOMPARE(order_of_column(unusable_index_column(order)), std::optional<unsigned>(order));
}

void GuiDataTest::component_columns_reject_bad_names() {
  for (const char* bad : {"slice_bytes.", "slice_bytes.gpu.0", "slice_bytes.cpu", "slice_bytes.cpu.", "slice_bytes.cpu.x",
                          "slice_bytes.cpu.1x", "slice_bytes.cpu.70000", "probability.cpu.0", "reserved_bytes"}) {
    QVERIFY2(!component_of_column(bad, kSliceBytesPrefix), bad);
  }
  QVERIFY(!order_of_column("unusable_index.order"));
  QVERIFY(!order_of_column("unusable_index.orderx"));
}

namespace {
Timeseries three_slices() {
  Timeseries ts;
  ts.add_column(slice_bytes_column({ComponentClass::cpu, 0}));
  ts.add_column(slice_bytes_column({ComponentClass::memory, 1}));
  ts.add_column(slice_bytes_column({ComponentClass::disk, 0}));
  ts.add_column(std::string(kReservedBytesColumn));
  ts.add_column(std::string(kFreeBytesColumn));
  ts.add_column(unusable_index_column(9));
  ts.add_column(unusable_index_column(0));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ts.append_row(0.0, std::vector<double>{4096, 8192, 0, 12288, 20480, 0.5, nan});
  ts.append_row(0.5, std::vector<double>{8192, 16384, 4096, 28672, 4096, 0.9, 0.0});
  return ts;
}
}  // namespace

void GuiDataTest::crash_map_packs_slices_after_headers() {
  const Timeseries ts = three_slices();
  const CrashMap map = crash_map_at_row(ts, 0);
  QVERIFY(!map.bases_recorded);
  QCOMPARE(map.t_s, 0.0);
  // Largest footprint over the run: row 1, 28672 + 4096 vs row 0, 12288 + 20480.
  QCOMPARE(map.region_bytes, uint64_t{kHeaderAreaBytes + 32768});
  QCOMPARE(map.reserved_bytes, uint64_t{12288});
  QCOMPARE(map.free_bytes, uint64_t{20480});
  QCOMPARE(map.blocks.size(), size_t{5});  // 2 headers, cpu.0, memory.1 (disk is empty), free
  QVERIFY(map.blocks[0].kind == MapBlock::Kind::header && map.blocks[1].kind == MapBlock::Kind::header);
  QCOMPARE(map.blocks[2].offset, uint64_t{kHeaderAreaBytes});
  QVERIFY(map.blocks[3].component == (ComponentId{ComponentClass::memory, 1}));
  QCOMPARE(map.blocks[3].bytes, uint64_t{8192});
  QVERIFY(map.blocks[4].kind == MapBlock::Kind::free);
  // Invariant: blocks tile the region without gaps or overlaps.
  uint64_t cursor = 0;
  for (const MapBlock& b : map.blocks) {
    QCOMPARE(b.offset, cursor);
    cursor += b.bytes;
  }
  QCOMPARE(cursor, map.region_bytes);
  QCOMPARE(map.unusable_index.size(), size_t{1});  // order 0 is NaN at row 0
  QCOMPARE(map.unusable_index[0], (std::pair<unsigned, double>{9, 0.5}));
  const CrashMap later = crash_map_at_row(ts, 1);
  QCOMPARE(later.reserved_bytes, uint64_t{28672});
  QCOMPARE(later.unusable_index.front().first, 0u);
}

void GuiDataTest::crash_map_uses_recorded_bases() {
  Timeseries ts;
  ts.add_column(slice_bytes_column({ComponentClass::cpu, 0}));
  ts.add_column(slice_bytes_column({ComponentClass::network, 0}));
  ts.add_column("slice_base.cpu.0");
  ts.add_column("slice_base.network.0");
  ts.add_column(std::string(kFreeBytesColumn));
  ts.append_row(0.0, std::vector<double>{4096, 4096, 65536, 16384, 57344});
  const CrashMap map = crash_map_at_row(ts, 0);
  QVERIFY(map.bases_recorded);
  std::vector<uint64_t> slice_offsets;
  uint64_t cursor = 0;
  for (const MapBlock& b : map.blocks) {
    QCOMPARE(b.offset, cursor);
    cursor += b.bytes;
    if (b.kind == MapBlock::Kind::slice) slice_offsets.push_back(b.offset);
  }
  QCOMPARE(slice_offsets, (std::vector<uint64_t>{16384, 65536}));  // sorted by base, gap between is free
}

void GuiDataTest::row_at_picks_last_row_at_or_before() {
  const Timeseries ts = three_slices();
  QCOMPARE(row_at(ts, -1.0), std::optional<size_t>(0));
  QCOMPARE(row_at(ts, 0.49), std::optional<size_t>(0));
  QCOMPARE(row_at(ts, 0.5), std::optional<size_t>(1));
  QCOMPARE(row_at(ts, 99.0), std::optional<size_t>(1));
  QCOMPARE(row_at(Timeseries{}, 0.0), std::optional<size_t>());
}

void GuiDataTest::progress_lines_of_the_batch_cli() {
  auto p = parse_batch_progress("[3/12] dimm_ue_ramp/proportional-predictive_bmc-seed1");
  QVERIFY(p);
  QCOMPARE(p->done, 3);
  QCOMPARE(p->total, 12);
  QCOMPARE(p->run, QStringLiteral("dimm_ue_ramp/proportional-predictive_bmc-seed1"));
  p = parse_batch_progress("\r\x1b[K[#######.......................] 3/12  elapsed 0:04  ETA 0:12  nic/x-seed2");
  QVERIFY(p);
  QCOMPARE(p->done, 3);
  QCOMPARE(p->run, QStringLiteral("nic/x-seed2"));
  QVERIFY(!parse_batch_progress("[2024-01-01 00:00:00] [info] batch: 2 scenarios"));
  QVERIFY(!parse_batch_progress("[13/12] too many"));
  QVERIFY(!parse_batch_progress("[1/0] none"));
  QVERIFY(!parse_batch_progress(""));
}

void GuiDataTest::policy_means_over_finished_runs() {
  auto row = [](const char* scenario, const char* policy, RunStatus status, double completeness) {
    BatchRow r;
    r.scenario = scenario;
    r.policy = policy;
    r.strategy = "predictive_bmc";
    r.status = status;
    r.metrics = {{"capture_completeness", completeness}};
    return r;
  };
  const BatchTable table = batch_table({row("a", "p", RunStatus::ok, 0.5), row("a", "p", RunStatus::expectations_failed, 1.0),
                                        row("a", "p", RunStatus::crashed, 0.0), row("b", "q", RunStatus::ok, 0.25)});
  const auto all = summarise_policies(table, {"capture_completeness", "missing"}, "");
  QCOMPARE(all.size(), size_t{2});
  QCOMPARE(all[0].policy, std::string("p"));
  QCOMPARE(all[0].runs, size_t{3});
  QCOMPARE(all[0].ok, size_t{1});
  QCOMPARE(all[0].expectations_failed, size_t{1});
  QCOMPARE(all[0].not_finished, size_t{1});
  QCOMPARE(*all[0].means[0], 0.75);  // the crashed run's 0 is not averaged
  QVERIFY(!all[0].means[1]);
  const auto only_b = summarise_policies(table, {"capture_completeness"}, "b");
  QCOMPARE(only_b.size(), size_t{1});
  QCOMPARE(*only_b[0].means[0], 0.25);
  QCOMPARE(scenarios_of(table), (std::vector<std::string>{"a", "b"}));
}

// The winners report.html and the Compare table both mark
// (results::best_means): direction per metric, ties share, no winner in a
// column of equal values, a missing mean never wins.
void GuiDataTest::best_means_mark_winners_in_the_metric_direction() {
  auto group = [](std::vector<std::optional<double>> means) {
    results::PolicyMeans g;
    g.means = std::move(means);
    return g;
  };
  const std::vector<std::string> metrics{"capture_completeness", "reserved_byte_seconds", "repartitions", "prediction.recall"};
  QVERIFY(results::higher_is_better("capture_completeness"));
  QVERIFY(results::higher_is_better("prediction.recall"));
  QVERIFY(!results::higher_is_better("reserved_byte_seconds"));
  QVERIFY(!results::higher_is_better("alert_to_report_s.mean"));
  const std::vector<results::PolicyMeans> groups{group({0.9, 300.0, 2.0, std::nullopt}), group({1.0, 100.0, 2.0, 0.5}),
                                                 group({1.0, 200.0, 2.0, std::nullopt})};
  const auto best = results::best_means(groups, metrics);
  QCOMPARE(best[0], (std::vector<bool>{false, true, true}));    // higher wins, tie shared
  QCOMPARE(best[1], (std::vector<bool>{false, true, false}));   // lower wins
  QCOMPARE(best[2], (std::vector<bool>{false, false, false}));  // all equal: no winner
  QCOMPARE(best[3], (std::vector<bool>{false, false, false}));  // only one value: nothing to beat
}

void GuiDataTest::alarm_bands_are_the_alarm_events_in_time_order() {
  EventLog log;
  const auto alarm = [&](uint64_t t_ns, uint64_t dur_ns, const char* component) {
    Event& e = log.add_span(t_ns, dur_ns, std::string("board.agent.alarm.") + component, EventKind::alarm);
    e.fields["component"] = component;
    e.fields["threshold"] = 0.01;
    e.fields["peak_probability"] = 0.02;
    e.fields["cleared"] = true;
  };
  alarm(5'000'000'000, 2'500'000'000, "disk.0");
  log.add(1'000'000'000, "board.bmc", EventKind::alert).fields["slice"] = 1;
  alarm(1'000'000'000, 0, "memory.3");  // one sample in alarm: no duration
  alarm(9'000'000'000, 1'000'000'000, "no_such.thing");
  const std::vector<TimeBand> bands = alarm_bands(log.events());
  QCOMPARE(bands.size(), size_t{3});  // the alert is no band
  QCOMPARE(bands[0].begin_s, 1.0);
  QCOMPARE(bands[0].end_s, 1.0);
  QCOMPARE(bands[0].label, QStringLiteral("alarm memory.3"));
  QCOMPARE(bands[0].colour, component_colour(ComponentId{ComponentClass::memory, 3}));
  QCOMPARE(bands[1].begin_s, 5.0);
  QCOMPARE(bands[1].end_s, 7.5);
  QCOMPARE(bands[1].colour, component_colour(ComponentId{ComponentClass::disk, 0}));
  QCOMPARE(bands[2].colour, alert_colour());  // a component the palette cannot name
}

QTEST_APPLESS_MAIN(GuiDataTest)
#include "test_gui_data.moc"
