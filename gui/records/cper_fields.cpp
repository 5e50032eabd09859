#include "gui/records/cper_fields.h"

#include <array>

#include "platform/cper/capture_manifest.h"
#include "platform/cper/guid.h"
#include "platform/cper/record.h"
#include "platform/cper/timestamp.h"

namespace crashtwin::gui {

namespace {

QString guid_text(const cper::Guid& guid) {
  std::array<char, 40> text{};
  return cper::format_guid(guid, text) ? QString::fromLatin1(text.data()) : QStringLiteral("?");
}

// Names of the section GUIDs crashtwin writes; others show the GUID only.
QString hex(uint64_t v) { return QStringLiteral("0x%1").arg(v, 0, 16); }

void add_manifest(const cper::SectionView& view, CperSectionFields& out) {
  cper::CaptureManifest manifest;
  if (cper::decode_capture_manifest(view.body, manifest) != Status::ok) {
    out.fields.push_back({QStringLiteral("manifest"), QStringLiteral("not decodable"), true});
    return;
  }
  out.fields.push_back({QStringLiteral("component"), QStringLiteral("%1.%2")
                                                        .arg(QString::fromLatin1(to_string(manifest.component.cls)))
                                                        .arg(manifest.component.instance)});
  out.fields.push_back({QStringLiteral("error type"), QString::fromLatin1(to_string(manifest.error_type))});
  out.fields.push_back({QStringLiteral("needed / captured bytes"),
                        QStringLiteral("%1 / %2").arg(manifest.needed_bytes).arg(manifest.captured_bytes),
                        manifest.captured_bytes < manifest.needed_bytes});
  out.fields.push_back({QStringLiteral("truncated"), manifest.truncated ? QStringLiteral("yes") : QStringLiteral("no"),
                        manifest.truncated});
  for (uint16_t i = 0; i < manifest.entry_count && i < cper::kMaxManifestEntries; ++i) {
    const cper::ManifestEntry& e = manifest.entries[i];
    out.fields.push_back({QStringLiteral("source %1").arg(QString::fromLatin1(cper::to_string(e.source))),
                          QStringLiteral("%1, priority %2, %3 / %4 bytes")
                              .arg(QString::fromLatin1(cper::to_string(e.outcome)))
                              .arg(e.priority)
                              .arg(e.captured_bytes)
                              .arg(e.needed_bytes),
                          e.outcome != cper::CaptureOutcome::complete});
  }
}

}  // namespace

CperDecoded decode_cper_fields(std::span<const std::byte> bytes) {
  CperDecoded out;
  if (bytes.empty()) {
    out.problem = QStringLiteral("no raw bytes kept for this record");
    return out;
  }
  cper::RecordView record;
  cper::Diagnostic diagnostic;
  if (record.parse(bytes, &diagnostic) != Status::ok) {
    out.problem = QStringLiteral("%1 at offset %2 (%3)")
                      .arg(QString::fromLatin1(diagnostic.what))
                      .arg(diagnostic.offset)
                      .arg(QString::fromLatin1(to_string(diagnostic.status)));
    return out;
  }
  out.ok = true;
  const cper::RecordHeader& h = record.header();
  uint64_t seconds = 0;
  const bool time_ok = cper::sim_seconds_from_timestamp(h.timestamp, seconds);
  const bool truncated = cper::record_overflowed(record);  // an Overflow-flagged section: information lost
  out.header = {
      {QStringLiteral("signature"), QStringLiteral("CPER")},
      {QStringLiteral("revision"), QStringLiteral("%1.%2").arg(h.revision >> 8).arg(h.revision & 0xff, 2, 10, QChar('0'))},
      {QStringLiteral("severity"), QString::fromLatin1(cper::to_string(h.severity))},
      {QStringLiteral("section count"), QString::number(h.section_count)},
      {QStringLiteral("record length"), QStringLiteral("%1 bytes").arg(h.record_length)},
      {QStringLiteral("timestamp"), time_ok ? QStringLiteral("%1 s after %2-01-01 (%3)").arg(seconds).arg(cper::kEpochYear).arg(hex(h.timestamp))
                                            : hex(h.timestamp)},
      {QStringLiteral("platform id"), guid_text(h.platform_id)},
      {QStringLiteral("creator id"), guid_text(h.creator_id)},
      {QStringLiteral("notification type"), guid_text(h.notification_type)},
      {QStringLiteral("record id"), hex(h.record_id)},
      {QStringLiteral("flags"), QStringLiteral("%1%2").arg(hex(h.flags), truncated ? QStringLiteral(" (truncated)") : QString()),
       truncated},
  };
  for (uint16_t i = 0; i < record.section_count(); ++i) {
    cper::SectionView view;
    if (record.section(i, view) != Status::ok) continue;
    const cper::SectionDescriptor& d = view.descriptor;
    CperSectionFields section;
    section.title = QStringLiteral("section %1: %2").arg(i).arg(QString::fromLatin1(cper::section_type_name(d.section_type)));
    const bool overflow = (d.flags & cper::kSectionFlagOverflow) != 0;
    section.fields = {
        {QStringLiteral("section type"), guid_text(d.section_type)},
        {QStringLiteral("offset / length"), QStringLiteral("%1 / %2 bytes").arg(d.section_offset).arg(d.section_length)},
        {QStringLiteral("severity"), QString::fromLatin1(cper::to_string(d.severity))},
        {QStringLiteral("flags"), QStringLiteral("%1%2").arg(hex(d.flags), overflow ? QStringLiteral(" (overflow: partial)") : QString()),
         overflow},
        {QStringLiteral("FRU text"), QString::fromLatin1(d.fru_text, static_cast<qsizetype>(qstrnlen(d.fru_text, cper::kFruTextBytes)))},
    };
    if (d.section_type == cper::guids::kCaptureManifest) add_manifest(view, section);
    out.sections.push_back(std::move(section));
  }
  return out;
}

}  // namespace crashtwin::gui
