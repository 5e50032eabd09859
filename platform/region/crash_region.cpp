#include "platform/region/crash_region.h"

#include <cstring>

#include "platform/core/crc32c.h"
#include "platform/cper/byte_order.h"

namespace crashtwin {
namespace {

// Header copy field offsets (docs/crash-region.md). The CRC field itself is
// excluded from the checksum: CRC = crc32c([0,12) ++ [16, encoded_bytes)).
constexpr size_t kMagicAt = 0, kVersionAt = 8, kCrcAt = 12, kGenerationAt = 16, kRegionBaseAt = 24,
                 kRegionSizeAt = 32, kSliceCountAt = 40, kEncodedBytesAt = 44;
// The part commit() writes last: magic, version, CRC and generation. Until it
// lands, the copy is either invalid or still carries its older generation.
constexpr size_t kCommitPointBytes = 24;
// Slice entry field offsets.
constexpr size_t kEntClassAt = 0, kEntInstanceAt = 2, kEntFlagsAt = 4, kEntBaseAt = 8, kEntSizeAt = 16,
                 kEntUsedAt = 24, kEntRecordsAt = 32;

constexpr size_t encoded_bytes(uint32_t slice_count) { return kTableHeaderBytes + slice_count * kSliceEntryBytes; }

void encode_entry(const SliceEntry& e, std::span<std::byte> out) {
  std::memset(out.data(), 0, kSliceEntryBytes);
  le::store_u8(out, kEntClassAt, static_cast<uint8_t>(e.component.cls));
  le::store_u16(out, kEntInstanceAt, e.component.instance);
  le::store_u32(out, kEntFlagsAt, e.flags);
  le::store_u64(out, kEntBaseAt, e.base);
  le::store_u64(out, kEntSizeAt, e.size);
  le::store_u64(out, kEntUsedAt, e.used_bytes);
  le::store_u32(out, kEntRecordsAt, e.record_count);
}

bool decode_entry(std::span<const std::byte> in, SliceEntry& e) {
  const uint8_t cls = le::load_u8(in, kEntClassAt);
  if (cls >= kComponentClassCount) return false;
  e.component = ComponentId{static_cast<ComponentClass>(cls), le::load_u16(in, kEntInstanceAt)};
  e.flags = le::load_u32(in, kEntFlagsAt);
  e.base = le::load_u64(in, kEntBaseAt);
  e.size = le::load_u64(in, kEntSizeAt);
  e.used_bytes = le::load_u64(in, kEntUsedAt);
  e.record_count = le::load_u32(in, kEntRecordsAt);
  return true;
}

uint32_t copy_crc(std::span<const std::byte> copy, size_t length) {
  return crc32c(copy.subspan(kGenerationAt, length - kGenerationAt), crc32c(copy.first(kCrcAt)));
}

HeaderCopyCheck check_copy(std::span<const std::byte> copy, PartitionTable& out) {
  HeaderCopyCheck c;
  c.status = Status::corrupt;
  if (le::load_u64(copy, kMagicAt) != kPartitionTableMagic) {
    c.what = "bad magic (never written or torn)";
    return c;
  }
  if (le::load_u32(copy, kVersionAt) != kPartitionTableVersion) {
    c.status = Status::unsupported;
    c.what = "unknown format version";
    return c;
  }
  c.generation = le::load_u64(copy, kGenerationAt);
  const uint32_t count = le::load_u32(copy, kSliceCountAt);
  const uint32_t length = le::load_u32(copy, kEncodedBytesAt);
  if (count > kMaxSlices || length != encoded_bytes(count)) {
    c.what = "slice count or encoded length out of range";
    return c;
  }
  c.stored_crc = le::load_u32(copy, kCrcAt);
  c.computed_crc = copy_crc(copy, length);
  if (c.stored_crc != c.computed_crc) {
    c.what = "CRC mismatch (torn or corrupted copy)";
    return c;
  }
  out.generation = c.generation;
  out.region_base = le::load_u64(copy, kRegionBaseAt);
  out.region_size = le::load_u64(copy, kRegionSizeAt);
  out.slice_count = count;
  for (uint32_t i = 0; i < count; ++i) {
    if (!decode_entry(copy.subspan(encoded_bytes(i), kSliceEntryBytes), out.slices[i])) {
      c.what = "slice entry with unknown component class";
      return c;
    }
  }
  const char* what = "";
  if (!ok(validate_partition_table(out, &what))) {
    c.what = what;
    return c;
  }
  c.status = Status::ok;
  c.what = "valid";
  return c;
}

uint64_t copy_address(uint64_t region_base, uint64_t generation) {
  return region_base + (generation % 2) * kHeaderCopyBytes;
}

bool page_aligned(uint64_t v) { return v % kCrashRegionPageBytes == 0; }

}  // namespace

Status PartitionTable::find_slice(ComponentId component, uint32_t& index) const {
  for (uint32_t i = 0; i < slice_count && i < kMaxSlices; ++i) {
    if (slices[i].component == component) {
      index = i;
      return Status::ok;
    }
  }
  return Status::not_found;
}

Status validate_partition_table(const PartitionTable& t, const char** what) {
  auto fail = [what](const char* why) {
    if (what) *what = why;
    return Status::invalid_argument;
  };
  if (!page_aligned(t.region_base) || !page_aligned(t.region_size)) return fail("region not page aligned");
  if (t.region_size <= kHeaderAreaBytes || t.region_base + t.region_size < t.region_base) {
    return fail("region not larger than the header area");
  }
  if (t.slice_count > kMaxSlices) return fail("more slices than kMaxSlices");
  const uint64_t area_end = t.region_base + t.region_size;
  uint64_t previous_end = t.slice_area_base();
  for (uint32_t i = 0; i < t.slice_count; ++i) {
    const SliceEntry& s = t.slices[i];
    if (!page_aligned(s.base) || !page_aligned(s.size)) return fail("slice not page aligned");
    if (s.base < previous_end) return fail("slices overlap, are unsorted, or overlap the header area");
    if (s.size > area_end - s.base || s.base > area_end) return fail("slice extends past the region");
    if (s.used_bytes > s.size) return fail("slice used bytes exceed its size");
    if ((s.flags & ~kSliceFlagsKnown) != 0) return fail("unknown slice flags");
    if (static_cast<uint8_t>(s.component.cls) >= kComponentClassCount) return fail("unknown component class");
    for (uint32_t j = 0; j < i; ++j) {
      if (t.slices[j].component == s.component) return fail("component has two slices");
    }
    previous_end = s.base + s.size;
  }
  if (what) *what = "";
  return Status::ok;
}

Status decode_partition_table(std::span<const std::byte> header_area, PartitionTable& out,
                              PartitionTableDiagnostics* diagnostics) {
  PartitionTableDiagnostics local;
  PartitionTableDiagnostics& d = diagnostics ? *diagnostics : local;
  d = PartitionTableDiagnostics{};
  if (header_area.size() < kHeaderAreaBytes) {
    d.copies[0].what = d.copies[1].what = "header area shorter than two copies";
    d.copies[0].status = d.copies[1].status = Status::corrupt;
    return Status::corrupt;
  }
  // Decode each copy into `out` in turn, keeping the better one: decoding in
  // place avoids a second 5 KiB table on a firmware stack.
  uint64_t best_generation = 0;
  for (int i = 0; i < 2; ++i) {
    d.copies[i] = check_copy(header_area.subspan(i * kHeaderCopyBytes, kHeaderCopyBytes), out);
    if (ok(d.copies[i].status) && (d.current_copy < 0 || d.copies[i].generation > best_generation)) {
      d.current_copy = i;
      best_generation = d.copies[i].generation;
    }
  }
  if (d.current_copy < 0) {
    const bool unsupported =
        d.copies[0].status == Status::unsupported || d.copies[1].status == Status::unsupported;
    return unsupported ? Status::unsupported : Status::corrupt;
  }
  if (d.current_copy == 0) {
    (void)check_copy(header_area.first(kHeaderCopyBytes), out);  // copy 1 was decoded last
  }
  return Status::ok;
}

Status commit_partition_table(Hal& hal, PartitionTable& table) {
  if (!ok(validate_partition_table(table))) return Status::invalid_argument;
  const uint64_t generation = table.generation + 1;
  const uint64_t copy = copy_address(table.region_base, generation);

  // Fixed header (the commit point) is encoded now but written last.
  std::byte head_bytes[kTableHeaderBytes];
  std::span<std::byte> head(head_bytes);
  le::store_u64(head, kMagicAt, kPartitionTableMagic);
  le::store_u32(head, kVersionAt, kPartitionTableVersion);
  le::store_u32(head, kCrcAt, 0);
  le::store_u64(head, kGenerationAt, generation);
  le::store_u64(head, kRegionBaseAt, table.region_base);
  le::store_u64(head, kRegionSizeAt, table.region_size);
  le::store_u32(head, kSliceCountAt, table.slice_count);
  le::store_u32(head, kEncodedBytesAt, static_cast<uint32_t>(encoded_bytes(table.slice_count)));
  uint32_t crc = crc32c(head.subspan(kGenerationAt), crc32c(head.first(kCrcAt)));

  // Body: the rest of the fixed header, then the slice entries in chunks.
  Status s = hal.phys_write(copy + kCommitPointBytes, head.subspan(kCommitPointBytes));
  if (!ok(s)) return Status::io_error;
  constexpr uint32_t kEntriesPerChunk = 16;
  std::byte chunk_bytes[kEntriesPerChunk * kSliceEntryBytes];
  std::span<std::byte> chunk(chunk_bytes);
  for (uint32_t first = 0; first < table.slice_count; first += kEntriesPerChunk) {
    const uint32_t n = table.slice_count - first < kEntriesPerChunk ? table.slice_count - first : kEntriesPerChunk;
    for (uint32_t i = 0; i < n; ++i) encode_entry(table.slices[first + i], chunk.subspan(i * kSliceEntryBytes));
    const auto used = chunk.first(n * kSliceEntryBytes);
    crc = crc32c(used, crc);
    if (!ok(hal.phys_write(copy + encoded_bytes(first), used))) return Status::io_error;
  }

  // Commit point: magic, version, CRC, generation in one 24-byte write.
  le::store_u32(head, kCrcAt, crc);
  if (!ok(hal.phys_write(copy, head.first(kCommitPointBytes)))) return Status::io_error;
  table.generation = generation;
  return Status::ok;
}

Status format_crash_region(Hal& hal, uint64_t region_base, uint64_t region_size, PartitionTable& out) {
  out = PartitionTable{};
  out.region_base = region_base;
  out.region_size = region_size;
  if (!ok(validate_partition_table(out))) return Status::invalid_argument;
  // Invalidate both copies first so no table from an earlier format survives
  // with a higher generation than the new one.
  const std::byte zeros[kCommitPointBytes] = {};
  for (uint64_t i = 0; i < 2; ++i) {
    if (!ok(hal.phys_write(region_base + i * kHeaderCopyBytes, zeros))) return Status::io_error;
  }
  return commit_partition_table(hal, out);
}

Status read_partition_table(Hal& hal, uint64_t region_base, std::span<std::byte> scratch, PartitionTable& out,
                            PartitionTableDiagnostics* diagnostics) {
  if (scratch.size() < kHeaderAreaBytes) return Status::invalid_argument;
  const auto area = scratch.first(kHeaderAreaBytes);
  if (!ok(hal.phys_read(region_base, area))) return Status::io_error;
  return decode_partition_table(area, out, diagnostics);
}

}  // namespace crashtwin
