// What the BMC concludes from one alert: the records it decoded from the
// crash region (with their raw bytes for .cper files) and its verdict. Plain
// structs: the runner converts them to traces/bmc_report.h and writes files;
// models write none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/types.h"

namespace crashtwin {

struct DrainedSection {
  std::string type;       // "processor_generic", "platform_memory", "vendor.register_file"...
  uint64_t length = 0;    // section body bytes in the record
  uint64_t needed = 0;    // bytes a full capture of this section takes (capture manifest)
  uint64_t captured = 0;  // bytes captured
  // "clear", or "redacted" / "sealed" when the host's confidentiality policy
  // protected it (a sealed section is not decoded: only the operator's key
  // opens it).
  std::string protection = "clear";
};

struct DrainedRecord {
  uint32_t slice = 0;  // slice index the record was found in
  uint64_t record_id = 0;  // CPER record id: boot and failure sequence (platform/core/bmc_alert.h)
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  std::string severity;  // "fatal", "recoverable", "corrected"
  uint64_t timestamp_ns = 0;
  bool truncated = false;
  std::vector<DrainedSection> sections;
  std::vector<std::byte> cper;  // raw record as read by DMA
};

// One entry of the BMC's event log (what IPMI calls the SEL), in the order
// the BMC logged them: a sensor it polls changed state (it reads the
// sensors block over its own sensor bus, sensor_poll_period, not the
// host's), or the host firmware reported a component's predictive-failure
// alarm (the PFA register).
struct BmcLogEntry {
  uint64_t t_ns = 0;   // the poll that saw it (a poll period after the change at most), or when it took the PFA write
  std::string sensor;  // "fan2", "board.cpu.core1"; a predictive-failure entry: its component, "memory.1"
  // "stopped", "upper critical going high", "upper critical going low",
  // "predictive failure asserted", "predictive failure deasserted",
  // "malformed predictive-failure report 0x..."
  std::string event;
  // A threshold event's reading and threshold (C); NaN for a fan's.
  double reading_c = std::numeric_limits<double>::quiet_NaN();
  double threshold_c = std::numeric_limits<double>::quiet_NaN();
  // A predictive-failure event's component and failure probability at the change.
  std::optional<ComponentId> component{};
  double probability = std::numeric_limits<double>::quiet_NaN();
};
inline constexpr const char* kPredictiveFailureAsserted = "predictive failure asserted";
inline constexpr const char* kPredictiveFailureDeasserted = "predictive failure deasserted";
// The sensor name of a PFA value the BMC could not decode (no component).
inline constexpr const char* kMalformedPfaSensor = "pfa";

// The verdict comes from the alert (which component, which error, which
// failure) and the partition table's entry for that component's slice; the
// records of the region are decoded to find that failure's own record.
struct BmcDrainReport {
  uint64_t alert_code = 0;     // mailbox value the host wrote (platform/core/bmc_alert.h)
  uint64_t alert_t_ns = 0;     // alert seen by the BMC
  uint64_t report_t_ns = 0;    // report complete
  bool identified = false;     // the alert named a component and error the board has
  ComponentId failed_component;
  ErrorType error = ErrorType::page_fault;
  uint32_t failure_sequence = 0;  // the failure the alert is about (low half of its record id)
  bool slice_found = false;       // the partition table has a slice for the failed component
  bool record_found = false;      // that slice holds the failure's record
  bool record_truncated = false;  // ... and the capture did not fit whole
  std::vector<DrainedRecord> records;
  uint64_t bytes_drained = 0;     // bytes moved by DMA
  uint32_t refused_accesses = 0;  // DMA transfers refused during the drain
  std::vector<std::string> diagnostics;  // why something could not be decoded
  // Entries of the BMC's event log this failure may follow from (indices
  // into Bmc::event_log(), ascending): the failed component's
  // predictive-failure events before the alert; for a thermal shutdown,
  // also every fan stop and threshold crossing before it.
  std::vector<uint32_t> related_events;
  // The failed component's predictive-failure alarm was up when the alert
  // came (asserted since the host's last reset and not deasserted): when it
  // asserted. Absent: the failure came unannounced.
  std::optional<uint64_t> alarm_asserted_t_ns;
  double alert_to_report_s() const { return static_cast<double>(report_t_ns - alert_t_ns) * 1e-9; }
};

}  // namespace crashtwin
