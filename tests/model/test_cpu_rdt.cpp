// Resource monitoring on the cpu cluster with the DRAM behind it (Intel RDT
// register semantics, platform/monitor/rdt_registers.h): the capability
// registers, Error and Unavailable bits, MBM byte counts that match the
// traffic the workloads generate, wrap at the counter width and count
// local bytes by NUMA node, and LLC occupancies that never exceed the cache
// and follow the competition for it. One elaborated testbench; the cases
// run in order on it, each on cores and RMIDs of its own.
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "models/cpu/cpu_cluster.h"
#include "models/cpu/llc_occupancy.h"
#include "models/dram/dram.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
using test::run_for;
namespace dl = crashtwin::device_layout;

namespace {

constexpr uint64_t kUpscale = 64;  // bytes per count: small, so the 24-bit MBM counters wrap within a test
constexpr uint64_t kLlcBytes = 8ull << 20;
constexpr uint32_t kRmids = 8;

struct DramBus : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<DramBus> ctrl{"ctrl"};
  explicit DramBus(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

struct Bench {
  ParamTree tree;
  std::unique_ptr<Dram> dram;
  std::unique_ptr<CpuCluster> cpu;
  test::MmioInitiator bus{"bus"};
  DramBus dram_bus{"dram_bus"};
  IrqLine cpu_irq{"cpu_irq"};
  IrqLine dram_irq{"dram_irq"};

  Bench() {
    tree.set("dram.size", "2 GiB");
    tree.set("dram.dimms", "2");
    tree.set("dram.numa_nodes", "2");  // node 0 holds the span the bursts walk (from 512 MiB)
    tree.set("cpu.cores", "8");        // cores 0-3 on node 0, 4-7 on node 1
    tree.set("cpu.noise", "false");
    tree.set("cpu.workload.utilization", "0 %");
    tree.set("cpu.rdt.rmids", std::to_string(kRmids));
    tree.set("cpu.rdt.llc_size", "8 MiB");
    tree.set("cpu.rdt.upscale", std::to_string(kUpscale));
    dram = std::make_unique<Dram>("dram", ModelContext{ParamScope(tree, "dram"), 7});
    cpu = std::make_unique<CpuCluster>("cpu", ModelContext{ParamScope(tree, "cpu"), 7, 0, 0, 2ull << 30});
    cpu->attach_rmid_traffic(dram.get());
    bus.out.bind(cpu->in);
    cpu->out.bind(dram->in);
    dram_bus.ctrl.bind(dram->ctrl);
    cpu->irq.bind(cpu_irq);
    dram->irq.bind(dram_irq);
    test::settle();
  }

  void associate(uint32_t core, uint32_t rmid) { REQUIRE(bus.write64(dl::unit_base(core) + dl::kPqrAssoc, rmid)); }
  uint64_t counter(rdt::MonitorEvent event, uint32_t rmid) { return counter(rdt::event_select(event, rmid)); }
  uint64_t counter(uint64_t evtsel) {
    REQUIRE(bus.write64(dl::kQmEvtsel, evtsel));
    return bus.read64(dl::kQmCtr);
  }
  uint64_t occupancy_bytes(uint32_t rmid) { return counter(rdt::MonitorEvent::llc_occupancy, rmid) * kUpscale; }
};

Bench& bench() {
  static Bench b;
  return b;
}

}  // namespace

TEST_CASE("the capability registers say what CPUID leaf 0xF would") {
  Bench& b = bench();
  CHECK(b.bus.read64(dl::kRdtMaxRmid) == kRmids - 1);
  CHECK(b.bus.read64(dl::kRdtUpscale) == kUpscale);
  CHECK(b.bus.read64(dl::kRdtMbmWidth) == 0);  // 24 bits: width - 24
}

TEST_CASE("QM_CTR sets Error for an unknown event or RMID and Unavailable for an RMID never tagged") {
  Bench& b = bench();
  for (uint64_t event : {0ull, 4ull, 0xffull}) {
    INFO("event " << event);
    CHECK(b.counter(event | (uint64_t{1} << rdt::kEvtselRmidShift)) == rdt::kCtrError);
  }
  CHECK(b.counter(rdt::MonitorEvent::mbm_total, kRmids) == rdt::kCtrError);  // beyond the highest RMID
  CHECK(b.counter(rdt::MonitorEvent::llc_occupancy, rdt::kMaxRmidEncodable) == rdt::kCtrError);
  for (auto event : {rdt::MonitorEvent::llc_occupancy, rdt::MonitorEvent::mbm_total, rdt::MonitorEvent::mbm_local})
    CHECK(b.counter(event, 5) == rdt::kCtrUnavailable);  // no core ever tagged with RMID 5
  // The default group has data from power-on: no bits above the count.
  CHECK((b.counter(rdt::MonitorEvent::mbm_total, 0) & (rdt::kCtrError | rdt::kCtrUnavailable)) == 0);
  // A write of an RMID the package lacks leaves the core in the default group.
  b.associate(7, kRmids + 3);
  CHECK(b.counter(rdt::MonitorEvent::mbm_total, 3) == rdt::kCtrUnavailable);
}

TEST_CASE("MBM counts the bytes a workload moves, in upscaled units that wrap at 24 bits, local by NUMA node") {
  Bench& b = bench();
  b.associate(0, 3);  // node 0: its traffic stays local
  b.associate(4, 4);  // node 1: the span is on node 0, every byte is remote
  REQUIRE(b.cpu->start_workload({1, {0}, 4e9, 1ull << 20}) == Status::ok);
  REQUIRE(b.cpu->start_workload({2, {4}, 1e9, 1ull << 20}) == Status::ok);
  run_for(0.05);  // off the burst grid
  uint64_t previous = b.counter(rdt::MonitorEvent::mbm_total, 3);
  uint64_t counted = 0;  // as the firmware does: the difference modulo 2^24
  for (int i = 0; i < 30; ++i) {
    run_for(0.1);
    const uint64_t now = b.counter(rdt::MonitorEvent::mbm_total, 3);
    counted += rdt::mbm_counts_since(previous, now, 24) * kUpscale;
    previous = now;
  }
  REQUIRE(b.cpu->stop_workload(1) == Status::ok);
  REQUIRE(b.cpu->stop_workload(2) == Status::ok);
  run_for(0.2);  // the last bursts arrive

  const RmidTraffic t3 = b.dram->rmid_traffic(3);
  const RmidTraffic t4 = b.dram->rmid_traffic(4);
  // 4 GB/s for 3.05 s, to the byte the cores integrate (within one burst's rounding).
  CHECK(static_cast<double>(t3.total_bytes) == Approx(4e9 * 3.05).epsilon(1e-6));
  CHECK(static_cast<double>(t4.total_bytes) == Approx(1e9 * 3.05).epsilon(1e-6));
  CHECK(t3.local_bytes == t3.total_bytes);
  CHECK(t4.local_bytes == 0);
  // The counter is the byte count over the upscaling factor, modulo 2^24:
  // 12.2 GB in 64 B units wrapped several times.
  const uint64_t raw = b.counter(rdt::MonitorEvent::mbm_total, 3);
  CHECK(raw == (t3.total_bytes / kUpscale) % (1ull << 24));
  CHECK(t3.total_bytes / kUpscale > 4 * (1ull << 24));
  CHECK(b.counter(rdt::MonitorEvent::mbm_local, 4) == 0);
  CHECK(b.counter(rdt::MonitorEvent::mbm_local, 3) == raw);
  // Read every 100 ms (less than a wrap: 1 GiB at 4 GB/s is 268 ms), the
  // differences add up to what moved, wraps and all.
  CHECK(static_cast<double>(counted) == Approx(4e9 * 3.0).epsilon(1e-3));
}

TEST_CASE("LLC occupancies never exceed the cache and follow the competition for it") {
  Bench& b = bench();
  b.associate(1, 1);
  b.associate(2, 2);
  b.associate(3, 6);
  auto check_sum = [&] {
    uint64_t sum = 0;
    for (uint32_t r = 0; r < kRmids; ++r)
      if ((b.counter(rdt::MonitorEvent::llc_occupancy, r) & rdt::kCtrUnavailable) == 0) sum += b.occupancy_bytes(r);
    CHECK(sum <= kLlcBytes);
    return sum;
  };
  // Two small working sets fit side by side: each grows to its own size.
  REQUIRE(b.cpu->start_workload({11, {1}, 1e9, 2ull << 20}) == Status::ok);
  REQUIRE(b.cpu->start_workload({12, {2}, 1e9, 3ull << 20}) == Status::ok);
  uint64_t last1 = 0;
  for (int i = 0; i < 20; ++i) {
    run_for(0.0005);
    const uint64_t o1 = b.occupancy_bytes(1);
    CHECK(o1 >= last1);  // growing toward its working set over time, not a constant
    last1 = o1;
    check_sum();
  }
  run_for(0.2);
  CHECK(static_cast<double>(b.occupancy_bytes(1)) == Approx(2 << 20).epsilon(0.01));
  CHECK(static_cast<double>(b.occupancy_bytes(2)) == Approx(3 << 20).epsilon(0.01));

  // A streaming hog (a working set far beyond the cache) at 8x their rate
  // takes most of the cache; the others keep a share in proportion to
  // their fills.
  REQUIRE(b.cpu->start_workload({13, {3}, 8e9, 1ull << 30}) == Status::ok);
  run_for(0.5);
  const uint64_t hog = b.occupancy_bytes(6);
  CHECK(hog > kLlcBytes / 2);
  CHECK(b.occupancy_bytes(1) < (2ull << 20) / 2);
  CHECK(check_sum() >= kLlcBytes - 2 * kUpscale);  // full, within the counters' rounding

  // The hog stops: its lines stay until the others' fills evict them (what
  // an RMID's limbo waits for): the small ones take their sets back, and
  // the hog keeps only lines nobody else needs.
  REQUIRE(b.cpu->stop_workload(13) == Status::ok);
  run_for(0.001);
  CHECK(b.occupancy_bytes(6) > hog / 2);
  run_for(1.0);
  CHECK(b.occupancy_bytes(6) < hog);
  CHECK(b.occupancy_bytes(6) <= kLlcBytes - (5ull << 20));
  CHECK(static_cast<double>(b.occupancy_bytes(1)) == Approx(2 << 20).epsilon(0.02));
  CHECK(static_cast<double>(b.occupancy_bytes(2)) == Approx(3 << 20).epsilon(0.02));
  check_sum();
  REQUIRE(b.cpu->stop_workload(11) == Status::ok);
  REQUIRE(b.cpu->stop_workload(12) == Status::ok);
}

TEST_CASE("a workload on a core another one runs on, or on a core the cluster lacks, is refused") {
  Bench& b = bench();
  REQUIRE(b.cpu->start_workload({21, {5, 6}, 1e9, 1 << 20}) == Status::ok);
  CHECK(b.cpu->start_workload({22, {6}, 1e9, 1 << 20}) == Status::invalid_argument);
  CHECK(b.cpu->start_workload({21, {7}, 1e9, 1 << 20}) == Status::invalid_argument);  // id running
  CHECK(b.cpu->start_workload({23, {8}, 1e9, 1 << 20}) == Status::out_of_range);
  CHECK(b.cpu->start_workload({24, {}, 1e9, 1 << 20}) == Status::invalid_argument);
  CHECK(b.cpu->stop_workload(99) == Status::not_found);
  REQUIRE(b.cpu->stop_workload(21) == Status::ok);
}

TEST_CASE("the occupancy model conserves the cache under any demands (property)") {
  // Random fills and working sets changing at random times: the occupancies
  // never go negative, never sum past the cache, and an RMID whose demand
  // is gone only loses lines.
  std::mt19937_64 rng(17);
  constexpr uint64_t kCapacity = 4ull << 20;
  LlcOccupancy llc(kCapacity, 6);
  uint64_t now = 0;
  for (int change = 0; change < 300; ++change) {
    std::vector<LlcOccupancy::Demand> demands(6);
    std::vector<bool> idle(6);
    for (size_t r = 0; r < demands.size(); ++r) {
      idle[r] = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
      if (idle[r]) continue;
      demands[r].fill_bytes_per_s = std::uniform_real_distribution<double>(1e6, 2e10)(rng);
      demands[r].working_set_bytes = std::uniform_real_distribution<double>(0, 16.0 * (1 << 20))(rng);
    }
    llc.set_demands(demands);
    std::vector<double> before(6);
    for (uint32_t r = 0; r < 6; ++r) before[r] = llc.occupancy_bytes(r);
    now += std::uniform_int_distribution<uint64_t>(1, 50'000'000)(rng);
    llc.advance_to(now);
    CHECK(llc.total_bytes() <= static_cast<double>(kCapacity) * (1 + 1e-12));
    for (uint32_t r = 0; r < 6; ++r) {
      CHECK(llc.occupancy_bytes(r) >= 0.0);
      if (idle[r]) CHECK(llc.occupancy_bytes(r) <= before[r]);
    }
  }
  CHECK(llc.steps() > 0);
}
