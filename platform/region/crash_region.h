// The crash region: a physically contiguous, page-aligned range of host memory
// reserved for crash records. It starts with the header area (two copies of
// the partition table, double-buffered) followed by the slices. Byte layout:
// docs/crash-region.md.
//
// Why two copies: a repartition must never leave the BMC without a readable
// layout. commit() writes the new table into the copy that is NOT current,
// with generation + 1, and writes that copy's generation and CRC last. The
// reader takes the copy with the highest generation whose CRC checks, so a
// crash at any point of a commit leaves either the old or the new table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/hal/hal.h"

namespace crashtwin {

inline constexpr uint64_t kCrashRegionPageBytes = 4096;
inline constexpr uint64_t kPartitionTableMagic = 0x4E57544853415243ull;  // "CRASHTWN" as stored (little-endian)
inline constexpr uint32_t kPartitionTableVersion = 1;
inline constexpr uint32_t kMaxSlices = 128;

// On-media sizes: a copy is a fixed header plus slice entries, padded to whole
// pages; the header area holds two copies. Slices start right after it.
inline constexpr size_t kTableHeaderBytes = 48;
inline constexpr size_t kSliceEntryBytes = 40;
inline constexpr size_t kHeaderCopyBytes = 8192;
inline constexpr size_t kHeaderAreaBytes = 2 * kHeaderCopyBytes;
static_assert(kTableHeaderBytes + kMaxSlices * kSliceEntryBytes <= kHeaderCopyBytes);
static_assert(kHeaderCopyBytes % kCrashRegionPageBytes == 0);

// Slice flags (SliceEntry::flags).
inline constexpr uint32_t kSliceFlagHasRecords = 0x1;  // at least one record captured
inline constexpr uint32_t kSliceFlagTruncated = 0x2;   // a capture into it was truncated
inline constexpr uint32_t kSliceFlagsKnown = kSliceFlagHasRecords | kSliceFlagTruncated;

struct SliceEntry {
  ComponentId component;
  uint64_t base = 0;        // physical, page aligned, inside the region after the header area
  uint64_t size = 0;        // bytes, multiple of the page size
  uint64_t used_bytes = 0;  // bytes of records written from base (<= size)
  uint32_t record_count = 0;
  uint32_t flags = 0;
  uint64_t free_bytes() const { return size - used_bytes; }
};

struct PartitionTable {
  uint64_t generation = 0;  // 0: never committed
  uint64_t region_base = 0;
  uint64_t region_size = 0;
  uint32_t slice_count = 0;
  SliceEntry slices[kMaxSlices];

  // First byte slices may use: region_base + kHeaderAreaBytes.
  uint64_t slice_area_base() const { return region_base + kHeaderAreaBytes; }
  // Index of the slice of `component`; Status::not_found when absent.
  Status find_slice(ComponentId component, uint32_t& index) const;
};

// Checks the table's own invariants: region page aligned and larger than the
// header area; slice_count <= kMaxSlices; every slice page aligned, inside the
// slice area, used_bytes <= size, known flags only; slices sorted by base and
// not overlapping; no component twice. `what` names the first violation.
Status validate_partition_table(const PartitionTable& table, const char** what = nullptr);

// Which copy is current and why the other one was not taken.
struct HeaderCopyCheck {
  Status status = Status::not_found;  // ok, corrupt (CRC, magic, length), unsupported (version)
  uint64_t generation = 0;
  uint32_t stored_crc = 0;
  uint32_t computed_crc = 0;
  const char* what = "";
};
struct PartitionTableDiagnostics {
  HeaderCopyCheck copies[2];
  int current_copy = -1;  // 0 or 1, -1 when neither is valid
};

// Decodes the header area (>= kHeaderAreaBytes of untrusted bytes, e.g. what
// the BMC DMA'd): the valid copy with the highest generation. Status::corrupt
// when neither copy is valid (or the area is short), Status::unsupported when
// the only good-CRC copies have an unknown version.
Status decode_partition_table(std::span<const std::byte> header_area, PartitionTable& out,
                              PartitionTableDiagnostics* diagnostics = nullptr);

// Firmware side, through the Hal.

// Initialises an empty table (generation 1) for the region: invalidates both
// copies, then commits. region_base/size must be page aligned and the region
// larger than the header area (invalid_argument).
Status format_crash_region(Hal& hal, uint64_t region_base, uint64_t region_size, PartitionTable& out);

// Makes `table` the current layout: validates it, writes it with generation
// table.generation + 1 into the inactive copy (body first, then the fixed
// header with generation and CRC), and on success sets table.generation.
// A Hal write failure leaves the previous layout current (io_error).
Status commit_partition_table(Hal& hal, PartitionTable& table);

// Reads the header area through the Hal into `scratch` (>= kHeaderAreaBytes)
// and decodes it: what firmware does at boot to find the existing layout.
Status read_partition_table(Hal& hal, uint64_t region_base, std::span<std::byte> scratch, PartitionTable& out,
                            PartitionTableDiagnostics* diagnostics = nullptr);

}  // namespace crashtwin
