// What the BMC concludes from one alert: the records it decoded from the
// crash region (with their raw bytes for .cper files) and its verdict. Plain
// structs: the runner converts them to traces/bmc_report.h and writes files;
// models write none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/types.h"

namespace crashtwin {

struct DrainedSection {
  std::string type;       // "processor_generic", "platform_memory", "vendor.register_file"...
  uint64_t length = 0;    // section body bytes in the record
  uint64_t needed = 0;    // bytes a full capture of this section takes (capture manifest)
  uint64_t captured = 0;  // bytes captured
};

struct DrainedRecord {
  uint32_t slice = 0;  // slice index the record was found in
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  std::string severity;  // "fatal", "recoverable", "corrected"
  uint64_t timestamp_ns = 0;
  bool truncated = false;
  std::vector<DrainedSection> sections;
  std::vector<std::byte> cper;  // raw record as read by DMA
};

struct BmcDrainReport {
  uint32_t alert_code = 0;     // mailbox value the host wrote
  uint64_t alert_t_ns = 0;     // alert seen by the BMC
  uint64_t report_t_ns = 0;    // report complete
  bool identified = false;     // a failed component was named
  ComponentId failed_component;
  ErrorType error = ErrorType::page_fault;
  std::vector<DrainedRecord> records;
  uint64_t bytes_drained = 0;     // bytes moved by DMA
  uint32_t refused_accesses = 0;  // DMA transfers refused during the drain
  std::vector<std::string> diagnostics;  // why something could not be decoded
  double alert_to_report_s() const { return static_cast<double>(report_t_ns - alert_t_ns) * 1e-9; }
};

}  // namespace crashtwin
