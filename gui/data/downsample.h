// Downsampling of long series for drawing: a chart a few hundred pixels wide
// cannot show 1,000,000 points, and Qt Charts slows down long before that.
// Per bucket of x (a pixel column) the minimum and the maximum are kept, in x
// order, so spikes, such as a slice collapsing for one tick, survive the
// reduction; zoomed in far enough, every sample is drawn (exact on zoom).
//
// A year-long run has a million ticks per line, and every zoom or pan
// re-downsamples the visible range: scanning it would cost the UI thread
// hundreds of milliseconds on the whole-run view. So each column gets a
// min/max pyramid once, in the loading thread (blocks of 32, 64, 128...
// samples with the index of their first minimum and first maximum and their
// count of valid samples), and a bucket's extremes are read from O(log n)
// blocks: a redraw costs the plot's width, not the run's length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <QPointF>

namespace crashtwin::gui {

class MinMaxPyramid {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  MinMaxPyramid() = default;
  // Indexes y (NaN = no sample). Queries must pass the same y.
  explicit MinMaxPyramid(std::span<const double> y);

  struct Extremes {
    size_t lo = npos;  // index of the first minimum, npos if no valid sample
    size_t hi = npos;  // index of the first maximum
    size_t valid = 0;  // samples that are not NaN
  };
  // Over y[begin, end).
  Extremes extremes(std::span<const double> y, size_t begin, size_t end) const;

  // The points (x[i], y[i]) of i in [begin, end) reduced for `buckets` pixel
  // columns: at most 2 * buckets + 2 points. x must be non-decreasing; NaN
  // values of y are skipped. Ranges with at most 2 * buckets valid samples
  // come back whole. Otherwise the first and last valid points are kept (so
  // the drawn range equals the data range) and, per bucket splitting the x
  // range evenly (ticks need not be evenly spaced), the bucket's first
  // minimum and first maximum in x order.
  std::vector<QPointF> downsample(std::span<const double> x, std::span<const double> y, size_t begin, size_t end,
                                  size_t buckets) const;

  // Bytes the pyramid holds (about 0.75 per sample).
  size_t memory_bytes() const;

 private:
  static constexpr unsigned kFirstLevelLog2 = 5;  // level 0: blocks of 32 samples
  struct Block {
    uint32_t lo = 0, hi = 0;  // absolute sample indices (valid > 0 only)
    uint32_t valid = 0;
  };
  // First valid index in [i, end), or end; last valid index in [begin, i), or npos.
  size_t next_valid(std::span<const double> y, size_t i, size_t end) const;
  size_t previous_valid(std::span<const double> y, size_t begin, size_t i) const;
  // The largest whole block starting at i and ending at or before end: its
  // level, or -1 if none (i unaligned or too close to end).
  int block_level_at(size_t i, size_t end) const;

  size_t size_ = 0;
  std::vector<std::vector<Block>> levels_;  // levels_[k]: blocks of 2^(kFirstLevelLog2 + k) samples
};

// Convenience for a one-off series (tests, short runs): builds a pyramid and
// downsamples all of it.
std::vector<QPointF> downsample_min_max(std::span<const double> x, std::span<const double> y, size_t buckets);

}  // namespace crashtwin::gui
