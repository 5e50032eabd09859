// Capture manifest: crashtwin's vendor section that makes a record
// self-describing for the BMC. It names the failed component and error type
// and says, per planned capture source, how many bytes were needed and how
// many were captured, so completeness can be computed from the crash region
// alone. It is the first section of every record crashtwin writes.
//
// Body: 64-byte header (u16 version, u8 class, u8 flags, u16 instance,
// u16 error type, u64 time_ns, u64 address, u64 detail, u64 needed bytes,
// u64 captured bytes, u16 entry count, u16 entry bytes (16), 12 reserved)
// then entries (u8 source, u8 outcome, u16 priority, u8 protection,
// 3 reserved, u32 needed, u32 captured).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"

namespace crashtwin::cper {

inline constexpr uint16_t kManifestVersion = 1;
inline constexpr size_t kManifestHeaderBytes = 64;
inline constexpr size_t kManifestEntryBytes = 16;
inline constexpr size_t kMaxManifestEntries = 12;
inline constexpr uint8_t kManifestFlagTruncated = 0x1;

inline constexpr size_t manifest_bytes(size_t entries) {
  return kManifestHeaderBytes + entries * kManifestEntryBytes;
}

// What a catalog entry asks capture to gather. The numbering is part of the
// on-media format: append only.
enum class CaptureSource : uint8_t {
  processor_error = 0,  // UEFI processor generic section from the register file and the error
  register_file = 1,    // vendor: failing core's architectural registers
  stack_snapshot = 2,   // vendor memory snapshot at the stack pointer
  code_page = 3,        // vendor memory snapshot of the page holding the IP
  memory_error = 4,     // UEFI platform memory error section
  memory_rows = 5,      // vendor memory snapshot: DRAM rows around the address
  error_history = 6,    // vendor device block: memory controller error log
  sensor_history = 7,   // vendor sensor history: the agent's precursor window
  core_power = 8,       // vendor sensor history: live power/temperature of all cores
  pcie_error = 9,       // UEFI PCIe error section
  io_queue_state = 10,  // vendor device block: the device's queue registers
  kernel_log = 11,      // vendor memory snapshot: the kernel's printk ring (log_buf)
  kernel_stacks = 12,   // vendor memory snapshots: the kernel stack of every core
  page_tables = 13,     // vendor memory snapshots: the page-table pages that map the address
  device_queues = 14,   // vendor memory snapshots: NVMe SQ/CQ or NIC descriptor rings in host memory
  processor_ia32x64 = 15,  // UEFI IA32/X64 processor section: check info and the failing core's registers
  nvme_status = 16,     // vendor: the NVMe completion status of the failed command
};
inline constexpr size_t kCaptureSourceCount = 17;
const char* to_string(CaptureSource s);

enum class CaptureOutcome : uint8_t {
  complete = 0,
  partial = 1,      // started, cut short by the slice end
  no_space = 2,     // not written: the slice was full
  read_failed = 3,  // the Hal could not read the data
};
const char* to_string(CaptureOutcome o);

// What happened to a section's bytes on their way into the region
// (platform/capture/confidentiality.h). On-media numbering.
enum class SectionProtection : uint8_t {
  clear = 0,
  redacted = 1,  // secret bytes written as zeros
  sealed = 2,    // the section is a sealed box to the operator's key
};
const char* to_string(SectionProtection p);

struct ManifestEntry {
  CaptureSource source = CaptureSource::processor_error;
  CaptureOutcome outcome = CaptureOutcome::complete;
  uint16_t priority = 0;
  uint32_t needed_bytes = 0;
  uint32_t captured_bytes = 0;
  SectionProtection protection = SectionProtection::clear;
};

struct CaptureManifest {
  ComponentId component;
  ErrorType error_type = ErrorType::page_fault;
  uint64_t time_ns = 0;
  uint64_t address = 0;
  uint64_t detail = 0;
  uint64_t needed_bytes = 0;    // whole record, full capture
  uint64_t captured_bytes = 0;  // whole record as written
  bool truncated = false;
  uint16_t entry_count = 0;
  ManifestEntry entries[kMaxManifestEntries];
};

// out.size() >= manifest_bytes(entry_count) (invalid_argument otherwise).
Status encode_capture_manifest(const CaptureManifest& manifest, std::span<std::byte> out);
// Checks version, lengths, entry count and enum ranges (corrupt/unsupported).
Status decode_capture_manifest(std::span<const std::byte> in, CaptureManifest& out);

}  // namespace crashtwin::cper
