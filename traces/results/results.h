// The results library: loads results directories written by crashtwin run /
// batch. Used by `crashtwin report`, report.html and the Qt dashboard (one
// parser, not two). Each file is parsed by the module that writes it
// (traces/*.h); this layer finds the files and assembles them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "traces/batch.h"
#include "traces/bmc_report.h"
#include "traces/config_dump.h"
#include "traces/event_log.h"
#include "traces/memory_analysis.h"
#include "traces/summary.h"
#include "traces/timeseries_writer.h"
#include "traces/timer_jitter.h"

namespace crashtwin::results {

// Which files of a run to load. The dashboard's overview needs only the
// summaries (1,000 runs in well under 2 s); drill-down loads the rest.
enum class RunParts : uint8_t {
  summary = 1,      // summary.json (always loaded)
  perf = 2,         // perf.json
  timeseries = 4,   // timeseries.csv
  events = 8,       // events.jsonl
  bmc = 16,         // bmc/report.json + bmc/*.cper
  config = 32,      // config.yaml
  timer_jitter = 64,  // timer_jitter.json
  memory = 128,       // memory_profile.json, analysed as it loads
  all = 255,
};
constexpr RunParts operator|(RunParts a, RunParts b) {
  return static_cast<RunParts>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}
constexpr bool has(RunParts set, RunParts part) {
  return (static_cast<uint8_t>(set) & static_cast<uint8_t>(part)) != 0;
}

struct Run {
  std::filesystem::path dir;
  RunSummary summary;
  std::optional<PerfFigures> perf;   // absent if perf.json is missing or not requested
  Timeseries timeseries;             // empty if missing or not requested
  std::vector<Event> events;
  std::optional<BmcReport> bmc;
  std::vector<ConfigEntry> config;
  std::optional<TimerJitter> timer_jitter;  // absent if timer_jitter.json is missing or not requested
  std::optional<MemoryAnalysis> memory;     // analyze_memory of memory_profile.json; absent if missing or not requested
};

// Loads one run directory. summary.json is required; other requested files
// are optional (a run that crashed may lack them) but must be well formed.
// Throws io_error / format_error naming the file and line. `progress`
// follows timeseries.csv (the bulk of a long run) and may cancel the load
// (read_cancelled).
Run load_run(const std::filesystem::path& dir, RunParts parts = RunParts::all, const ReadProgress& progress = {});

struct Batch {
  std::filesystem::path dir;
  std::vector<Run> runs;           // sorted by directory path
  std::optional<BatchTable> table; // summary.csv if present
  // sweep.csv of a `crashtwin sweep` directory (the table with the varied
  // parameters as leading columns); absent for a plain batch.
  std::optional<BatchTable> sweep;
  // Runs that could not be loaded: "path:line: problem", one per run. A bad
  // run does not hide the others.
  std::vector<std::string> problems;
};

// Loads a batch directory: every directory below `dir` (up to 3 levels) that
// holds a summary.json, plus summary.csv. A run directory given directly is
// a batch of one; a sweep's sweep.csv is read too. Throws io_error if `dir` does not exist or holds no run
// and no summary.csv.
// Runs are read by `threads` threads (0: one per core), in any order; the
// result is the same.
Batch load_batch(const std::filesystem::path& dir, RunParts parts = RunParts::all, unsigned threads = 0);

// One row per run: summary.csv when the batch has one (it also lists runs
// that crashed before writing a summary), else rows built from the loaded
// summaries as `crashtwin batch` would have written them (run "." for a run
// directory opened directly).
BatchTable table_of(const Batch& batch);

}  // namespace crashtwin::results
