// Vocabulary shared by the firmware, the models and the tools: component
// classes, error types, metrics and the error event the hardware reports.
// One place for each name: to_string/parse here are what YAML, JSON and CPER
// tooling use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crashtwin {

enum class ComponentClass : uint8_t { cpu = 0, memory = 1, disk = 2, network = 3 };
inline constexpr size_t kComponentClassCount = 4;

// A component instance: core 3, DIMM 1, disk 0, NIC 1.
struct ComponentId {
  ComponentClass cls = ComponentClass::cpu;
  uint16_t instance = 0;
  friend constexpr bool operator==(ComponentId, ComponentId) = default;
};

// Error types the capture catalog knows. The order is part of the crash-region
// format (stored in CPER vendor sections): append only.
enum class ErrorType : uint16_t {
  page_fault = 0,
  invalid_opcode,
  machine_check,
  memory_uncorrectable,
  thermal_shutdown,
  disk_timeout,
  disk_media_error,
  nic_fatal,
  watchdog_hang,
};
inline constexpr size_t kErrorTypeCount = 9;

// The component class an error type is reported against.
ComponentClass component_class_of(ErrorType e);

// Metrics a component instance exposes as memory-mapped registers. Counters are
// cumulative since reset; gauges are instantaneous. Units are in the names'
// comments and fixed: ppm for ratios, milli-degrees Celsius, milliwatts,
// nanoseconds, bytes. Append only (register offsets derive from the order
// within a class).
enum class Metric : uint8_t {
  // cpu core
  cpu_utilization = 0,   // gauge, ppm of time busy
  cpu_temperature,       // gauge, m°C
  cpu_power,             // gauge, mW
  cpu_exceptions,        // counter
  cpu_interrupts,        // counter
  cpu_corrected_errors,  // counter, corrected machine checks
  // memory (one DIMM)
  mem_pressure,            // gauge, ppm of capacity in use by the workload
  mem_traffic_bytes,       // counter
  mem_corrected_errors,    // counter
  mem_uncorrected_errors,  // counter
  mem_temperature,         // gauge, m°C
  // disk
  disk_ops,           // counter, completed I/Os
  disk_latency,       // gauge, ns, mean latency of recent I/Os
  disk_queue_depth,   // gauge, outstanding I/Os
  disk_timeouts,      // counter
  disk_media_errors,  // counter
  disk_temperature,   // gauge, m°C
  // network interface
  net_bytes,        // counter, rx + tx
  net_latency,      // gauge, ns
  net_crc_errors,   // counter
  net_link_flaps,   // counter
  net_drops,        // counter
  net_temperature,  // gauge, m°C
  // memory, appended after the others so that recorded metric numbers (the
  // sensor history of the crash region) keep their meaning
  mem_ce_rows,     // counter: distinct DRAM rows (rank, bank, row) with a corrected error since boot
  mem_ce_banks,    // counter: distinct banks (rank, bank) with a corrected error since boot
  mem_ce_columns,  // counter: distinct columns (rank, bank, column) with a corrected error since boot
  mem_ce_repeats,  // counter: corrected errors at an address that had one before (a stuck cell)
  // disk SMART attributes (raw values; models/disk/fault_process.h), appended
  // for the same reason
  disk_reallocated_sectors,    // counter: SMART 5, Reallocated Sectors Count
  disk_reported_uncorrectable, // counter: SMART 187, Reported Uncorrectable Errors
  disk_command_timeouts,       // counter: SMART 188, Command Timeout
  disk_pending_sectors,        // counter: SMART 197, Current Pending Sector Count
  disk_offline_uncorrectable,  // counter: SMART 198, Offline Uncorrectable
  // memory: the error bits of corrected errors (the DQ lanes and beats of the
  // burst the controller corrected; models/dram/fault_process.h), appended
  // for the same reason. A corrected error whose bits the controller does
  // not report counts in neither.
  mem_ce_multi_dq,    // counter: corrected errors with bad bits in two or more DQ lanes
  mem_ce_multi_beat,  // counter: corrected errors with bad bits in two or more beats of the burst
};
inline constexpr size_t kMetricCount = 34;
inline constexpr size_t kMaxMetricsPerClass = 11;

ComponentClass component_class_of(Metric m);
// Index of the metric within its class (0..kMaxMetricsPerClass-1): the
// register slot a device exposes it at.
uint32_t metric_slot(Metric m);
// Number of metrics of a class and the i-th of them.
uint32_t metric_count(ComponentClass c);
Metric metric_at(ComponentClass c, uint32_t slot);
bool metric_is_counter(Metric m);

// Device state blocks the firmware can read for a capture.
enum class StateKind : uint8_t {
  register_file = 0,  // cpu: architectural registers of the core
  error_log = 1,      // memory: corrected/uncorrected error log of the controller
  queue_state = 2,    // disk/network: submission/completion queue state
};

// What the hardware reports when a component fails (the firmware's error
// handler reads it from the device's error status registers).
struct ErrorEvent {
  ComponentId component;
  ErrorType type = ErrorType::page_fault;
  uint64_t time_ns = 0;
  uint64_t address = 0;  // faulting physical address where it applies
  uint64_t detail = 0;   // error-specific syndrome (opcode, status code)
};

// ErrorEvent::detail of an operator's `dump` on the control channel (ASCII
// "DUMP"): a capture nobody's hardware reported. Its CPER record is of
// informational severity.
inline constexpr uint64_t kOperatorDumpDetail = 0x44554D50;

const char* to_string(ComponentClass c);
const char* to_string(ErrorType e);
const char* to_string(Metric m);
const char* to_string(StateKind k);
bool parse(std::string_view text, ComponentClass& out);
bool parse(std::string_view text, ErrorType& out);
bool parse(std::string_view text, Metric& out);

}  // namespace crashtwin
