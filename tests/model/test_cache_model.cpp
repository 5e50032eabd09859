// The cache model (models/cpu/cache_model.h): the set-associative array's
// hits, exact LRU order and streaming misses; TLB reach; MESI coherence
// counts; the invariants of the counts and determinism of the sampled
// stream; and, on one elaborated cpu cluster, that a bigger working set
// lowers a core's L2 hit ratio while a streaming hog evicts a neighbour.
#include <memory>
#include <vector>

#include "models/cpu/cache_model.h"
#include "models/cpu/cpu_cluster.h"
#include "models/dram/dram.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;

namespace {

double ratio(uint64_t hits, uint64_t accesses) {
  return accesses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(accesses);
}

// Every geometry of the model, one set simulated in `stride`.
CacheModelConfig small_config(uint32_t stride = 1) {
  CacheModelConfig c;
  c.l1d = {4 * 1024, 4};    // 16 sets
  c.l2 = {32 * 1024, 8};    // 64 sets
  c.llc = {256 * 1024, 8};  // 512 sets
  c.tlb_entries = 16;
  c.tlb_ways = 4;
  c.set_sampling = stride;
  return c;
}

struct DramBus : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<DramBus> ctrl{"ctrl"};
  explicit DramBus(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

}  // namespace

TEST_CASE("a working set that fits hits after its first pass") {
  SetAssociativeCache cache(64, 4, 64);  // 16 KiB
  uint64_t hits = 0;
  for (int pass = 0; pass < 3; ++pass)
    for (uint64_t a = 0; a < 16 * 1024; a += 64) {
      const bool hit = cache.access(a).hit;
      if (pass == 0) CHECK_FALSE(hit);  // compulsory misses only
      else hits += hit ? 1 : 0;
    }
  CHECK(hits == 2 * 256);
}

TEST_CASE("LRU evicts the least recently used way of the set, exactly") {
  SetAssociativeCache cache(4, 3, 64);  // set = line % 4
  const uint64_t set_stride = 4 * 64;   // addresses one set apart
  const auto in_set0 = [&](uint64_t n) { return n * set_stride; };
  for (uint64_t n = 0; n < 3; ++n) REQUIRE_FALSE(cache.access(in_set0(n)).hit);
  REQUIRE(cache.access(in_set0(0)).hit);  // order now (old to new): 1, 2, 0
  auto r = cache.access(in_set0(3));
  REQUIRE(r.evicted);
  CHECK(*r.evicted == in_set0(1));
  r = cache.access(in_set0(4));
  CHECK(*r.evicted == in_set0(2));
  r = cache.access(in_set0(5));
  CHECK(*r.evicted == in_set0(0));
  CHECK(cache.access(in_set0(3)).hit);
  CHECK_FALSE(cache.access(64).evicted);  // another set: an invalid way, no victim
  CHECK(cache.invalidate(in_set0(4)));
  CHECK_FALSE(cache.find(in_set0(4)));
  CHECK_FALSE(cache.access(in_set0(6)).evicted);  // fills the invalidated way
}

TEST_CASE("a stream larger than the cache never hits under LRU") {
  SetAssociativeCache cache(64, 8, 64);  // 32 KiB
  uint64_t hits = 0;
  for (int pass = 0; pass < 4; ++pass)
    for (uint64_t a = 0; a < 64 * 1024; a += 64) hits += cache.access(a).hit ? 1 : 0;
  CHECK(hits == 0);
}

TEST_CASE("the TLB's reach: pages within it hit, a wider random set misses in proportion") {
  CacheModel fits(small_config(), 1);  // 16 entries x 4 KiB = 64 KiB of reach
  RngStream rng(5);
  for (int i = 0; i < 4000; ++i) fits.access(0, rng.below(16) * kCachePageBytes, false, AccessPattern::random);
  CHECK(fits.stats(0).tlb_hits == fits.stats(0).tlb_accesses - 16);  // a miss per page, once
  CacheModel wide(small_config(), 1);
  for (int i = 0; i < 20000; ++i) wide.access(0, rng.below(256) * kCachePageBytes, false, AccessPattern::random);
  const double r = ratio(wide.stats(0).tlb_hits, wide.stats(0).tlb_accesses);
  CHECK(r == Approx(16.0 / 256).margin(0.02));
}

TEST_CASE("set sampling: a walk's represented accesses hit the TLB, and L2-sized sets hit L2") {
  CacheModel m(small_config(16), 1);
  // A sequential walk at the sampling stride: one sample per 16 lines, the
  // other 15 (same page) TLB hits.
  for (uint64_t a = 0; a < (1u << 20); a += m.sample_stride_bytes()) m.access(0, a, false, AccessPattern::sequential);
  const CoreCacheStats& s = m.stats(0);
  CHECK(s.tlb_accesses == 16 * s.accesses);
  CHECK(ratio(s.tlb_hits, s.tlb_accesses) == Approx(1.0 - 1.0 / 64).epsilon(1e-9));
  CHECK(s.l2_hits == 0);
  // 24 KiB of random reuse: more than L1 (4 KiB), within L2 (32 KiB).
  CacheModel r(small_config(16), 1);
  RngStream rng(9);
  for (int i = 0; i < 5000; ++i) r.access(0, rng.below(24 * 1024 / 1024) * 1024, false, AccessPattern::random);
  const CoreCacheStats& t = r.stats(0);
  CHECK(ratio(t.l1_hits, t.accesses) == Approx(4.0 / 24).margin(0.05));
  CHECK(ratio(t.l2_hits, t.l2_accesses) > 0.95);
}

TEST_CASE("MESI: a read of another core's line snoops it, a write invalidates the sharers") {
  CacheModel m(small_config(), 3);
  const uint64_t line = 0x4000;
  m.access(0, line, false, AccessPattern::random);
  CHECK(m.state(0, line) == CacheModel::exclusive);
  m.access(0, line, true, AccessPattern::random);
  CHECK(m.state(0, line) == CacheModel::modified);  // silent E -> M
  CHECK(m.stats(0).coherence_events() == 0);
  m.access(1, line, false, AccessPattern::random);  // core 0 holds it Modified
  CHECK(m.stats(1).snoops == 1);
  CHECK(m.state(0, line) == CacheModel::shared);
  CHECK(m.state(1, line) == CacheModel::shared);
  m.access(2, line, false, AccessPattern::random);  // two sharers, no owner: no snoop
  CHECK(m.stats(2).snoops == 0);
  m.access(2, line, true, AccessPattern::random);  // an L1 hit in Shared: an upgrade
  CHECK(m.stats(2).invalidations == 2);
  CHECK(m.state(0, line) == CacheModel::invalid);
  CHECK(m.state(1, line) == CacheModel::invalid);
  CHECK(m.state(2, line) == CacheModel::modified);
  m.access(0, line, true, AccessPattern::random);  // a write miss: the owner's copy goes
  CHECK(m.stats(0).invalidations == 1);
  CHECK(m.state(2, line) == CacheModel::invalid);
}

TEST_CASE("an LLC victim is back-invalidated in the core that held it") {
  CacheModel m(small_config(), 2);
  m.access(0, 0, false, AccessPattern::random);
  // Core 1 fills line 0's LLC set (512 sets apart) with 8 other lines.
  const uint64_t llc_set_apart = 512 * 64;
  for (uint64_t n = 1; n <= 8; ++n) m.access(1, n * llc_set_apart, false, AccessPattern::random);
  CHECK(m.stats(0).back_invalidations == 1);
  CHECK(m.state(0, 0) == CacheModel::invalid);
}

TEST_CASE("invariants: hits never exceed lookups, misses feed the next level, ratios within 0 and 1, deterministic") {
  const auto run = [](uint64_t seed) {
    CacheSampler sampler(small_config(4), 4, 200, 100'000'000, 0.3, RngStream(seed, "cache"));
    std::vector<CoreAccessSource> sources(4);
    RngStream draw(seed + 1);
    for (uint64_t q = 1; q <= 50; ++q) {
      for (uint32_t c = 0; c < 4; ++c) {
        sources[c].traffic_bytes = draw.below(1'000'000);
        sources[c].workload = c % 2 == 0;
        sources[c].region_base = c < 2 ? 0 : uint64_t{c + 1} << 30;  // cores 0 and 1 share a region
        sources[c].region_bytes = (c + 1) * 64 * 1024;
      }
      sampler.sample(q * 100'000'000, sources);
    }
    std::vector<CoreCacheStats> out;
    for (uint32_t c = 0; c < 4; ++c) out.push_back(sampler.model().stats(c));
    return out;
  };
  const auto a = run(17);
  uint64_t coherence = 0;
  for (const CoreCacheStats& s : a) {
    CHECK(s.accesses > 0);
    CHECK(s.l1_hits <= s.accesses);
    CHECK(s.l2_accesses == s.accesses - s.l1_hits);
    CHECK(s.l2_hits <= s.l2_accesses);
    CHECK(s.llc_accesses == s.l2_accesses - s.l2_hits);
    CHECK(s.llc_hits <= s.llc_accesses);
    CHECK(s.tlb_hits <= s.tlb_accesses);
    CHECK(s.tlb_accesses == 4 * s.accesses);
    coherence += s.coherence_events();
  }
  CHECK(coherence > 0);  // cores 0 and 1 share lines and write them
  const auto b = run(17);
  const auto c = run(18);
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].accesses == b[i].accesses);
    CHECK(a[i].l1_hits == b[i].l1_hits);
    CHECK(a[i].llc_hits == b[i].llc_hits);
    CHECK(a[i].invalidations == b[i].invalidations);
    differs = differs || a[i].l1_hits != c[i].l1_hits;
  }
  CHECK(differs);
}

TEST_CASE("the busiest core makes samples_per_quantum accesses a quantum, the others in proportion") {
  CacheSampler sampler(small_config(), 2, 100, 100'000'000, 0.0, RngStream(3));
  std::vector<CoreAccessSource> sources(2);
  sources[0] = {4000, false, 0, 1 << 20};
  sources[1] = {1000, false, 1 << 20, 1 << 20};
  for (uint64_t q = 1; q <= 10; ++q) sampler.sample(q * 100'000'000, sources);
  CHECK(sampler.model().stats(0).accesses == 1000);
  CHECK(sampler.model().stats(1).accesses == 250);
}

TEST_CASE("on a cluster: a bigger working set lowers the L2 hit ratio, a streaming hog evicts the LLC") {
  ParamTree tree;
  tree.set("dram.size", "2 GiB");
  tree.set("cpu.cores", "4");
  tree.set("cpu.noise", "false");
  tree.set("cpu.workload.utilization", "0 %");
  tree.set("cpu.traffic_quantum", "10 ms");
  tree.set("cpu.rdt.llc_size", "12 MiB");
  tree.set("cpu.cache.samples_per_quantum", "256");
  Dram dram("dram", ModelContext{ParamScope(tree, "dram"), 11});
  CpuCluster cpu("cpu", ModelContext{ParamScope(tree, "cpu"), 11, 0, 0, 2ull << 30});
  test::MmioInitiator bus{"bus"};
  DramBus dram_bus{"dram_bus"};
  IrqLine cpu_irq{"cpu_irq"}, dram_irq{"dram_irq"};
  bus.out.bind(cpu.in);
  cpu.out.bind(dram.in);
  dram_bus.ctrl.bind(dram.ctrl);
  cpu.irq.bind(cpu_irq);
  dram.irq.bind(dram_irq);
  test::settle();
  REQUIRE(cpu.cache_model() != nullptr);
  // Core 0 reuses 512 KiB (fits its 1.25 MiB L2), core 1 reuses 4 MiB (does not).
  REQUIRE(cpu.start_workload({1, {0}, 1e9, 512 * 1024}) == Status::ok);
  REQUIRE(cpu.start_workload({2, {1}, 1e9, 4ull << 20}) == Status::ok);
  test::run_for(1.0);
  const CacheModel& m = *cpu.cache_model();
  const CoreCacheStats small = m.stats(0), big = m.stats(1);
  CHECK(small.accesses == big.accesses);
  CHECK(ratio(small.l2_hits, small.l2_accesses) > 0.8);
  CHECK(ratio(big.l2_hits, big.l2_accesses) < 0.5);
  CHECK(ratio(big.llc_hits, big.llc_accesses) > 0.8);  // 4 MiB fits the 12 MiB LLC
  // A hog on cores 2 and 3 streams 1 GiB at 8 times the bandwidth: core 1's
  // LLC hits fall as its lines are evicted.
  REQUIRE(cpu.start_workload({3, {2, 3}, 16e9, 1ull << 30}) == Status::ok);
  test::run_for(1.0);
  const CoreCacheStats during = m.stats(1) - big;
  CHECK(ratio(during.llc_hits, during.llc_accesses) < ratio(big.llc_hits, big.llc_accesses) - 0.3);
  CHECK(during.back_invalidations > 0);
  const CoreCacheStats hog = m.stats(2);
  CHECK(ratio(hog.llc_hits, hog.llc_accesses) < 0.1);
}
