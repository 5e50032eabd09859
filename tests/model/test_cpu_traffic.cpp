// cpu_cluster memory traffic with the default burst parameters: the
// transaction rate is bounded by the quantum whatever the bandwidth, every
// represented byte reaches the memory, the working set is walked at the
// represented rate, and a saturated memory delays the bursts by the time it
// charged. One elaborated testbench; each case uses its own cluster.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "models/cpu/cpu_cluster.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
using test::run_for;

namespace {

constexpr uint64_t kSeed = 7;
constexpr uint64_t kMemoryBase = 0x8000'0000;
constexpr uint64_t kMemorySize = 1ull << 30;
constexpr uint64_t kDefaultSpan = 64ull << 20;

// A memory that charges latency + represented bytes / bandwidth, like the
// DRAM model, and records when each burst arrived and what it stood for.
struct TimedMemory : sc_core::sc_module {
  tlm_utils::simple_target_socket<TimedMemory> in{"in"};
  double bandwidth = 1e12;  // bytes/s
  struct Arrival {
    double at_s;
    uint64_t address;
    unsigned carried;
    uint64_t represented;
    double busy_s;
  };
  std::vector<Arrival> arrivals;

  explicit TimedMemory(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    in.register_b_transport(this, &TimedMemory::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint64_t represented = traffic_bytes(tx);
    const double busy = 50e-9 + static_cast<double>(represented) / bandwidth;
    arrivals.push_back({(sc_core::sc_time_stamp() + delay).to_seconds(), tx.get_address(), tx.get_data_length(),
                        represented, busy});
    delay += sc_core::sc_time(busy, sc_core::SC_SEC);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  uint64_t represented_total() const {
    uint64_t n = 0;
    for (const Arrival& a : arrivals) n += a.represented;
    return n;
  }
};

struct Bench {
  ParamTree tree;
  std::unique_ptr<CpuCluster> plain;      // every traffic parameter at its default
  std::unique_ptr<CpuCluster> saturated;  // default parameters, memory slower than the core
  test::MmioInitiator plain_bus{"plain_bus"};  // the register side is not under test, but must be bound
  test::MmioInitiator saturated_bus{"saturated_bus"};
  TimedMemory plain_memory{"plain_memory"};
  TimedMemory slow_memory{"slow_memory"};
  IrqLine plain_irq{"plain_irq"};
  IrqLine saturated_irq{"saturated_irq"};

  Bench() {
    tree.set("plain.cores", "2");
    tree.set("plain.workload.utilization", "20 %");
    tree.set("saturated.cores", "1");
    plain = std::make_unique<CpuCluster>("plain", ModelContext{ParamScope(tree, "plain"), kSeed, 0, kMemoryBase, kMemorySize});
    saturated = std::make_unique<CpuCluster>(
        "saturated", ModelContext{ParamScope(tree, "saturated"), kSeed, 2, kMemoryBase, kMemorySize});
    slow_memory.bandwidth = 1e9;
    plain_bus.out.bind(plain->in);
    saturated_bus.out.bind(saturated->in);
    plain->out.bind(plain_memory.in);
    saturated->out.bind(slow_memory.in);
    plain->irq.bind(plain_irq);
    saturated->irq.bind(saturated_irq);
    test::settle();
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

WorkloadPhase traffic(double bytes_per_s) {
  WorkloadPhase p;
  p.utilization = 0.5;
  p.memory_traffic_bps = bytes_per_s;
  return p;
}

}  // namespace

TEST_CASE("by default a core sends one cache-line burst per 100 ms standing for all its traffic") {
  Bench& b = bench();
  const double start = test::now_s();
  REQUIRE(b.plain->set_phase(0, traffic(2e9)) == Status::ok);  // 2 GB/s: 200 MB per quantum
  run_for(10.0);
  REQUIRE(b.plain->set_phase(0, traffic(0)) == Status::ok);
  run_for(0.5);

  const auto& arrivals = b.plain_memory.arrivals;
  // 10 s at 10 bursts per second (the first quantum may be partial, and the
  // phase change flushes the last one).
  REQUIRE(arrivals.size() >= 100);
  CHECK(arrivals.size() <= 102);
  CHECK(static_cast<double>(b.plain_memory.represented_total()) == Approx(2e10).epsilon(1e-9));
  CHECK(b.plain->burst_bytes_represented() == b.plain_memory.represented_total());

  // Bursts leave on the quantum grid, one quantum apart, and copy one line.
  for (size_t k = 1; k + 1 < arrivals.size(); ++k) {
    CHECK(arrivals[k].at_s - arrivals[k - 1].at_s == Approx(0.1).margin(1e-6));
    const double on_grid = arrivals[k].at_s / 0.1;
    CHECK(std::fabs(on_grid - std::round(on_grid)) < 1e-5);
  }
  for (const auto& a : arrivals) {
    CHECK(a.carried == 64);
    CHECK(a.at_s >= start);
  }

  // Core 0 walks its half of the span line by line (consecutive bursts
  // share a page of the sparse store).
  const uint64_t part = kDefaultSpan / 2;
  for (size_t k = 0; k < arrivals.size(); ++k) {
    // User memory starts above the simulated kernel's (kernel_layout.h).
    CHECK(arrivals[k].address >= kMemoryBase + kernel_layout::kUserOffset);
    CHECK(arrivals[k].address + arrivals[k].carried <= kMemoryBase + kernel_layout::kUserOffset + part);
    if (k > 0) CHECK(arrivals[k].address == arrivals[k - 1].address + 64);
  }

  // No traffic, no transactions.
  const size_t after = arrivals.size();
  run_for(1.0);
  CHECK(arrivals.size() == after);
}

TEST_CASE("a saturated memory delays the next burst by the time it charged and still counts every byte") {
  Bench& b = bench();
  // 2 GB/s of traffic into a 1 GB/s memory: each burst keeps the memory busy
  // twice as long as the traffic it carries took to accumulate.
  REQUIRE(b.saturated->set_phase(0, traffic(2e9)) == Status::ok);
  run_for(5.0);
  REQUIRE(b.saturated->set_phase(0, traffic(0)) == Status::ok);
  run_for(60.0);  // the backlog drains

  const auto& arrivals = b.slow_memory.arrivals;
  REQUIRE(arrivals.size() >= 3);
  for (size_t k = 1; k < arrivals.size(); ++k) {
    INFO("burst " << k);
    CHECK(arrivals[k].at_s - arrivals[k - 1].at_s >= arrivals[k - 1].busy_s - 1e-9);
  }
  // Fewer bursts than an unsaturated memory would see (50 in 5 s).
  CHECK(arrivals.size() < 20);
  CHECK(static_cast<double>(b.slow_memory.represented_total()) == Approx(1e10).epsilon(1e-9));
}
