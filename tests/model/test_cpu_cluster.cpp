// cpu_cluster: counters, thermal model, trip, failure hooks, register file,
// memory bursts and determinism, on one elaborated testbench. Each test case
// uses its own core(s) and advances time relative to sc_time_stamp(), so the
// cases pass alone (ctest) and in one run.
#include <cmath>
#include <memory>

#include "models/core/device_layout.h"
#include "models/core/irq.h"
#include "models/cpu/cpu_cluster.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
namespace dl = crashtwin::device_layout;
using test::now_s;
using test::run_for;

namespace {

constexpr uint64_t kSeed = 42;
constexpr double kInlet = kDefaultInletC;

struct Bench {
  ParamTree tree;
  std::unique_ptr<CpuCluster> cpu;    // noise off: counters are exact integrals
  std::unique_ptr<CpuCluster> noisy;  // noise on
  test::MmioInitiator bus{"bus"};
  test::MmioInitiator noisy_bus{"noisy_bus"};
  test::BurstCounter memory{"memory"};
  test::BurstCounter noisy_memory{"noisy_memory"};
  IrqLine irq{"irq"};
  IrqLine noisy_irq{"noisy_irq"};

  Bench() {
    tree.set("cpu.cores", "10");
    tree.set("cpu.noise", "false");
    tree.set("cpu.watchdog_timeout", "2 s");
    tree.set("cpu.traffic_quantum", "10 ms");
    tree.set("cpu.traffic_burst", "4 KiB");
    tree.set("cpu.traffic_span", "1 MiB");
    tree.set("cpu.workload.utilization", "20 %");
    tree.set("noisy.cores", "2");
    ModelContext ctx{ParamScope(tree, "cpu"), kSeed, 0, 0x8000'0000, 1ull << 30};
    cpu = std::make_unique<CpuCluster>("cpu", ctx);
    ModelContext noisy_ctx{ParamScope(tree, "noisy"), kSeed, 10, 0x8000'0000, 1ull << 30};
    noisy = std::make_unique<CpuCluster>("noisy", noisy_ctx);
    bus.out.bind(cpu->in);
    noisy_bus.out.bind(noisy->in);
    cpu->out.bind(memory.in);
    noisy->out.bind(noisy_memory.in);
    cpu->irq.bind(irq);
    noisy->irq.bind(noisy_irq);
    test::settle();
  }

  uint64_t metric(uint32_t core, Metric m) { return bus.read64(dl::metric_offset(core, m)); }
  uint64_t err(uint32_t core, uint64_t reg) { return bus.read64(dl::unit_base(core) + reg); }
  void acknowledge(uint32_t core) {
    bus.write64(dl::unit_base(core) + dl::kErrStatus, dl::kErrStatusValid);
    test::settle();
  }
  CoreRegisterFile registers(uint32_t core) {
    const uint64_t length = bus.read64(dl::unit_base(core) + dl::kStateLength);
    REQUIRE(length == register_file_bytes(20));  // the default 20 MCA banks
    const auto bytes = bus.read_bytes(dl::unit_base(core) + dl::kStateWindowOffset, static_cast<unsigned>(length));
    CoreRegisterFile regs;
    REQUIRE(decode_register_file(bytes, regs));
    return regs;
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

WorkloadPhase phase(double util, double exceptions, double interrupts, double traffic = 0.0) {
  WorkloadPhase p;
  p.utilization = util;
  p.exception_rate = exceptions;
  p.interrupt_rate = interrupts;
  p.memory_traffic_bps = traffic;
  return p;
}

// Reference solution of dT/dt = (u(t) - T)/tau by RK4 with a fine step,
// independent of the model's closed form.
double integrate_crossing(double t0_temp, double tau, double u0, double slope, double ramp_s, double threshold) {
  const double h = 1e-4;
  double t = 0.0;
  double temp = t0_temp;
  auto u = [&](double s) { return u0 + slope * std::min(s, ramp_s); };
  auto f = [&](double s, double y) { return (u(s) - y) / tau; };
  while (temp < threshold && t < 1e4) {
    const double k1 = f(t, temp), k2 = f(t + h / 2, temp + h / 2 * k1), k3 = f(t + h / 2, temp + h / 2 * k2),
                 k4 = f(t + h, temp + h * k3);
    const double next = temp + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    if (next >= threshold) return t + h * (threshold - temp) / (next - temp);
    temp = next;
    t += h;
  }
  return -1.0;
}

}  // namespace

TEST_CASE("registers declare the cluster and reject writes to read-only metrics") {
  Bench& b = bench();
  CHECK(b.bus.read64(0x00) == 10);
  CHECK(b.bus.read64(0x08) == 100'000);
  CHECK(b.cpu->mmio_size() == dl::device_size(10));
  CHECK(b.bus.read64(dl::unit_base(9) + dl::kStateKind) == static_cast<uint64_t>(StateKind::register_file));
  // Every access costs simulated time.
  CHECK(b.bus.last_delay == sc_core::sc_time(100, sc_core::SC_NS));
  CHECK_FALSE(b.bus.write64(dl::metric_offset(0, Metric::cpu_exceptions), 0));
  // Past the last unit nothing answers.
  unsigned char word[8];
  CHECK(b.bus.access(tlm::TLM_READ_COMMAND, dl::device_size(10), word, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("counters integrate rates exactly over phase changes") {
  Bench& b = bench();
  const uint32_t core = 0;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 1000, 250)) == Status::ok);
  const uint64_t e0 = b.metric(core, Metric::cpu_exceptions);
  const uint64_t i0 = b.metric(core, Metric::cpu_interrupts);
  run_for(1.5);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e0 == 1500);
  REQUIRE(b.cpu->set_phase(core, phase(0.9, 200, 4000)) == Status::ok);
  run_for(2.0);
  // Reads in the middle do not disturb the integral.
  CHECK(b.metric(core, Metric::cpu_interrupts) - i0 == 375 + 8000);
  run_for(0.25);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e0 == 1500 + 400 + 50);
  CHECK(b.metric(core, Metric::cpu_interrupts) - i0 == 375 + 9000);
  CHECK(b.metric(core, Metric::cpu_utilization) == 900'000);

  SECTION("precursor offsets stack on the phase and survive phase changes") {
    CorePrecursor pre;
    pre.extra_exception_rate = 3000;
    pre.corrected_error_rate = 4;
    REQUIRE(b.cpu->set_precursor(core, pre) == Status::ok);
    const uint64_t e1 = b.metric(core, Metric::cpu_exceptions);
    const uint64_t c1 = b.metric(core, Metric::cpu_corrected_errors);
    run_for(1.0);
    REQUIRE(b.cpu->set_phase(core, phase(0.1, 10, 0)) == Status::ok);
    run_for(1.0);
    CHECK(b.metric(core, Metric::cpu_exceptions) - e1 == 3200 + 3010);
    CHECK(b.metric(core, Metric::cpu_corrected_errors) - c1 == 8);
    REQUIRE(b.cpu->set_precursor(core, CorePrecursor{}) == Status::ok);
  }
}

TEST_CASE("bad phases and cores are refused and change nothing") {
  Bench& b = bench();
  const uint64_t before = b.metric(1, Metric::cpu_utilization);
  CHECK(b.cpu->set_phase(1, phase(1.5, 0, 0)) == Status::invalid_argument);
  CHECK(b.cpu->set_phase(1, phase(0.5, -1, 0)) == Status::invalid_argument);
  CHECK(b.cpu->set_phase(1, phase(0.5, NAN, 0)) == Status::invalid_argument);
  CHECK(b.cpu->set_phase(10, phase(0.5, 0, 0)) == Status::out_of_range);
  CorePrecursor bad;
  bad.extra_exception_rate = -5;
  CHECK(b.cpu->set_precursor(std::nullopt, bad) == Status::invalid_argument);
  CHECK(b.metric(1, Metric::cpu_utilization) == before);
  CHECK_FALSE(b.cpu->inject_failure(10, ErrorType::invalid_opcode, 0, 0));
  CHECK_FALSE(b.cpu->inject_failure(1, ErrorType::disk_timeout, 0, 0));
}

TEST_CASE("temperature follows the closed-form first-order response to power") {
  Bench& b = bench();
  const uint32_t core = 1;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 0, 0)) == Status::ok);
  // P = 3 W + (12 - 3) W * 0.5; steady state = inlet + P * 4 °C/W.
  CHECK(b.metric(core, Metric::cpu_power) == 7500);
  CHECK(b.metric(core, Metric::cpu_utilization) == 500'000);
  const double t0 = b.cpu->core(core).temperature_c();
  const double steady = kInlet + 7.5 * 4.0;
  for (double step : {0.3, 2.0, 7.0, 25.0}) {
    const double start = now_s();
    const double from = b.cpu->core(core).temperature_c();
    run_for(step);
    const double expected = steady + (from - steady) * std::exp(-(now_s() - start) / 10.0);
    CHECK(b.cpu->core(core).temperature_c() == Approx(expected).margin(1e-9));
    CHECK(static_cast<double>(b.metric(core, Metric::cpu_temperature)) == Approx(expected * 1000).margin(0.5));
  }
  CHECK(b.cpu->core(core).temperature_c() != Approx(t0).margin(1.0));
}

TEST_CASE("a core reaching the trip point shuts itself down at the closed-form time") {
  Bench& b = bench();
  const uint32_t core = 2;
  REQUIRE(b.cpu->set_phase(core, phase(1.0, 100, 100)) == Status::ok);
  run_for(0.001);
  REQUIRE_FALSE(b.irq.read());
  // A near-step heat-sink failure: the ambient offset jumps 40 °C.
  CorePrecursor pre;
  pre.temperature_ramp_c_per_s = 1e6;
  pre.temperature_ramp_limit_c = 40.0;
  const double t0 = b.cpu->core(core).temperature_c();
  const double start = now_s();
  REQUIRE(b.cpu->set_precursor(core, pre) == Status::ok);
  const double steady = kInlet + 40.0 + 12.0 * 4.0;  // 113 °C
  const double expected = start + 10.0 * std::log((steady - t0) / (steady - 100.0));

  run_for(expected - now_s() - 0.01);
  CHECK_FALSE(b.irq.read());
  CHECK(b.err(core, dl::kErrStatus) == 0);
  run_for(0.02);
  CHECK(b.irq.read());
  CHECK(b.err(core, dl::kErrStatus) == dl::kErrStatusValid);
  CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::thermal_shutdown));
  // The step is a 40 µs ramp: the trip lands within 0.1 ms of the step answer.
  CHECK(static_cast<double>(b.err(core, dl::kErrTime)) * 1e-9 == Approx(expected).margin(1e-4));
  CHECK(b.err(core, dl::kErrDetail) == Approx(100'000).margin(1));
  // Powered off: no power, no new exceptions, cooling.
  const uint64_t exceptions = b.metric(core, Metric::cpu_exceptions);
  run_for(1.0);
  CHECK(b.metric(core, Metric::cpu_power) == 0);
  CHECK(b.metric(core, Metric::cpu_exceptions) == exceptions);
  CHECK(b.cpu->core(core).temperature_c() < 100.0);
  b.acknowledge(core);
  CHECK_FALSE(b.irq.read());
}

TEST_CASE("a temperature ramp trips when an independent integration says so") {
  Bench& b = bench();
  const uint32_t core = 8;
  REQUIRE(b.cpu->set_phase(core, phase(1.0, 0, 0)) == Status::ok);
  run_for(0.5);
  CorePrecursor pre;
  pre.temperature_ramp_c_per_s = 0.5;
  pre.temperature_ramp_limit_c = 80.0;
  const double t0 = b.cpu->core(core).temperature_c();
  const double start = now_s();
  REQUIRE(b.cpu->set_precursor(core, pre) == Status::ok);
  const double u0 = kInlet + 12.0 * 4.0;
  const double expected = start + integrate_crossing(t0, 10.0, u0, 0.5, 160.0, 100.0);
  REQUIRE(expected > start);
  run_for(expected - now_s() + 0.01);
  REQUIRE(b.err(core, dl::kErrStatus) == dl::kErrStatusValid);
  CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::thermal_shutdown));
  CHECK(static_cast<double>(b.err(core, dl::kErrTime)) * 1e-9 == Approx(expected).margin(1e-3));
  b.acknowledge(core);
}

TEST_CASE("page-fault storm latches the fault address and storms until acknowledged") {
  Bench& b = bench();
  const uint32_t core = 3;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 100, 0)) == Status::ok);
  REQUIRE_FALSE(b.irq.read());
  REQUIRE(b.cpu->inject_failure(core, ErrorType::page_fault, 0x7F00'1000, 0));
  test::settle();
  CHECK(b.irq.read());
  CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::page_fault));
  CHECK(b.err(core, dl::kErrAddress) == 0x7F00'1000);
  CHECK(b.err(core, dl::kErrDetail) == 0x2);
  CHECK(b.err(core, dl::kErrTime) == test::to_ns_now());
  CHECK(b.registers(core).cr2 == 0x7F00'1000);
  const uint64_t e0 = b.metric(core, Metric::cpu_exceptions);
  run_for(0.1);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e0 == 5000 + 10);
  b.acknowledge(core);
  CHECK_FALSE(b.irq.read());
  const uint64_t e1 = b.metric(core, Metric::cpu_exceptions);
  run_for(0.1);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e1 == 10);
}

TEST_CASE("invalid opcode and machine check latch their syndromes in status and registers") {
  Bench& b = bench();
  SECTION("invalid opcode") {
    const uint32_t core = 4;
    REQUIRE(b.cpu->inject_failure(core, ErrorType::invalid_opcode, 0xFFFF'FFFF'8123'4567, 0));
    test::settle();
    CHECK(b.irq.read());
    CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::invalid_opcode));
    CHECK(b.err(core, dl::kErrAddress) == 0xFFFF'FFFF'8123'4567);
    CHECK(b.err(core, dl::kErrDetail) == 0x0B0F);  // UD2
    CHECK(b.registers(core).rip == 0xFFFF'FFFF'8123'4567);
    b.acknowledge(core);
  }
  SECTION("machine check") {
    const uint32_t core = 5;
    REQUIRE(b.cpu->inject_failure(core, ErrorType::machine_check, 0x1234'5000, 0x0150));
    test::settle();
    CHECK(b.irq.read());
    const uint64_t status = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | kMciStatusAddrv | 0x0150;
    CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::machine_check));
    CHECK(b.err(core, dl::kErrAddress) == 0x1234'5000);
    CHECK(b.err(core, dl::kErrDetail) == status);
    const CoreRegisterFile regs = b.registers(core);
    CHECK(regs.mc_status == status);
    CHECK(regs.mc_addr == 0x1234'5000);
    CHECK(regs.mcg_status == (kMcgStatusMcip | kMcgStatusEipv));
    b.acknowledge(core);
  }
  SECTION("machine check without an address: ADDRV clear") {
    const uint32_t core = 4;  // its banks are clean: core 5's hold the error above
    REQUIRE(b.cpu->inject_failure(core, ErrorType::machine_check, 0, 0x0150));
    test::settle();
    CHECK(b.err(core, dl::kErrDetail) == (kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | 0x0150));
    CHECK((b.registers(core).mc_status & kMciStatusAddrv) == 0);
    b.acknowledge(core);
  }
  CHECK(b.err(4, dl::kErrCount) + b.err(5, dl::kErrCount) >= 1);
  CHECK_FALSE(b.irq.read());
}

TEST_CASE("an MCA bank follows the SDM's overwrite rules: OVER on a second error, a logged UC stays") {
  CpuCoreParams params;
  params.noise = false;
  CpuCore core(0, params, RngStream(kSeed, "mca_rules"), kInlet);
  const uint32_t bank = 3;
  core.corrected_machine_check(bank, 0x0135);
  CHECK(core.mci_status(bank) == (kMciStatusVal | kMciStatusEn | (1ull << kMciStatusCeCountShift) | 0x0135));
  core.corrected_machine_check(bank, 0x0135);
  CHECK(core.mci_status(bank) ==
        (kMciStatusVal | kMciStatusEn | kMciStatusOver | (2ull << kMciStatusCeCountShift) | 0x0135));
  // An uncorrected error is written over the corrected one, OVER set, the
  // corrected count kept.
  const CpuCore::Fault first = core.machine_check(0x5000, 0x0150, bank);
  const uint64_t uc = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | kMciStatusAddrv | kMciStatusOver |
                      (2ull << kMciStatusCeCountShift) | 0x0150;
  CHECK(first.detail == uc);
  CHECK(core.mci_status(bank) == uc);
  CHECK(core.upper_mca_banks()[bank - 1].addr == 0x5000);
  // A second uncorrected error does not overwrite the first: the bank (and
  // what the core reports) stays the first's.
  const CpuCore::Fault second = core.machine_check(0x9000, 0x0151, bank);
  CHECK(second.detail == uc);
  CHECK(second.address == 0x5000);
  CHECK(core.mci_status(bank) == uc);
  CHECK(core.upper_mca_banks()[bank - 1].addr == 0x5000);
  // A corrected error leaves it too, counted.
  core.corrected_machine_check(bank, 0x0135);
  CHECK(core.mci_status(bank) == ((uc & ~kMciStatusCeCountMask) | (3ull << kMciStatusCeCountShift)));
  // Another bank's first error has no OVER.
  CHECK(core.machine_check(0x7000, 0x0150, bank + 1).detail ==
        (kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | kMciStatusAddrv | 0x0150));
}

TEST_CASE("a fault freezes the core's registers at its frame until warm reset") {
  Bench& b = bench();
  const uint32_t core = 6;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 100, 0)) == Status::ok);
  run_for(0.01);
  // The core faults wherever it is: its RIP at that moment is the faulting
  // instruction.
  REQUIRE(b.cpu->inject_failure(core, ErrorType::invalid_opcode, 0, 0));
  test::settle();
  const CoreRegisterFile at_fault = b.registers(core);
  CHECK(b.err(core, dl::kErrAddress) == at_fault.rip);
  // The core goes on running (its handler, other work): a capture half a
  // second later still reads the frame of the fault, not a moved-on core.
  run_for(0.5);
  const CoreRegisterFile later = b.registers(core);
  CHECK(later.rip == at_fault.rip);
  CHECK(later.gpr == at_fault.gpr);
  CHECK(later.tsc > at_fault.tsc);  // the clock is not part of the frame
  b.acknowledge(core);
  run_for(0.1);
  CHECK(b.registers(core).rip == at_fault.rip);  // acknowledging is not a reset
  // A warm reset releases the frame: the core moves on again.
  b.cpu->warm_reset();
  run_for(0.01);
  const CoreRegisterFile a = b.registers(core);
  run_for(0.01);
  CHECK(b.registers(core).rip != a.rip);
  CHECK(a.rip != at_fault.rip);
}

TEST_CASE("a hung core stops retiring and the watchdog reports it after its timeout") {
  Bench& b = bench();
  const uint32_t core = 6;
  REQUIRE(b.cpu->set_phase(core, phase(0.3, 500, 500)) == Status::ok);
  run_for(0.1);
  const uint64_t hang_ns = test::to_ns_now();
  REQUIRE(b.cpu->inject_failure(core, ErrorType::watchdog_hang, 0, 0));
  const CoreRegisterFile at_hang = b.registers(core);
  CHECK((at_hang.rflags & kRflagsInterruptEnable) == 0);
  const uint64_t e0 = b.metric(core, Metric::cpu_exceptions);
  run_for(1.9);
  CHECK_FALSE(b.irq.read());
  CHECK(b.metric(core, Metric::cpu_exceptions) == e0);
  CHECK(b.metric(core, Metric::cpu_utilization) == 1'000'000);  // spinning
  CHECK(b.registers(core).rip == at_hang.rip);                   // stuck in the loop
  run_for(0.2);
  CHECK(b.irq.read());
  CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::watchdog_hang));
  CHECK(b.err(core, dl::kErrTime) == hang_ns + 2'000'000'000ull);
  CHECK(b.err(core, dl::kErrAddress) == at_hang.rip);
  CHECK(b.err(core, dl::kErrDetail) == 2'000'000'000ull);
  CHECK_FALSE(b.cpu->inject_failure(core, ErrorType::watchdog_hang, 0, 0));  // already hung
  b.acknowledge(core);
  CHECK_FALSE(b.irq.read());
}

TEST_CASE("an injected thermal shutdown latches the temperature and powers the core off") {
  Bench& b = bench();
  const uint32_t core = 7;
  run_for(0.01);
  const double temp = b.cpu->core(core).temperature_c();
  REQUIRE(b.cpu->inject_failure(core, ErrorType::thermal_shutdown, 0, 0));
  test::settle();
  CHECK(b.irq.read());
  CHECK(b.err(core, dl::kErrType) == static_cast<uint64_t>(ErrorType::thermal_shutdown));
  CHECK(static_cast<double>(b.err(core, dl::kErrDetail)) == Approx(temp * 1000).margin(1));
  CHECK(b.metric(core, Metric::cpu_power) == 0);
  b.acknowledge(core);
}

TEST_CASE("register file snapshot: layout, per-core identity, time and movement") {
  Bench& b = bench();
  const uint32_t core = 9;
  run_for(0.01);
  const CoreRegisterFile a = b.registers(core);
  CHECK(a.core == core);
  // Identity-mapped kernel in low DRAM (the bench's DRAM is at 2 GiB): the
  // addresses are physical, so the firmware can read the stack and code page.
  const uint64_t dram = 0x8000'0000;
  CHECK(a.cr3 == dram + (16u << 20) + core * 16384);  // 4 page-table pages per core
  CHECK(a.cr0 == 0x8005'0033);
  CHECK(a.rip >= dram + (32u << 20));
  CHECK(a.rip < dram + (48u << 20));
  CHECK(a.rsp() >= dram + (48u << 20) + core * 16384);
  CHECK(a.rsp() < dram + (48u << 20) + (core + 1) * 16384);
  CHECK(a.rsp() % 8 == 0);
  CHECK((a.rflags & kRflagsInterruptEnable) != 0);
  CHECK(static_cast<double>(a.tsc) == Approx(now_s() * 2.5e9).margin(2));
  CHECK(a.mc_status == 0);
  // Reading again at the same time gives the same registers; later, a
  // running core has moved on.
  CHECK(b.registers(core) == a);
  run_for(0.01);
  const CoreRegisterFile later = b.registers(core);
  CHECK(later.rip != a.rip);
  CHECK(later.gpr[Gpr::rax] != a.gpr[Gpr::rax]);
  CHECK(later.cr3 == a.cr3);
}

TEST_CASE("memory traffic leaves as one burst per core per quantum carrying the represented bytes") {
  Bench& b = bench();
  const uint32_t core = 0;
  run_for(0.01);
  const uint64_t bursts0 = b.memory.bursts;
  const uint64_t bytes0 = b.memory.represented_bytes;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 0, 0, 2e9)) == Status::ok);  // 2 GB/s
  run_for(1.0);
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 0, 0, 0)) == Status::ok);
  run_for(0.05);
  const uint64_t bursts = b.memory.bursts - bursts0;
  // 1 s of traffic at 10 ms per burst (the first quantum may be partial).
  CHECK(bursts >= 100);
  CHECK(bursts <= 101);
  CHECK(static_cast<double>(b.memory.represented_bytes - bytes0) == Approx(2e9).epsilon(1e-6));
  CHECK(b.memory.longest_burst <= 4096);
  // User memory: above the kernel's (kernel_layout.h).
  CHECK(b.memory.lowest_address >= 0x8000'0000 + kernel_layout::kUserOffset);
  CHECK(b.memory.highest_end <= 0x8000'0000 + kernel_layout::kUserOffset + (1u << 20));
  // The traffic stopped with the phase.
  const uint64_t after = b.memory.bursts;
  run_for(0.1);
  CHECK(b.memory.bursts == after);
}

TEST_CASE("the same seed replays the counters and another seed does not") {
  Bench& b = bench();
  // A core built outside the board from the same seed and hierarchical name
  // replays the board's core draw for draw.
  CpuCoreParams params;
  params.thermal = {4.0, 10.0};
  RngStream same(kSeed, "noisy.core1");
  RngStream other(kSeed + 1, "noisy.core1");
  CpuCore replica(1, params, same, kInlet);
  CpuCore stranger(1, params, other, kInlet);
  WorkloadPhase initial = phase(0.2, 100, 1000);
  for (CpuCore* c : {&replica, &stranger}) c->set_phase(initial);

  const uint64_t t0 = test::to_ns_now();
  const WorkloadPhase busy = phase(0.8, 20000, 50000);
  REQUIRE(b.noisy->set_phase(1, busy) == Status::ok);
  for (CpuCore* c : {&replica, &stranger}) c->advance_to(t0), c->set_phase(busy);
  run_for(3.0);
  const uint64_t t1 = test::to_ns_now();
  for (CpuCore* c : {&replica, &stranger}) c->advance_to(t1);
  const uint64_t board_exceptions = b.noisy_bus.read64(dl::metric_offset(1, Metric::cpu_exceptions));
  CHECK(board_exceptions == replica.metric(Metric::cpu_exceptions));
  CHECK(b.noisy_bus.read64(dl::metric_offset(1, Metric::cpu_interrupts)) == replica.metric(Metric::cpu_interrupts));
  CHECK(stranger.metric(Metric::cpu_exceptions) != replica.metric(Metric::cpu_exceptions));
  // Noise around the integral: within 6 sigma of the mean over 3 s at 20000/s.
  const double since = static_cast<double>(replica.metric(Metric::cpu_exceptions));
  const double mean = 100.0 * static_cast<double>(t0) * 1e-9 + 60000.0;
  CHECK(std::fabs(since - mean) < 6 * std::sqrt(mean));
}

TEST_CASE("replayed rates add to the workload's, a core's own inlet heats only that core") {
  Bench& b = bench();
  const uint32_t core = 0;
  REQUIRE(b.cpu->set_phase(core, phase(0.5, 100, 0)) == Status::ok);
  REQUIRE(b.cpu->set_replayed_rates(core, 5, 2000) == Status::ok);
  const uint64_t e0 = b.metric(core, Metric::cpu_exceptions);
  const uint64_t c0 = b.metric(core, Metric::cpu_corrected_errors);
  run_for(2.0);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e0 == 2 * (100 + 2000));
  CHECK(b.metric(core, Metric::cpu_corrected_errors) - c0 == 10);

  CHECK(b.cpu->set_replayed_rates(10, 1, 1) == Status::out_of_range);
  CHECK(b.cpu->set_replayed_rates(core, -1, 0) == Status::invalid_argument);
  CHECK(b.cpu->set_replayed_rates(core, 0, NAN) == Status::invalid_argument);
  CHECK(b.cpu->set_core_inlet(10, 30) == Status::out_of_range);
  REQUIRE(b.cpu->set_replayed_rates(core, 0, 0) == Status::ok);
  const uint64_t e1 = b.metric(core, Metric::cpu_exceptions);
  run_for(1.0);
  CHECK(b.metric(core, Metric::cpu_exceptions) - e1 == 100);

  // Six time constants at constant power: the core sits at its steady state,
  // which moves by exactly the inlet change; its neighbour's does not.
  run_for(60.0);
  const double before = b.cpu->core(core).temperature_c();
  const double neighbour = b.cpu->core(core + 1).temperature_c();
  REQUIRE(b.cpu->set_core_inlet(core, kInlet + 15.0) == Status::ok);
  run_for(60.0);
  CHECK(b.cpu->core(core).temperature_c() == Approx(before + 15.0).margin(0.05));
  CHECK(b.cpu->core(core + 1).temperature_c() == Approx(neighbour).margin(0.05));
  REQUIRE(b.cpu->set_core_inlet(core, kInlet) == Status::ok);
}
