// Crash-region reader (what the BMC decodes after DMA'ing the region). The
// region is 16 KiB of header area and the slices; a byte-for-byte image would
// spend the fuzzer's time on zeros and CRCs it cannot forge, so the input is
// a compact description the harness expands:
//   byte 0   flags: 1 recompute copy 0's CRC; 2 copy 1 = copy 0 with the next
//            generation (else zeros); 4 region size := the image's size;
//            8 slice count and encoded length := byte 1's count
//   byte 1   slice count n (mod 129): copy 0 is the next 48 + 40 n bytes
//   then     copy 0's table bytes, then the slice area (from +16 KiB).
// Contract: open() succeeds only on a table that validates and lies inside
// the image; every record a cursor returns lies inside its slice's used
// bytes; scan() agrees with walking the cursors.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "platform/core/crc32c.h"
#include "platform/cper/byte_order.h"
#include "platform/region/crash_dump_reader.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;

namespace {

void fix_crc(std::span<std::byte> copy) {
  uint32_t length = le::load_u32(copy, 44);
  if (length < 16 || length > kHeaderCopyBytes) length = static_cast<uint32_t>(kTableHeaderBytes);
  le::store_u32(copy, 12, crc32c(copy.subspan(16, length - 16), crc32c(copy.first(12))));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t flags = data[0];
  const uint32_t slices = data[1] % (kMaxSlices + 1);
  const size_t table_bytes = kTableHeaderBytes + slices * kSliceEntryBytes;
  data += 2;
  size -= 2;
  const size_t table_given = size < table_bytes ? size : table_bytes;
  const size_t slice_area = size - table_given;
  const size_t pages = (slice_area + kCrashRegionPageBytes - 1) / kCrashRegionPageBytes;
  std::vector<std::byte> image(kHeaderAreaBytes + (pages ? pages : 1) * kCrashRegionPageBytes);
  const std::span<std::byte> region(image);
  std::memcpy(image.data(), data, table_given);
  if (slice_area) std::memcpy(image.data() + kHeaderAreaBytes, data + table_given, slice_area);
  const std::span<std::byte> copy0 = region.first(kHeaderCopyBytes);
  if (flags & 8) {
    le::store_u32(copy0, 40, slices);
    le::store_u32(copy0, 44, static_cast<uint32_t>(table_bytes));
  }
  if (flags & 4) le::store_u64(copy0, 32, image.size());
  if (flags & 1) fix_crc(copy0);
  if (flags & 2) {
    const std::span<std::byte> copy1 = region.subspan(kHeaderCopyBytes, kHeaderCopyBytes);
    std::memcpy(copy1.data(), copy0.data(), kHeaderCopyBytes);
    le::store_u64(copy1, 16, le::load_u64(copy0, 16) + 1);
    if (flags & 1) fix_crc(copy1);
  }

  CrashDumpReader reader;
  PartitionTableDiagnostics diagnostics;
  const Status opened = reader.open(region, &diagnostics);
  if (!ok(opened)) {
    FUZZ_CHECK(opened == Status::corrupt || opened == Status::unsupported || opened == Status::out_of_range);
    DumpScan scan;
    FUZZ_CHECK(reader.scan(scan) == Status::invalid_argument);
    DumpRecord record;
    FUZZ_CHECK(reader.records(0).next(record) == Status::not_found);
    return 0;
  }
  const PartitionTable& table = reader.table();
  FUZZ_CHECK(diagnostics.current_copy == 0 || diagnostics.current_copy == 1);
  FUZZ_CHECK(ok(validate_partition_table(table)));
  uint32_t records = 0, with_manifest = 0;
  for (uint32_t i = 0; i < table.slice_count; ++i) {
    const SliceEntry& e = table.slices[i];
    const std::byte* used_begin = image.data() + (e.base - table.region_base);
    FUZZ_CHECK(e.base - table.region_base + e.used_bytes <= image.size());
    SliceRecordCursor cursor = reader.records(i);
    DumpRecord record;
    cper::Diagnostic d;
    Status s;
    uint64_t expected_offset = 0;
    while (ok(s = cursor.next(record, &d))) {
      ++records;
      with_manifest += record.has_manifest ? 1 : 0;
      FUZZ_CHECK(record.offset == expected_offset && record.slice_index == i);
      FUZZ_CHECK(record.record.bytes().data() == used_begin + record.offset);
      FUZZ_CHECK(record.offset + record.record.bytes().size() <= e.used_bytes);
      if (record.has_manifest) FUZZ_CHECK(record.manifest.entry_count <= cper::kMaxManifestEntries);
      expected_offset += record.record.bytes().size();
    }
    if (s != Status::not_found) FUZZ_CHECK(d.offset <= e.used_bytes && d.what != nullptr);
    FUZZ_CHECK(cursor.next(record) == Status::not_found);  // stays done
  }
  DumpScan scan;
  const Status scanned = reader.scan(scan);
  FUZZ_CHECK(scan.records == records && scan.records_with_manifest == with_manifest);
  FUZZ_CHECK(scan.found_failure == (with_manifest > 0));
  FUZZ_CHECK(ok(scanned) == (scan.finding_count == 0));
  for (uint32_t f = 0; f < scan.finding_count && f < kMaxDumpFindings; ++f) {
    FUZZ_CHECK(scan.findings[f].offset <= image.size() && scan.findings[f].slice_index < table.slice_count);
  }
  return 0;
}
