#include "gui/data/downsample.h"

#include <algorithm>
#include <cmath>

namespace crashtwin::gui {

std::vector<QPointF> downsample_min_max(std::span<const double> x, std::span<const double> y, size_t buckets) {
  const size_t n = std::min(x.size(), y.size());
  std::vector<QPointF> out;
  size_t valid = 0;
  for (size_t i = 0; i < n; ++i) valid += std::isnan(y[i]) ? 0 : 1;
  if (buckets == 0 || valid <= 2 * buckets) {
    out.reserve(valid);
    for (size_t i = 0; i < n; ++i) {
      if (!std::isnan(y[i])) out.emplace_back(x[i], y[i]);
    }
    return out;
  }
  // Buckets split the x range evenly (pixels), not the sample count: ticks
  // need not be evenly spaced.
  size_t first = 0, last = n - 1;
  while (std::isnan(y[first])) ++first;
  while (std::isnan(y[last])) --last;
  const double x0 = x[first];
  const double span = x[last] - x0;
  out.reserve(2 * buckets + 2);
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

}  // namespace crashtwin::gui
