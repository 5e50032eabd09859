// The BMC-side decoder over a whole crash region: the firmware formats the
// region, captures failures into slices and commits; the reader, given only
// the region's bytes, names the failure and flags anything corrupt.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "platform/capture/capture.h"
#include "platform/region/crash_dump_reader.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/test_capture_board.h"

using namespace crashtwin;
using namespace crashtwin::test_board;

namespace {

struct Region {
  MemoryHal hal{kDramBytes, kDramBase};
  PartitionTable table;
  std::vector<SensorReading> readings = history(12);
  std::vector<std::byte> scratch = std::vector<std::byte>(capture_scratch_bytes(256 * 1024));

  Region() {
    populate(hal);
    REQUIRE(format_crash_region(hal, kRegionBase, kRegionBytes, table) == Status::ok);
    const std::pair<ComponentId, uint64_t> slices[] = {
        // Room for two CPU records, one memory and one disk record of this
        // board (each holds every core's stack and the 64 KiB log ring).
        {{ComponentClass::cpu, 1}, 512 * 1024},
        {{ComponentClass::memory, 1}, 256 * 1024},
        {{ComponentClass::disk, 0}, 128 * 1024},
    };
    uint64_t at = table.slice_area_base();
    for (auto [component, size] : slices) {
      table.slices[table.slice_count++] = SliceEntry{component, at, size, 0, 0, 0};
      at += size;
    }
    REQUIRE(commit_partition_table(hal, table) == Status::ok);
  }

  // What the agent does after a capture: account the record and commit.
  Status fail(ErrorType type, uint64_t time_ns) {
    const ErrorEvent e = event_for(type, time_ns);
    uint32_t index = 0;
    REQUIRE(table.find_slice(e.component, index) == Status::ok);
    SliceEntry& s = table.slices[index];
    CaptureResult r;
    const Status status = capture_error(hal, e, /*record_id=*/1, s, readings, scratch, r, test_board::facts(readings.size()));
    if (status == Status::ok || status == Status::truncated) {
      s.used_bytes += r.record_bytes;
      ++s.record_count;
      s.flags |= kSliceFlagHasRecords | (r.truncated ? kSliceFlagTruncated : 0);
      REQUIRE(commit_partition_table(hal, table) == Status::ok);
    }
    return status;
  }

  std::span<const std::byte> bytes() { return hal.bytes(kRegionBase, kRegionBytes); }
};

}  // namespace

TEST_CASE("the reader names the newest failure and walks every record", "[region][reader]") {
  Region region;
  REQUIRE(region.fail(ErrorType::machine_check, 1'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 3'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::page_fault, 2'000'000'000) == Status::ok);  // second record in cpu1's slice
  REQUIRE(region.fail(ErrorType::disk_timeout, 500'000'000) == Status::ok);

  CrashDumpReader reader;
  PartitionTableDiagnostics d;
  REQUIRE(reader.open(region.bytes(), &d) == Status::ok);
  CHECK(reader.table().generation == region.table.generation);
  DumpScan scan;
  REQUIRE(reader.scan(scan) == Status::ok);
  CHECK(scan.records == 4);
  CHECK(scan.records_with_manifest == 4);
  CHECK(scan.finding_count == 0);
  REQUIRE(scan.found_failure);
  CHECK(scan.latest_failure.manifest.error_type == ErrorType::memory_uncorrectable);
  CHECK(scan.latest_failure.manifest.component == (ComponentId{ComponentClass::memory, 1}));
  CHECK(scan.latest_failure.slice_index == 1);
  CHECK(scan.latest_failure.manifest.captured_bytes == scan.latest_failure.manifest.needed_bytes);

  SliceRecordCursor cursor = reader.records(0);
  DumpRecord rec;
  REQUIRE(cursor.next(rec) == Status::ok);
  CHECK(rec.manifest.error_type == ErrorType::machine_check);
  CHECK(rec.offset == 0);
  REQUIRE(cursor.next(rec) == Status::ok);
  CHECK(rec.manifest.error_type == ErrorType::page_fault);
  CHECK(rec.offset > 0);
  CHECK(cursor.next(rec) == Status::not_found);
  CHECK(reader.records(99).next(rec) == Status::not_found);
}

TEST_CASE("a truncated capture is visible from the region alone", "[region][reader]") {
  Region region;
  // The 256 KiB DIMM slice holds two full memory_uncorrectable records
  // (~113 KiB each with this board's 64 KiB log ring); the third is cut short.
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 1'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 2'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 3'000'000'000) == Status::truncated);

  CrashDumpReader reader;
  REQUIRE(reader.open(region.bytes()) == Status::ok);
  const SliceEntry& slice = reader.table().slices[1];
  CHECK(slice.record_count == 3);
  CHECK((slice.flags & kSliceFlagTruncated) != 0);
  CHECK(slice.used_bytes <= slice.size);
  DumpScan scan;
  REQUIRE(reader.scan(scan) == Status::ok);
  REQUIRE(scan.found_failure);
  const cper::CaptureManifest& m = scan.latest_failure.manifest;
  CHECK(m.time_ns == 3'000'000'000);
  CHECK(m.truncated);
  CHECK(m.captured_bytes < m.needed_bytes);
  CHECK(m.captured_bytes == scan.latest_failure.record.bytes().size());
  CHECK(cper::record_overflowed(scan.latest_failure.record));
}

TEST_CASE("corruption inside a slice is a finding, the other slices still decode", "[region][reader]") {
  Region region;
  REQUIRE(region.fail(ErrorType::machine_check, 1'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 3'000'000'000) == Status::ok);
  const SliceEntry& mem = region.table.slices[1];
  auto record = region.hal.bytes(mem.base, 128);
  record[20] = std::byte{0xFF};  // record length far past the slice
  record[21] = std::byte{0xFF};

  CrashDumpReader reader;
  REQUIRE(reader.open(region.bytes()) == Status::ok);
  DumpScan scan;
  CHECK(reader.scan(scan) == Status::corrupt);
  REQUIRE(scan.finding_count >= 1);
  CHECK(scan.findings[0].slice_index == 1);
  CHECK(scan.findings[0].offset == mem.base - kRegionBase + 20);
  CHECK(scan.findings[0].status == Status::corrupt);
  REQUIRE(scan.found_failure);
  CHECK(scan.latest_failure.manifest.error_type == ErrorType::machine_check);
}

TEST_CASE("a region whose table names bytes beyond the DMA'd span is refused", "[region][reader]") {
  Region region;
  CrashDumpReader reader;
  CHECK(reader.open(region.bytes().first(kHeaderAreaBytes + 4096)) == Status::out_of_range);
  CHECK(reader.open(region.bytes().first(100)) == Status::corrupt);
  DumpScan scan;
  CHECK(reader.scan(scan) == Status::invalid_argument);
}

TEST_CASE("random corruption anywhere in the region never crashes the reader", "[region][reader][property]") {
  Region region;
  REQUIRE(region.fail(ErrorType::page_fault, 1'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::memory_uncorrectable, 2'000'000'000) == Status::ok);
  REQUIRE(region.fail(ErrorType::disk_media_error, 3'000'000'000) == Status::ok);
  const std::vector<std::byte> pristine(region.bytes().begin(), region.bytes().end());
  // Where the bytes matter: both header copies and the first bytes of each slice.
  std::vector<size_t> hot;
  for (size_t i = 0; i < kTableHeaderBytes + 3 * kSliceEntryBytes; ++i) {
    hot.push_back(i);
    hot.push_back(kHeaderCopyBytes + i);
  }
  for (uint32_t s = 0; s < region.table.slice_count; ++s) {
    for (size_t i = 0; i < 128 + 6 * 72 + 64; ++i) hot.push_back(region.table.slices[s].base - kRegionBase + i);
  }
  std::mt19937_64 rng(5);
  uint32_t named = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<std::byte> bytes = pristine;
    const int flips = 1 + static_cast<int>(rng() % 10);
    for (int f = 0; f < flips; ++f) bytes[hot[rng() % hot.size()]] = static_cast<std::byte>(rng());
    CrashDumpReader reader;
    const Status s = reader.open(bytes);
    if (s != Status::ok) {
      CHECK((s == Status::corrupt || s == Status::unsupported || s == Status::out_of_range));
      continue;
    }
    DumpScan scan;
    const Status ss = reader.scan(scan);
    CHECK((ss == Status::ok || ss == Status::corrupt));
    CHECK(scan.records <= 3);
    for (uint32_t i = 0; i < scan.finding_count && i < kMaxDumpFindings; ++i) {
      CHECK(scan.findings[i].offset < bytes.size());
    }
    named += scan.found_failure;
  }
  CHECK(named > 0);
}
