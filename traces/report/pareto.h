// Pareto front of (cost, benefit) points: the runs no other run beats on both
// reserved memory (lower is better) and capture completeness (higher is
// better). Used by report.html's trade-off chart and the batch and sweep
// comparisons.
#pragma once

#include <cstddef>
#include <vector>

namespace crashtwin::report {

struct TradeoffPoint {
  double cost = 0;     // e.g. reserved_byte_seconds
  double benefit = 0;  // e.g. capture_completeness
};

// Indices of the non-dominated points, sorted by increasing cost. A point is
// dominated if another has cost <= and benefit >= with at least one strict.
// Of exact duplicates the first is kept. Non-finite points are ignored.
std::vector<size_t> pareto_front(const std::vector<TradeoffPoint>& points);

}  // namespace crashtwin::report
