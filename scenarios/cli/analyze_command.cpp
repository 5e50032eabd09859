#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "traces/io.h"
#include "traces/memory_analysis.h"
#include "traces/memory_profile.h"
#include "traces/results/results.h"

namespace crashtwin::cli {
namespace fs = std::filesystem;

namespace {

// What analyze writes into each run directory.
void write_run_analysis(const fs::path& run_dir, const MemoryAnalysis& analysis) {
  write_file_atomically(run_dir / kAnalysisFile, memory_analysis_json(analysis));
  write_file_atomically(run_dir / kAllocationRateChart, allocation_rate_svg(analysis));
  write_file_atomically(run_dir / kFragmentationChart, fragmentation_health_svg(analysis));
}

}  // namespace

int analyze_command(const AnalyzeArgs& args) {
  const fs::path dir = args.dir;
  std::error_code ec;
  const bool single_run = fs::exists(dir / "summary.json", ec);
  std::vector<MemoryAnalysisRun> runs;
  std::vector<fs::path> run_dirs;
  // Everything is read and analysed before anything is written: bad input
  // leaves no half-written analysis behind.
  try {
    const results::Batch batch = results::load_batch(dir, results::RunParts::summary);
    if (!batch.problems.empty()) {
      for (const std::string& p : batch.problems) std::fprintf(stderr, "%s\n", p.c_str());
      return kExitBadInput;
    }
    for (const results::Run& run : batch.runs) {
      const fs::path profile = run.dir / "memory_profile.json";
      if (!fs::exists(profile, ec) && run.summary.traces == TraceLevel::summary) {
        std::fprintf(stderr,
                     "%s: not written: the run's scenario keeps no traces (`traces: summary`); rerun it with "
                     "--set traces=full\n",
                     profile.c_str());
        return kExitBadInput;
      }
      if (!fs::exists(profile, ec)) {
        std::fprintf(stderr, "%s: missing (written by crashtwin run since memory profiling; rerun the scenario)\n",
                     profile.c_str());
        return kExitBadInput;
      }
      MemoryAnalysisRun r;
      r.run = single_run ? std::string(".") : fs::relative(run.dir, dir).generic_string();
      r.scenario = run.summary.scenario;
      r.policy = run.summary.policy;
      r.strategy = run.summary.strategy;
      r.seed = run.summary.seed;
      r.analysis = analyze_memory(read_memory_profile(profile));
      runs.push_back(std::move(r));
      run_dirs.push_back(run.dir);
    }
  } catch (const io_error& e) {  // format_error too: the message names the file and line
    std::fprintf(stderr, "%s\n", e.what());
    return kExitBadInput;
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    write_run_analysis(run_dirs[i], runs[i].analysis);
    std::printf("%s\n", (run_dirs[i] / kAnalysisFile).c_str());
  }
  if (!single_run) {
    write_file_atomically(dir / kAnalysisFile, batch_memory_analysis_json(runs));
    std::printf("%s\n", (dir / kAnalysisFile).c_str());
  }
  return kExitOk;
}

}  // namespace crashtwin::cli
