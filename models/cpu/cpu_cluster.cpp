#include "models/cpu/cpu_cluster.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "models/config/degradation_params.h"

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"
#include "models/cpu/cache_model.h"
#include "models/sensors/fans.h"

namespace crashtwin {
namespace {

constexpr uint64_t kNoDeadline = std::numeric_limits<uint64_t>::max();

uint64_t seconds_to_ns_ceil(double s) {
  if (!(s < 1e9)) return kNoDeadline;  // beyond ~30 years: never, for a simulation
  return static_cast<uint64_t>(std::ceil(s * 1e9));
}

}  // namespace

struct CpuCluster::Params {
  explicit Params(const ParamScope& p)
      : cores(p, "cores", ParamKind::count, 4, "cores in the cluster", 1, 256),
        idle_power_w(p, "idle_power_w", ParamKind::real, 3.0, "per-core power when idle, W", 0.0, 1000.0),
        max_power_w(p, "max_power_w", ParamKind::real, 12.0, "per-core power when 100 % busy, W", 0.0, 1000.0),
        thermal_resistance(p, "thermal_resistance", ParamKind::real, 4.0,
                           "thermal resistance from a core to the air, degrees C per W", 1e-3, 1e3),
        thermal_time_constant(p, "thermal_time_constant", ParamKind::duration, ns(10'000'000'000ull),
                              "first-order thermal time constant of a core", ns(1'000'000)),
        thermal_trip(p, "thermal_trip", ParamKind::temperature, 100.0,
                     "a core reaching this temperature shuts down (thermal_shutdown)", -50.0, 200.0),
        critical_temperature(p, "critical_temperature", ParamKind::temperature, 90.0,
                             "a core's upper critical temperature (the BMC's threshold), below thermal_trip",
                             -50.0, 200.0),
        mca_banks(p, "mca_banks", ParamKind::count, 20,
                  "machine-check banks per core (IA32_MCG_CAP.Count; 20 on Xeon Scalable)", 1, kMaxMcaBanks),
        cpuid_signature(p, "cpuid_signature", ParamKind::count, 0x000606A6,
                        "CPUID leaf 1 EAX: family, model, stepping (0x606A6: Xeon Ice Lake-SP)", 1, 0xFFFFFFFF),
        frequency(p, "frequency", ParamKind::frequency, 2.5e9, "core clock, the TSC rate", 1e6, 1e11),
        watchdog_timeout(p, "watchdog_timeout", ParamKind::duration, ns(10'000'000'000ull),
                         "time from a hang to the watchdog's watchdog_hang report", ns(1)),
        page_fault_storm_rate(p, "page_fault_storm_rate", ParamKind::rate, 50000.0,
                              "exceptions per second while a page-fault storm is unacknowledged", 0.0, 1e9),
        corrected_error_rate(p, "corrected_error_rate", ParamKind::rate, 0.0,
                             "corrected machine checks per second on a healthy core", 0.0, 1e9),
        noise(p, "noise", ParamKind::boolean, true, "Poisson noise on counters (false: exact integrals)"),
        register_latency(p, "register_latency", ParamKind::duration, ns(100), "simulated cost of one MMIO access"),
        traffic_quantum(p, "traffic_quantum", ParamKind::duration, ns(100'000'000),
                        "each core sends its memory traffic as one burst per quantum", ns(1000)),
        traffic_burst(p, "traffic_burst", ParamKind::size, 64,
                      "real bytes a burst carries at most (the rest is represented)", 64, 64ull << 20),
        traffic_span(p, "traffic_span", ParamKind::size, 64ull << 20,
                     "DRAM working set the bursts walk, split between the cores", 4096, ~0ull),
        traffic_write_fraction(p, "traffic_write_fraction", ParamKind::ratio, 0.3,
                               "share of bursts that are writes", 0.0, 1.0),
        utilization(p.sub("workload"), "utilization", ParamKind::ratio, 0.2,
                    "share of time each core is busy at power-on", 0.0, 1.0),
        memory_traffic(p.sub("workload"), "memory_traffic", ParamKind::bandwidth, 0.0,
                       "memory traffic of each core at power-on", 0.0, 1e12),
        exception_rate(p.sub("workload"), "exception_rate", ParamKind::rate, 100.0,
                       "exceptions per second of each core at power-on", 0.0, 1e9),
        interrupt_rate(p.sub("workload"), "interrupt_rate", ParamKind::rate, 1000.0,
                       "interrupts per second of each core at power-on", 0.0, 1e9),
        timer_enabled(p.sub("timer"), "enabled", ParamKind::boolean, true,
                      "per-core sampling timers drive the firmware's ticks (false: an ideal timer)"),
        irq_service_time(p.sub("timer"), "irq_service_time", ParamKind::duration, sc_core::SC_ZERO_TIME,
                         "mean handler time of one other interrupt a timer interrupt queues behind"),
        contention_bandwidth(p.sub("timer"), "contention_bandwidth", ParamKind::bandwidth, 10e9,
                             "per-core memory traffic at which masked sections and handlers take twice as long",
                             1.0, 1e15),
        smi_interval(p.sub("timer"), "smi_interval", ParamKind::duration, sc_core::SC_ZERO_TIME,
                     "mean time between SMIs, which hold every core (0: none)"),
        smi_duration(p.sub("timer"), "smi_duration", ParamKind::duration, ns(100'000), "length of one SMI"),
        smi_random(p.sub("timer"), "smi_random", ParamKind::boolean, false,
                   "SMIs arrive as a Poisson process (false: periodic)") {}

  param<uint64_t> cores;
  param<double> idle_power_w;
  param<double> max_power_w;
  param<double> thermal_resistance;
  param<sc_core::sc_time> thermal_time_constant;
  param<double> thermal_trip;
  param<double> critical_temperature;
  param<uint64_t> mca_banks;
  param<uint64_t> cpuid_signature;
  param<double> frequency;
  param<sc_core::sc_time> watchdog_timeout;
  param<double> page_fault_storm_rate;
  param<double> corrected_error_rate;
  param<bool> noise;
  param<sc_core::sc_time> register_latency;
  param<sc_core::sc_time> traffic_quantum;
  param<uint64_t> traffic_burst;
  param<uint64_t> traffic_span;
  param<double> traffic_write_fraction;
  param<double> utilization;
  param<double> memory_traffic;
  param<double> exception_rate;
  param<double> interrupt_rate;
  param<bool> timer_enabled;
  param<sc_core::sc_time> irq_service_time;
  param<double> contention_bandwidth;
  param<sc_core::sc_time> smi_interval;
  param<sc_core::sc_time> smi_duration;
  param<bool> smi_random;
};

CpuCluster::CpuCluster(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      out("out"),
      irq("irq"),
      params_(std::make_unique<Params>(context.params)),
      first_id_{ComponentClass::cpu, static_cast<uint16_t>(context.first_instance)},
      trip_c_(params_->thermal_trip),
      critical_c_(params_->critical_temperature),
      memory_base_(context.memory_base),
      memory_size_(context.memory_size),
      regs_(std::string(basename()) + ".regs"),
      traffic_rng_(context.board_seed, std::string(this->name()) + ".traffic") {
  const Params& p = *params_;
  if (p.max_power_w < p.idle_power_w) context.params.fail("max_power_w", "must not be below idle_power_w");

  CpuCoreParams core_params;
  core_params.idle_power_w = p.idle_power_w;
  core_params.max_power_w = p.max_power_w;
  core_params.thermal = {p.thermal_resistance, static_cast<double>(to_ns(p.thermal_time_constant)) * 1e-9};
  core_params.frequency_hz = p.frequency;
  core_params.corrected_error_rate = p.corrected_error_rate;
  core_params.page_fault_storm_rate = p.page_fault_storm_rate;
  core_params.noise = p.noise;
  core_params.page_table_base += memory_base_;
  core_params.code_base += memory_base_;
  core_params.stack_base += memory_base_;
  core_params.gdt_base += memory_base_;
  core_params.idt_base += memory_base_;
  core_params.per_cpu_base += memory_base_;
  core_params.cpuid_signature = static_cast<uint32_t>(p.cpuid_signature.value());
  core_params.cores_in_package = static_cast<uint32_t>(p.cores.value());
  core_params.stack = read_kernel_stack_params(context.params.sub("stack"));
  core_params.mca_banks = static_cast<uint32_t>(p.mca_banks.value());
  WorkloadPhase initial;
  initial.utilization = p.utilization;
  initial.memory_traffic_bps = p.memory_traffic;
  initial.exception_rate = p.exception_rate;
  initial.interrupt_rate = p.interrupt_rate;

  CoreTimerParams timer_params;
  // The timers and SMIs draw their times in nanoseconds (core_timer.h).
  timer_params.irq_service_ns = to_ns(p.irq_service_time);
  timer_params.contention_bandwidth_bps = p.contention_bandwidth;
  timer_params.smi_interval_ns = to_ns(p.smi_interval);
  timer_params.smi_duration_ns = to_ns(p.smi_duration);
  timer_params.smi_random = p.smi_random;
  smi_ = std::make_unique<SmiSchedule>(timer_params, RngStream(context.board_seed, std::string(this->name()) + ".smi"));

  const auto count = static_cast<uint32_t>(p.cores.value());
  rdt_ = std::make_unique<ResourceMonitoring>(context.params.sub("rdt"), count, p.traffic_span / count,
                                              [this](uint32_t c) { return cores_[c]->memory_traffic_bps(); });
  const CacheSampler::Params cache_params(context.params.sub("cache"));
  if (cache_params.enabled)
    cache_ = std::make_unique<CacheSampler>(
        cache_params.config(context.params.sub("cache"), rdt_->llc().capacity_bytes()), count,
        static_cast<uint32_t>(cache_params.samples_per_quantum.value()), to_ns(p.traffic_quantum), p.traffic_write_fraction,
        RngStream(context.board_seed, std::string(this->name()) + ".cache"));
  const rdt::Capabilities caps = rdt_->capabilities();
  cluster_regs_ = std::make_unique<regs::CpuClusterRegisters>(
      regs_, CT_CPU_CLUSTER_REGS, "",
      regs::CpuClusterRegisters::BoardReset{
          .cores = p.cores,
          .trip_point = static_cast<uint64_t>(std::llround(trip_c_ * 1000.0)),
          .rdt_max_rmid = caps.max_rmid,
          .rdt_upscale = caps.upscale_bytes,
          .rdt_mbm_width = caps.mbm_counter_width - rdt::kMinMbmCounterWidth,
      });
  // Reading brings the occupancy model up to the access time: a debugger's
  // read must not (it would split the model's steps differently; the map
  // marks QM_CTR's read as having a side effect).
  cluster_regs_->qm_ctr.on_read(
      [this] { return rdt_->read_counter(cluster_regs_->qm_evtsel.value(), access_time_ns_); });
  for (uint32_t i = 0; i < count; ++i) {
    const std::string core_name = std::string(this->name()) + ".core" + std::to_string(i);
    cores_.push_back(std::make_unique<CpuCore>(static_cast<uint16_t>(i), core_params,
                                               RngStream(context.board_seed, core_name), kDefaultInletC));
    cores_.back()->set_phase(initial);
    timers_.emplace_back(timer_params, RngStream(context.board_seed, core_name + ".timer"));
    const std::string unit_prefix = fmt::format("unit{}.", i);
    if (p.timer_enabled) {  // no per-core timers: no timer block either
      auto& t = *core_timer_regs_.emplace_back(
          std::make_unique<regs::CoreTimerRegisters>(regs_, CT_CPU_CLUSTER_CORE_TIMER(i), unit_prefix));
      t.boundary.on_read([this, i] { return timer(i).last_boundary_ns(); });
      t.delivered.on_read([this, i] { return timer(i).last_delivered_ns(); });
      t.ticks.on_read([this, i] { return timer(i).ticks(); });
      t.overruns.on_read([this, i] { return timer(i).overruns(); });
    }
    core_regs_.emplace_back(std::make_unique<regs::CoreRegisters>(regs_, CT_CPU_CLUSTER_CORE(i), unit_prefix))
        ->pqr_assoc.on_write([this, i](uint64_t value) { rdt_->set_core_rmid(i, value, access_time_ns_); });
    const ComponentId id{ComponentClass::cpu, static_cast<uint16_t>(first_id_.instance + i)};
    units_.push_back(std::make_unique<ComponentUnit>(
        regs_, id, i, StateKind::register_file,
        [this, i](Metric m) {
          cores_[i]->advance_to(access_time_ns_);
          return cores_[i]->metric(m);
        },
        [this, i](std::span<std::byte> window) {
          cores_[i]->advance_to(access_time_ns_);
          return encode_register_file(cores_[i]->snapshot_registers(), window,
                                      static_cast<uint32_t>(params_->mca_banks.value()), cores_[i]->upper_mca_banks());
        },
        [this, i](bool pending) {
          // Acknowledging a page fault ends the storm the handler was in.
          if (!pending) {
            cores_[i]->advance_to(access_time_ns_);
            cores_[i]->end_page_fault_storm();
          }
          irq_event_.notify(sc_core::SC_ZERO_TIME);
        }));
  }
  // The field machine-check process (mca_field_process.h): off unless
  // accelerated; a stream per core of its own, so turning it on changes no
  // other draw. The processor's failure rate is split over its cores.
  McaFieldSettings field;
  field.degradation = read_degradation_params(context.params, McaFieldSettings::default_degradation(), "core",
                                              "processor");
  field.degradation.failure_rate /= count;
  field.corrected_error_rate =
      param<double>(context.params, "field_corrected_error_rate", ParamKind::rate, field.corrected_error_rate,
                    "corrected machine checks a healthy core logs per second in the field", 0.0, 1e6);
  if (field.degradation.acceleration > 0) {
    if (p.mca_banks < kMcaFieldBanksNeeded)
      context.params.fail("mca_banks", fmt::format("the field machine-check process logs in banks up to {}: "
                                                   "needs at least {} banks",
                                                   kMcaFieldBanksNeeded - 1, kMcaFieldBanksNeeded));
    for (uint32_t i = 0; i < count; ++i)
      field_.emplace_back(field, RngStream(context.board_seed, fmt::format("{}.core{}.field_faults", this->name(), i)));
    next_field_.resize(count);
  }
  watchdog_due_ns_.assign(count, kNoDeadline);
  traffic_cursor_.assign(count, 0);
  burst_data_.assign(p.traffic_burst, 0);
  burst_.set_extension(&burst_extension_);

  in.register_b_transport(this, &CpuCluster::b_transport);
  in.register_transport_dbg(this, &CpuCluster::transport_dbg);

  SC_HAS_PROCESS(CpuCluster);
  SC_METHOD(on_deadline);
  sensitive << deadline_event_;
  dont_initialize();
  SC_METHOD(update_irq);
  sensitive << irq_event_;
  SC_THREAD(traffic_thread);
  SC_METHOD(field_fault_events);
  sensitive << field_event_;
  dont_initialize();
  for (uint32_t i = 0; i < field_.size(); ++i) next_field_[i] = field_[i].next();
  schedule_next_field_event();
}

void CpuCluster::schedule_next_field_event() {
  double next = DegradationPlan::kNever;
  for (const McaFieldEvent& e : next_field_) next = std::min(next, e.time_s);
  if (!std::isfinite(next)) return;
  // Event times are from power-on; never a zero delay (it would fire again
  // at the same instant).
  const sc_core::sc_time at(next, sc_core::SC_SEC);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  field_event_.notify(std::max(at > now ? at - now : sc_core::SC_ZERO_TIME, sc_core::sc_get_time_resolution()));
}

void CpuCluster::field_fault_events() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  for (uint32_t i = 0; i < field_.size(); ++i) {
    // Every core whose event is due (at this time step), in core order.
    while (std::isfinite(next_field_[i].time_s) && sc_core::sc_time(next_field_[i].time_s, sc_core::SC_SEC) <= now) {
      const McaFieldEvent e = next_field_[i];
      next_field_[i] = field_[i].next();
      if (e.kind == McaFieldEventKind::corrected) {
        cores_[i]->advance_to(now_ns());
        cores_[i]->corrected_machine_check(e.info().bank, e.info().mcacod);
      } else if (e.kind == McaFieldEventKind::uncorrected && cores_[i]->run_state() != CoreRunState::halted) {
        fail_core(i, ErrorType::machine_check, 0, e.info().mcacod, e.info().bank);
      }
    }
  }
  schedule_next_field_event();
}

const CacheModel* CpuCluster::cache_model() const { return cache_ ? &cache_->model() : nullptr; }

CpuCluster::~CpuCluster() {
  // The payload does not own the extension (a member): detach it before the
  // payload's destructor would delete it.
  burst_.clear_extension(&burst_extension_);
}

uint32_t CpuCluster::mca_banks() const { return static_cast<uint32_t>(params_->mca_banks.value()); }

uint64_t CpuCluster::mmio_size() const { return device_layout::device_size(core_count()); }

uint64_t CpuCluster::now_ns() const { return to_ns(sc_core::sc_time_stamp()); }

void CpuCluster::advance_all(uint64_t now) {
  for (auto& core : cores_) core->advance_to(now);
}

void CpuCluster::attach_kernel_memory(KernelMemory* memory) {
  for (auto& core : cores_) core->attach_kernel_memory(memory);
}

const KernelStack& CpuCluster::kernel_stack(uint32_t core) {
  CpuCore& c = *cores_.at(core);
  c.advance_to(now_ns());
  c.snapshot_registers();
  return c.kernel_stack();
}

const CpuCore& CpuCluster::core(uint32_t index) {
  cores_.at(index)->advance_to(now_ns());
  return *cores_[index];
}

Status CpuCluster::set_phase(std::optional<uint32_t> core, const WorkloadPhase& phase) {
  if (phase_error(phase) != nullptr) return Status::invalid_argument;
  if (core && *core >= core_count()) return Status::out_of_range;
  advance_timers(now_ns());
  advance_all(now_ns());
  for (uint32_t i = 0; i < core_count(); ++i)
    if (!core || *core == i) cores_[i]->set_phase(phase);
  rdt_->refresh(now_ns());
  reschedule();
  traffic_changed_.notify(sc_core::SC_ZERO_TIME);
  return Status::ok;
}

Status CpuCluster::set_precursor(std::optional<uint32_t> core, const CorePrecursor& precursor) {
  if (precursor_error(precursor) != nullptr) return Status::invalid_argument;
  if (core && *core >= core_count()) return Status::out_of_range;
  advance_timers(now_ns());
  advance_all(now_ns());
  for (uint32_t i = 0; i < core_count(); ++i)
    if (!core || *core == i) cores_[i]->set_precursor(precursor);
  reschedule();
  return Status::ok;
}

Status CpuCluster::set_replayed_rates(uint32_t core, double corrected_errors_per_s, double exceptions_per_s) {
  if (core >= core_count()) return Status::out_of_range;
  if (!(corrected_errors_per_s >= 0.0) || !(exceptions_per_s >= 0.0) || !std::isfinite(corrected_errors_per_s) ||
      !std::isfinite(exceptions_per_s))
    return Status::invalid_argument;
  advance_all(now_ns());
  cores_[core]->set_replayed_rates(corrected_errors_per_s, exceptions_per_s);
  reschedule();
  return Status::ok;
}

Status CpuCluster::start_workload(const ClusterWorkload& workload) {
  if (!std::isfinite(workload.memory_bandwidth_bps) || workload.memory_bandwidth_bps < 0) return Status::invalid_argument;
  if (const Status s = rdt_->start_workload(workload); !ok(s)) return s;
  apply_workload_traffic();
  return Status::ok;
}

Status CpuCluster::stop_workload(uint32_t id) {
  if (const Status s = rdt_->stop_workload(id); !ok(s)) return s;
  apply_workload_traffic();
  return Status::ok;
}

void CpuCluster::apply_workload_traffic() {
  const uint64_t now = now_ns();
  advance_timers(now);
  advance_all(now);  // the traffic so far at the old rates
  for (uint32_t i = 0; i < core_count(); ++i) cores_[i]->set_workload_traffic(rdt_->workload_traffic_bps(i));
  rdt_->refresh(now);
  traffic_changed_.notify(sc_core::SC_ZERO_TIME);
}

Status CpuCluster::set_core_inlet(uint32_t core, double celsius) {
  if (core >= core_count()) return Status::out_of_range;
  if (!std::isfinite(celsius)) return Status::invalid_argument;
  advance_all(now_ns());
  cores_[core]->set_inlet(celsius);
  reschedule();
  return Status::ok;
}

void CpuCluster::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  // Registers answer as of the initiator's local time, which may run ahead
  // of the kernel's by up to a quantum.
  access_time_ns_ = to_ns(sc_core::sc_time_stamp() + delay);
  regs_.transport(tx);
  delay += params_->register_latency;
  access_time_ns_ = now_ns();
}

unsigned CpuCluster::transport_dbg(tlm::tlm_generic_payload& tx) {
  access_time_ns_ = now_ns();  // as of the kernel's time: a debugger has no local time
  return regs_.debug_transport(tx);
}

void CpuCluster::raise(uint32_t core, ErrorType type, const CpuCore::Fault& fault) {
  ErrorEvent event;
  event.component = {ComponentClass::cpu, static_cast<uint16_t>(first_id_.instance + core)};
  event.type = type;
  event.time_ns = cores_[core]->now_ns();
  event.address = fault.address;
  event.detail = fault.detail;
  units_[core]->raise(event);
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

bool CpuCluster::inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) {
  return fail_core(unit, type, address, detail, 0);
}

bool CpuCluster::fail_core(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail, uint32_t mca_bank) {
  if (unit >= core_count() || component_class_of(type) != ComponentClass::cpu) return false;
  const uint64_t now = now_ns();
  access_time_ns_ = now;
  advance_timers(now);
  advance_all(now);
  CpuCore& core = *cores_[unit];
  switch (type) {
    case ErrorType::page_fault: raise(unit, type, core.page_fault_storm(address, detail)); break;
    case ErrorType::invalid_opcode: raise(unit, type, core.invalid_opcode(address, detail)); break;
    case ErrorType::machine_check: raise(unit, type, core.machine_check(address, detail, mca_bank)); break;
    case ErrorType::watchdog_hang:
      if (core.run_state() != CoreRunState::running) return false;
      core.hang();
      watchdog_due_ns_[unit] = now + to_ns(params_->watchdog_timeout);
      break;
    case ErrorType::thermal_shutdown:
      if (core.run_state() == CoreRunState::halted) return false;
      raise(unit, type, core.thermal_trip());
      break;
    default: return false;
  }
  rdt_->refresh(now);  // a hung or halted core stops filling the cache
  reschedule();
  traffic_changed_.notify(sc_core::SC_ZERO_TIME);
  return true;
}

// The next thing that happens without anyone touching the cluster: a core
// reaching its trip point or a watchdog expiring.
uint64_t CpuCluster::watchdog_timeout_ns() const { return to_ns(params_->watchdog_timeout); }

void CpuCluster::reschedule() {
  const uint64_t now = now_ns();
  uint64_t next = kNoDeadline;
  for (uint32_t i = 0; i < core_count(); ++i) {
    next = std::min(next, watchdog_due_ns_[i]);
    const CpuCore& c = *cores_[i];
    if (c.run_state() == CoreRunState::halted) continue;
    const uint64_t trip_in = seconds_to_ns_ceil(c.seconds_to(trip_c_));
    if (trip_in != kNoDeadline) next = std::min(next, c.now_ns() + trip_in);
    const uint64_t overflow_in = seconds_to_ns_ceil(c.seconds_to_stack_overflow());
    if (overflow_in != kNoDeadline) next = std::min(next, c.now_ns() + overflow_in);
  }
  deadline_event_.cancel();
  if (next != kNoDeadline) deadline_event_.notify(ns(next > now ? next - now : 0));
}

void CpuCluster::on_deadline() {
  const uint64_t now = now_ns();
  access_time_ns_ = now;
  advance_timers(now);
  advance_all(now);
  bool stopped = false;
  for (uint32_t i = 0; i < core_count(); ++i) {
    CpuCore& c = *cores_[i];
    if (watchdog_due_ns_[i] <= now) {
      watchdog_due_ns_[i] = kNoDeadline;
      raise(i, ErrorType::watchdog_hang, c.watchdog_report(to_ns(params_->watchdog_timeout)));
    }
    // Rounding the deadline up to a whole nanosecond puts the core at or a
    // hair past the trip point; the tolerance absorbs the bisection's last bit.
    if (c.run_state() != CoreRunState::halted && c.temperature_c() >= trip_c_ - 1e-6) {
      raise(i, ErrorType::thermal_shutdown, c.thermal_trip());
      stopped = true;
    }
    if (c.run_state() == CoreRunState::running && c.stack_overflowing())
      raise(i, ErrorType::page_fault, c.stack_overflow());
  }
  if (stopped) traffic_changed_.notify(sc_core::SC_ZERO_TIME);
  reschedule();
}

void CpuCluster::update_irq() {
  bool pending = false;
  for (const auto& unit : units_) pending = pending || unit->pending();
  irq.write(pending);
}

void CpuCluster::traffic_thread() {
  const uint64_t quantum = to_ns(params_->traffic_quantum);
  uint64_t memory_busy_until = 0;
  for (;;) {
    // Annotated DRAM time of the last bursts is consumed before the next
    // ones: a saturated memory delays the bursts, as it would the cores. One
    // wait per quantum, not two (sync, then the boundary): the thread's
    // context switches are most of a burst's host cost.
    if (now_ns() < memory_busy_until) wait(ns(memory_busy_until - now_ns()));
    const uint64_t now = now_ns();
    advance_all(now);
    quantum_keeper_.reset();
    bool active = false;
    // A member, not a local: this thread is never unwound, so a local's
    // heap alive across its waits would leak at the end of the simulation.
    std::vector<uint64_t>& moved = traffic_moved_;
    moved.assign(core_count(), 0);
    for (uint32_t i = 0; i < core_count(); ++i) {
      const uint64_t bytes = moved[i] = cores_[i]->take_traffic_bytes();
      if (bytes > 0) send_burst(i, bytes);
      active = active || cores_[i]->memory_traffic_bps() > 0.0;
    }
    if (cache_) sample_caches(now, moved);
    memory_busy_until = now + to_ns(quantum_keeper_.get_local_time());
    if (!active) {
      wait(traffic_changed_);
      continue;
    }
    const uint64_t next = (std::max(now, memory_busy_until) / quantum + 1) * quantum;
    wait(ns(next - now), traffic_changed_);
  }
}

uint64_t CpuCluster::traffic_span_bytes() const { return std::min<uint64_t>(params_->traffic_span, memory_size_); }

uint64_t CpuCluster::span_part_bytes() const {
  const uint64_t span = traffic_span_bytes();
  return std::max<uint64_t>(span / core_count() / 64 * 64, 64);
}

uint64_t CpuCluster::span_part_base(uint32_t core) const {
  // Workload traffic is user memory: above the kernel's (kernel_layout.h)
  // when the DRAM has room, so it never overwrites page tables or the log.
  const uint64_t span = traffic_span_bytes();
  const uint64_t user = memory_size_ >= kernel_layout::kUserOffset + span ? kernel_layout::kUserOffset : 0;
  return memory_base_ + user + uint64_t{core} * span_part_bytes();
}

void CpuCluster::sample_caches(uint64_t now, const std::vector<uint64_t>& bytes) {
  // A named workload's data: a window of its own per workload id, apart
  // from the DRAM (the model holds tags, not data: only the set and page
  // indices of an address matter), shared by the workload's cores.
  constexpr uint64_t kWorkloadWindowBits = 36;
  std::vector<CoreAccessSource> sources(core_count());
  for (uint32_t i = 0; i < core_count(); ++i) {
    CoreAccessSource& s = sources[i];
    s.traffic_bytes = bytes[i];
    const ClusterWorkload* w = rdt_->workload_on(i);
    s.workload = w != nullptr && w->llc_working_set_bytes > 0;
    if (s.workload) {
      s.region_base = ((uint64_t{w->id} & 0x0FFFFFFF) + 1) << kWorkloadWindowBits;
      s.region_bytes = std::min<uint64_t>(w->llc_working_set_bytes, uint64_t{1} << kWorkloadWindowBits);
    } else {
      s.region_base = span_part_base(i);
      s.region_bytes = span_part_bytes();
    }
  }
  cache_->sample(now, sources);
}

void CpuCluster::send_burst(uint32_t core, uint64_t bytes) {
  if (memory_size_ == 0) return;  // no memory on this board: traffic has nowhere to go
  const uint64_t part = span_part_bytes();
  const uint64_t carried = std::min<uint64_t>({bytes, burst_data_.size(), part});
  // Bursts walk the core's share of the span sequentially: consecutive
  // bursts hit the same page of the DRAM's sparse store (jumping by the
  // represented bytes instead missed the cache on every burst and doubled a
  // day's host time); at 64 B per 100 ms a core still walks 16 MiB in 7 h.
  uint64_t& cursor = traffic_cursor_[core];
  if (cursor + carried > part) cursor = 0;
  const uint64_t address = span_part_base(core) + cursor;
  cursor += carried;

  const bool write = traffic_rng_.bernoulli(params_->traffic_write_fraction);
  burst_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  burst_.set_address(address);
  burst_.set_data_ptr(burst_data_.data());
  burst_.set_data_length(static_cast<unsigned>(carried));
  burst_.set_streaming_width(static_cast<unsigned>(carried));
  burst_.set_byte_enable_ptr(nullptr);
  burst_.set_dmi_allowed(false);
  burst_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  burst_extension_.represented_bytes = bytes;
  burst_extension_.rmid = rdt_->core_rmid(core);
  burst_extension_.numa_node = rdt_->numa_node(core);

  sc_core::sc_time delay = quantum_keeper_.get_local_time();
  out->b_transport(burst_, delay);
  quantum_keeper_.set(delay);
  ++bursts_sent_;
  burst_bytes_represented_ += bytes;
  if (burst_.is_response_error() && !traffic_error_reported_) {
    traffic_error_reported_ = true;
    SC_REPORT_WARNING(name(), fmt::format("memory burst of core {} to {:#x} failed: {}", core, address,
                                          burst_.get_response_string())
                                  .c_str());
  }
}

void CpuCluster::warm_reset() {
  const uint64_t now = now_ns();
  advance_timers(now);
  advance_all(now);
  regs_.reset();
  for (auto& core : cores_) core->warm_reset();
  rdt_->reset(now);
  if (cache_) cache_->model().invalidate_all();  // a reset invalidates the caches
  // Halted and hung cores take interrupts again from the next boundary.
  for (auto& t : timers_) t.rearm(std::max(t.next_expiry_ns(), next_boundary_));
  std::fill(watchdog_due_ns_.begin(), watchdog_due_ns_.end(), kNoDeadline);
  reschedule();
  irq_event_.notify(sc_core::SC_ZERO_TIME);
  traffic_changed_.notify(sc_core::SC_ZERO_TIME);
}

std::string CpuCluster::thermal_channel_name(uint32_t channel) const { return "core" + std::to_string(channel); }

double CpuCluster::channel_temperature_c(uint32_t channel) { return core(channel).temperature_c(); }

double CpuCluster::channel_power_w(uint32_t channel) { return core(channel).power_w(); }

double CpuCluster::peek_temperature_c(uint32_t channel, uint64_t now_ns) const {
  const CpuCore& c = core_as_is(channel);
  return c.temperature_after(now_ns > c.now_ns() ? static_cast<double>(now_ns - c.now_ns()) * 1e-9 : 0.0);
}

void CpuCluster::settle_thermal() {
  advance_all(now_ns());
  for (auto& core : cores_) core->settle_thermal();
  reschedule();  // a thermal trip is timed from the temperature
}

void CpuCluster::set_airflow(double airflow_fraction) {
  advance_all(now_ns());
  const double factor = FanBank::resistance_factor(airflow_fraction);
  for (auto& core : cores_) core->set_resistance_factor(factor);
  reschedule();  // a thermal trip is timed from the temperature
}

void CpuCluster::set_inlet_temperature(double celsius) {
  advance_all(now_ns());
  for (auto& core : cores_) core->set_inlet(celsius);
  reschedule();
}

const CoreTimer& CpuCluster::timer(uint32_t core) {
  // Up to the kernel's time, not an initiator's local time ahead of it: a
  // boundary is expired once, with the phase in force at it.
  advance_timers(now_ns());
  return timers_.at(core);
}

bool CpuCluster::arm_ticks(uint64_t period_ns, uint64_t phase_ns) {
  if (!params_->timer_enabled || period_ns == 0) return false;
  const uint64_t now = now_ns();
  advance_timers(now);
  timer_period_ = period_ns;
  timer_phase_ = phase_ns % period_ns;
  // The first boundary at or after now.
  next_boundary_ = now <= timer_phase_ ? timer_phase_
                                       : timer_phase_ + (now - timer_phase_ + period_ns - 1) / period_ns * period_ns;
  for (auto& t : timers_) t.rearm(next_boundary_);
  if (segments_.empty()) start_segment("run", now);
  return true;
}

void CpuCluster::advance_timers(uint64_t now) {
  if (timer_period_ == 0) return;
  TimerSegment& seg = segments_.back();
  for (; next_boundary_ <= now; next_boundary_ += timer_period_) {
    const uint64_t boundary = next_boundary_;
    uint64_t earliest = ~0ull, latest = 0;
    uint32_t ran = 0;
    for (uint32_t i = 0; i < core_count(); ++i) {
      CpuCore& c = *cores_[i];
      if (c.run_state() == CoreRunState::halted) continue;  // powered off: no timer
      const CoreTimer::Tick tick = timers_[i].expire(boundary, timer_period_, timer_phase_, c.phase(),
                                                     c.precursor().extra_interrupt_rate,
                                                     c.run_state() == CoreRunState::hung, *smi_);
      seg.missed += tick.missed_after;
      if (!tick.ran) continue;
      ++ran;
      ++seg.ticks;
      seg.latency_ns.add(static_cast<double>(tick.delivered_ns - boundary));
      if (timers_[i].last_delta_ns() > 0) {
        const auto delta = static_cast<double>(timers_[i].last_delta_ns());
        seg.delta_ns.add(delta);
        seg.deviation.add(std::fabs(delta - static_cast<double>(timer_period_)));
      }
      earliest = std::min(earliest, tick.delivered_ns);
      latest = std::max(latest, tick.delivered_ns);
    }
    if (ran >= 2) seg.skew_ns.add(static_cast<double>(latest - earliest));
  }
}

TickDelivery CpuCluster::firmware_tick(uint64_t boundary_ns) {
  const uint64_t now = now_ns();
  advance_timers(now);
  TickDelivery d;
  d.expiry_ns = next_boundary_;
  for (uint32_t i = 0; i < core_count(); ++i) {
    if (cores_[i]->run_state() != CoreRunState::running) continue;
    const CoreTimer& t = timers_[i];
    if (t.ticks() > 0 && t.last_boundary_ns() >= boundary_ns) {
      d.known = true;
      d.expiry_ns = t.last_boundary_ns();
      d.delivered_ns = t.last_delivered_ns();
    } else {
      d.expiry_ns = t.next_expiry_ns();
    }
    return d;
  }
  return d;  // no core takes interrupts: the next boundary, and ask again
}

void CpuCluster::begin_timer_segment(const std::string& name) {
  const uint64_t now = now_ns();
  advance_timers(now);
  if (!segments_.empty() && segments_.back().start_ns == now) {
    segments_.back().name = name;  // nothing elapsed in the one before
    return;
  }
  if (!segments_.empty()) segments_.back().end_ns = now;
  start_segment(name, now);
}

void CpuCluster::start_segment(const std::string& name, uint64_t now) {
  TimerSegment segment;
  segment.name = name;
  segment.start_ns = now;
  segment.end_ns = now;
  segments_.push_back(std::move(segment));
}

const std::vector<TimerSegment>& CpuCluster::timer_segments() {
  const uint64_t now = now_ns();
  advance_timers(now);
  if (!segments_.empty()) segments_.back().end_ns = now;
  return segments_;
}

CRASHTWIN_REGISTER_MODEL("cpu_cluster", ComponentClass::cpu, "cores running a phased workload", CpuCluster);

}  // namespace crashtwin
