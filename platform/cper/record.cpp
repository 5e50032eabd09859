#include "platform/cper/record.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {

constexpr char kSignature[4] = {'C', 'P', 'E', 'R'};

// Record header field offsets (UEFI N.2.1).
namespace rh {
constexpr size_t signature = 0, revision = 4, signature_end = 6, section_count = 10, severity = 12,
                 validation = 16, length = 20, timestamp = 24, platform_id = 32, partition_id = 48,
                 creator_id = 64, notification = 80, record_id = 96, flags = 104, persistence = 108,
                 reserved = 116;
}  // namespace rh
// Section descriptor field offsets (UEFI N.2.2).
namespace sd {
constexpr size_t offset = 0, length = 4, revision = 8, validation = 10, reserved = 11, flags = 12, type = 16,
                 fru_id = 32, severity = 48, fru_text = 52;
}  // namespace sd

Diagnostic* report(Diagnostic* d, Status status, uint64_t offset, const char* what) {
  if (d) *d = Diagnostic{status, offset, what};
  return d;
}

}  // namespace

const char* to_string(Severity s) {
  switch (s) {
    case Severity::recoverable: return "recoverable";
    case Severity::fatal: return "fatal";
    case Severity::corrected: return "corrected";
    case Severity::informational: return "informational";
  }
  return "unknown";
}

Status encode_record_header(const RecordHeader& h, std::span<std::byte> out) {
  if (out.size() < kRecordHeaderBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kRecordHeaderBytes);
  std::memcpy(out.data() + rh::signature, kSignature, 4);
  le::store_u16(out, rh::revision, h.revision);
  le::store_u32(out, rh::signature_end, kSignatureEnd);
  le::store_u16(out, rh::section_count, h.section_count);
  le::store_u32(out, rh::severity, static_cast<uint32_t>(h.severity));
  le::store_u32(out, rh::validation, h.validation_bits);
  le::store_u32(out, rh::length, h.record_length);
  le::store_u64(out, rh::timestamp, h.timestamp);
  store_guid(out, rh::platform_id, h.platform_id);
  store_guid(out, rh::partition_id, h.partition_id);
  store_guid(out, rh::creator_id, h.creator_id);
  store_guid(out, rh::notification, h.notification_type);
  le::store_u64(out, rh::record_id, h.record_id);
  le::store_u32(out, rh::flags, h.flags);
  le::store_u64(out, rh::persistence, h.persistence_information);
  return Status::ok;  // reserved bytes stay zero (memset above)
}

Status decode_record_header(std::span<const std::byte> in, RecordHeader& h) {
  if (in.size() < kRecordHeaderBytes) return Status::corrupt;
  if (std::memcmp(in.data(), kSignature, 4) != 0) return Status::corrupt;
  if (le::load_u32(in, rh::signature_end) != kSignatureEnd) return Status::corrupt;
  h.revision = le::load_u16(in, rh::revision);
  h.section_count = le::load_u16(in, rh::section_count);
  h.severity = static_cast<Severity>(le::load_u32(in, rh::severity));
  h.validation_bits = le::load_u32(in, rh::validation);
  h.record_length = le::load_u32(in, rh::length);
  h.timestamp = le::load_u64(in, rh::timestamp);
  h.platform_id = load_guid(in, rh::platform_id);
  h.partition_id = load_guid(in, rh::partition_id);
  h.creator_id = load_guid(in, rh::creator_id);
  h.notification_type = load_guid(in, rh::notification);
  h.record_id = le::load_u64(in, rh::record_id);
  h.flags = le::load_u32(in, rh::flags);
  h.persistence_information = le::load_u64(in, rh::persistence);
  (void)rh::reserved;
  return Status::ok;
}

Status encode_section_descriptor(const SectionDescriptor& d, std::span<std::byte> out) {
  if (out.size() < kSectionDescriptorBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kSectionDescriptorBytes);
  le::store_u32(out, sd::offset, d.section_offset);
  le::store_u32(out, sd::length, d.section_length);
  le::store_u16(out, sd::revision, d.revision);
  le::store_u8(out, sd::validation, d.validation_bits);
  le::store_u32(out, sd::flags, d.flags);
  store_guid(out, sd::type, d.section_type);
  store_guid(out, sd::fru_id, d.fru_id);
  le::store_u32(out, sd::severity, static_cast<uint32_t>(d.severity));
  std::memcpy(out.data() + sd::fru_text, d.fru_text, kFruTextBytes);
  (void)sd::reserved;
  return Status::ok;
}

Status decode_section_descriptor(std::span<const std::byte> in, SectionDescriptor& d) {
  if (in.size() < kSectionDescriptorBytes) return Status::corrupt;
  d.section_offset = le::load_u32(in, sd::offset);
  d.section_length = le::load_u32(in, sd::length);
  d.revision = le::load_u16(in, sd::revision);
  d.validation_bits = le::load_u8(in, sd::validation);
  d.flags = le::load_u32(in, sd::flags);
  d.section_type = load_guid(in, sd::type);
  d.fru_id = load_guid(in, sd::fru_id);
  d.severity = static_cast<Severity>(le::load_u32(in, sd::severity));
  std::memcpy(d.fru_text, in.data() + sd::fru_text, kFruTextBytes);
  return Status::ok;
}

void set_fru_text(SectionDescriptor& d, const char* text) {
  std::memset(d.fru_text, 0, kFruTextBytes);
  for (size_t i = 0; i < kFruTextBytes && text[i] != '\0'; ++i) d.fru_text[i] = text[i];
  d.validation_bits |= kSectionValidFruText;
}

// --- builder -----------------------------------------------------------------

RecordBuilder::RecordBuilder(std::span<std::byte> buffer, uint16_t max_sections, size_t record_limit)
    : buffer_(buffer),
      max_sections_(max_sections < kMaxSectionsPerRecord ? max_sections : kMaxSectionsPerRecord),
      limit_(record_limit),
      body_cursor_(kRecordHeaderBytes + max_sections_ * kSectionDescriptorBytes) {}

size_t RecordBuilder::record_length() const {
  return kRecordHeaderBytes + count_ * kSectionDescriptorBytes + bodies_bytes_;
}

size_t RecordBuilder::room() const {
  if (count_ >= max_sections_ || body_cursor_ > buffer_.size()) return 0;
  const size_t after_descriptor = record_length() + kSectionDescriptorBytes;
  if (after_descriptor >= limit_) return 0;
  const size_t by_limit = limit_ - after_descriptor;
  const size_t by_buffer = buffer_.size() - body_cursor_;
  return by_limit < by_buffer ? by_limit : by_buffer;
}

std::span<std::byte> RecordBuilder::body_area() { return buffer_.subspan(body_cursor_ > buffer_.size() ? buffer_.size() : body_cursor_, room()); }

std::span<std::byte> RecordBuilder::spare_area() {
  return body_cursor_ > buffer_.size() ? std::span<std::byte>{} : buffer_.subspan(body_cursor_);
}

Status RecordBuilder::add_section(const SectionDescriptor& descriptor, size_t body_bytes) {
  if (count_ >= max_sections_ || body_bytes > room()) return Status::no_memory;
  SectionDescriptor& d = descriptors_[count_];
  d = descriptor;
  d.section_length = static_cast<uint32_t>(body_bytes);
  d.section_offset = static_cast<uint32_t>(body_cursor_);  // physical; rebased in finish()
  body_cursor_ += body_bytes;
  bodies_bytes_ += body_bytes;
  ++count_;
  return Status::ok;
}

Status RecordBuilder::add_section_flags(uint16_t index, uint32_t flags) {
  if (index >= count_) return Status::out_of_range;
  descriptors_[index].flags |= flags;
  return Status::ok;
}

Status RecordBuilder::finish(const RecordHeader& header, size_t& record_bytes) {
  record_bytes = 0;
  const size_t reserved_start = kRecordHeaderBytes + max_sections_ * kSectionDescriptorBytes;
  const size_t bodies_start = kRecordHeaderBytes + count_ * kSectionDescriptorBytes;
  if (buffer_.size() < reserved_start) return Status::no_memory;
  // Close the gap left by descriptors that were reserved but not used.
  if (bodies_bytes_ > 0 && bodies_start != reserved_start) {
    std::memmove(buffer_.data() + bodies_start, buffer_.data() + reserved_start, bodies_bytes_);
  }
  const uint32_t shift = static_cast<uint32_t>(reserved_start - bodies_start);
  for (uint16_t i = 0; i < count_; ++i) {
    descriptors_[i].section_offset -= shift;
    Status s = encode_section_descriptor(descriptors_[i], buffer_.subspan(kRecordHeaderBytes + i * kSectionDescriptorBytes));
    if (!ok(s)) return s;
  }
  RecordHeader h = header;
  h.section_count = count_;
  h.record_length = static_cast<uint32_t>(record_length());
  Status s = encode_record_header(h, buffer_);
  if (!ok(s)) return s;
  record_bytes = h.record_length;
  return Status::ok;
}

// --- reader ------------------------------------------------------------------

Status RecordView::parse(std::span<const std::byte> bytes, Diagnostic* diagnostic) {
  bytes_ = {};
  header_ = RecordHeader{};
  if (bytes.size() < kRecordHeaderBytes) {
    report(diagnostic, Status::corrupt, 0, "shorter than a CPER record header");
    return Status::corrupt;
  }
  if (std::memcmp(bytes.data(), kSignature, 4) != 0) {
    report(diagnostic, Status::corrupt, rh::signature, "signature is not \"CPER\"");
    return Status::corrupt;
  }
  if (le::load_u32(bytes, rh::signature_end) != kSignatureEnd) {
    report(diagnostic, Status::corrupt, rh::signature_end, "signature end is not 0xFFFFFFFF");
    return Status::corrupt;
  }
  RecordHeader h;
  (void)decode_record_header(bytes, h);
  if ((h.revision >> 8) != (kRecordRevision >> 8)) {
    report(diagnostic, Status::unsupported, rh::revision, "record revision major is not 1");
    return Status::unsupported;
  }
  if (static_cast<uint32_t>(h.severity) > static_cast<uint32_t>(Severity::informational)) {
    report(diagnostic, Status::corrupt, rh::severity, "error severity out of range");
    return Status::corrupt;
  }
  if (h.section_count == 0 || h.section_count > kMaxSectionsPerRecord) {
    report(diagnostic, Status::corrupt, rh::section_count, "section count is 0 or above the limit");
    return Status::corrupt;
  }
  const uint64_t table_end = kRecordHeaderBytes + uint64_t{h.section_count} * kSectionDescriptorBytes;
  if (h.record_length < table_end) {
    report(diagnostic, Status::corrupt, rh::length, "record length shorter than its descriptor table");
    return Status::corrupt;
  }
  if (h.record_length > bytes.size()) {
    report(diagnostic, Status::corrupt, rh::length, "record length runs past the available bytes");
    return Status::corrupt;
  }
  for (uint16_t i = 0; i < h.section_count; ++i) {
    const size_t at = kRecordHeaderBytes + size_t{i} * kSectionDescriptorBytes;
    SectionDescriptor d;
    (void)decode_section_descriptor(bytes.subspan(at), d);
    if ((d.revision >> 8) != (kSectionRevision >> 8)) {
      report(diagnostic, Status::unsupported, at + sd::revision, "section revision major is not 1");
      return Status::unsupported;
    }
    if (d.section_offset < table_end || uint64_t{d.section_offset} + d.section_length > h.record_length) {
      report(diagnostic, Status::corrupt, at + sd::offset, "section lies outside the record body");
      return Status::corrupt;
    }
    if (static_cast<uint32_t>(d.severity) > static_cast<uint32_t>(Severity::informational)) {
      report(diagnostic, Status::corrupt, at + sd::severity, "section severity out of range");
      return Status::corrupt;
    }
  }
  header_ = h;
  bytes_ = bytes.first(h.record_length);
  return Status::ok;
}

Status RecordView::section(uint16_t index, SectionView& out) const {
  if (index >= header_.section_count || bytes_.empty()) return Status::out_of_range;
  (void)decode_section_descriptor(bytes_.subspan(kRecordHeaderBytes + size_t{index} * kSectionDescriptorBytes),
                                  out.descriptor);
  out.body = bytes_.subspan(out.descriptor.section_offset, out.descriptor.section_length);
  return Status::ok;
}

Status RecordView::find_section(const Guid& type, SectionView& out) const {
  for (uint16_t i = 0; i < header_.section_count; ++i) {
    if (ok(section(i, out)) && out.descriptor.section_type == type) return Status::ok;
  }
  return Status::not_found;
}

bool record_overflowed(const RecordView& view) {
  SectionView sv;
  for (uint16_t i = 0; i < view.section_count(); ++i) {
    if (ok(view.section(i, sv)) && (sv.descriptor.flags & kSectionFlagOverflow) != 0) return true;
  }
  return false;
}

}  // namespace crashtwin::cper
