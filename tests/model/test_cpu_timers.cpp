// cpu_cluster per-core sampling timers (issue 17): ticks aligned to the
// period's multiples from time 0 and on their boundaries when nothing
// perturbs a core; latency from masked sections, lock holds and SMIs; a
// handler that overruns the period skips boundaries (missed ticks); SMIs
// hold every core alike (no skew) while per-core sections do not; a hung
// core misses every tick; the timer registers show the latest tick. One
// elaborated testbench; each case uses its own cluster.
#include <memory>

#include "models/cpu/cpu_cluster.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
using test::run_for;

namespace {

constexpr uint64_t kSeed = 17;
constexpr uint64_t kMs = 1'000'000;

// Where the cores' memory bursts go (no traffic in these cases).
struct Sink : sc_core::sc_module {
  tlm_utils::simple_target_socket<Sink> in{"in"};
  explicit Sink(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    in.register_b_transport(this, &Sink::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time&) { tx.set_response_status(tlm::TLM_OK_RESPONSE); }
};

struct Cluster {
  std::unique_ptr<CpuCluster> cpu;
  std::unique_ptr<test::MmioInitiator> bus;
  std::unique_ptr<Sink> memory;
  std::unique_ptr<IrqLine> irq;
};

struct Bench {
  ParamTree tree;
  Cluster ideal, locked, smi, masked, hung;

  void make(Cluster& c, const std::string& name, uint32_t first) {
    c.cpu = std::make_unique<CpuCluster>(name.c_str(), ModelContext{ParamScope(tree, name), kSeed, first, 0, 0});
    c.bus = std::make_unique<test::MmioInitiator>((name + "_bus").c_str());
    c.irq = std::make_unique<IrqLine>((name + "_irq").c_str());
    c.memory = std::make_unique<Sink>((name + "_memory").c_str());
    c.bus->out.bind(c.cpu->in);
    c.cpu->out.bind(c.memory->in);
    c.cpu->irq.bind(*c.irq);
  }

  Bench() {
    for (const char* n : {"ideal", "locked", "smi", "masked", "hung"}) {
      tree.set(std::string(n) + ".cores", "4");
      tree.set(std::string(n) + ".noise", "false");
    }
    tree.set("smi.timer.smi_interval", "100 ms");
    tree.set("smi.timer.smi_duration", "300 us");
    make(ideal, "ideal", 0);
    make(locked, "locked", 4);
    make(smi, "smi", 8);
    make(masked, "masked", 12);
    make(hung, "hung", 16);
    test::settle();
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

const TimerSegment& only_segment(CpuCluster& c) {
  REQUIRE(c.timer_segments().size() == 1);
  return c.timer_segments().back();
}

uint64_t now_ns() { return to_ns(sc_core::sc_time_stamp()); }

}  // namespace

TEST_CASE("unperturbed cores tick exactly on the period's multiples, all together") {
  CpuCluster& c = *bench().ideal.cpu;
  REQUIRE(c.arm_ticks(kMs));
  const uint64_t start = now_ns();
  run_for(0.5);
  const TimerSegment& s = only_segment(c);
  // One tick per core per boundary from the first boundary at or after the start.
  const uint64_t boundaries = (now_ns() - (start + kMs - 1) / kMs * kMs) / kMs + 1;
  CHECK(s.ticks == 4 * boundaries);
  CHECK(s.missed == 0);
  CHECK(s.delta_ns.count == 4 * (boundaries - 1));
  CHECK(s.delta_ns.min == Approx(1e6));
  CHECK(s.delta_ns.max == Approx(1e6));
  CHECK(s.latency_ns.max == 0);
  CHECK(s.skew_ns.max == 0);
  for (uint32_t i = 0; i < 4; ++i) {
    CHECK(c.timer(i).last_boundary_ns() % kMs == 0);
    CHECK(c.timer(i).last_delivered_ns() == c.timer(i).last_boundary_ns());
  }
  // The firmware's tick: the boot core's, on the boundary.
  const uint64_t next = (now_ns() / kMs + 1) * kMs;
  TickDelivery d = c.firmware_tick(next);
  CHECK_FALSE(d.known);
  CHECK(d.expiry_ns == next);
  run_for(static_cast<double>(next - now_ns()) * 1e-9);
  d = c.firmware_tick(next);
  CHECK(d.known);
  CHECK(d.delivered_ns == next);
  // The timer block shows the latest tick.
  CHECK(bench().ideal.bus->unit_reg(device_layout::kTimerBoundary, 2) == next);
  CHECK(bench().ideal.bus->unit_reg(device_layout::kTimerDelivered, 2) == next);
  CHECK(bench().ideal.bus->unit_reg(device_layout::kTimerOverruns, 2) == 0);
}

TEST_CASE("long lock holds delay ticks past the period: the next boundary is taken and the miss counted") {
  CpuCluster& c = *bench().locked.cpu;
  WorkloadPhase phase;
  phase.utilization = 0.8;
  phase.lock_hold_fraction = 0.3;
  phase.lock_hold_ns = 400'000;  // 0.4 ms mean: P(> 1 ms) = 0.3 e^-2.5
  REQUIRE(c.set_phase(std::nullopt, phase) == Status::ok);
  // A grid offset from time 0, as the firmware's boot leaves it.
  constexpr uint64_t kPhase = 250'000;
  REQUIRE(c.arm_ticks(kMs, kPhase));
  const uint64_t first = kPhase + (now_ns() - kPhase + kMs - 1) / kMs * kMs;
  run_for(2.0);
  const TimerSegment& s = only_segment(c);
  CHECK(s.missed > 20);
  CHECK(s.latency_ns.max > 1e6);
  CHECK(s.delta_ns.max > 2e6);                 // a gap spans a skipped boundary
  CHECK(s.delta_ns.stddev() > 0);
  CHECK(s.delta_ns.mean() == Approx(1e6).epsilon(0.2));  // the deltas still average to about the period
  uint64_t overruns = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    overruns += c.timer(i).overruns();
    CHECK(c.timer(i).next_expiry_ns() % kMs == kPhase);  // forwarding keeps the grid
    CHECK(c.timer(i).last_boundary_ns() % kMs == kPhase);
  }
  CHECK(overruns == s.missed);
  CHECK(s.skew_ns.max > 0);  // cores hold their locks independently
  // Ticks + missed cover every core's boundaries (the last handler may still overrun).
  const uint64_t boundaries = (now_ns() - first) / kMs + 1;
  CHECK(s.ticks + s.missed >= 4 * boundaries - 4);
  CHECK(s.ticks + s.missed <= 4 * boundaries + 4);
}

TEST_CASE("an SMI holds every core alike: latency without cross-core skew") {
  CpuCluster& c = *bench().smi.cpu;
  REQUIRE(c.arm_ticks(kMs));
  run_for(2.0);
  const TimerSegment& s = only_segment(c);
  CHECK(s.missed == 0);
  CHECK(s.latency_ns.max > 0);
  CHECK(s.latency_ns.max <= 300'000);
  CHECK(s.skew_ns.max == 0);
  // 20 SMIs of 300 us in 2 s, each covering at most one 1 ms boundary.
  CHECK(s.latency_ns.sum <= 4 * 20 * 300'000);
}

TEST_CASE("masked sections delay cores independently, segments split at phase changes") {
  CpuCluster& c = *bench().masked.cpu;
  REQUIRE(c.arm_ticks(kMs));
  c.begin_timer_segment("rest");
  run_for(0.5);
  WorkloadPhase phase;
  phase.utilization = 1.0;
  phase.irq_masked_fraction = 0.2;
  phase.irq_masked_section_ns = 50'000;
  REQUIRE(c.set_phase(std::nullopt, phase) == Status::ok);
  c.begin_timer_segment("stress");
  run_for(0.5);
  const auto& segs = c.timer_segments();
  REQUIRE(segs.size() == 2);
  CHECK(segs[0].name == "rest");
  CHECK(segs[1].name == "stress");
  CHECK(segs[0].end_ns == segs[1].start_ns);
  CHECK(segs[0].delta_ns.stddev() == 0);
  CHECK(segs[0].skew_ns.max == 0);
  CHECK(segs[1].delta_ns.stddev() > 1000);
  CHECK(segs[1].skew_ns.max > 10'000);
  CHECK(segs[1].latency_ns.mean() == Approx(0.2 * 50'000).epsilon(0.3));  // share x mean section
}

TEST_CASE("a hung core misses every tick and the firmware's tick moves to the next core") {
  CpuCluster& c = *bench().hung.cpu;
  REQUIRE(c.arm_ticks(kMs));
  run_for(0.1);
  REQUIRE(c.inject_failure(0, ErrorType::watchdog_hang, 0, 0));
  const uint64_t before = c.timer(0).overruns();
  const uint64_t ticks = c.timer(0).ticks();
  run_for(0.1);
  CHECK(c.timer(0).ticks() == ticks);
  CHECK(c.timer(0).overruns() >= before + 99);
  CHECK(c.timer(1).overruns() == 0);
  const uint64_t next = (now_ns() / kMs + 1) * kMs;
  run_for(static_cast<double>(next - now_ns()) * 1e-9);
  const TickDelivery d = c.firmware_tick(next);
  CHECK(d.known);
  CHECK(d.delivered_ns == next);
}
