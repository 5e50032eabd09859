// The CPER fields of a record's raw bytes (bmc/record-<n>.cper), decoded by
// the platform's own reader (platform/cper/record.h, the one the BMC firmware
// links), turned into labelled rows for the Records tree.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include <QString>

namespace crashtwin::gui {

struct CperField {
  QString name;
  QString value;
  bool alarm = false;  // a flag worth highlighting (truncated, overflow)
};

struct CperSectionFields {
  QString title;  // "section 1: platform_memory"
  std::vector<CperField> fields;
};

struct CperDecoded {
  bool ok = false;
  QString problem;  // why the bytes are not a record ("bad signature at offset 0")
  std::vector<CperField> header;
  std::vector<CperSectionFields> sections;
};

CperDecoded decode_cper_fields(std::span<const std::byte> bytes);

}  // namespace crashtwin::gui
