// Target (issue 15): the dashboard loads and draws any run, up to a
// simulated year at a field sampling period, and stays interactive.
//
// Two runs, chosen by the benchmark argument:
//   0  the library's longest run: soak_24h under proportional (8,640 ticks,
//      10 s apart), simulated once by the built `crashtwin`;
//   1  a 1,000,000-tick run (116 days at 10 s): that run's timeseries and
//      events repeated back to back, so its columns, values and event
//      density are a real run's, written through the traces writers.
// Measured: loading (the worker thread's part: timeseries, events, BMC
// report, and the drawing index: a min/max pyramid per column), showing it in the Timeline and Crash region views with a paint
// (the UI thread's part), a zoom to a random 1 % of the run with a paint,
// and a Crash region slider step with a paint. The views are the
// dashboard's own, offscreen, 1400 x 900.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QSlider>
#include <QVBoxLayout>

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <memory>
#include <random>

#include "bench/scenarios/child_run.h"
#include "gui/crash_region/crash_region_view.h"
#include "gui/data/run_details.h"
#include "gui/timeline/timeline_view.h"
#include "gui/widgets/time_cursor.h"
#include "traces/event_log.h"
#include "traces/summary.h"
#include "traces/timeseries_writer.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

constexpr size_t kMillionTicks = 1'000'000;

QApplication& application() {
  static int argc = 1;
  static char name[] = "crashtwin_bench_gui";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    setenv("QT_QPA_FONTDIR", "/usr/share/fonts/truetype/dejavu", 0);
    return new QApplication(argc, argv);
  }();
  return *app;
}

const fs::path& soak_run() {
  static const fs::path dir = [] {
    const fs::path out = bench::fresh_scratch("soak_24h");
    const auto child = bench::run_crashtwin(
        {"run", (bench::source_dir() / "scenarios/library/soak_24h.yaml").string(), "--policy", "proportional",
         "--out", (out / "run").string()},
        out / "crashtwin.log");
    if (child.exit_code > 1) {  // 1: an expectation failed, the run is still whole
      std::fprintf(stderr, "crashtwin run soak_24h failed (exit %d), see %s\n", child.exit_code,
                   (out / "crashtwin.log").c_str());
      std::exit(2);
    }
    return out / "run";
  }();
  return dir;
}

// The soak run's rows and events, repeated until kMillionTicks rows.
const fs::path& million_tick_run() {
  static const fs::path dir = [] {
    const fs::path out = bench::fresh_scratch("million_ticks") / "run";
    fs::create_directories(out);
    const results::Run soak = results::load_run(soak_run());
    const Timeseries& day = soak.timeseries;
    const double period = day.t_s.back() + (day.t_s[1] - day.t_s[0]);
    Timeseries series;
    for (const std::string& c : day.columns) series.add_column(c);
    std::vector<double> row(day.columns.size());
    EventLog log;
    for (size_t copy = 0; series.row_count() < kMillionTicks; ++copy) {
      for (size_t r = 0; r < day.row_count() && series.row_count() < kMillionTicks; ++r) {
        for (size_t c = 0; c < row.size(); ++c) row[c] = day.values[c][r];
        series.append_row(day.t_s[r] + period * static_cast<double>(copy), row);
      }
      for (const Event& e : soak.events) {
        Event& shifted = log.events().emplace_back(e);
        shifted.t_ns += static_cast<uint64_t>(period * 1e9) * copy;
      }
    }
    write_timeseries_csv(series, out / "timeseries.csv");
    log.write_jsonl(out / "events.jsonl");
    fs::copy_file(soak_run() / "summary.json", out / "summary.json");
    fs::copy(soak_run() / "bmc", out / "bmc", fs::copy_options::recursive);
    return out;
  }();
  return dir;
}

// Resident memory now, from /proc (ru_maxrss would include the 1,000,000-tick
// run's generation).
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  double total = 0, resident = 0;
  statm >> total >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

const fs::path& run_of(const benchmark::State& state) { return state.range(0) == 0 ? soak_run() : million_tick_run(); }

// The dashboard's detail views at the main window's size, given the run of
// the benchmark's argument, loaded (not measured).
struct Views {
  std::shared_ptr<const gui::RunDetails> run;
  gui::TimeCursor cursor;
  QWidget window;
  gui::TimelineView* timeline;
  gui::CrashRegionView* crash_region;

  explicit Views(const benchmark::State& state)
      : run((application(), std::make_shared<const gui::RunDetails>(gui::load_run_details(run_of(state))))),
        timeline(new gui::TimelineView(&cursor)),
        crash_region(new gui::CrashRegionView(&cursor)) {
    auto* layout = new QVBoxLayout(&window);
    layout->addWidget(timeline, 2);
    layout->addWidget(crash_region, 1);
    window.resize(1400, 900);
    window.show();
    QApplication::processEvents();
  }
  void show() {
    timeline->show_run(run);
    crash_region->show_run(run);
  }
  void paint() { benchmark::DoNotOptimize(window.grab()); }
};

void BM_LoadLongRun(benchmark::State& state) {
  const fs::path& dir = run_of(state);
  size_t rows = 0;
  double held_mib = 0;
  for (auto _ : state) {
    malloc_trim(0);
    const double before = resident_mib();
    const gui::RunDetails run = gui::load_run_details(dir);
    malloc_trim(0);  // what loading freed (the repartition events, once markers) goes back
    held_mib = resident_mib() - before;  // what the loaded run holds
    rows = run.run.timeseries.row_count();
    benchmark::DoNotOptimize(run);
  }
  state.counters["ticks"] = static_cast<double>(rows);
  state.counters["held_MiB"] = held_mib;
  state.counters["csv_MiB"] = static_cast<double>(fs::file_size(dir / "timeseries.csv")) / (1 << 20);
}
BENCHMARK(BM_LoadLongRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_ShowLongRun(benchmark::State& state) {
  Views views(state);
  for (auto _ : state) {
    views.show();
    views.paint();
  }
  state.counters["points_drawn"] = static_cast<double>(views.timeline->drawn_points());
}
BENCHMARK(BM_ShowLongRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ZoomLongRun(benchmark::State& state) {
  Views views(state);
  views.show();
  const double end = views.run->run.timeseries.t_s.back();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> start(0, end * 0.99);
  for (auto _ : state) {
    const double lo = start(rng);
    views.timeline->slice_chart()->set_time_range(lo, lo + end / 100);
    views.paint();
  }
}
BENCHMARK(BM_ZoomLongRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SliderStepLongRun(benchmark::State& state) {
  Views views(state);
  views.show();
  QSlider* slider = views.crash_region->findChild<QSlider*>();
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> row(0, slider->maximum());
  for (auto _ : state) {
    slider->setValue(row(rng));
    views.paint();
  }
}
BENCHMARK(BM_SliderStepLongRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
