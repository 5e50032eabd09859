#include "platform/cper/capture_manifest.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {
// Header field offsets (see capture_manifest.h).
constexpr size_t kVersion = 0, kClass = 2, kFlags = 3, kInstance = 4, kErrorType = 6, kTime = 8, kAddress = 16,
                 kDetail = 24, kNeeded = 32, kCaptured = 40, kEntryCount = 48, kEntryBytes = 50;
}  // namespace

const char* to_string(CaptureSource s) {
  constexpr const char* kNames[kCaptureSourceCount] = {
      "processor_error", "register_file",  "stack_snapshot", "code_page",  "memory_error",  "memory_rows",
      "error_history",   "sensor_history", "core_power",     "pcie_error", "io_queue_state",
      "kernel_log",      "kernel_stacks",  "page_tables",    "device_queues", "processor_ia32x64",
      "nvme_status"};
  const auto i = static_cast<size_t>(s);
  return i < kCaptureSourceCount ? kNames[i] : "unknown";
}

const char* to_string(CaptureOutcome o) {
  switch (o) {
    case CaptureOutcome::complete: return "complete";
    case CaptureOutcome::partial: return "partial";
    case CaptureOutcome::no_space: return "no_space";
    case CaptureOutcome::read_failed: return "read_failed";
  }
  return "unknown";
}

const char* to_string(SectionProtection p) {
  switch (p) {
    case SectionProtection::clear: return "clear";
    case SectionProtection::redacted: return "redacted";
    case SectionProtection::sealed: return "sealed";
  }
  return "unknown";
}

Status encode_capture_manifest(const CaptureManifest& m, std::span<std::byte> out) {
  if (m.entry_count > kMaxManifestEntries || out.size() < manifest_bytes(m.entry_count)) {
    return Status::invalid_argument;
  }
  std::memset(out.data(), 0, manifest_bytes(m.entry_count));
  le::store_u16(out, kVersion, kManifestVersion);
  le::store_u8(out, kClass, static_cast<uint8_t>(m.component.cls));
  le::store_u8(out, kFlags, m.truncated ? kManifestFlagTruncated : 0);
  le::store_u16(out, kInstance, m.component.instance);
  le::store_u16(out, kErrorType, static_cast<uint16_t>(m.error_type));
  le::store_u64(out, kTime, m.time_ns);
  le::store_u64(out, kAddress, m.address);
  le::store_u64(out, kDetail, m.detail);
  le::store_u64(out, kNeeded, m.needed_bytes);
  le::store_u64(out, kCaptured, m.captured_bytes);
  le::store_u16(out, kEntryCount, m.entry_count);
  le::store_u16(out, kEntryBytes, static_cast<uint16_t>(kManifestEntryBytes));
  for (uint16_t i = 0; i < m.entry_count; ++i) {
    const size_t at = kManifestHeaderBytes + size_t{i} * kManifestEntryBytes;
    const ManifestEntry& e = m.entries[i];
    le::store_u8(out, at, static_cast<uint8_t>(e.source));
    le::store_u8(out, at + 1, static_cast<uint8_t>(e.outcome));
    le::store_u16(out, at + 2, e.priority);
    le::store_u8(out, at + 4, static_cast<uint8_t>(e.protection));
    le::store_u32(out, at + 8, e.needed_bytes);
    le::store_u32(out, at + 12, e.captured_bytes);
  }
  return Status::ok;
}

Status decode_capture_manifest(std::span<const std::byte> in, CaptureManifest& m) {
  if (in.size() < kManifestHeaderBytes) return Status::corrupt;
  if (le::load_u16(in, kVersion) != kManifestVersion) return Status::unsupported;
  const uint8_t cls = le::load_u8(in, kClass);
  const uint16_t type = le::load_u16(in, kErrorType);
  const uint16_t count = le::load_u16(in, kEntryCount);
  if (cls >= kComponentClassCount || type >= kErrorTypeCount || count > kMaxManifestEntries ||
      le::load_u16(in, kEntryBytes) != kManifestEntryBytes || in.size() < manifest_bytes(count)) {
    return Status::corrupt;
  }
  m.component = ComponentId{static_cast<ComponentClass>(cls), le::load_u16(in, kInstance)};
  m.error_type = static_cast<ErrorType>(type);
  m.truncated = (le::load_u8(in, kFlags) & kManifestFlagTruncated) != 0;
  m.time_ns = le::load_u64(in, kTime);
  m.address = le::load_u64(in, kAddress);
  m.detail = le::load_u64(in, kDetail);
  m.needed_bytes = le::load_u64(in, kNeeded);
  m.captured_bytes = le::load_u64(in, kCaptured);
  if (m.captured_bytes > m.needed_bytes) return Status::corrupt;
  m.entry_count = count;
  for (uint16_t i = 0; i < count; ++i) {
    const size_t at = kManifestHeaderBytes + size_t{i} * kManifestEntryBytes;
    const uint8_t source = le::load_u8(in, at);
    const uint8_t outcome = le::load_u8(in, at + 1);
    const uint8_t protection = le::load_u8(in, at + 4);
    if (source >= kCaptureSourceCount || outcome > static_cast<uint8_t>(CaptureOutcome::read_failed) ||
        protection > static_cast<uint8_t>(SectionProtection::sealed)) {
      return Status::corrupt;
    }
    ManifestEntry& e = m.entries[i];
    e.source = static_cast<CaptureSource>(source);
    e.outcome = static_cast<CaptureOutcome>(outcome);
    e.priority = le::load_u16(in, at + 2);
    e.protection = static_cast<SectionProtection>(protection);
    e.needed_bytes = le::load_u32(in, at + 8);
    e.captured_bytes = le::load_u32(in, at + 12);
    if (e.captured_bytes > e.needed_bytes) return Status::corrupt;
  }
  return Status::ok;
}

}  // namespace crashtwin::cper
