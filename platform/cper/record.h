// UEFI CPER record (UEFI spec appendix N): one 128-byte record header, then
// `section_count` 72-byte section descriptors, then the section bodies. The
// builder writes into a buffer the caller hands in; the view parses bytes
// that are untrusted (DMA'd from a crashed host) and says what is corrupt and
// where instead of reading out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/cper/guid.h"

namespace crashtwin::cper {

inline constexpr size_t kRecordHeaderBytes = 128;
inline constexpr size_t kSectionDescriptorBytes = 72;
// N.2.1: revision 1.1, what EDK2 (EFI_ERROR_RECORD_REVISION) writes; readers
// check the major byte only, so Linux (CPER_RECORD_REV 0x0100) accepts it.
inline constexpr uint16_t kRecordRevision = 0x0101;
inline constexpr uint16_t kSectionRevision = 0x0100;  // N.2.2, as Linux CPER_SEC_REV
inline constexpr uint32_t kSignatureEnd = 0xFFFFFFFF;
inline constexpr size_t kFruTextBytes = 20;
// Upper bound on sections per record: bounds the reader's work on hostile
// input and the builder's descriptor reservation.
inline constexpr uint16_t kMaxSectionsPerRecord = 16;

enum class Severity : uint32_t { recoverable = 0, fatal = 1, corrected = 2, informational = 3 };
const char* to_string(Severity s);

// Record header validation bits (N.2.1).
inline constexpr uint32_t kRecordValidPlatformId = 0x1;
inline constexpr uint32_t kRecordValidTimestamp = 0x2;
inline constexpr uint32_t kRecordValidPartitionId = 0x4;
// Record header flags (N.2.1); the spec reserves every other bit, so a
// record that lost information says so in its section descriptors
// (kSectionFlagOverflow) instead: see record_overflowed().
inline constexpr uint32_t kRecordFlagRecovered = 0x1;
inline constexpr uint32_t kRecordFlagPreviousError = 0x2;
inline constexpr uint32_t kRecordFlagSimulated = 0x4;

// Section descriptor validation bits and flags (N.2.2).
inline constexpr uint8_t kSectionValidFruId = 0x1;
inline constexpr uint8_t kSectionValidFruText = 0x2;
inline constexpr uint32_t kSectionFlagPrimary = 0x1;
inline constexpr uint32_t kSectionFlagContainmentWarning = 0x2;
inline constexpr uint32_t kSectionFlagReset = 0x4;
inline constexpr uint32_t kSectionFlagThresholdExceeded = 0x8;
inline constexpr uint32_t kSectionFlagResourceNotAccessible = 0x10;
inline constexpr uint32_t kSectionFlagLatentError = 0x20;
inline constexpr uint32_t kSectionFlagPropagated = 0x40;
// Overflow: the buffers that collect and report errors overflowed and
// information was lost. crashtwin sets it on a section cut short by the
// slice's end, and on the capture manifest's descriptor when any planned
// section was cut or left out.
inline constexpr uint32_t kSectionFlagOverflow = 0x80;

struct RecordHeader {
  uint16_t revision = kRecordRevision;
  uint16_t section_count = 0;
  Severity severity = Severity::fatal;
  uint32_t validation_bits = 0;
  uint32_t record_length = 0;
  uint64_t timestamp = 0;  // BCD, see platform/cper/timestamp.h
  Guid platform_id;
  Guid partition_id;
  Guid creator_id;
  Guid notification_type;
  uint64_t record_id = 0;
  uint32_t flags = 0;
  uint64_t persistence_information = 0;
};

struct SectionDescriptor {
  uint32_t section_offset = 0;  // from the start of the record header
  uint32_t section_length = 0;
  uint16_t revision = kSectionRevision;
  uint8_t validation_bits = 0;
  uint32_t flags = 0;
  Guid section_type;
  Guid fru_id;
  Severity severity = Severity::fatal;
  char fru_text[kFruTextBytes] = {};  // not NUL terminated when all 20 are used
};

// Wire encoders/decoders of the two fixed structures. encode_* need
// out.size() >= the structure size (Status::invalid_argument otherwise);
// decode_* need in.size() >= the structure size (Status::corrupt otherwise)
// and check the signature fields, not the lengths (RecordView does that).
Status encode_record_header(const RecordHeader& header, std::span<std::byte> out);
Status decode_record_header(std::span<const std::byte> in, RecordHeader& out);
Status encode_section_descriptor(const SectionDescriptor& descriptor, std::span<std::byte> out);
Status decode_section_descriptor(std::span<const std::byte> in, SectionDescriptor& out);

// Copies `text` into a FRU text field (truncating at 20 bytes).
void set_fru_text(SectionDescriptor& descriptor, const char* text);

// What is wrong with untrusted bytes, and where (offset from the start of the
// bytes handed to the parser).
struct Diagnostic {
  Status status = Status::ok;
  uint64_t offset = 0;
  const char* what = "";
};

// Builds one record in `buffer`. Sections are appended in order; the final
// record length may be limited below the buffer size (the slice's free space)
// so the buffer can also hold the unused descriptor reservation:
//   RecordBuilder b(scratch, max_sections, limit);
//   auto body = b.body_area();            // up to room() bytes
//   ...fill body...
//   b.add_section(descriptor, used_bytes);
//   b.finish(header, record_bytes);       // compacts, writes header + descriptors
class RecordBuilder {
 public:
  RecordBuilder(std::span<std::byte> buffer, uint16_t max_sections, size_t record_limit);

  // Body bytes the next section may use so the record still fits the limit
  // (after its 72-byte descriptor). 0 when no further section fits.
  size_t room() const;
  // Where the next section's body goes: room() bytes.
  std::span<std::byte> body_area();
  // Scratch space beyond room() that the caller may use temporarily (e.g. to
  // learn a device state block's length before deciding to keep it).
  std::span<std::byte> spare_area();
  // Appends the section whose body the caller wrote at body_area(); offset
  // and length in `descriptor` are filled in. Status::no_memory when
  // body_bytes > room() or max_sections are used.
  Status add_section(const SectionDescriptor& descriptor, size_t body_bytes);
  uint16_t section_count() const { return count_; }
  // ORs `flags` into the descriptor of section `index` (< section_count()),
  // for what is learnt after the section was added; out_of_range otherwise.
  Status add_section_flags(uint16_t index, uint32_t flags);
  // Length the record would have if finished now.
  size_t record_length() const;
  // Moves the bodies down behind the used descriptors, writes the header
  // (section_count and record_length filled in) and descriptors.
  Status finish(const RecordHeader& header, size_t& record_bytes);

 private:
  std::span<std::byte> buffer_;
  uint16_t max_sections_;
  size_t limit_;
  uint16_t count_ = 0;
  size_t body_cursor_;  // physical position of the next body in buffer_
  size_t bodies_bytes_ = 0;
  SectionDescriptor descriptors_[kMaxSectionsPerRecord];
};

// One section of a parsed record: its descriptor and the bytes of its body
// (inside the record, bounds checked).
struct SectionView {
  SectionDescriptor descriptor;
  std::span<const std::byte> body;
};

// A parsed record over untrusted bytes. parse() checks the signatures,
// revision major, record length (>= header + descriptors, <= bytes given),
// section count (<= kMaxSectionsPerRecord) and that each section lies inside
// the record after the descriptor table; on failure it returns
// Status::corrupt or Status::unsupported and fills `diagnostic`.
class RecordView {
 public:
  Status parse(std::span<const std::byte> bytes, Diagnostic* diagnostic = nullptr);
  const RecordHeader& header() const { return header_; }
  uint16_t section_count() const { return header_.section_count; }
  // The whole record (record_length bytes).
  std::span<const std::byte> bytes() const { return bytes_; }
  // Section i (< section_count()); Status::out_of_range otherwise.
  Status section(uint16_t index, SectionView& out) const;
  // First section of the given type; Status::not_found when absent.
  Status find_section(const Guid& type, SectionView& out) const;

 private:
  RecordHeader header_;
  std::span<const std::byte> bytes_;
};

// True when any section descriptor of a parsed record carries
// kSectionFlagOverflow: the record lost information (a truncated capture).
bool record_overflowed(const RecordView& view);

}  // namespace crashtwin::cper
