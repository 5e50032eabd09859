#include "platform/cper/vendor_sections.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {

bool valid_class(uint8_t cls) { return cls < kComponentClassCount; }

}  // namespace

// --- device block (register file, I/O queue state) ---------------------------

Status encode_device_block_header(ComponentId component, uint32_t payload_bytes, std::span<std::byte> out) {
  if (out.size() < kDeviceBlockHeaderBytes + size_t{payload_bytes}) return Status::invalid_argument;
  le::store_u8(out, 0, static_cast<uint8_t>(component.cls));
  le::store_u8(out, 1, 0);
  le::store_u16(out, 2, component.instance);
  le::store_u32(out, 4, payload_bytes);
  return Status::ok;
}

Status decode_device_block(std::span<const std::byte> in, DeviceBlock& out) {
  if (in.size() < kDeviceBlockHeaderBytes) return Status::corrupt;
  const uint8_t cls = le::load_u8(in, 0);
  const uint32_t length = le::load_u32(in, 4);
  if (!valid_class(cls) || length > in.size() - kDeviceBlockHeaderBytes) return Status::corrupt;
  out.component = ComponentId{static_cast<ComponentClass>(cls), le::load_u16(in, 2)};
  out.payload = in.subspan(kDeviceBlockHeaderBytes, length);
  return Status::ok;
}

// --- memory snapshot ---------------------------------------------------------

Status encode_memory_snapshot_header(uint64_t address, uint32_t requested_bytes, uint32_t captured_bytes,
                                     SnapshotPurpose purpose, std::span<std::byte> out) {
  if (captured_bytes > requested_bytes || out.size() < kMemorySnapshotHeaderBytes + size_t{captured_bytes}) {
    return Status::invalid_argument;
  }
  std::memset(out.data(), 0, kMemorySnapshotHeaderBytes);
  le::store_u64(out, 0, address);
  le::store_u32(out, 8, requested_bytes);
  le::store_u32(out, 12, captured_bytes);
  le::store_u8(out, 16, static_cast<uint8_t>(purpose));
  return Status::ok;
}

Status decode_memory_snapshot(std::span<const std::byte> in, MemorySnapshot& out) {
  if (in.size() < kMemorySnapshotHeaderBytes) return Status::corrupt;
  const uint32_t requested = le::load_u32(in, 8);
  const uint32_t captured = le::load_u32(in, 12);
  const uint8_t purpose = le::load_u8(in, 16);
  if (captured > requested || captured > in.size() - kMemorySnapshotHeaderBytes ||
      purpose > static_cast<uint8_t>(SnapshotPurpose::completion_queue)) {
    return Status::corrupt;
  }
  out.address = le::load_u64(in, 0);
  out.requested_bytes = requested;
  out.purpose = static_cast<SnapshotPurpose>(purpose);
  out.data = in.subspan(kMemorySnapshotHeaderBytes, captured);
  return Status::ok;
}

// --- sensor history ----------------------------------------------------------

Status encode_sensor_history(std::span<const SensorReading> readings, HistoryPurpose purpose,
                             std::span<std::byte> out, size_t& written) {
  written = 0;
  if (out.size() < kSensorHistoryHeaderBytes) return Status::no_memory;
  const size_t fit = (out.size() - kSensorHistoryHeaderBytes) / kSensorEntryBytes;
  const size_t count = readings.size() < fit ? readings.size() : fit;
  // The newest readings are the precursors closest to the failure: keep them.
  const auto kept = readings.last(count);
  std::memset(out.data(), 0, kSensorHistoryHeaderBytes);
  le::store_u32(out, 0, static_cast<uint32_t>(count));
  le::store_u16(out, 4, static_cast<uint16_t>(kSensorEntryBytes));
  le::store_u8(out, 6, static_cast<uint8_t>(purpose));
  le::store_u32(out, 8, static_cast<uint32_t>(readings.size() - count));
  for (size_t i = 0; i < count; ++i) {
    const size_t at = kSensorHistoryHeaderBytes + i * kSensorEntryBytes;
    le::store_u64(out, at, kept[i].time_ns);
    le::store_u8(out, at + 8, static_cast<uint8_t>(kept[i].component.cls));
    le::store_u8(out, at + 9, static_cast<uint8_t>(kept[i].metric));
    le::store_u16(out, at + 10, kept[i].component.instance);
    le::store_u32(out, at + 12, 0);
    le::store_u64(out, at + 16, kept[i].value);
  }
  written = sensor_history_bytes(count);
  return count == readings.size() ? Status::ok : Status::truncated;
}

Status decode_sensor_history(std::span<const std::byte> in, SensorHistoryView& out) {
  if (in.size() < kSensorHistoryHeaderBytes) return Status::corrupt;
  const uint32_t count = le::load_u32(in, 0);
  const uint16_t entry_bytes = le::load_u16(in, 4);
  const uint8_t purpose = le::load_u8(in, 6);
  if (entry_bytes != kSensorEntryBytes || purpose > static_cast<uint8_t>(HistoryPurpose::core_power) ||
      count > (in.size() - kSensorHistoryHeaderBytes) / kSensorEntryBytes) {
    return Status::corrupt;
  }
  out.purpose = static_cast<HistoryPurpose>(purpose);
  out.count = count;
  out.left_out = le::load_u32(in, 8);
  out.entries = in.subspan(kSensorHistoryHeaderBytes, size_t{count} * kSensorEntryBytes);
  return Status::ok;
}

Status sensor_history_entry(const SensorHistoryView& history, uint32_t index, SensorReading& out) {
  if (index >= history.count || history.entries.size() < size_t{history.count} * kSensorEntryBytes) {
    return Status::out_of_range;
  }
  const size_t at = size_t{index} * kSensorEntryBytes;
  const uint8_t cls = le::load_u8(history.entries, at + 8);
  const uint8_t metric = le::load_u8(history.entries, at + 9);
  if (!valid_class(cls) || metric >= kMetricCount ||
      component_class_of(static_cast<Metric>(metric)) != static_cast<ComponentClass>(cls)) {
    return Status::corrupt;
  }
  out.time_ns = le::load_u64(history.entries, at);
  out.component = ComponentId{static_cast<ComponentClass>(cls), le::load_u16(history.entries, at + 10)};
  out.metric = static_cast<Metric>(metric);
  out.value = le::load_u64(history.entries, at + 16);
  return Status::ok;
}

Status encode_nvme_status(const NvmeStatus& n, std::span<std::byte> out) {
  if (out.size() < kNvmeStatusBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kNvmeStatusBytes);
  le::store_u16(out, 0, kNvmeStatusVersion);
  le::store_u8(out, 2, n.status_code_type);
  le::store_u8(out, 3, n.status_code);
  le::store_u16(out, 4, n.disk);
  le::store_u64(out, 8, n.lba);
  return Status::ok;
}

Status decode_nvme_status(std::span<const std::byte> in, NvmeStatus& n) {
  if (in.size() < kNvmeStatusBytes) return Status::corrupt;
  if (le::load_u16(in, 0) != kNvmeStatusVersion) return Status::unsupported;
  n.status_code_type = le::load_u8(in, 2);
  n.status_code = le::load_u8(in, 3);
  n.disk = le::load_u16(in, 4);
  n.lba = le::load_u64(in, 8);
  return Status::ok;
}

// --- sealed section ------------------------------------------------------------

Status encode_sealed_section_header(uint8_t source, const Guid& original_type, uint32_t plaintext_bytes,
                                    std::span<std::byte> out) {
  if (out.size() < kSealedSectionHeaderBytes) return Status::invalid_argument;
  le::store_u16(out, 0, kSealedSectionVersion);
  le::store_u8(out, 2, source);
  le::store_u8(out, 3, 0);
  le::store_u32(out, 4, plaintext_bytes);
  store_guid(out, 8, original_type);
  return Status::ok;
}

Status decode_sealed_section(std::span<const std::byte> in, SealedSection& out) {
  if (in.size() < kSealedSectionHeaderBytes + kSealedBoxExtraBytes) return Status::corrupt;
  if (le::load_u16(in, 0) != kSealedSectionVersion) return Status::unsupported;
  out.source = le::load_u8(in, 2);
  out.plaintext_bytes = le::load_u32(in, 4);
  out.original_type = load_guid(in, 8);
  if (in.size() - kSealedSectionHeaderBytes - kSealedBoxExtraBytes != out.plaintext_bytes) return Status::corrupt;
  out.box = in.subspan(kSealedSectionHeaderBytes);
  return Status::ok;
}

}  // namespace crashtwin::cper
