// timeseries.csv: per-tick samples of slice sizes, per-component failure
// probabilities, reserved/free crash memory and allocator fragmentation.
// Column-major in memory because readers (report, dashboard) draw one column
// at a time; written row by row with a header `t_s,<column>...`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/types.h"
#include "traces/io.h"

namespace crashtwin {

// Column names: one place for the naming scheme so writer, report and
// and dashboard agree. Each per-component family is `<prefix><class>.<n>`.
inline constexpr std::string_view kSliceBytesPrefix = "slice_bytes.";
inline constexpr std::string_view kSliceBasePrefix = "slice_base.";
inline constexpr std::string_view kProbabilityPrefix = "probability.";
inline constexpr std::string_view kUnusableIndexPrefix = "unusable_index.order";
std::string slice_bytes_column(ComponentId c);   // "slice_bytes.memory.1"
// Offset of the slice from the crash region's base (the header copies come
// first), so the memory map is drawn where the slices are, not inferred.
// Empty cell while the component has no slice.
std::string slice_base_column(ComponentId c);    // "slice_base.memory.1"
std::string probability_column(ComponentId c);   // "probability.cpu.0"
std::string unusable_index_column(unsigned order);  // "unusable_index.order9"

// Inverses of the naming functions above: the component a column of the
// family `prefix` is about ("slice_base.disk.2" with kSliceBasePrefix ->
// disk.2), the order of an unusable_index column; nullopt for a column that
// is not of the family or names no component.
std::optional<ComponentId> component_of_column(std::string_view column, std::string_view prefix);
std::optional<unsigned> order_of_column(std::string_view column);
// Per named workload (scenario `workloads:`), what the firmware's resource
// monitoring read (platform/monitor/rdt_monitor.h): `<prefix><workload name>`.
inline constexpr std::string_view kWorkloadOccupancyPrefix = "llc_occupancy_bytes.";
inline constexpr std::string_view kWorkloadMbmTotalPrefix = "mbm_total_bytes_per_s.";
inline constexpr std::string_view kWorkloadMbmLocalPrefix = "mbm_local_bytes_per_s.";
std::string workload_column(std::string_view prefix, std::string_view workload);  // "llc_occupancy_bytes.db"
// The cpu cluster's cache model (models/cpu/cache_model.h), per interval
// between ticks: each core's hit ratio per level `<prefix><class>.<n>`
// (cache_l2_hit_ratio.cpu.3) and coherence events (snoops + invalidations)
// per 1000 accesses; the hit ratio of every core together per level,
// `cache_hit_ratio.<level>` (l1, l2, llc, tlb). Empty cells where the
// interval had no access at that level.
inline constexpr std::string_view kCacheL1HitPrefix = "cache_l1_hit_ratio.";
inline constexpr std::string_view kCacheL2HitPrefix = "cache_l2_hit_ratio.";
inline constexpr std::string_view kCacheLlcHitPrefix = "cache_llc_hit_ratio.";
inline constexpr std::string_view kCacheTlbHitPrefix = "cache_tlb_hit_ratio.";
inline constexpr std::string_view kCacheCoherencePrefix = "cache_coherence_per_kaccess.";
inline constexpr std::string_view kCacheHitRatioPrefix = "cache_hit_ratio.";
std::string cache_column(std::string_view prefix, ComponentId core);  // "cache_llc_hit_ratio.cpu.0"

// Per-core kernel stacks (scenarios/runner/stack_recorder.h): "stack_depth_bytes.cpu.0".
inline constexpr std::string_view kStackDepthPrefix = "stack_depth_bytes.";
inline constexpr std::string_view kStackHighWaterPrefix = "stack_high_water_bytes.";
inline constexpr std::string_view kReservedBytesColumn = "reserved_bytes";
inline constexpr std::string_view kFreeBytesColumn = "free_bytes";
inline constexpr std::string_view kTimeColumn = "t_s";

struct Timeseries {
  std::vector<std::string> columns;          // without t_s, in file order
  std::vector<double> t_s;                   // one per row
  std::vector<std::vector<double>> values;   // values[column][row]; NaN = no value

  // Declares a column; returns its index. Columns must all be declared before
  // the first row is appended (the header is fixed). Throws std::logic_error
  // on a duplicate or late column.
  size_t add_column(std::string name);
  // Appends one row; `row` has one value per column (NaN where unknown).
  // Throws std::logic_error on a size mismatch.
  void append_row(double t, std::span<const double> row);

  size_t row_count() const { return t_s.size(); }
  // The column's values, or nullptr if there is no such column.
  const std::vector<double>* find(std::string_view column) const;
  // Names of the columns starting with `prefix` ("slice_bytes.").
  std::vector<std::string> columns_with_prefix(std::string_view prefix) const;
};

// Writes timeseries.csv atomically: header row, then one row per sample;
// numbers in format_number's shortest round-trip form, NaN as an empty cell.
void write_timeseries_csv(const Timeseries& series, const std::filesystem::path& path);

// Reads timeseries.csv; throws format_error naming the line of a bad row
// (wrong cell count, not a number) or a header not starting with t_s.
// Streams the file (memory is the columns, not the text); `progress` may
// cancel (read_cancelled, traces/io.h).
Timeseries read_timeseries_csv(const std::filesystem::path& path, const ReadProgress& progress = {});

}  // namespace crashtwin
