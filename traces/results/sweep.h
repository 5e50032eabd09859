// What a budget sweep says (sweep.csv of `crashtwin sweep`): per policy and
// strategy, completeness against reserved memory along the budget axis, and
// the smallest budget at which every failure is captured. report.html, the
// generated table of docs/policies.md and the dashboard all read it from
// here, so they cannot disagree.
//
// Reserved memory is reserved_bytes_mean (byte-seconds over the run's
// duration): scenarios of different durations then share one axis.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traces/batch.h"

namespace crashtwin::results {

inline constexpr double kFullCaptureThreshold = 0.99;

// The budget axis of a sweep: agent.budget when it is varied, else the first
// varied key. Empty for a table without parameter columns.
std::string sweep_axis(const BatchTable& sweep);

// A parameter's magnitude, to order values: bytes for a size, nanoseconds
// for a duration, else the plain number; nullopt for other text.
std::optional<double> parameter_magnitude(std::string_view text);

struct SweepPointStats {
  std::string axis_value;  // as passed to --set
  size_t runs = 0;
  size_t finished = 0;      // ok or expectations_failed
  // invalid_input: the configuration refused before it ran (static below the
  // RHEL table, a maximum below a floor). Not a failed capture: the policy
  // cannot be deployed at that point, so it is left out of the 99 % rule.
  size_t refused = 0;
  size_t with_failures = 0; // finished runs that report capture_completeness
  std::optional<double> completeness_mean;
  std::optional<double> completeness_min;
  std::optional<double> reserved_bytes_mean;  // mean over the finished runs
};

struct SweepCurve {
  std::string policy;
  std::string strategy;
  // The other varied keys' values, "key=value, key=value" (empty when the
  // budget is the only one).
  std::string others;
  std::vector<SweepPointStats> points;  // increasing budget
};

// One curve per policy x strategy x values of the other keys (in that name
// order), over the rows of `scenario` (all rows when empty).
std::vector<SweepCurve> sweep_curves(const BatchTable& sweep, std::string_view scenario = {});

// Whether every run at the point that accepted its input finished and
// captured at least `threshold` of its failures (the minimum over the runs
// that had failures). A point where every run refused does not reach.
bool reaches(const SweepPointStats& point, double threshold = kFullCaptureThreshold);

// " (N of M runs refused their input)" when some runs of the point refused,
// else empty: the tables say over how many runs a point was judged.
std::string refused_note(const SweepPointStats& point);

// The first point of a curve that reaches the threshold; nullptr if none.
const SweepPointStats* smallest_reaching(const SweepCurve& curve, double threshold = kFullCaptureThreshold);

// The same table as report.html's, in Markdown, for docs/policies.md: per
// curve over all scenarios of the sweep, the smallest budget reaching
// kFullCaptureThreshold ("not reached" otherwise) and its mean reserved MiB.
std::string smallest_budget_markdown(const BatchTable& sweep);

}  // namespace crashtwin::results
