#include "platform/core/types.h"

namespace crashtwin {
namespace {

struct MetricInfo {
  Metric metric;
  ComponentClass cls;
  uint32_t slot;
  bool counter;
  const char* name;
};

// Single table of metric facts; register slots follow the order within a class.
constexpr MetricInfo kMetrics[kMetricCount] = {
    {Metric::cpu_utilization, ComponentClass::cpu, 0, false, "cpu_utilization"},
    {Metric::cpu_temperature, ComponentClass::cpu, 1, false, "cpu_temperature"},
    {Metric::cpu_power, ComponentClass::cpu, 2, false, "cpu_power"},
    {Metric::cpu_exceptions, ComponentClass::cpu, 3, true, "cpu_exceptions"},
    {Metric::cpu_interrupts, ComponentClass::cpu, 4, true, "cpu_interrupts"},
    {Metric::cpu_corrected_errors, ComponentClass::cpu, 5, true, "cpu_corrected_errors"},
    {Metric::mem_pressure, ComponentClass::memory, 0, false, "mem_pressure"},
    {Metric::mem_traffic_bytes, ComponentClass::memory, 1, true, "mem_traffic_bytes"},
    {Metric::mem_corrected_errors, ComponentClass::memory, 2, true, "mem_corrected_errors"},
    {Metric::mem_uncorrected_errors, ComponentClass::memory, 3, true, "mem_uncorrected_errors"},
    {Metric::mem_temperature, ComponentClass::memory, 4, false, "mem_temperature"},
    {Metric::disk_ops, ComponentClass::disk, 0, true, "disk_ops"},
    {Metric::disk_latency, ComponentClass::disk, 1, false, "disk_latency"},
    {Metric::disk_queue_depth, ComponentClass::disk, 2, false, "disk_queue_depth"},
    {Metric::disk_timeouts, ComponentClass::disk, 3, true, "disk_timeouts"},
    {Metric::disk_media_errors, ComponentClass::disk, 4, true, "disk_media_errors"},
    {Metric::disk_temperature, ComponentClass::disk, 5, false, "disk_temperature"},
    {Metric::net_bytes, ComponentClass::network, 0, true, "net_bytes"},
    {Metric::net_latency, ComponentClass::network, 1, false, "net_latency"},
    {Metric::net_crc_errors, ComponentClass::network, 2, true, "net_crc_errors"},
    {Metric::net_link_flaps, ComponentClass::network, 3, true, "net_link_flaps"},
    {Metric::net_drops, ComponentClass::network, 4, true, "net_drops"},
    {Metric::net_temperature, ComponentClass::network, 5, false, "net_temperature"},
    {Metric::mem_ce_rows, ComponentClass::memory, 5, true, "mem_ce_rows"},
    {Metric::mem_ce_banks, ComponentClass::memory, 6, true, "mem_ce_banks"},
    {Metric::mem_ce_columns, ComponentClass::memory, 7, true, "mem_ce_columns"},
    {Metric::mem_ce_repeats, ComponentClass::memory, 8, true, "mem_ce_repeats"},
    {Metric::disk_reallocated_sectors, ComponentClass::disk, 6, true, "disk_reallocated_sectors"},
    {Metric::disk_reported_uncorrectable, ComponentClass::disk, 7, true, "disk_reported_uncorrectable"},
    {Metric::disk_command_timeouts, ComponentClass::disk, 8, true, "disk_command_timeouts"},
    {Metric::disk_pending_sectors, ComponentClass::disk, 9, true, "disk_pending_sectors"},
    {Metric::disk_offline_uncorrectable, ComponentClass::disk, 10, true, "disk_offline_uncorrectable"},
    {Metric::mem_ce_multi_dq, ComponentClass::memory, 9, true, "mem_ce_multi_dq"},
    {Metric::mem_ce_multi_beat, ComponentClass::memory, 10, true, "mem_ce_multi_beat"},
};

constexpr const char* kClassNames[kComponentClassCount] = {"cpu", "memory", "disk", "network"};

struct ErrorInfo {
  const char* name;
  ComponentClass cls;
};
constexpr ErrorInfo kErrors[kErrorTypeCount] = {
    {"page_fault", ComponentClass::cpu},
    {"invalid_opcode", ComponentClass::cpu},
    {"machine_check", ComponentClass::cpu},
    {"memory_uncorrectable", ComponentClass::memory},
    {"thermal_shutdown", ComponentClass::cpu},
    {"disk_timeout", ComponentClass::disk},
    {"disk_media_error", ComponentClass::disk},
    {"nic_fatal", ComponentClass::network},
    {"watchdog_hang", ComponentClass::cpu},
};

const MetricInfo& info(Metric m) { return kMetrics[static_cast<size_t>(m)]; }

}  // namespace

ComponentClass component_class_of(ErrorType e) { return kErrors[static_cast<size_t>(e)].cls; }
ComponentClass component_class_of(Metric m) { return info(m).cls; }
uint32_t metric_slot(Metric m) { return info(m).slot; }
bool metric_is_counter(Metric m) { return info(m).counter; }

uint32_t metric_count(ComponentClass c) {
  uint32_t n = 0;
  for (const auto& m : kMetrics) n += (m.cls == c) ? 1u : 0u;
  return n;
}

Metric metric_at(ComponentClass c, uint32_t slot) {
  for (const auto& m : kMetrics)
    if (m.cls == c && m.slot == slot) return m.metric;
  return Metric::cpu_utilization;
}

const char* to_string(ComponentClass c) {
  auto i = static_cast<size_t>(c);
  return i < kComponentClassCount ? kClassNames[i] : "unknown";
}
const char* to_string(ErrorType e) {
  auto i = static_cast<size_t>(e);
  return i < kErrorTypeCount ? kErrors[i].name : "unknown";
}
const char* to_string(Metric m) {
  auto i = static_cast<size_t>(m);
  return i < kMetricCount ? kMetrics[i].name : "unknown";
}
const char* to_string(StateKind k) {
  switch (k) {
    case StateKind::register_file: return "register_file";
    case StateKind::error_log: return "error_log";
    case StateKind::queue_state: return "queue_state";
  }
  return "unknown";
}

bool parse(std::string_view text, ComponentClass& out) {
  for (size_t i = 0; i < kComponentClassCount; ++i)
    if (text == kClassNames[i]) {
      out = static_cast<ComponentClass>(i);
      return true;
    }
  return false;
}
bool parse(std::string_view text, ErrorType& out) {
  for (size_t i = 0; i < kErrorTypeCount; ++i)
    if (text == kErrors[i].name) {
      out = static_cast<ErrorType>(i);
      return true;
    }
  return false;
}
bool parse(std::string_view text, Metric& out) {
  for (const auto& m : kMetrics)
    if (text == m.name) {
      out = m.metric;
      return true;
    }
  return false;
}

}  // namespace crashtwin
