// `crashtwin sweep`: a batch over a grid of scenario parameters
// (scenarios/schema/sweep_grid.h). Each grid point is a batch of its own in
// <out>/<point id>/, each run a child `crashtwin run ... --set key=value`;
// all points' runs share one pool (-j, per-run timeout, longest first) and
// finished runs are kept when the sweep is run again. Writes <out>/summary.csv
// (as a batch), <out>/sweep.csv (the same rows led by one column per varied
// key) and <out>/report.html with the sweep section.
#pragma once

#include <string>
#include <vector>

#include "scenarios/batch/batch.h"
#include "scenarios/schema/sweep_grid.h"

namespace crashtwin::scenario {

struct SweepRun {
  PlannedRun run;                   // run.dir is "<point id>/<run directory>"
  std::vector<std::string> values;  // the point's values, one per axis
};

// The runs of a sweep, point by point (grid order), each point's in batch
// order. `scenarios_at` holds, per point, the scenarios loaded with that
// point's overrides (so a varied duration orders the runs right).
std::vector<SweepRun> plan_sweep(const std::vector<SweepPoint>& points,
                                 const std::vector<std::vector<Scenario>>& scenarios_at, const BatchOptions& options);

// sweep.csv (the batch table led by the varied keys' columns, row i with
// values[i]) and report.html of the sweep directory `out`: what a sweep writes
// after its runs (summary.csv already written) and what `crashtwin merge`
// writes after gathering a sweep's shards.
void write_sweep_files(const std::vector<std::string>& keys, const std::vector<std::vector<std::string>>& values,
                       const BatchTable& table, const std::filesystem::path& out, unsigned threads);

// Runs what is not finished and writes summary.csv, sweep.csv, report.html.
BatchResult run_sweep(const std::vector<SweepAxis>& axes, const std::vector<SweepRun>& runs,
                      const BatchOptions& options);

}  // namespace crashtwin::scenario
