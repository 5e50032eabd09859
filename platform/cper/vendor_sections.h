// crashtwin vendor-defined CPER sections (UEFI N.2.3 allows any section type
// GUID): register file, memory snapshot, sensor history, I/O queue state. The
// byte layouts are documented for BMC firmware authors in
// docs/crash-region.md; this module is the one place that reads and writes
// them. Each body is a small fixed header followed by a payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/cper/guid.h"

namespace crashtwin {

// One sampled metric value, as the agent keeps it in its metric windows.
struct SensorReading {
  uint64_t time_ns = 0;
  ComponentId component;
  Metric metric = Metric::cpu_utilization;
  uint64_t value = 0;
};

}  // namespace crashtwin

namespace crashtwin::cper {

// Register file, memory-controller error log and I/O queue state: a device state block as read_state()
// returned it. Header: u8 class, u8 reserved, u16 instance, u32 length.
inline constexpr size_t kDeviceBlockHeaderBytes = 8;

struct DeviceBlock {
  ComponentId component;
  std::span<const std::byte> payload;  // decode: points into the input
};

// Writes the header at out[0..8); the payload must already be at out[8..).
Status encode_device_block_header(ComponentId component, uint32_t payload_bytes, std::span<std::byte> out);
Status decode_device_block(std::span<const std::byte> in, DeviceBlock& out);

// Memory snapshot: physical memory around something interesting. Header:
// u64 address, u32 requested length, u32 captured length (< requested when
// the slice ran out), u8 purpose, 7 reserved; then captured-length bytes.
inline constexpr size_t kMemorySnapshotHeaderBytes = 24;

enum class SnapshotPurpose : uint8_t {
  other = 0,
  stack = 1,
  code_page = 2,
  memory_rows = 3,
  kernel_log = 4,
  page_table = 5,
  submission_queue = 6,  // NVMe SQ, or a NIC descriptor ring
  completion_queue = 7,  // NVMe CQ
};

struct MemorySnapshot {
  uint64_t address = 0;
  uint32_t requested_bytes = 0;
  SnapshotPurpose purpose = SnapshotPurpose::other;
  std::span<const std::byte> data;  // captured bytes; decode: points into the input
};

Status encode_memory_snapshot_header(uint64_t address, uint32_t requested_bytes, uint32_t captured_bytes,
                                     SnapshotPurpose purpose, std::span<std::byte> out);
Status decode_memory_snapshot(std::span<const std::byte> in, MemorySnapshot& out);

// Sensor history: readings, oldest first. Header: u32 entry count, u16 entry
// bytes (24), u8 purpose, u8 reserved, u32 readings left out (the oldest, for
// lack of space), u32 reserved. Entry: u64 time_ns, u8 class, u8 metric,
// u16 instance, u32 reserved, u64 value.
inline constexpr size_t kSensorHistoryHeaderBytes = 16;
inline constexpr size_t kSensorEntryBytes = 24;

enum class HistoryPurpose : uint8_t { precursor_window = 0, core_power = 1 };

inline constexpr size_t sensor_history_bytes(size_t entries) {
  return kSensorHistoryHeaderBytes + entries * kSensorEntryBytes;
}

// Encodes the newest readings that fit in `out` (all when out is big enough);
// `written` receives the section length.
Status encode_sensor_history(std::span<const SensorReading> readings, HistoryPurpose purpose,
                             std::span<std::byte> out, size_t& written);

struct SensorHistoryView {
  HistoryPurpose purpose = HistoryPurpose::precursor_window;
  uint32_t count = 0;
  uint32_t left_out = 0;
  std::span<const std::byte> entries;
};
Status decode_sensor_history(std::span<const std::byte> in, SensorHistoryView& out);
// Entry i of a decoded history (i < count); corrupt when class/metric unknown.
Status sensor_history_entry(const SensorHistoryView& history, uint32_t index, SensorReading& out);

// NVMe completion status of the command a disk failed (guids::kNvmeStatus):
// what the controller reported, which no UEFI section carries (a media
// error is an NVMe status, not a PCIe link error). Body, 16 bytes:
// u16 version (1), u8 status code type (SCT), u8 status code (SC),
// u16 disk instance, u16 reserved, u64 starting LBA of the command.
inline constexpr size_t kNvmeStatusBytes = 16;
inline constexpr uint16_t kNvmeStatusVersion = 1;

struct NvmeStatus {
  uint8_t status_code_type = 0;  // 0 generic, 1 command specific, 2 media and data integrity, 3 path
  uint8_t status_code = 0;
  uint16_t disk = 0;
  uint64_t lba = 0;
};

Status encode_nvme_status(const NvmeStatus& status, std::span<std::byte> out);
Status decode_nvme_status(std::span<const std::byte> in, NvmeStatus& out);

// Sealed section (guids::kSealedSection): a section whose body was sealed to
// the operator's X25519 public key before it reached the crash region
// (platform/capture/confidentiality.h). Body: u16 version (1), u8 capture
// source of the original section, u8 reserved, u32 plaintext length, the
// original section type GUID, then the sealed box (libsodium
// crypto_box_seal: ephemeral public key, tag, ciphertext) of the original
// body: plaintext length + 48 bytes.
inline constexpr size_t kSealedSectionHeaderBytes = 24;
inline constexpr size_t kSealedBoxExtraBytes = 48;  // crypto_box_SEALBYTES
inline constexpr uint16_t kSealedSectionVersion = 1;
// What sealing adds to a section's body.
inline constexpr size_t kSealedSectionOverheadBytes = kSealedSectionHeaderBytes + kSealedBoxExtraBytes;

struct SealedSection {
  uint8_t source = 0;  // CaptureSource of the original
  Guid original_type;
  uint32_t plaintext_bytes = 0;
  std::span<const std::byte> box;  // decode: points into the input
};

// Writes the 24-byte header at out[0..24); the box follows it.
Status encode_sealed_section_header(uint8_t source, const Guid& original_type, uint32_t plaintext_bytes,
                                    std::span<std::byte> out);
// Checks the version and that the body is exactly header + plaintext + 48.
Status decode_sealed_section(std::span<const std::byte> in, SealedSection& out);

}  // namespace crashtwin::cper
