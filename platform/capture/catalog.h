// The selective-capture catalog: for each error type, the sections a useful
// crash record needs, in priority order, each with a size formula. The
// capture manifest is not listed: every record starts with it.
//
// Size formulas (body bytes of one section):
//   processor_error  192 (UEFI processor generic)
//   register_file    8 + facts.register_file_bytes
//   stack_snapshot   24 + plan.bytes              (bytes above the stack pointer)
//   code_page        24 + plan.bytes              (the page around the IP)
//   memory_error     80 (UEFI platform memory error)
//   memory_rows      24 + plan.count * plan.bytes (count rows of `bytes` around the address)
//   error_history    8 + facts.error_log_bytes
//   sensor_history   16 + 24 * facts.sensor_history_entries
//   core_power       16 + 24 * 2 * facts.cpu_cores (power and temperature per core)
//   pcie_error       208 (UEFI PCIe error)
//   io_queue_state   8 + facts.queue_state_bytes
// A record adds 128 bytes of header and 72 per section, manifest included.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/capture/register_file.h"
#include "platform/core/types.h"
#include "platform/cper/capture_manifest.h"
#include "platform/cper/guid.h"
#include "platform/cper/record.h"

namespace crashtwin {

inline constexpr size_t kMaxPlanSections = 6;
// Largest device state block (error log, queue state) capture reads.
inline constexpr uint32_t kMaxStateBlockBytes = 4096;
inline constexpr uint32_t kDramRowBytes = 8192;
inline constexpr uint32_t kCodePageBytes = 4096;
inline constexpr uint32_t kStackSnapshotBytes = 4096;

struct SectionPlan {
  cper::CaptureSource source = cper::CaptureSource::processor_error;
  uint16_t priority = 0;  // lower is more important; a catalog entry lists ascending priorities
  uint32_t bytes = 0;     // formula parameter (see above); 0 where unused
  uint32_t count = 0;     // formula parameter (rows); 0 where unused
};

struct CatalogEntry {
  ErrorType type = ErrorType::page_fault;
  cper::Severity severity = cper::Severity::fatal;
  cper::Guid notification_type;
  uint8_t section_count = 0;
  SectionPlan sections[kMaxPlanSections];
};

// Board facts the size formulas depend on. Defaults are the catalog's
// nominal sizes (what the policies plan with before a failure).
struct BoardFacts {
  uint32_t cpu_cores = 1;
  uint32_t register_file_bytes = kRegisterFileBytes;
  uint32_t error_log_bytes = kMaxStateBlockBytes;
  uint32_t queue_state_bytes = kMaxStateBlockBytes;
  uint32_t sensor_history_entries = 64;
};

const CatalogEntry& catalog_entry(ErrorType type);

// Body bytes of one planned section under `facts` (formulas above).
uint64_t section_body_bytes(const SectionPlan& plan, const BoardFacts& facts);

// Bytes of the whole record a full capture of `type` writes: record header,
// manifest, every planned section, and their descriptors. This is the
// "needed bytes" of a failure (completeness = captured / needed).
uint64_t needed_bytes(ErrorType type, const BoardFacts& facts);

}  // namespace crashtwin
