#include "gui/data/crash_map.h"

#include <algorithm>
#include <cmath>

#include "platform/region/crash_region.h"

namespace crashtwin::gui {

namespace {

uint64_t bytes_at(const std::vector<double>* column, size_t row) {
  if (column == nullptr || row >= column->size()) return 0;
  const double v = (*column)[row];
  return std::isfinite(v) && v > 0 ? static_cast<uint64_t>(v) : 0;
}

}  // namespace

// The runner rounds the region up to its alignment, so a recorded slice may
// end past headers + budget: the furthest slice end counts too.
uint64_t crash_region_extent(const Timeseries& series) {
  const std::vector<std::string> slice_columns = series.columns_with_prefix(kSliceBytesPrefix);
  const auto* reserved = series.find(kReservedBytesColumn);
  const auto* free = series.find(kFreeBytesColumn);
  uint64_t largest = 0;
  for (size_t r = 0; r < series.row_count(); ++r) {
    uint64_t used = reserved != nullptr ? bytes_at(reserved, r) : 0;
    if (reserved == nullptr) {
      for (const auto& c : slice_columns) used += bytes_at(series.find(c), r);
    }
    largest = std::max(largest, kHeaderAreaBytes + used + bytes_at(free, r));
  }
  for (const auto& column : slice_columns) {
    auto component = component_of_column(column, kSliceBytesPrefix);
    const auto* bases = component ? series.find(slice_base_column(*component)) : nullptr;
    if (bases == nullptr) continue;
    const auto* sizes = series.find(column);
    for (size_t r = 0; r < series.row_count(); ++r) {
      if (bytes_at(sizes, r) > 0) largest = std::max(largest, bytes_at(bases, r) + bytes_at(sizes, r));
    }
  }
  return largest;
}

namespace {

void add_free_gaps(CrashMap& map) {
  std::vector<MapBlock> with_gaps;
  uint64_t cursor = 0;
  for (const MapBlock& b : map.blocks) {
    if (b.offset > cursor) with_gaps.push_back({MapBlock::Kind::free, {}, cursor, b.offset - cursor});
    with_gaps.push_back(b);
    cursor = std::max(cursor, b.offset + b.bytes);
  }
  if (map.region_bytes > cursor) with_gaps.push_back({MapBlock::Kind::free, {}, cursor, map.region_bytes - cursor});
  map.blocks = std::move(with_gaps);
}

}  // namespace

std::optional<size_t> row_at(const Timeseries& series, double t_s) {
  if (series.row_count() == 0) return std::nullopt;
  auto it = std::upper_bound(series.t_s.begin(), series.t_s.end(), t_s);
  if (it == series.t_s.begin()) return 0;
  return static_cast<size_t>(it - series.t_s.begin()) - 1;
}

CrashMap crash_map_at_row(const Timeseries& series, size_t row) {
  return crash_map_at_row(series, row, crash_region_extent(series));
}

CrashMap crash_map_at_row(const Timeseries& series, size_t row, uint64_t extent) {
  CrashMap map;
  map.row = row;
  map.t_s = row < series.t_s.size() ? series.t_s[row] : 0;
  const std::vector<std::string> slice_columns = series.columns_with_prefix(kSliceBytesPrefix);
  map.region_bytes = extent;
  map.free_bytes = bytes_at(series.find(kFreeBytesColumn), row);

  map.blocks.push_back({MapBlock::Kind::header, {}, 0, kHeaderCopyBytes});
  map.blocks.push_back({MapBlock::Kind::header, {}, kHeaderCopyBytes, kHeaderCopyBytes});
  uint64_t packed = kHeaderAreaBytes;
  map.bases_recorded = !series.columns_with_prefix(kSliceBasePrefix).empty();
  for (const std::string& column : slice_columns) {
    auto component = component_of_column(column, kSliceBytesPrefix);
    const uint64_t bytes = bytes_at(series.find(column), row);
    if (!component || bytes == 0) continue;
    uint64_t offset = packed;
    if (map.bases_recorded) {
      offset = bytes_at(series.find(slice_base_column(*component)), row);
    }
    map.blocks.push_back({MapBlock::Kind::slice, *component, offset, bytes});
    map.reserved_bytes += bytes;
    packed += bytes;
  }
  std::sort(map.blocks.begin(), map.blocks.end(),
            [](const MapBlock& a, const MapBlock& b) { return a.offset < b.offset; });
  map.region_bytes = std::max(map.region_bytes, packed);
  add_free_gaps(map);

  for (const std::string& column : series.columns_with_prefix(kUnusableIndexPrefix)) {
    auto order = order_of_column(column);
    const auto* values = series.find(column);
    if (!order || values == nullptr || row >= values->size() || std::isnan((*values)[row])) continue;
    map.unusable_index.emplace_back(*order, std::clamp((*values)[row], 0.0, 1.0));
  }
  std::sort(map.unusable_index.begin(), map.unusable_index.end());
  return map;
}

}  // namespace crashtwin::gui
