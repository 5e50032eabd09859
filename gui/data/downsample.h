// Downsampling of long series for drawing: a chart a few hundred pixels wide
// cannot show 100,000 points, and Qt Charts slows down long before that. Per
// bucket of x the minimum and the maximum are kept (in x order), so spikes,
// such as a slice collapsing for one tick, survive the reduction.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include <QPointF>

namespace crashtwin::gui {

// Points of (x[i], y[i]) reduced to at most 2 * buckets + 2 points. x must be
// non-decreasing; NaN values of y (no sample) are skipped. Fewer points than
// 2 * buckets are returned as they are. The first and last valid points are
// always kept, so the drawn range equals the data range.
std::vector<QPointF> downsample_min_max(std::span<const double> x, std::span<const double> y, size_t buckets);

}  // namespace crashtwin::gui
