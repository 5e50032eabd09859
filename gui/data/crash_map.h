// The crash region's memory map at a chosen time, reconstructed from a run's
// timeseries.csv: header copies, one slice per component, free space, and the
// allocator's fragmentation (unusable free space index per order).
//
// The runner records each slice's offset (`slice_base.<class>.<instance>`)
// and the map draws slices there. Results written before those columns
// existed only have sizes: then slices are laid out packed in column order
// after the header area, as the firmware's first layout would be;
// `bases_recorded` says which case applies.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "platform/core/types.h"
#include "traces/timeseries_writer.h"

namespace crashtwin::gui {

struct MapBlock {
  enum class Kind { header, slice, free };
  Kind kind = Kind::free;
  ComponentId component;  // slices only
  uint64_t offset = 0;    // from the region base
  uint64_t bytes = 0;
};

struct CrashMap {
  double t_s = 0;          // time of the row shown
  size_t row = 0;          // its index in the series
  uint64_t region_bytes = 0;
  uint64_t reserved_bytes = 0;
  uint64_t free_bytes = 0;
  bool bases_recorded = false;
  std::vector<MapBlock> blocks;  // by offset, covering [0, region_bytes)
  std::vector<std::pair<unsigned, double>> unusable_index;  // (order, index 0..1), by order
};

// Index of the last row at or before t (0 if t precedes the first row);
// nullopt for an empty series.
std::optional<size_t> row_at(const Timeseries& series, double t_s);

// The region's largest footprint over the run (header + reserved + free, or
// the furthest recorded slice end): the map's scale, fixed while the slider
// moves. Reads every row: a view computes it once per run.
uint64_t crash_region_extent(const Timeseries& series);

// The map at row `row` (< row_count()), drawn to a region of `extent` bytes
// (crash_region_extent; the map grows to its packed slices if larger).
CrashMap crash_map_at_row(const Timeseries& series, size_t row, uint64_t extent);
CrashMap crash_map_at_row(const Timeseries& series, size_t row);  // extent computed

}  // namespace crashtwin::gui
