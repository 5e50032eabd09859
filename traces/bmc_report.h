// bmc/report.json and bmc/record-<n>.cper: what the BMC decoded from the crash
// region after each alert. The models engineer converts the BMC model's
// decoded records into these plain structs (no SystemC here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/types.h"

namespace crashtwin {

// One CPER section of a record and how much of what the failure needed it
// holds.
struct BmcSection {
  std::string type;       // "processor_generic", "platform_memory", "vendor.register_file"...
  uint64_t length = 0;    // section body length in the record
  uint64_t needed = 0;    // bytes a full capture of this section takes
  uint64_t captured = 0;  // bytes actually captured (<= needed)
  // "clear", "redacted" (secret bytes written as zeros) or "sealed" (a
  // sealed box only the operator's key opens: `crashtwin cper unseal`).
  // report.json names it only when not clear.
  std::string protection = "clear";
};

// One kernel stack a record holds, as the BMC reads it
// (platform/capture/captured_stacks.h).
struct BmcStack {
  int32_t core = -1;  // -1: no register file of the record has its rsp there
  uint64_t high_water_bytes = 0;
  uint64_t depth_bytes = 0;  // when the core is known
  bool overflow = false;     // STACK_END_MAGIC overwritten
};

// The kernel stacks of a raw record (empty when it has none or does not parse).
std::vector<BmcStack> kernel_stacks_of(std::span<const std::byte> cper);

// One decoded CPER record.
struct BmcRecord {
  uint32_t slice = 0;          // slice index it was found in
  uint64_t record_id = 0;      // CPER record id: boot count << 32 | failure sequence
  ComponentId component;       // component the record is about
  ErrorType error = ErrorType::page_fault;
  std::string severity;        // "fatal", "recoverable", "corrected"
  uint64_t timestamp_ns = 0;   // record timestamp (simulated time)
  std::vector<BmcSection> sections;
  bool truncated = false;      // capture stopped before everything needed fitted
  std::vector<std::byte> cper; // the raw record as read by DMA; becomes record-<n>.cper
  std::vector<BmcStack> kernel_stacks;  // read from `cper` (kernel_stacks_of)
};

// What the BMC concluded from one alert.
struct BmcVerdict {
  uint64_t alert_t_ns = 0;
  uint64_t report_t_ns = 0;
  bool identified = false;        // the BMC named a failed component at all
  ComponentId failed_component;   // meaningful only if identified
  ErrorType error = ErrorType::page_fault;
  uint32_t failure_sequence = 0;  // which failure of the boot the alert named
  bool slice_found = false;       // the failed component had a slice
  bool record_found = false;      // its slice held this failure's record
  bool record_truncated = false;  // that record did not fit whole
  double alert_to_report_s = 0;
  std::vector<uint32_t> records;  // indices into BmcReport::records
  uint32_t refused_accesses = 0;  // DMA accesses outside the window during the drain
  uint64_t bytes_drained = 0;     // bytes the BMC moved by DMA
  std::vector<std::string> diagnostics;  // why something could not be decoded
  std::vector<uint32_t> related_events;  // indices into BmcReport::event_log this failure may follow from
  // The failed component's predictive-failure alarm was up at the alert,
  // asserted then (JSON "alarm_asserted_t_ns"; absent: unannounced).
  std::optional<uint64_t> alarm_asserted_t_ns;
};

// One entry of the BMC's event log (the SEL): a polled sensor changed
// state, or the host firmware reported a predictive-failure alarm change.
struct BmcEvent {
  uint64_t t_ns = 0;
  std::string sensor;  // "fan2", "board.cpu.core1", a component ("memory.1")
  // "stopped", "upper critical going high", "upper critical going low",
  // "predictive failure asserted", "predictive failure deasserted"
  std::string event;
  // A threshold event's reading and threshold (C); absent (nullopt) for a fan's.
  std::optional<double> reading_c{};
  std::optional<double> threshold_c{};
  // A predictive-failure event's component and failure probability (0..1).
  std::optional<ComponentId> component{};
  std::optional<double> probability{};
};

struct BmcReport {
  std::vector<BmcRecord> records;
  std::vector<BmcVerdict> verdicts;
  std::vector<BmcEvent> event_log;  // the whole run's, failures or none
};

// Writes <dir>/report.json and <dir>/record-<n>.cper (n = index in records,
// from 0) atomically; removes nothing else. Throws io_error.
void write_bmc_report(const BmcReport& report, const std::filesystem::path& dir);
// Reads <dir>/report.json and each record's .cper bytes (a missing .cper file
// leaves that record's bytes empty). Throws format_error.
BmcReport read_bmc_report(const std::filesystem::path& dir);
// The same from report.json's text (`path` names it in messages); the
// records' .cper bytes are read from `cper_dir` when it is not empty, else
// left empty.
BmcReport parse_bmc_report(std::string_view text, const std::filesystem::path& path,
                           const std::filesystem::path& cper_dir);

}  // namespace crashtwin
