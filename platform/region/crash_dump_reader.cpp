#include "platform/region/crash_dump_reader.h"

namespace crashtwin {

SliceRecordCursor::SliceRecordCursor(std::span<const std::byte> used, uint32_t slice_index, uint32_t record_count)
    : used_(used), slice_index_(slice_index), expected_records_(record_count), done_(false) {}

Status SliceRecordCursor::next(DumpRecord& out, cper::Diagnostic* diagnostic) {
  if (done_ || offset_ >= used_.size()) {
    done_ = true;
    return Status::not_found;
  }
  cper::Diagnostic d;
  out = DumpRecord{};
  out.slice_index = slice_index_;
  out.offset = offset_;
  const Status s = out.record.parse(used_.subspan(offset_), &d);
  if (!ok(s)) {
    done_ = true;
    d.offset += offset_;
    if (diagnostic) *diagnostic = d;
    return s;
  }
  cper::SectionView manifest;
  if (ok(out.record.find_section(cper::guids::kCaptureManifest, manifest))) {
    const Status ms = cper::decode_capture_manifest(manifest.body, out.manifest);
    if (!ok(ms)) {
      done_ = true;
      if (diagnostic) {
        *diagnostic = cper::Diagnostic{ms, offset_ + manifest.descriptor.section_offset, "capture manifest is corrupt"};
      }
      return ms;
    }
    out.has_manifest = true;
  }
  offset_ += out.record.bytes().size();
  ++seen_;
  return Status::ok;
}

Status CrashDumpReader::open(std::span<const std::byte> region, PartitionTableDiagnostics* diagnostics) {
  open_ = false;
  region_ = region;
  const Status s = decode_partition_table(region, table_, diagnostics);
  if (!ok(s)) return s;
  // The table is self-consistent (decode validated it); the DMA'd span must
  // also hold every slice it names.
  for (uint32_t i = 0; i < table_.slice_count; ++i) {
    const SliceEntry& e = table_.slices[i];
    if (e.base - table_.region_base > region.size() || e.size > region.size() - (e.base - table_.region_base)) {
      return Status::out_of_range;
    }
  }
  open_ = true;
  return Status::ok;
}

SliceRecordCursor CrashDumpReader::records(uint32_t index) const {
  if (!open_ || index >= table_.slice_count) return SliceRecordCursor{};
  const SliceEntry& e = table_.slices[index];
  return SliceRecordCursor(region_.subspan(e.base - table_.region_base, e.used_bytes), index, e.record_count);
}

Status CrashDumpReader::scan(DumpScan& out) const {
  out = DumpScan{};
  if (!open_) return Status::invalid_argument;
  auto add_finding = [&out](uint32_t slice, uint64_t offset, Status status, const char* what) {
    if (out.finding_count < kMaxDumpFindings) out.findings[out.finding_count] = DumpFinding{slice, offset, status, what};
    ++out.finding_count;
  };
  DumpRecord record;
  for (uint32_t i = 0; i < table_.slice_count; ++i) {
    const SliceEntry& e = table_.slices[i];
    const uint64_t slice_offset = e.base - table_.region_base;
    SliceRecordCursor cursor = records(i);
    uint32_t found = 0;
    cper::Diagnostic d;
    Status s;
    while (ok(s = cursor.next(record, &d))) {
      ++found;
      ++out.records;
      if (!record.has_manifest) continue;
      ++out.records_with_manifest;
      if (!out.found_failure || record.manifest.time_ns > out.latest_failure.manifest.time_ns) {
        out.latest_failure = record;
        out.found_failure = true;
      }
    }
    if (s != Status::not_found) add_finding(i, slice_offset + d.offset, s, d.what);
    if (found != e.record_count && s == Status::not_found) {
      add_finding(i, slice_offset, Status::corrupt, "record count in the partition table does not match the slice");
    }
  }
  return out.finding_count == 0 ? Status::ok : Status::corrupt;
}

}  // namespace crashtwin
