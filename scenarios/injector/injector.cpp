#include "scenarios/injector/injector.h"

#include <cmath>

#include <fmt/format.h>

#include "models/bmc/bmc.h"
#include "models/cpu/cpu_cluster.h"
#include "models/disk/disk.h"
#include "models/dram/dram.h"
#include "models/nic/nic.h"
#include "models/sensors/sensors.h"

namespace crashtwin::scenario {
namespace {

// How a phase's levels become device workloads. Per busy core: memory
// traffic, exceptions and interrupts of a typical server thread; packets are
// MTU sized.
constexpr double kTrafficPerBusyCoreBps = 1.0e9;
constexpr double kExceptionsPerBusyCore = 50.0;
constexpr double kInterruptsPerBusyCore = 1000.0;
constexpr uint64_t kPacketBytes = 1500;
constexpr uint64_t kDiskIoBytes = 4096;
constexpr uint64_t kFaultAlignment = 64;

const char* const kTrack = "board.injector";

}  // namespace

Injector::Injector(sc_core::sc_module_name name, Board& board, const Scenario& scenario, const Schedule& schedule,
                   EventLog& events)
    : sc_core::sc_module(name),
      board_(board),
      scenario_(scenario),
      schedule_(schedule),
      events_(events),
      fired_(schedule.failures.size()) {
  SC_THREAD(play);
}

void Injector::play() {
  bool started = false;
  for (const Action& a : schedule_.actions) {
    if (!started && a.t_ns > 0) {
      start_parts();
      started = true;
    }
    const uint64_t now = to_ns(sc_core::sc_time_stamp());
    if (a.t_ns > now) wait(sc_core::sc_time(static_cast<double>(a.t_ns - now), sc_core::SC_NS));
    apply(a);
  }
  if (!started) start_parts();
}

void Injector::start_parts() {
  // The scenario's t = 0 state (phase, component settings) is set: a board
  // in service starts every part where that load has held it.
  for (Model* m : board_.models())
    if (auto* sensors = dynamic_cast<Sensors*>(m); sensors != nullptr && sensors->starts_in_service())
      sensors->settle_parts();
}

void Injector::problem(const Action& a, const std::string& what) {
  // Once per kind and component: a stepped precursor would repeat it.
  if (!reported_.insert({a.kind, a.component.cls, a.component.instance}).second) return;
  problems_.push_back(fmt::format("{} at {} ns on {}: {}", to_string(a.kind), a.t_ns, to_string(a.component), what));
}

double Injector::contribute(const Action& a) {
  auto& sources = contributions_[{a.kind, a.component.cls, a.component.instance}];
  if (a.value == 0.0) sources.erase(a.source);
  else sources[a.source] = a.value;
  double sum = 0;
  for (const auto& [source, v] : sources) sum += v;
  return sum;
}

void Injector::push_cpu(ComponentId core) {
  auto* cpu = dynamic_cast<CpuCluster*>(board_.cpu_cluster());
  if (cpu == nullptr) return;
  CorePrecursor p = cpu_heat_[core.instance];
  p.extra_exception_rate = 0;
  p.corrected_error_rate = 0;
  for (const auto& [source, v] : contributions_[{ActionKind::exception_rate, core.cls, core.instance}])
    p.extra_exception_rate += v;
  for (const auto& [source, v] : contributions_[{ActionKind::corrected_error_rate, core.cls, core.instance}])
    p.corrected_error_rate += v;
  const Status st = cpu->set_precursor(core.instance, p);
  if (!ok(st)) problems_.push_back(fmt::format("cpu precursor on {}: {}", to_string(core), crashtwin::to_string(st)));
}

void Injector::apply(const Action& a) {
  uint32_t unit = 0;
  if (a.kind == ActionKind::control) {
    // The firmware's result is an event of its own (the agent's observer).
    const ControlEntry& c = scenario_.control[a.index];
    if (c.from == ControlSource::bmc) board_.bmc().send_command(c.command);
    else board_.write_control(c.command);
    return;
  }
  if (a.kind == ActionKind::workload_start || a.kind == ActionKind::workload_stop) {
    change_workload(a);
    return;
  }
  Model* model = a.kind == ActionKind::phase ? nullptr : board_.model_of(a.component, unit);
  if (a.kind != ActionKind::phase && model == nullptr) {
    problem(a, "the board has no such component");
    if (a.kind == ActionKind::failure) fired_[a.index].status = Status::not_found;
    return;
  }
  auto* dram = dynamic_cast<Dram*>(model);
  auto* io = dynamic_cast<IoDevice*>(model);
  auto* nic = dynamic_cast<Nic*>(model);
  const bool is_cpu = a.component.cls == ComponentClass::cpu;
  switch (a.kind) {
    case ActionKind::phase: {
      const scenario::WorkloadPhase& p = scenario_.phases[a.index];
      events_.add(a.t_ns, kTrack, EventKind::phase).fields["phase"] = p.name;
      if (p.cpu_utilization) levels_.cpu_utilization = p.cpu_utilization;
      if (p.memory_pressure) levels_.memory_pressure = p.memory_pressure;
      if (p.disk_iops) levels_.disk_iops = p.disk_iops;
      if (p.network_bytes_per_s) levels_.network_bytes_per_s = p.network_bytes_per_s;
      if (p.interrupt_rate) levels_.interrupt_rate = p.interrupt_rate;
      if (p.irq_masked) levels_.irq_masked = p.irq_masked;
      if (p.irq_masked_section_ns) levels_.irq_masked_section_ns = p.irq_masked_section_ns;
      if (p.lock_contention) levels_.lock_contention = p.lock_contention;
      if (p.lock_hold_ns) levels_.lock_hold_ns = p.lock_hold_ns;
      crashtwin::WorkloadPhase cpu_phase;
      const double u = levels_.cpu_utilization.value_or(0.0);
      cpu_phase.utilization = u;
      cpu_phase.memory_traffic_bps = u * kTrafficPerBusyCoreBps;
      cpu_phase.exception_rate = u * kExceptionsPerBusyCore;
      cpu_phase.interrupt_rate = u * kInterruptsPerBusyCore + levels_.interrupt_rate.value_or(0.0);
      cpu_phase.irq_masked_fraction = levels_.irq_masked.value_or(0.0);
      cpu_phase.lock_hold_fraction = levels_.lock_contention.value_or(0.0);
      if (levels_.irq_masked_section_ns) cpu_phase.irq_masked_section_ns = static_cast<double>(*levels_.irq_masked_section_ns);
      if (levels_.lock_hold_ns) cpu_phase.lock_hold_ns = static_cast<double>(*levels_.lock_hold_ns);
      // The timers' statistics are kept per phase.
      if (auto* cpu = dynamic_cast<CpuCluster*>(board_.cpu_cluster())) cpu->begin_timer_segment(p.name);
      apply_phase(cpu_phase, levels_);
      return;
    }
    case ActionKind::corrected_error_rate: {
      const double rate = contribute(a);
      if (dram) dram->set_corrected_error_rate(unit, rate);
      else if (is_cpu) push_cpu(a.component);
      else problem(a, "corrected errors apply to memory and cpu components");
      return;
    }
    case ActionKind::exception_rate:
      contribute(a);
      push_cpu(a.component);
      return;
    case ActionKind::io_error_rate: {
      const double rate = contribute(a);
      if (io == nullptr) return problem(a, "I/O errors apply to disks and NICs");
      const Status st = io->set_error_rate(nic ? IoError::crc : IoError::timeout, rate);
      if (!ok(st)) problem(a, crashtwin::to_string(st));
      return;
    }
    case ActionKind::latency_offset: {
      const double ns = contribute(a);
      if (io == nullptr) return problem(a, "latency applies to disks and NICs");
      const Status st = io->set_latency_offset(static_cast<uint64_t>(std::llround(std::max(0.0, ns))));
      if (!ok(st)) problem(a, crashtwin::to_string(st));
      return;
    }
    case ActionKind::temperature:
      if (dram) dram->set_slot_air(unit, a.value);
      else if (io) io->set_inlet_temperature(a.value);
      else problem(a, "temperature steps apply to memory, disks and NICs");
      return;
    case ActionKind::heat_ramp:
      if (dram) {
        dram->set_heat_ramp(unit, a.value, a.value2);
        return;
      }
      if (!is_cpu) return problem(a, "heat ramps apply to cores and DIMMs");
      cpu_heat_[a.component.instance].temperature_ramp_c_per_s = a.value;
      cpu_heat_[a.component.instance].temperature_ramp_limit_c = a.value2;
      push_cpu(a.component);
      return;
    case ActionKind::stack_recursion:
      if (!is_cpu) return problem(a, "stack recursion applies to cores");
      cpu_heat_[a.component.instance].stack_recursion_bytes = static_cast<uint64_t>(std::llround(a.value));
      cpu_heat_[a.component.instance].stack_recursion_at_ns = static_cast<uint64_t>(a.value2);
      push_cpu(a.component);
      return;
    case ActionKind::link_flap:
      if (nic) nic->link_flap();
      else problem(a, "link flaps apply to NICs");
      return;
    case ActionKind::precursor_begin:
    case ActionKind::precursor_end: {
      Event& e = events_.add(a.t_ns, kTrack, EventKind::precursor);
      e.fields["precursor"] = a.label;
      e.fields["component"] = to_string(a.component);
      e.fields["state"] = a.kind == ActionKind::precursor_begin ? "begin" : "end";
      return;
    }
    case ActionKind::failure:
      inject(a);
      return;
    case ActionKind::control:
    case ActionKind::workload_start:
    case ActionKind::workload_stop:
      return;  // above
  }
}

// The workload's traffic starts or stops on its cores, and the kernel tells
// the firmware (which assigns or frees its RMID: an `rmid` event).
void Injector::change_workload(const Action& a) {
  const NamedWorkload& w = scenario_.workloads[a.index];
  const bool start = a.kind == ActionKind::workload_start;
  auto* cpu = dynamic_cast<CpuCluster*>(board_.cpu_cluster());
  Status st = Status::not_found;
  if (cpu != nullptr)
    st = start ? cpu->start_workload({w.id, w.cores, w.memory_bandwidth_bps, w.llc_working_set_bytes})
               : cpu->stop_workload(w.id);
  Event& e = events_.add(a.t_ns, kTrack, EventKind::workload);
  e.fields["workload"] = w.name;
  e.fields["id"] = w.id;
  e.fields["state"] = start ? "start" : "stop";
  e.fields["status"] = crashtwin::to_string(st);
  if (!ok(st)) {
    problems_.push_back(fmt::format("workload {} {} at {} ns: {}", w.name, start ? "start" : "stop", a.t_ns,
                                    crashtwin::to_string(st)));
    return;
  }
  WorkloadNotice notice;
  notice.kind = start ? WorkloadNotice::Kind::start : WorkloadNotice::Kind::stop;
  notice.owner.workload_id = w.id;
  w.name.copy(notice.owner.name, kRmidOwnerNameBytes - 1);
  for (uint32_t c : w.cores) notice.add_core(c);
  board_.notify_workload(notice);
}

void Injector::apply_phase(const crashtwin::WorkloadPhase& cpu_phase, const scenario::WorkloadPhase& p) {
  if (auto* cpu = dynamic_cast<CpuCluster*>(board_.cpu_cluster())) {
    const Status st = cpu->set_phase(std::nullopt, cpu_phase);
    if (!ok(st)) problems_.push_back(fmt::format("cpu phase: {}", crashtwin::to_string(st)));
  }
  if (p.memory_pressure) {
    Dram& dram = board_.dram();
    for (uint32_t d = 0; d < dram.dimms(); ++d)
      dram.set_pressure(d, static_cast<uint64_t>(std::llround(*p.memory_pressure * 1e6)));
  }
  for (uint32_t i = 0; i < board_.component_count(ComponentClass::disk); ++i) {
    auto* disk = dynamic_cast<IoDevice*>(board_.disk(i));
    if (disk && p.disk_iops) disk->set_phase({.io_rate = *p.disk_iops, .io_bytes = kDiskIoBytes});
  }
  for (uint32_t i = 0; i < board_.component_count(ComponentClass::network); ++i) {
    auto* nic = dynamic_cast<IoDevice*>(board_.nic(i));
    if (nic && p.network_bytes_per_s)
      nic->set_phase({.io_rate = *p.network_bytes_per_s / static_cast<double>(kPacketBytes), .io_bytes = kPacketBytes});
  }
}

void Injector::inject(const Action& a) {
  uint64_t address = 0;
  if (a.component.cls == ComponentClass::memory) {
    // A fault address inside the failing DIMM: a replayed log's, folded into
    // the DIMM as its corrected errors are, or drawn with the seed.
    const Dram& dram = board_.dram();
    const std::optional<uint64_t> logged = schedule_.failures[a.index].logged_address;
    const uint64_t offset = logged ? *logged % dram.dimm_size()
                                   : static_cast<uint64_t>(a.value * static_cast<double>(dram.dimm_size()));
    address = dram.physical_base() + a.component.instance * dram.dimm_size() + offset / kFaultAlignment * kFaultAlignment;
  }
  const ErrorType type = schedule_.failures[a.index].error;
  const Status st = board_.inject_failure(a.component, type, address, 0);
  FiredFailure& f = fired_[a.index];
  f.status = st;
  f.injected = ok(st);
  f.t_ns = a.t_ns;
  Event& e = events_.add(a.t_ns, kTrack, EventKind::injection);
  e.fields["failure"] = a.label;
  e.fields["component"] = to_string(a.component);
  e.fields["error"] = crashtwin::to_string(type);
  e.fields["status"] = crashtwin::to_string(st);
  if (address != 0) e.fields["address"] = address;
}

}  // namespace crashtwin::scenario
