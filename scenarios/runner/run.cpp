#include "scenarios/runner/run.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemc>

#include "models/bmc/bmc.h"
#include "models/board/board.h"
#include "models/board/host_kernel.h"
#include "models/cpu/cpu_cluster.h"
#include "models/cpu/kernel_layout.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/recovery/host_recovery.h"
#include "models/sensors/sensors.h"
#include "models/workload/io_device.h"
#include "platform/agent/agent.h"
#include "platform/capture/catalog.h"
#include "platform/predictor/features.h"
#include "platform/predictor/predictor.h"
#include "platform/region/crash_region.h"
#include "policies/fixtures/test_fixtures.h"
#include "policies/partitioning/policies.h"
#include "policies/partitioning/static_policy.h"
#include "policies/strategies/strategies.h"
#include "scenarios/injector/injector.h"
#include "scenarios/injector/replay_player.h"
#include "scenarios/injector/schedule.h"
#include "scenarios/runner/cache_recorder.h"
#include "scenarios/runner/default_model.h"
#include "scenarios/runner/expectations.h"
#include "scenarios/runner/memory_recorder.h"
#include "scenarios/runner/numa_recorder.h"
#include "scenarios/runner/metrics.h"
#include "scenarios/runner/results_writer.h"
#include "scenarios/runner/recovery.h"
#include "scenarios/runner/run_recorder.h"
#include "scenarios/runner/stack_recorder.h"
#include "scenarios/runner/workload_recorder.h"
#include "scenarios/schema/choices.h"
#include "scenarios/schema/quantity_text.h"
#include "traces/sealed_box.h"

namespace crashtwin::scenario {
namespace {

// The per-core timers' record per phase and what the agent made of it
// (timer_jitter.json).
TimerJitter timer_jitter_of(Board& board, const AgentStats& agent) {
  TimerJitter t;
  t.firmware = {agent.ticks,      agent.missed_ticks,       agent.late_ticks,
                agent.tick_lateness_max_ns, agent.core_tick_overruns, agent.tick_skew_max_ns};
  auto* cluster = dynamic_cast<CpuCluster*>(board.cpu_cluster());
  if (cluster == nullptr || cluster->timer_period_ns() == 0) return t;
  t.period_ns = cluster->timer_period_ns();
  t.cores = cluster->core_count();
  t.deviation_edges_ns.assign(DeviationHistogram::kEdgesNs.begin(), DeviationHistogram::kEdgesNs.end());
  for (const TimerSegment& seg : cluster->timer_segments()) {
    TimerJitterPhase p;
    p.name = seg.name;
    p.start_ns = seg.start_ns;
    p.end_ns = seg.end_ns;
    p.ticks = seg.ticks;
    p.samples = seg.delta_ns.count;
    p.delta_min_ns = seg.delta_ns.min;
    p.delta_max_ns = seg.delta_ns.max;
    p.delta_mean_ns = seg.delta_ns.mean();
    p.delta_stddev_ns = seg.delta_ns.stddev();
    p.missed_ticks = seg.missed;
    p.latency_mean_ns = seg.latency_ns.mean();
    p.latency_max_ns = seg.latency_ns.max;
    p.skew_mean_ns = seg.skew_ns.mean();
    p.skew_max_ns = seg.skew_ns.max;
    p.deviation_counts.assign(seg.deviation.counts.begin(), seg.deviation.counts.end());
    t.phases.push_back(std::move(p));
  }
  return t;
}

// The crash region sits at the top of DRAM, aligned so the buddy allocator's
// largest orders line up with physical pages.
constexpr uint64_t kRegionAlignment = 2ull << 20;

// After the scenario's end the board runs on, in steps, until every
// recovery has finished; the limit keeps a recovery that cannot end (a dump
// target timing out command after command) from running forever.
constexpr uint64_t kRecoveryTailStepNs = 10'000'000'000;
constexpr uint64_t kRecoveryTailLimitNs = 24 * 3600 * 1'000'000'000ull;

uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// The BMC model's timing comes from the predictive-bmc strategy's
// parameters, the one place they are set: the simulated drain and the
// strategy's recovery timeline then agree by construction.
struct BmcParamFromStrategy {
  const char* board_key;  // under the board's prefix
  const char* strategy_key;
};
constexpr BmcParamFromStrategy kBmcParamsFromStrategy[] = {
    {"bmc.link_bandwidth", "predictive_bmc.link_bandwidth"},
    {"bmc.alert_latency", "predictive_bmc.alert_latency"},
    {"bmc.report_time", "predictive_bmc.report"},
};

// The scenario's `board:` section, the board's parameters (and the prefix
// of their names in messages).
constexpr const char* kBoardPrefix = "board";

// The scenario's `board:` values under `prefix`.
ParamTree board_params(const Scenario& s, const std::string& prefix) {
  ParamTree tree;
  for (const BoardParam& p : s.board) {
    for (const BmcParamFromStrategy& b : kBmcParamsFromStrategy)
      if (p.name == b.board_key)
        throw ScenarioError(fmt::format("{}: board.{}: the BMC's timing is set once, as the strategy parameter "
                                        "strategy.{} (it drives both the simulated BMC and the strategy's timeline)",
                                        p.where.to_string(), b.board_key, b.strategy_key));
    // A --set value has no line: its location names the option instead.
    const std::string file = p.where.line > 0 ? p.where.file : p.where.to_string();
    tree.set(prefix + "." + p.name, p.value,
             SourceLocation{file, static_cast<uint32_t>(p.where.line), static_cast<uint32_t>(p.where.column)});
  }
  if (tree.find(prefix + ".seed") == nullptr) tree.set(prefix + ".seed", std::to_string(s.seed));
  const PredictiveBmcParams& bmc = s.strategy_params.predictive_bmc;
  const auto key = [&](size_t i) { return prefix + "." + kBmcParamsFromStrategy[i].board_key; };
  tree.set(key(0), fmt::format("{} B/s", bmc.link_bandwidth_bytes_per_s));  // exact
  tree.set(key(1), detail::format_param(ParamKind::duration, bmc.alert_latency_ns));
  tree.set(key(2), detail::format_param(ParamKind::duration, bmc.report_ns));
  return tree;
}

std::vector<std::byte> model_blob(const AgentSettings& a, FailureModel& parsed, bool for_the_agent) {
  std::vector<std::byte> blob;
  if (a.failure_prediction_model_path.empty()) {
    const std::span<const std::byte> embedded = default_model_blob();
    blob.assign(embedded.begin(), embedded.end());
  } else {
    std::error_code ec;
    std::ifstream in;
    // A directory opens but throws on the first read: refuse it as bad input.
    if (std::filesystem::is_regular_file(a.failure_prediction_model_path, ec))
      in.open(a.failure_prediction_model_path, std::ios::binary);
    if (!in.is_open())
      throw ScenarioError(fmt::format("{}: agent.failure_prediction_model_path: cannot open '{}'", a.where.to_string(),
                                      a.failure_prediction_model_path));
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    blob.resize(bytes.size());
    std::memcpy(blob.data(), bytes.data(), bytes.size());
  }
  // The agent would refuse a blob of another feature set with a log line
  // and run without predictions: a run that silently measures no model.
  // A run that records a dataset runs the agent without a model: the blob
  // only gives the horizon, so one of an older feature set (the shipped
  // default while it is being retrained for a new one) is fine there.
  const std::string source =
      a.failure_prediction_model_path.empty() ? std::string("the embedded default") : a.failure_prediction_model_path;
  if (Status st = parse_model(blob, parsed); !ok(st))
    throw ScenarioError(fmt::format("{}: agent.failure_prediction_model_path: '{}' is not a usable model blob ({})",
                                    a.where.to_string(), source, to_string(st)));
  if (const ModelMismatch mismatch = find_mismatch(parsed); for_the_agent && mismatch.kind != ModelMismatch::Kind::none) {
    char why[160];
    describe(mismatch, why);
    throw ScenarioError(fmt::format("{}: agent.failure_prediction_model_path: '{}' is not a usable model blob: {}; "
                                    "retrain it with `crashtwin train` on a dataset this build records",
                                    a.where.to_string(), source, why));
  }
  return blob;
}

// Every component the scenario names must exist on the board it built: a
// precursor on a missing disk would silently do nothing.
void check_components_exist(const Scenario& s, const Board& board) {
  std::string problems;
  const auto check = [&](ComponentId c, const Location& where, const std::string& field) {
    const uint32_t count = board.component_count(c.cls);
    if (c.instance >= count)
      problems += fmt::format("{}{}: {}: the board has no {} ({} {} instance{}; list more under board:)",
                              problems.empty() ? "" : "\n", where.to_string(), field, to_string(c), count,
                              crashtwin::to_string(c.cls), count == 1 ? "" : "s");
  };
  for (size_t i = 0; i < s.components.size(); ++i)
    check(s.components[i].component, s.components[i].where, fmt::format("components[{}].id", i));
  for (size_t i = 0; i < s.failures.size(); ++i) {
    const Failure& f = s.failures[i];
    check(f.component, f.where, fmt::format("injections.failures[{}].component", i));
    for (size_t k = 0; k < f.precursors.size(); ++k)
      check(f.precursors[k].component, f.precursors[k].where,
            fmt::format("injections.failures[{}].precursors[{}].component", i, k));
  }
  for (size_t i = 0; i < s.false_alarms.size(); ++i) {
    const FalseAlarm& a = s.false_alarms[i];
    check(a.component, a.where, fmt::format("injections.false_alarms[{}].component", i));
    for (size_t k = 0; k < a.precursors.size(); ++k)
      check(a.precursors[k].component, a.precursors[k].where,
            fmt::format("injections.false_alarms[{}].precursors[{}].component", i, k));
  }
  if (s.replay)
    for (const ComponentId c : s.replay->components) check(c, s.replay->where, "replay.trace");
  for (size_t i = 0; i < s.workloads.size(); ++i)
    for (uint32_t core : s.workloads[i].cores)  // the loader bounds core indices to kMaxWorkloadCore
      check({ComponentClass::cpu, static_cast<uint16_t>(core)}, s.workloads[i].where,
            fmt::format("workloads[{}].cores", i));
  if (!problems.empty()) throw ScenarioError(problems);
}

// static is kdump's fixed crashkernel reservation (the RHEL 9 table): a
// budget or slice maximum below it would silently make it something else.
void check_static_reservation_fits(const Scenario& s, const StaticPolicy& policy, Board& board) {
  const uint64_t dram = board.dram().size();
  const uint64_t reservation = crashkernel_default_bytes(dram);
  if (s.agent.budget_bytes < reservation)
    throw ScenarioError(fmt::format("{}: agent.budget: {} is below the static policy's crashkernel reservation of {} "
                                    "for {} of DRAM (RHEL 9 table); raise agent.budget or compare without static",
                                    s.agent.where.to_string(), size_text(s.agent.budget_bytes), size_text(reservation),
                                    size_text(dram)));
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    const uint64_t slice = policy.slice_bytes(cls, board.component_count(cls), dram);
    if (slice > s.agent.maximum_partition_size)
      throw ScenarioError(fmt::format(
          "{}: agent.maximum_partition_size: {} is below the {} of crashkernel reservation the static policy gives "
          "each {} slice on this board (RHEL 9 table); raise agent.maximum_partition_size or compare without static",
          s.agent.where.to_string(), size_text(s.agent.maximum_partition_size), size_text(slice),
          crashtwin::to_string(cls)));
  }
}

// SystemC names objects uniquely for the whole process, and a destroyed
// module's processes live on until the kernel starts: the first elaboration
// of a process (a run's only one) names its modules plainly ("board"), any
// later one (validate, capture-needs: several boards, none simulated) adds a
// number ("board_1").
std::string elaboration_suffix() {
  static unsigned elaborations = 0;
  const unsigned n = elaborations++;
  return n == 0 ? std::string() : fmt::format("_{}", n);
}

// The board keeps a pointer to `tree` (its effective configuration): the
// tree must outlive it.
std::unique_ptr<Board> build_board(const Scenario& s, ParamTree& tree, const std::string& name) {
  tree = board_params(s, kBoardPrefix);
  try {
    return std::make_unique<Board>(tree, name.c_str(), kBoardPrefix);
  } catch (const ConfigError& e) {
    throw ScenarioError(e.what());
  }
}

// The scenario's capture sizes with the board's own facts. The kernel's
// memory (log ring, driver queues) must end below the workload's.
BoardFacts capture_facts_of(const Scenario& s, Board& board) {
  BoardFacts facts = s.capture_facts;
  facts.cpu_cores = std::max<uint32_t>(1, board.component_count(ComponentClass::cpu));
  if (const auto* cluster = dynamic_cast<const CpuCluster*>(board.cpu_cluster()))
    facts.mca_banks_per_core = cluster->mca_banks();
  facts.numa_nodes = board.dram().numa_nodes();
  const uint64_t base = board.dram().physical_base();
  facts.log_buf_address = base + kernel_layout::kLogOffset;
  facts.device_queue_address = base + kernel_layout::device_queue_offset(facts.log_buf_len);
  const uint64_t end = kernel_layout::device_queue_offset(facts.log_buf_len) +
                       device_queue_area_bytes(board.component_count(ComponentClass::disk),
                                               board.component_count(ComponentClass::network), facts);
  const uint64_t limit = std::min<uint64_t>(kernel_layout::kUserOffset, board.dram().size() / 2);
  if (end > limit)
    throw ScenarioError(fmt::format(
        "{}: capture: the kernel log ({} bytes) and driver queues end {} MiB into DRAM, past the {} MiB the "
        "simulated kernel has (below the workload's memory and the crash region); lower capture.log_buf_len, "
        "capture.nvme_queues/nvme_queue_depth or capture.nic_rings/nic_ring_descriptors, or raise board.dram.size",
        s.source_path, facts.log_buf_len, end >> 20, limit >> 20));
  return facts;
}

// The agent has one observer slot: the run's recorder first, then the
// request's extra observers. The extras (a dataset recorder) also hear the
// board through here, so both stop together when the scenario ends and the
// board runs on only to finish recoveries.
class ScenarioObservers final : public AgentObserver, public BoardObserver {
 public:
  // The run's own recorders, called in this order before the request's
  // observers: `first` (events, series, traces), `workloads` (the named
  // workloads' RMIDs and counters), `memory` (memory_profile.json), `numa`
  // (where the slices lie on the nodes), `cache` (the cache model's
  // ratios), `stacks` (the kernel stacks' depth and overflows).
  ScenarioObservers(AgentObserver& first, AgentObserver& workloads, AgentObserver& memory, AgentObserver& numa,
                    AgentObserver& cache, AgentObserver& stacks, const RunRequest& request)
      : own_{&first, &workloads, &memory, &numa, &cache, &stacks}, request_(request) {}
  void stop() { stopped_ = true; }

  void on_tick(const Agent& agent, uint64_t time_ns) override {
    if (stopped_) return;
    for (AgentObserver* o : own_) o->on_tick(agent, time_ns);
    for (AgentObserver* o : request_.agent_observers) o->on_tick(agent, time_ns);
    if (request_.watcher != nullptr && !stop_asked_ && request_.watcher->stop_requested()) {
      stop_asked_ = true;
      stopped_at_ns_ = time_ns;
      sc_core::sc_pause();  // sc_start returns at the end of this delta cycle
    }
  }
  // The watcher stopped the simulation at this tick.
  std::optional<uint64_t> stopped_at_ns() const {
    return stop_asked_ ? std::optional<uint64_t>(stopped_at_ns_) : std::nullopt;
  }
  void on_repartition(const Agent& agent, const RepartitionReport& report) override {
    if (stopped_) return;
    for (AgentObserver* o : own_) o->on_repartition(agent, report);
    for (AgentObserver* o : request_.agent_observers) o->on_repartition(agent, report);
  }
  void on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) override {
    if (stopped_) return;
    for (AgentObserver* o : own_) o->on_capture(agent, event, result, status);
    for (AgentObserver* o : request_.agent_observers) o->on_capture(agent, event, result, status);
  }
  void on_control(const Agent& agent, std::string_view line, const ControlResult& result) override {
    if (stopped_) return;
    for (AgentObserver* o : own_) o->on_control(agent, line, result);
    for (AgentObserver* o : request_.agent_observers) o->on_control(agent, line, result);
  }
  void on_rmid(const Agent& agent, const RmidEvent& event) override {
    if (stopped_) return;
    for (AgentObserver* o : own_) o->on_rmid(agent, event);
    for (AgentObserver* o : request_.agent_observers) o->on_rmid(agent, event);
  }
  void on_error_raised(const ErrorEvent& event) override {
    if (!stopped_)
      for (BoardObserver* o : request_.board_observers) o->on_error_raised(event);
  }
  void on_alert(uint64_t t_ns, uint64_t code) override {
    if (!stopped_)
      for (BoardObserver* o : request_.board_observers) o->on_alert(t_ns, code);
  }
  void on_dma_transfer(const DmaTransfer& transfer) override {
    if (!stopped_)
      for (BoardObserver* o : request_.board_observers) o->on_dma_transfer(transfer);
  }
  void on_bmc_report(const BmcDrainReport& report) override {
    if (!stopped_)
      for (BoardObserver* o : request_.board_observers) o->on_bmc_report(report);
  }
  void on_firmware_log(uint64_t t_ns, LogLevel level, const char* message) override {
    if (!stopped_)
      for (BoardObserver* o : request_.board_observers) o->on_firmware_log(t_ns, level, message);
  }

 private:
  std::array<AgentObserver*, 6> own_;
  const RunRequest& request_;
  bool stopped_ = false;
  bool stop_asked_ = false;
  uint64_t stopped_at_ns_ = 0;
};

// The recoveries as events, and memory over the run as timeseries columns
// sampled at the agent's ticks: `available_bytes` (what the running kernel
// owns: 0 while it is down, fadump's memory returned region by region) and,
// for the baselines, `held_bytes` (their reservation; predictive-bmc's is the
// reserved_bytes column).
void record_strategy(const StrategySetup& setup, const std::vector<FailureRecovery>& recoveries,
                     const std::vector<DumpProgress>& dump_progress, EventLog& events, RunRecorder& recorder) {
  for (const FailureRecovery& r : recoveries) record_recovery_events(r, events);
  const MemoryOverRun memory = memory_over_run(setup, recoveries);
  const std::vector<double>& t_s = recorder.timeseries().t_s;
  std::vector<double> available, held, dumped;
  size_t next_progress = 0;
  uint64_t dumped_bytes = 0;
  for (double t : t_s) {
    const auto t_ns = static_cast<uint64_t>(std::llround(t * 1e9));
    available.push_back(static_cast<double>(memory.available.at(t_ns)));
    held.push_back(static_cast<double>(memory.held.at(t_ns)));
    while (next_progress < dump_progress.size() && dump_progress[next_progress].t_ns <= t_ns)
      dumped_bytes = dump_progress[next_progress++].bytes;
    dumped.push_back(static_cast<double>(dumped_bytes));
  }
  recorder.add_column_after_run(kAvailableBytesColumn, std::move(available));
  if (!setup.predictive) {
    recorder.add_column_after_run(kHeldBytesColumn, std::move(held));
    recorder.add_column_after_run(kDumpBytesWrittenColumn, std::move(dumped));
  }
  // The same at every step, as counter events (trace.json) and in the VCD:
  // the timeseries samples at the agent's ticks, and recoveries run on
  // after the scenario's end.
  const auto counter = [&events](uint64_t t_ns, const char* name, uint64_t value) {
    Event& e = events.add(t_ns, "host.recovery", EventKind::counter);
    e.fields["counter"] = name;
    e.fields["value"] = value;
  };
  for (size_t i = 0; i < memory.available.t_ns.size(); ++i)
    counter(memory.available.t_ns[i], kAvailableBytesColumn, memory.available.bytes[i]);
  if (!setup.predictive) {
    for (size_t i = 0; i < memory.held.t_ns.size(); ++i)
      counter(memory.held.t_ns[i], kHeldBytesColumn, memory.held.bytes[i]);
    counter(0, kDumpBytesWrittenColumn, 0);
    for (const DumpProgress& p : dump_progress) counter(p.t_ns, kDumpBytesWrittenColumn, p.bytes);
  }
  VcdWriter& vcd = recorder.vcd_writer();
  // The host is up while its kernel owns memory (fadump's reduced memory
  // counts: the workload runs again).
  const VcdWriter::SignalId up_signal = vcd.add_wire("board.host", "up");
  for (size_t i = 0; i < memory.available.t_ns.size(); ++i)
    vcd.change(memory.available.t_ns[i], up_signal, memory.available.bytes[i] > 0 ? 1 : 0);
  const VcdWriter::SignalId available_signal = vcd.add_integer("board.host.recovery", kAvailableBytesColumn);
  for (size_t i = 0; i < memory.available.t_ns.size(); ++i)
    vcd.change(memory.available.t_ns[i], available_signal, memory.available.bytes[i]);
  if (!setup.predictive) {
    const VcdWriter::SignalId held_signal = vcd.add_integer("board.host.recovery", kHeldBytesColumn);
    for (size_t i = 0; i < memory.held.t_ns.size(); ++i) vcd.change(memory.held.t_ns[i], held_signal, memory.held.bytes[i]);
    const VcdWriter::SignalId dumped_signal = vcd.add_integer("board.host.recovery", kDumpBytesWrittenColumn);
    vcd.change(0, dumped_signal, 0);
    for (const DumpProgress& p : dump_progress) vcd.change(p.t_ns, dumped_signal, p.bytes);
  }
}

// The fans that stopped in the scenario and every change of the air they
// move, as the board's counters `fans_stopped` and `airflow_ppm` (the
// sensors block's FANS_STOPPED bits counted, its AIRFLOW register, with
// FAN_DUTY's PWM duty): what no part reports, and what a look-alike of a
// failing part starts from.
void record_fan_stops(Board& board, uint64_t duration_ns, EventLog& events) {
  for (Model* m : board.models()) {
    const auto* sensors = dynamic_cast<const Sensors*>(m);
    if (sensors == nullptr) continue;
    const std::string track = sensors->name();
    for (const Sensors::FanStopped& f : sensors->fans_stopped()) {
      if (f.at_ns > duration_ns) break;  // stopped in the recovery tail: past the scenario
      Event& stopped = events.add(f.at_ns, track, EventKind::counter);
      stopped.fields["counter"] = "fans_stopped";
      stopped.fields["value"] = f.stopped;
      stopped.fields["fan"] = f.fan;
    }
    for (const Sensors::AirflowChange& a : sensors->airflow_changes()) {
      if (a.at_ns > duration_ns) break;
      Event& airflow = events.add(a.at_ns, track, EventKind::counter);
      airflow.fields["counter"] = "airflow_ppm";
      airflow.fields["value"] = a.airflow_ppm;
      airflow.fields["fan_duty_pwm"] = a.duty_pwm;
    }
  }
}

// The control channel's lines over the scenario: sent, run, refused, and
// the refused ones by reason (only the reasons that occurred).
nlohmann::ordered_json control_lines_metric(const Scenario& s, const AgentStats& stats, const ControlStats& parsed) {
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  m["sent"] = s.control.size();
  m["executed"] = stats.control_executed;
  m["refused"] = stats.control_refused;
  for (size_t e = 1; e < kControlErrorCount; ++e)
    if (parsed.refused_by[e] > 0)
      m[fmt::format("refused_{}", to_string(static_cast<ControlError>(e)))] = parsed.refused_by[e];
  for (size_t r = 1; r < kControlRefusalCount; ++r)
    if (stats.control_refused_by[r] > 0 && r != static_cast<size_t>(ControlRefusal::parse))
      m[fmt::format("refused_{}", to_string(static_cast<ControlRefusal>(r)))] = stats.control_refused_by[r];
  return m;
}

uint64_t wall_ns_since(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

BoardFacts board_capture_facts(const Scenario& s) {
  ParamTree tree;
  const std::unique_ptr<Board> board = build_board(s, tree, "board" + elaboration_suffix());
  return capture_facts_of(s, *board);
}

namespace {
// The agent's confidentiality policy from the scenario's: ranges checked
// against the board's DRAM, and the sealer (seeded with the scenario seed,
// so sealed records are the same bytes for the same scenario and seed).
CaptureConfidentiality capture_confidentiality(const Scenario& s, const Dram& dram,
                                               std::optional<sealed_box::OperatorSealer>& sealer) {
  const ConfidentialitySettings& c = s.confidentiality;
  CaptureConfidentiality out;
  if (c.mode == ConfidentialityMode::off) return out;
  const std::string where = c.where.to_string();
  if (c.mode == ConfidentialityMode::seal && !sealed_box::available())
    throw ScenarioError(fmt::format("{}: confidentiality.mode: seal: {}", where, sealed_box::sealing_unavailable().what()));
  out.mode = c.mode;
  out.registers_secret = c.registers;
  for (size_t i = 0; i < c.secret.size() && i < kMaxSecretRanges; ++i) {
    const SecretRange& r = c.secret[i];
    if (r.base < dram.physical_base() || r.base + r.size > dram.physical_base() + dram.size())
      throw ScenarioError(fmt::format("{}: confidentiality.secret[{}]: [{:#x}, {:#x}) is not in the board's DRAM "
                                      "[{:#x}, {:#x}): it would protect nothing",
                                      where, i, r.base, r.base + r.size, dram.physical_base(),
                                      dram.physical_base() + dram.size()));
    out.ranges[out.range_count++] = r;
  }
  if (c.mode == ConfidentialityMode::seal) {
    sealer.emplace(c.operator_public_key, s.seed);
    out.sealer = &*sealer;
  }
  return out;
}

// The firmware's view of the board's NUMA topology (what ACPI's SRAT would
// tell it): each node's memory range and the node of every component.
NumaLayout numa_layout_of(Board& board) {
  Dram& dram = board.dram();
  NumaLayout numa;
  numa.nodes = std::min(board.numa_nodes(), kMaxNumaNodes);
  if (board.numa_nodes() > kMaxNumaNodes)
    throw ScenarioError(fmt::format("board.dram.numa_nodes: {} nodes; the firmware handles at most {}",
                                    board.numa_nodes(), kMaxNumaNodes));
  // Nodes own whole DIMMs, evenly split in order: contiguous ranges.
  for (uint32_t dimm = 0; dimm < dram.dimms(); ++dimm) {
    const uint64_t offset = uint64_t{dimm} * dram.dimm_size();
    NumaLayout::Range& r = numa.memory[dram.numa_node(offset)];
    if (r.size == 0) r.base = dram.physical_base() + offset;
    r.size += dram.dimm_size();
  }
  for (size_t k = 0; k < kComponentClassCount; ++k) {
    const auto cls = static_cast<ComponentClass>(k);
    for (uint32_t i = 0; i < board.component_count(cls); ++i) {
      const ComponentId c{cls, static_cast<uint16_t>(i)};
      const uint32_t node = board.numa_node_of(c);
      if (node == 0 || numa.component_count == std::size(numa.components)) continue;
      numa.components[numa.component_count++] = {c, static_cast<uint8_t>(node)};
    }
  }
  return numa;
}

// The crash region: at the top of DRAM, or centred on the boundary between
// the middle nodes (agent.region_placement).
uint64_t crash_region_base(const Scenario& s, Board& board, const NumaLayout& numa, uint64_t region_size) {
  const Dram& dram = board.dram();
  const uint64_t top = (dram.physical_base() + dram.size() - region_size) / kRegionAlignment * kRegionAlignment;
  if (s.agent.region_placement == AgentSettings::RegionPlacement::top) return top;
  if (numa.nodes < 2)
    throw ScenarioError(fmt::format("{}: agent.region_placement: node_boundary needs a board with several NUMA "
                                    "nodes (board.dram.numa_nodes is 1)",
                                    s.agent.where.to_string()));
  const uint64_t boundary = numa.memory[numa.nodes / 2].base;
  const uint64_t base = (boundary - region_size / 2) / kRegionAlignment * kRegionAlignment;
  // Below it: the simulated kernel's memory and the workload's.
  const auto* cpu = dynamic_cast<const CpuCluster*>(board.cpu_cluster());
  const uint64_t used_end =
      dram.physical_base() + kernel_layout::kUserOffset + (cpu != nullptr ? cpu->traffic_span_bytes() : 0);
  if (base < used_end)
    throw ScenarioError(fmt::format("{}: agent.region_placement: a {}-byte region across the node boundary at {:#x} "
                                    "would start below {:#x}, in the simulated kernel's or the workload's memory; "
                                    "raise board.dram.size or lower agent.budget",
                                    s.agent.where.to_string(), region_size, boundary, used_end));
  return base;
}
}  // namespace

RunStopped::RunStopped(uint64_t stopped, uint64_t duration)
    : std::runtime_error(fmt::format("stopped by the user at {:.3f} s of {} simulated: no results written",
                                     static_cast<double>(stopped) * 1e-9, duration_text(duration))),
      stopped_ns(stopped),
      duration_ns(duration) {}

std::string run_directory_name(const std::string& scenario, const std::string& policy, const std::string& strategy,
                               uint64_t seed) {
  return fmt::format("{}.{}.{}.seed{}", scenario, policy, strategy, seed);
}

RunOutcome run_scenario(const RunRequest& request) {
  const auto wall_start = std::chrono::steady_clock::now();  // perf.json only, never results
  const Scenario& s = request.scenario;

  const std::string suffix = elaboration_suffix();
  ParamTree tree;
  std::unique_ptr<Board> board = build_board(s, tree, "board" + suffix);
  check_components_exist(s, *board);
  // What the policies plan with and the agent captures with.
  const BoardFacts facts = capture_facts_of(s, *board);
  HostKernel kernel(*board, facts.log_buf_len);

  Dram& dram = board->dram();
  const uint64_t region_size = round_up(s.agent.budget_bytes + kHeaderAreaBytes, kRegionAlignment);
  if (region_size > dram.size() / 2)
    throw ScenarioError(fmt::format("{}: agent.budget: {} bytes of crash memory do not fit in half of the board's "
                                    "DRAM ({} bytes); lower the budget or raise board.dram.size",
                                    s.agent.where.to_string(), s.agent.budget_bytes, dram.size()));
  const NumaLayout numa = numa_layout_of(*board);
  const uint64_t region_base = crash_region_base(s, *board, numa, region_size);

  FailureModel model;
  const std::vector<std::byte> blob = model_blob(s.agent, model, request.provision_model);
  if (request.provision_model) board->update_model_blob(blob);
  const uint64_t horizon_ns = s.agent.horizon_ns.value_or(model.horizon_ns);

  const Schedule schedule = plan_schedule(s);

  // The oracle is told the future the injector will play, at the times the
  // board will raise each error (a hung core is reported by its watchdog).
  // Failures nobody declared (a thermal trip a ramp causes) it cannot know.
  const auto* cpu = dynamic_cast<const CpuCluster*>(board->cpu_cluster());
  const uint64_t watchdog_ns = cpu != nullptr ? cpu->watchdog_timeout_ns() : 0;
  // What each capture will need, with the sensor history the agent hands it:
  // a full window of every metric of the failing component's class.
  std::vector<FutureFailure> future;
  for (const PlannedFailure& p : schedule.failures) {
    BoardFacts with_history = facts;
    with_history.sensor_history_entries = static_cast<uint32_t>(kWindowCapacity * metric_count(p.component.cls));
    future.push_back({p.component, p.t_ns + (p.error == ErrorType::watchdog_hang ? watchdog_ns : 0),
                      needed_bytes(p.error, with_history)});
  }
  PolicyParams policy_params;
  policy_params.horizon_ns = horizon_ns;
  policy_params.future = future;
  PolicyStorage policy_storage;
  PartitionPolicy* policy = nullptr;
  if (!ok(make_policy(request.policy, policy_params, policy_storage, policy)) &&
      !ok(make_test_fixture_policy(request.policy, policy_storage, policy)))
    throw ScenarioError(fmt::format("--policy: '{}' is not a known policy; expected {}", request.policy,
                                    joined_names(compared_policies())));

  // The analytic model's copy of the hardware figures the board's models
  // own (one source of truth: the dump target's and the DMA controller's
  // parameters).
  StrategyParams strategy_params = s.strategy_params;
  strategy_params.fadump.save_bandwidth_bytes_per_s = static_cast<uint64_t>(board->dma().host_bandwidth());
  if (const IoDevice* target = dump_target(*board, strategy_params.dump.target))
    strategy_params.dump.target_bandwidth_bytes_per_s = target->write_bandwidth();
  StrategyStorage strategy_storage;
  CaptureStrategy* strategy = nullptr;
  if (const Status st = make_strategy(request.strategy, strategy_params, strategy_storage, strategy); !ok(st))
    throw ScenarioError(st == Status::not_found
                            ? fmt::format("--strategy: '{}' is not a known capture strategy", request.strategy)
                            : fmt::format("strategy: the {} model cannot run with these parameters ({})",
                                          request.strategy, to_string(st)));

  if (request.policy == "static") check_static_reservation_fits(s, *static_cast<StaticPolicy*>(policy), *board);

  AgentConfig config;
  config.allocation_frequency_ns = s.agent.allocation_frequency_ns;
  config.minimum_partition_size = s.agent.minimum_partition_size;
  config.maximum_partition_size = s.agent.maximum_partition_size;
  config.budget_bytes = s.agent.budget_bytes;
  config.region_base = region_base;
  config.region_size = region_size;
  config.bmc_dma = board->bmc_dma_grant(region_base, region_size);
  config.horizon_ns = horizon_ns;
  config.feature_window_ns = s.agent.feature_window_ns.value_or(model.window_ns);
  config.dram_bytes = dram.size();
  config.capture_facts = facts;
  config.rmid_min_free_time_ns = s.agent.rmid_limbo_ns;
  config.alarm.clear_ratio = static_cast<float>(s.agent.alarm_clear_ratio);
  config.alarm.clear_time_ns = s.agent.alarm_clear_time_ns;
  config.numa = numa;
  config.slice_placement = s.agent.slice_placement;
  // Scratch for the largest record this board's captures write (with the
  // agent's longest sensor history), or the largest slice if that is
  // smaller: a record never outgrows either. Sizing it to the slice instead
  // cost a second per run in page faults for memory no record uses.
  BoardFacts longest_history = facts;
  longest_history.sensor_history_entries = static_cast<uint32_t>(kWindowCapacity * kMaxMetricsPerClass);
  uint64_t largest_record = 0;
  for (size_t t = 0; t < kErrorTypeCount; ++t)
    largest_record = std::max(largest_record, needed_bytes(static_cast<ErrorType>(t), longest_history));
  // Sealed sections are larger than their plaintext by a header and the box.
  if (s.confidentiality.mode == ConfidentialityMode::seal)
    largest_record += uint64_t{cper::kMaxSectionsPerRecord} * cper::kSealedSectionOverheadBytes;
  config.capture_record_limit_bytes = static_cast<uint32_t>(std::min<uint64_t>(
      {round_up(largest_record, kCrashRegionPageBytes), s.agent.maximum_partition_size, UINT32_MAX / 2}));
  // Declared before the agent, which holds a pointer to it.
  std::optional<sealed_box::OperatorSealer> sealer;
  config.confidentiality = capture_confidentiality(s, dram, sealer);
  ComponentCounts counts;
  for (size_t c = 0; c < kComponentClassCount; ++c)
    counts.of[c] = board->component_count(static_cast<ComponentClass>(c));
  Agent agent;
  std::vector<std::byte> agent_memory(Agent::memory_bytes(config, counts));
  if (const Status st = agent.init(config, board->host_hal(), *policy, agent_memory); !ok(st))
    throw ScenarioError(fmt::format("{}: agent: the agent rejects this configuration for this board ({})",
                                    s.agent.where.to_string(), to_string(st)));

  EventLog events;
  // At the summary level none of the traces is written, so none is kept:
  // a machine-year's rows, changes and events would be most of the run's memory.
  if (s.traces == TraceLevel::summary) events.discard_from_now();
  board->add_observer(kernel);  // first: the kernel prints before anyone reads its log
  RunRecorder recorder(*board, agent, events, s.traces);
  recorder.trace_interrupt_lines();
  board->add_observer(recorder);
  // The host's recovery after each failure, on the board in simulated time.
  // The baselines' reservation (the crashkernel, fadump's save area) sits
  // just below the crash region.
  RecoverySetup recovery_setup;
  recovery_setup.kind = recovery_kind(request.strategy).value_or(RecoveryKind::predictive_bmc);
  recovery_setup.params = strategy_params;
  recovery_setup.facts = facts;
  recovery_setup.reservation_bytes = crashkernel_default_bytes(dram.size());
  recovery_setup.reservation_base =
      region_base >= recovery_setup.reservation_bytes
          ? (region_base - recovery_setup.reservation_bytes) / kRegionAlignment * kRegionAlignment
          : dram.physical_base();
  recovery_setup.predictive_reserved = [&agent] { return agent.stats().reserved_bytes; };
  std::unique_ptr<HostRecovery> recovery;
  try {
    recovery = std::make_unique<HostRecovery>(("host_recovery" + suffix).c_str(), *board, recovery_setup);
  } catch (const ConfigError& e) {
    throw ScenarioError(fmt::format("{}: {}", s.source_path, e.what()));
  }
  board->add_observer(*recovery);
  WorkloadRecorder workload_recorder(s, events);
  MemoryRecorder memory_recorder(agent);
  struct Unobserved final : AgentObserver {} unobserved;  // memory_profile.json is a trace
  AgentObserver& memory_observer =
      s.traces == TraceLevel::full ? static_cast<AgentObserver&>(memory_recorder) : unobserved;
  NumaRecorder numa_recorder(numa);
  CacheRecorder cache_recorder(*board);
  StackRecorder stack_recorder(*board, events);
  board->add_observer(stack_recorder);
  ScenarioObservers scenario_observers(recorder, workload_recorder, memory_observer, numa_recorder, cache_recorder,
                                       stack_recorder, request);
  board->add_observer(scenario_observers);
  agent.set_observer(&scenario_observers);
  Injector injector(("injector" + suffix).c_str(), *board, s, schedule, events);
  std::unique_ptr<ReplayPlayer> replay_player;  // recorded telemetry, when the scenario has `replay:`
  if (s.replay) replay_player = std::make_unique<ReplayPlayer>(("replay" + suffix).c_str(), *board, *s.replay, events);
  board->run_firmware(agent);
  if (request.check_only) return {};

  spdlog::info("running {} with policy {} for {} of simulated time", s.name, request.policy,
               duration_text(s.duration_ns));
  if (s.fleet_machines > 1)
    spdlog::info("{} is a fleet of {} machines: this run is one machine, seed {} (crashtwin batch runs them all)",
                 s.name, s.fleet_machines, s.seed);
  if (request.watcher != nullptr) request.watcher->run_started(*board, agent);
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(s.duration_ns), sc_core::SC_NS));
  if (const std::optional<uint64_t> stopped = scenario_observers.stopped_at_ns()) {
    request.watcher->scenario_ended(*stopped);
    throw RunStopped(*stopped, s.duration_ns);
  }
  if (request.watcher != nullptr) request.watcher->scenario_ended(s.duration_ns);
  recorder.finish(s.duration_ns);
  stack_recorder.finish();
  const MemoryProfile memory_profile = memory_recorder.finish(s.duration_ns);
  const nlohmann::ordered_json numa_metric = numa_recorder.finish(agent, *board, s.duration_ns);
  const AgentStats agent_stats = agent.stats();  // as the scenario ended
  const TimerJitter timer_jitter = timer_jitter_of(*board, agent_stats);
  // Recoveries still running at the end run to their finish; the scenario's
  // observations stop here.
  recorder.freeze();
  scenario_observers.stop();
  const auto tail_start = std::chrono::steady_clock::now();
  for (uint64_t extra = 0; recovery->busy() && extra < kRecoveryTailLimitNs; extra += kRecoveryTailStepNs)
    sc_core::sc_start(sc_core::sc_time(static_cast<double>(kRecoveryTailStepNs), sc_core::SC_NS));
  const double recovery_tail_wall_s = static_cast<double>(wall_ns_since(tail_start)) * 1e-9;

  RunFacts facts_of_run;
  facts_of_run.duration_ns = s.duration_ns;
  facts_of_run.horizon_ns = horizon_ns;
  facts_of_run.has_model = agent.has_model();
  facts_of_run.planned = schedule.failures;
  facts_of_run.injected = injector.fired();
  facts_of_run.raised = recorder.raised();
  facts_of_run.reports = recorder.failure_reports();
  facts_of_run.episodes = recorder.episodes();
  facts_of_run.reserved_byte_seconds = recorder.reserved_byte_seconds();
  facts_of_run.production_end_ns = recorder.production_end_ns();
  facts_of_run.reserved_byte_seconds_in_production = recorder.reserved_byte_seconds_in_production();
  facts_of_run.reserved_bytes_peak = recorder.reserved_bytes_peak();
  facts_of_run.repartitions = agent_stats.repartitions;
  facts_of_run.repartition_bytes_moved = agent_stats.bytes_moved;
  facts_of_run.dma_refused = recorder.dma_refused();
  facts_of_run.model_rejections = agent_stats.model_rejections;
  facts_of_run.simulated = &recovery->recoveries();
  facts_of_run.captures = recorder.captures();
  StrategySetup& setup = facts_of_run.strategy;
  setup.strategy = strategy;
  setup.predictive = request.strategy == kPredictiveStrategy;
  setup.dram_bytes = dram.size();
  setup.baseline_reservation_bytes = crashkernel_default_bytes(dram.size());
  setup.board_facts = facts;
  MetricResult metrics = compute_metrics(facts_of_run);
  record_strategy(setup, metrics.recoveries, recovery->dump_progress(), events, recorder);
  record_fan_stops(*board, s.duration_ns, events);
  if (!s.workloads.empty()) workload_recorder.add_columns(recorder);
  cache_recorder.add_columns(recorder);
  stack_recorder.add_columns(recorder);
  for (const std::string& p : injector.problems()) metrics.invalid_reasons.push_back(p);
  if (agent_stats.model_rejections > 0)
    metrics.invalid_reasons.push_back(fmt::format("the agent refused {} failure-model blob{} (corrupt or another "
                                                  "feature set): the run did not measure the model it claims",
                                                  agent_stats.model_rejections,
                                                  agent_stats.model_rejections == 1 ? "" : "s"));
  if (replay_player)
    for (const std::string& p : replay_player->problems()) metrics.invalid_reasons.push_back(p);

  RunOutcome outcome;
  RunSummary& summary = outcome.summary;
  summary.scenario = s.name;
  summary.policy = request.policy;
  summary.strategy = request.strategy;
  summary.seed = s.seed;
  summary.traces = s.traces;
  summary.metrics = metrics.metrics;
  if (!s.control.empty()) summary.metrics["control_lines"] = control_lines_metric(s, agent_stats, agent.control_stats());
  if (!s.workloads.empty()) summary.metrics["rdt"] = workload_recorder.metric(agent.monitor().stats());
  if (!numa_metric.empty()) summary.metrics["numa"] = numa_metric;
  if (cache_recorder.active()) summary.metrics["cache"] = cache_recorder.metric();
  if (stack_recorder.modelled()) summary.metrics["kernel_stacks"] = stack_recorder.metric();
  for (const UndeclaredFailure& u : metrics.undeclared)
    summary.undeclared_failures.push_back(fmt::format("{} on {} at {} s", crashtwin::to_string(u.error),
                                                      to_string(u.component), static_cast<double>(u.t_ns) * 1e-9));
  summary.valid = metrics.invalid_reasons.empty();
  for (const std::string& r : metrics.invalid_reasons)
    summary.invalid_reason += (summary.invalid_reason.empty() ? "" : "; ") + r;
  summary.expectations = judge_expectations(s, request.policy, request.strategy, summary);
  for (const Expectation& e : summary.expectations) {
    Event& v = events.add(s.duration_ns, "crashtwin", EventKind::verdict);
    v.fields["metric"] = e.metric;
    v.fields["op"] = e.op;
    v.fields["value"] = e.value;
    v.fields["actual"] = e.actual;
    v.fields["passed"] = e.passed;
  }
  outcome.exit_code = summary.valid && summary.expectations_passed() ? 0 : 1;

  const uint64_t wall_ns = wall_ns_since(wall_start);
  PerfFigures perf;
  perf.wall_s = static_cast<double>(wall_ns) * 1e-9;
  perf.sim_s = static_cast<double>(s.duration_ns) * 1e-9;
  perf.real_time_factor = perf.wall_s > 0 ? perf.sim_s / perf.wall_s : 0;
  perf.transactions = board->transaction_count();
  perf.transactions_per_s = perf.wall_s > 0 ? static_cast<double>(perf.transactions) / perf.wall_s : 0;
  perf.peak_rss_bytes = peak_rss_bytes_of_this_process();
  perf.recovery_tail_wall_s = recovery_tail_wall_s;
  for (const SimulatedRecovery& r : recovery->recoveries()) perf.dump_bytes_simulated += r.dump_written_bytes;

  const ModelInUse model_in_use{model.generation, model.feature_set_version, model.horizon_ns,
                                model.window_ns,  horizon_ns,                config.feature_window_ns};
  ResultsToWrite results{summary, perf,    events,       recorder,       board->effective_config(),
                         s,       request, timer_jitter, memory_profile, model_in_use,
                         board->bmc().event_log()};
  write_results(results, request.out_dir);
  return outcome;
}

}  // namespace crashtwin::scenario
