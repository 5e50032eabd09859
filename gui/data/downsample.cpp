#include "gui/data/downsample.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crashtwin::gui {

namespace {

// Folds sample or block extremes into `into`, left to right: a later equal
// value never replaces an earlier one, so the first minimum and first
// maximum win, whatever blocks the range was cut into.
void fold(MinMaxPyramid::Extremes& into, std::span<const double> y, size_t lo, size_t hi, size_t valid) {
  if (valid == 0) return;
  into.valid += valid;
  if (into.lo == MinMaxPyramid::npos || y[lo] < y[into.lo]) into.lo = lo;
  if (into.hi == MinMaxPyramid::npos || y[hi] > y[into.hi]) into.hi = hi;
}

}  // namespace

MinMaxPyramid::MinMaxPyramid(std::span<const double> y) : size_(y.size()) {
  // Indices are stored in 32 bits; a longer series is scanned sample by
  // sample (no run comes near 4e9 ticks).
  if (y.size() > std::numeric_limits<uint32_t>::max()) return;
  std::vector<Block> level(y.size() >> kFirstLevelLog2);
  for (size_t b = 0; b < level.size(); ++b) {
    Extremes e;
    const size_t begin = b << kFirstLevelLog2;
    for (size_t i = begin; i < begin + (size_t{1} << kFirstLevelLog2); ++i) {
      if (!std::isnan(y[i])) fold(e, y, i, i, 1);
    }
    if (e.valid > 0) level[b] = {static_cast<uint32_t>(e.lo), static_cast<uint32_t>(e.hi), static_cast<uint32_t>(e.valid)};
  }
  while (!level.empty()) {
    std::vector<Block> up(level.size() / 2);
    for (size_t b = 0; b < up.size(); ++b) {
      Extremes e;
      for (const Block& half : {level[2 * b], level[2 * b + 1]}) fold(e, y, half.lo, half.hi, half.valid);
      if (e.valid > 0) up[b] = {static_cast<uint32_t>(e.lo), static_cast<uint32_t>(e.hi), static_cast<uint32_t>(e.valid)};
    }
    levels_.push_back(std::move(level));
    level = std::move(up);
  }
}

int MinMaxPyramid::block_level_at(size_t i, size_t end) const {
  for (int k = static_cast<int>(levels_.size()) - 1; k >= 0; --k) {
    const unsigned log2 = kFirstLevelLog2 + static_cast<unsigned>(k);
    const size_t width = size_t{1} << log2;
    if ((i & (width - 1)) == 0 && i + width <= end && (i >> log2) < levels_[static_cast<size_t>(k)].size()) return k;
  }
  return -1;
}

MinMaxPyramid::Extremes MinMaxPyramid::extremes(std::span<const double> y, size_t begin, size_t end) const {
  Extremes e;
  end = std::min(end, y.size());
  for (size_t i = begin; i < end;) {
    const int k = size_ == y.size() ? block_level_at(i, end) : -1;
    if (k < 0) {
      if (!std::isnan(y[i])) fold(e, y, i, i, 1);
      ++i;
      continue;
    }
    const unsigned log2 = kFirstLevelLog2 + static_cast<unsigned>(k);
    const Block& b = levels_[static_cast<size_t>(k)][i >> log2];
    fold(e, y, b.lo, b.hi, b.valid);
    i += size_t{1} << log2;
  }
  return e;
}

size_t MinMaxPyramid::next_valid(std::span<const double> y, size_t i, size_t end) const {
  while (i < end) {
    const int k = size_ == y.size() ? block_level_at(i, end) : -1;
    if (k >= 0) {
      const unsigned log2 = kFirstLevelLog2 + static_cast<unsigned>(k);
      if (levels_[static_cast<size_t>(k)][i >> log2].valid == 0) {
        i += size_t{1} << log2;  // a stretch without samples, skipped whole
        continue;
      }
    }
    if (!std::isnan(y[i])) return i;
    ++i;
  }
  return end;
}

size_t MinMaxPyramid::previous_valid(std::span<const double> y, size_t begin, size_t i) const {
  while (i > begin) {
    // Level-0 blocks only: enough to skip long gaps backwards in steps of 32.
    const size_t width = size_t{1} << kFirstLevelLog2;
    if (size_ == y.size() && !levels_.empty() && (i & (width - 1)) == 0 && i - width >= begin &&
        ((i - width) >> kFirstLevelLog2) < levels_[0].size() && levels_[0][(i - width) >> kFirstLevelLog2].valid == 0) {
      i -= width;
      continue;
    }
    --i;
    if (!std::isnan(y[i])) return i;
  }
  return npos;
}

std::vector<QPointF> MinMaxPyramid::downsample(std::span<const double> x, std::span<const double> y, size_t begin,
                                               size_t end, size_t buckets) const {
  end = std::min({end, x.size(), y.size()});
  std::vector<QPointF> out;
  if (begin >= end) return out;
  const size_t valid = extremes(y, begin, end).valid;
  if (buckets == 0 || valid <= 2 * buckets) {
    out.reserve(valid);
    for (size_t i = next_valid(y, begin, end); i < end; i = next_valid(y, i + 1, end)) out.emplace_back(x[i], y[i]);
    return out;
  }
  const size_t first = next_valid(y, begin, end);
  const size_t last = previous_valid(y, begin, end);
  const double x0 = x[first];
  const double span = x[last] - x0;
  out.reserve(2 * buckets + 2);
  out.emplace_back(x[first], y[first]);
  // Bucket b holds the samples of (first, last) with x in [edge(b), edge(b+1)),
  // the last bucket everything up to `last`.
  size_t i = first + 1;
  for (size_t b = 0; b < buckets && i < last; ++b) {
    size_t stop = last;
    if (b + 1 < buckets) {
      const double edge = x0 + span * static_cast<double>(b + 1) / static_cast<double>(buckets);
      stop = std::min(last, static_cast<size_t>(std::lower_bound(x.begin() + static_cast<std::ptrdiff_t>(i),
                                                                 x.begin() + static_cast<std::ptrdiff_t>(last), edge) -
                                                x.begin()));
    }
    const Extremes e = extremes(y, i, stop);
    i = stop;
    if (e.valid == 0) continue;
    const size_t a = std::min(e.lo, e.hi), c = std::max(e.lo, e.hi);
    out.emplace_back(x[a], y[a]);
    if (c != a) out.emplace_back(x[c], y[c]);
  }
  out.emplace_back(x[last], y[last]);
  return out;
}

size_t MinMaxPyramid::memory_bytes() const {
  size_t bytes = 0;
  for (const auto& level : levels_) bytes += level.capacity() * sizeof(Block);
  return bytes;
}

std::vector<QPointF> downsample_min_max(std::span<const double> x, std::span<const double> y, size_t buckets) {
  const size_t n = std::min(x.size(), y.size());
  return MinMaxPyramid(y.first(n)).downsample(x, y.first(n), 0, n, buckets);
}

}  // namespace crashtwin::gui
