// BMC-side decoder of a crash region (the BMC firmware links this): given the
// region's bytes as DMA'd, it decodes the current partition table and walks
// each slice's used bytes record by record. The bytes come from a host that
// just crashed: every length and offset is checked, nothing is read outside
// the span, and each problem is reported as a finding (slice, offset, what)
// rather than stopping the whole decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/cper/capture_manifest.h"
#include "platform/cper/record.h"
#include "platform/region/crash_region.h"

namespace crashtwin {

struct DumpRecord {
  uint32_t slice_index = 0;
  uint64_t offset = 0;  // of the record within its slice
  cper::RecordView record;
  bool has_manifest = false;
  cper::CaptureManifest manifest;
};

// Walks the records of one slice. Records are back to back from the slice
// base up to used_bytes; a corrupt record ends the walk (its length cannot be
// trusted to find the next one).
class SliceRecordCursor {
 public:
  SliceRecordCursor() = default;
  SliceRecordCursor(std::span<const std::byte> used, uint32_t slice_index, uint32_t record_count);
  // ok: `out` is the next record. not_found: no more records. corrupt /
  // unsupported: `diagnostic` says what and where (offset within the slice);
  // further calls return not_found.
  Status next(DumpRecord& out, cper::Diagnostic* diagnostic = nullptr);

 private:
  std::span<const std::byte> used_;
  uint32_t slice_index_ = 0;
  uint32_t expected_records_ = 0;
  uint32_t seen_ = 0;
  uint64_t offset_ = 0;
  bool done_ = true;
};

struct DumpFinding {
  uint32_t slice_index = 0;  // kMaxSlices when it concerns the header area
  uint64_t offset = 0;       // within the region
  Status status = Status::ok;
  const char* what = "";
};

inline constexpr size_t kMaxDumpFindings = 16;

struct DumpScan {
  uint32_t records = 0;
  uint32_t records_with_manifest = 0;
  uint32_t finding_count = 0;  // may exceed kMaxDumpFindings; the first ones are kept
  DumpFinding findings[kMaxDumpFindings];
  bool found_failure = false;
  DumpRecord latest_failure;  // newest manifest (highest time_ns; ties: lowest slice, first record)
};

class CrashDumpReader {
 public:
  // `region` starts at the region base (what the BMC DMA'd). Status of the
  // partition table decode (decode_partition_table), plus out_of_range when a
  // slice of the decoded table lies beyond region.size().
  Status open(std::span<const std::byte> region, PartitionTableDiagnostics* diagnostics = nullptr);
  const PartitionTable& table() const { return table_; }
  // Records of slice `index` (< table().slice_count; an empty cursor otherwise).
  SliceRecordCursor records(uint32_t index) const;
  // Walks every slice: counts records, collects findings, and picks the newest
  // failure (what the BMC names in its report). Requires a successful open().
  Status scan(DumpScan& out) const;

 private:
  std::span<const std::byte> region_;
  PartitionTable table_;
  bool open_ = false;
};

}  // namespace crashtwin
