// Selective capture: on a fatal error, gather what the catalog lists for the
// error type through the Hal, in priority order, into one CPER record, and
// write it into the failed component's slice. It stops when the slice is
// full and marks the record truncated (Overflow flag on the manifest's
// descriptor and on the cut section, manifest flag and per-source outcomes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/capture/catalog.h"
#include "platform/capture/confidentiality.h"
#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/cper/capture_manifest.h"
#include "platform/cper/vendor_sections.h"
#include "platform/hal/hal.h"
#include "platform/region/crash_region.h"

namespace crashtwin {

struct CaptureResult {
  uint64_t needed_bytes = 0;    // full capture of the catalog entry (record bytes)
  uint64_t captured_bytes = 0;  // record bytes written to the slice (== record_bytes)
  uint64_t record_offset = 0;   // within the slice (== slice.used_bytes at the call)
  uint64_t record_bytes = 0;
  uint16_t sections_written = 0;  // manifest included
  bool truncated = false;
  uint64_t record_id = 0;  // the record's CPER record id (also when nothing was written)
  cper::CaptureManifest manifest;  // what was written into the record's manifest
};

// Scratch capture needs to build a record of up to `record_limit` bytes: the
// record, a descriptor reservation, and room to read one state block.
inline constexpr size_t capture_scratch_bytes(size_t record_limit) {
  return record_limit + cper::kMaxSectionsPerRecord * cper::kSectionDescriptorBytes + kMaxStateBlockBytes;
}

// Captures `event` into `slice` (base, size, used_bytes are read; the slice
// entry is not modified: the caller adds record_bytes to used_bytes,
// increments record_count, sets the slice flags and commits the table).
// Data comes from the Hal: register files via read_state(register_file) of
// every core, kernel stacks via phys_read at each core's rsp, code page at
// the failing core's rip, page tables by walking from its cr3 (core 0's for
// a memory error), memory rows around event.address, the kernel log at
// facts.log_buf_address, device queues at device_queue_address(), error
// history via read_state(error_log), queue registers via
// read_state(queue_state), core power via read_metric; sensor history from
// `sensor_history` (oldest first). `facts` gives the sizes (its cpu_cores
// and sensor_history_entries are replaced by the Hal's core count and the
// history given, so the record describes what the board has).
// The record is built in `scratch` (capture_scratch_bytes(slice free bytes)
// gives a full-size budget; a smaller scratch lowers the budget) and written
// with one phys_write at slice.base + slice.used_bytes.
// `confidentiality` (null: none) protects memory snapshots and register
// sections before the record is written (confidentiality.h): redacted
// bytes are zeros in the record, sealed sections are sealed boxes; each
// manifest entry says which. Plaintext of a protected section exists only in
// `scratch`, never in the slice.
// Returns ok (complete), truncated (record written, cut short), no_memory
// (not even the header and manifest fit: nothing written), invalid_argument
// (slice inconsistent), io_error (phys_write failed).
Status capture_error(Hal& hal, const ErrorEvent& event, uint64_t record_id, const SliceEntry& slice,
                     std::span<const SensorReading> sensor_history, std::span<std::byte> scratch,
                     CaptureResult& out, const BoardFacts& facts = BoardFacts{},
                     const CaptureConfidentiality* confidentiality = nullptr);

}  // namespace crashtwin
