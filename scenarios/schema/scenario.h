// Scenario schema v1: what a scenario file says, after units are parsed and
// every value checked (docs/scenarios.md is the user's description of the
// same schema). Times are simulated nanoseconds from power-on, sizes bytes,
// rates events per second, temperatures degrees Celsius, ratios 0..1.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/agent/numa_layout.h"
#include "platform/capture/catalog.h"
#include "platform/capture/confidentiality.h"
#include "platform/core/types.h"
#include "platform/monitor/control_command.h"
#include "platform/predictor/alarm.h"
#include "policies/strategies/strategy_params.h"
#include "scenarios/schema/diagnostics.h"
#include "scenarios/schema/replay.h"
#include "traces/trace_level.h"

namespace crashtwin::scenario {

inline constexpr int kSchemaVersion = 1;

// One board parameter as written under `board:`, flattened to a dotted name
// relative to the board ("dram.size", "cpu.count") with its value text; the
// board registry (models/config) types and checks it.
struct BoardParam {
  std::string name;
  std::string value;
  Location where;
};

// A workload phase: from `at` on, the board's workload runs at these levels
// until the next phase starts. Unset levels keep the previous phase's value.
struct WorkloadPhase {
  std::string name;
  uint64_t at_ns = 0;
  std::optional<double> cpu_utilization;   // 0..1
  std::optional<double> memory_pressure;   // 0..1
  std::optional<double> disk_iops;         // I/Os per second
  std::optional<double> network_bytes_per_s;
  // What delays the cores' timer interrupts (models/cpu/core_timer.h):
  std::optional<double> interrupt_rate;         // interrupts per second per core on top of the load's
  std::optional<double> irq_masked;             // share of time interrupts are masked, 0..1
  std::optional<uint64_t> irq_masked_section_ns;  // mean masked section
  std::optional<double> lock_contention;        // share of time in an irq-save lock, 0..1
  std::optional<uint64_t> lock_hold_ns;         // mean hold time
  Location where;
};

// Background behaviour of one component instance over the whole run: the
// corrected-error trickle and ambient temperature a healthy part shows, so
// the predictor has noise to see through.
struct ComponentBaseline {
  ComponentId component;
  double corrected_error_rate = 0;  // per second
  std::optional<double> temperature_c;
  Location where;
};

enum class PrecursorKind : uint8_t {
  corrected_error_burst,  // corrected errors at `rate`
  temperature_ramp,       // temperature rises linearly to `level`
  exception_rate_rise,    // CPU exceptions at `rate`
  io_latency,             // disk/NIC latency rises linearly to `level` (ns)
  io_errors,              // disk timeouts / NIC CRC errors at `rate`
  link_flap,              // NIC link flaps at `rate`
  stack_recursion,        // a core's deepest kernel path grows linearly to `level` bytes of stack
};
inline constexpr size_t kPrecursorKindCount = 7;
const char* to_string(PrecursorKind k);
bool parse(std::string_view text, PrecursorKind& out);
// Component classes a precursor kind can act on.
bool applies_to(PrecursorKind k, ComponentClass c);

// A pattern that starts `lead_time` before its anchor (the failure, or the
// false alarm's time) and lasts until the anchor.
struct Precursor {
  PrecursorKind kind = PrecursorKind::corrected_error_burst;
  ComponentId component;     // defaults to the anchor's component
  uint64_t lead_time_ns = 0;
  double rate_per_s = 0;     // event kinds: mean events per second (Poisson)
  double level = 0;          // ramps: temperature_ramp in C, io_latency in ns, stack_recursion in bytes
  double noise = 0;          // 0..1: relative jitter of rates and levels
  Location where;
};

enum class TimeDistribution : uint8_t { fixed, uniform, exponential, normal };
const char* to_string(TimeDistribution d);
bool parse(std::string_view text, TimeDistribution& out);

// When a failure fires: a fixed time, or drawn from a distribution with the
// scenario seed (truncated to the run's duration by redrawing).
struct FailureTime {
  TimeDistribution distribution = TimeDistribution::fixed;
  uint64_t at_ns = 0;      // fixed
  uint64_t from_ns = 0;    // uniform: [from, to]; exponential/normal: not before `from`
  uint64_t to_ns = 0;
  uint64_t mean_ns = 0;    // exponential (after `from`), normal
  uint64_t stddev_ns = 0;  // normal
};

struct Failure {
  std::string name;
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  FailureTime when;
  std::vector<Precursor> precursors;
  Location where;
  // A replayed log's physical address of the error (memory failures);
  // otherwise the injector draws one inside the DIMM with the seed.
  std::optional<uint64_t> logged_address;
};

// Precursor patterns with no failure after them: what a predictor must not
// over-react to.
struct FalseAlarm {
  std::string name;
  ComponentId component;
  uint64_t at_ns = 0;  // the precursors lead up to this time, then stop
  std::vector<Precursor> precursors;
  Location where;
};

// `control:`: one line written to the firmware's control channel
// (platform/monitor/control_command.h) at `at`, from the host's control
// entry or the BMC's command mailbox. The line is sent as written: the
// firmware's parser, not the loader, judges it (a refused line is counted).
struct ControlEntry {
  uint64_t at_ns = 0;
  std::string command;
  ControlSource from = ControlSource::host;
  Location where;
};

// `workloads:`: a named workload (a process group or container) that runs on
// some cores between `start` and `stop`, with its own memory bandwidth and
// LLC working set. The kernel tells the firmware when it starts and stops,
// and the firmware monitors it with an RMID (platform/monitor/rdt_monitor.h).
struct NamedWorkload {
  std::string name;
  uint32_t id = 0;                    // the workload id the firmware's RMID owner records
  std::vector<uint32_t> cores;        // core indices of the cpu cluster
  uint64_t start_ns = 0;
  uint64_t stop_ns = 0;               // the run's end when not given
  bool stops = false;                 // `stop` given (else it runs to the end)
  double memory_bandwidth_bps = 0;    // spread evenly over its cores
  uint64_t llc_working_set_bytes = 0;
  Location where;
};

// Agent configuration (the platform agent's AgentConfig, in scenario units).
struct AgentSettings {
  uint64_t allocation_frequency_ns = 100'000'000;
  uint64_t minimum_partition_size = 4ull << 20;
  uint64_t maximum_partition_size = 256ull << 20;
  uint64_t budget_bytes = 512ull << 20;
  // Empty: the embedded default (data/failure-models/default.ctpm,
  // scenarios/runner/default_model.h). Relative paths are
  // resolved against the scenario file's directory by the loader.
  std::string failure_prediction_model_path;
  std::optional<uint64_t> horizon_ns;  // unset: the model's own horizon
  // The span of the feature windows (MetricWindow::reset); unset: the
  // model's own (FailureModel::window_ns).
  std::optional<uint64_t> feature_window_ns;
  uint64_t rmid_limbo_ns = 1'000'000'000;  // a freed RMID's wait before reuse
  // Predictive-failure alarm hysteresis (platform/predictor/alarm.h).
  double alarm_clear_ratio = AlarmConfig{}.clear_ratio;
  uint64_t alarm_clear_time_ns = AlarmConfig{}.clear_time_ns;
  // Where the board reserves the crash region: at the top of DRAM, or
  // across the boundary between the middle NUMA nodes (half on each side),
  // so that both sockets have part of it; and where slices go in it.
  enum class RegionPlacement : uint8_t { top, node_boundary };
  RegionPlacement region_placement = RegionPlacement::top;
  SlicePlacement slice_placement = SlicePlacement::any;
  Location where;
};

enum class CompareOp : uint8_t { lt, le, gt, ge, eq, ne };
const char* to_string(CompareOp op);  // "<", "<=", ...
bool parse(std::string_view text, CompareOp& out);
bool holds(double actual, CompareOp op, double bound);

struct ExpectationSpec {
  std::string metric;                 // dotted: "alert_to_report_s.max"
  CompareOp op = CompareOp::ge;
  double value = 0;
  std::vector<std::string> policies;  // empty: applies to every policy
  // Empty: judges the predictive-bmc runs only. The baselines run the same
  // scenario to be compared, and are expected to miss what the predictive
  // path captures; an expectation about them lists them (or `all`).
  std::vector<std::string> strategies;
  Location where;
};

// `confidentiality:`: host memory pages (and registers) whose bytes never
// reach the crash region in the clear (platform/capture/confidentiality.h).
struct ConfidentialitySettings {
  ConfidentialityMode mode = ConfidentialityMode::off;
  std::vector<SecretRange> secret;  // page-aligned host physical ranges
  bool registers = false;           // register contents are secret too
  // Seal mode: the operator's X25519 public key (from a key file or written
  // inline as 64 hex digits).
  std::array<uint8_t, kOperatorKeyBytes> operator_public_key{};
  std::string operator_public_key_source;  // the file it was read from, or "inline"
  Location where;
};

struct Scenario {
  int schema_version = kSchemaVersion;
  std::string name;
  // Scenarios made by one generator or recipe share a family; a predictor is
  // judged on families it never trained on, since two scenarios of a family
  // differ less than the field differs from either. Default: the name.
  std::string family;
  std::string description;
  uint64_t seed = 1;
  uint64_t duration_ns = 0;
  // A fleet: this machine `fleet_machines` times, machine i with seed
  // `seed + i` (a batch's and a dataset's runs; `crashtwin run` runs the
  // machine its seed names). 1: one machine.
  uint64_t fleet_machines = 1;
  // `traces:` what the results directory keeps: every trace, or the
  // summary and the BMC's records only (traces/trace_level.h).
  TraceLevel traces = TraceLevel::full;
  std::vector<BoardParam> board;
  std::vector<WorkloadPhase> phases;
  std::vector<ComponentBaseline> components;
  std::vector<Failure> failures;
  std::vector<FalseAlarm> false_alarms;
  std::vector<ControlEntry> control;
  std::vector<NamedWorkload> workloads;
  AgentSettings agent;
  std::vector<std::string> policies;    // to compare; empty: every registered policy
  // Capture strategies to compare; empty: every registered strategy
  // (strategy_names()). Baselines pair only with `static` (choices.h).
  std::vector<std::string> strategies;
  // The strategies' timing parameters, defaults overridden by the scenario's
  // `strategy:` map (dotted names of strategy_param_table()).
  StrategyParams strategy_params;
  // Each `strategy:` entry as written ("dump.compress_bandwidth", "300 MB/s"), for
  // config.yaml.
  std::vector<BoardParam> strategy_settings;
  // The capture facts of the host OS and drivers, defaults overridden by the
  // scenario's `capture:` map (capture_params.h); the runner adds the
  // board's cores, MCA banks and memory layout.
  BoardFacts capture_facts;
  // Each `capture:` entry as written ("log_buf_len", "4 MiB"), for config.yaml.
  std::vector<BoardParam> capture_settings;
  std::vector<ExpectationSpec> expectations;
  std::optional<ReplaySettings> replay;  // `replay:`: recorded telemetry (schema/replay.h)
  ConfidentialitySettings confidentiality;  // mode off: none
  std::string source_path;              // the file it was loaded from
};

// "memory.1" <-> ComponentId; the spelling timeseries columns use too.
std::string to_string(ComponentId c);
bool parse_component(std::string_view text, ComponentId& out);

}  // namespace crashtwin::scenario
