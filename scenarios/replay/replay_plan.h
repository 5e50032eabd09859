// How a recorded telemetry trace (telemetry_trace.h) drives the board: each
// replayable metric maps onto the precursor hook that makes the twin's own
// register follow the recording, and the trace becomes a time-ordered list
// of hook calls the injector plays (scenarios/injector/replay_player.h).
// Host code, no SystemC, so the mapping is testable on its own.
//
//   metric                                   hook (at the sample's time)
//   mem_corrected_errors   (counter)         Dram::inject_corrected_errors(increase): exact
//   mem_temperature        (gauge, m°C)      Dram::pin_temperature(value): exact
//   disk_media_errors, disk_timeouts,
//   net_crc_errors         (counters)        IoDevice::set_error_rate(increase to the next
//                                            sample / interval): the count in expectation
//   cpu_corrected_errors,
//   cpu_exceptions         (counters)        CpuCluster::set_replayed_rates(core, the same
//                                            rate): the count in expectation
//   net_link_flaps         (counter)         Nic::link_flap() once per increase: exact
//   disk_latency, net_latency (gauges, ns)   IoDevice::set_latency_offset(value - the
//                                            series' first value): the recorded change
//   disk_temperature, net_temperature (m°C)  IoDevice::set_inlet_temperature(value):
//                                            the device adds its own heating
//   cpu_temperature        (gauge, m°C)      CpuCluster::set_core_inlet(core, value): the
//                                            core adds its own heating
//
// Other metrics (workload counters, utilisation, power, interrupts) are
// results of the workload or of the cpu model, not precursors a log
// records; a trace that names one is rejected.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "platform/core/types.h"
#include "scenarios/replay/telemetry_trace.h"

namespace crashtwin::replay {

bool is_replayable(Metric m);
// "mem_corrected_errors, mem_temperature, ..." for messages and docs.
std::string replayable_metric_names();

enum class ReplayHook : uint8_t {
  inject_corrected_errors,  // count = value
  dimm_temperature,         // m°C = value
  counter_rate,             // per second = rate (which counter: `metric`)
  latency_offset,           // ns = value
  inlet_temperature,        // m°C = value
  link_flaps,               // count = value
};

inline constexpr uint64_t kNoAddress = UINT64_MAX;

struct ReplayStep {
  uint64_t time_ns = 0;  // from the trace's start
  ComponentId component;
  Metric metric = Metric::mem_corrected_errors;  // the series it comes from
  ReplayHook hook = ReplayHook::inject_corrected_errors;
  uint64_t value = 0;
  double rate = 0;  // counter_rate only
  // inject_corrected_errors from a memory error log: where the errors were
  // (physical address in the logged machine); kNoAddress: the DIMM's model
  // places them (its weak row).
  uint64_t address = kNoAddress;
};

// The hook calls that replay `samples` (file order, non-decreasing time, as
// TelemetryTrace guarantees), in time order. A counter's first sample sets
// its baseline (the device's counter starts from 0 in the twin, the log's
// from wherever it was); increases after it are replayed. Samples of
// non-replayable metrics are skipped (the loader rejects them first).
std::vector<ReplayStep> plan_replay(std::span<const TelemetrySample> samples);

}  // namespace crashtwin::replay
