// Allocator and slab benchmarks; figures and the
// command line are in docs/PERFORMANCE.md, "Platform: allocator and slab".
//
// Every page benchmark keeps 128 blocks live on a 1 GiB region and times one
// pair per iteration: free a live block picked at random, allocate a new one
// of the next size in its place. Sizes and victims are drawn before timing
// from a fixed seed, so the RNG is not measured and runs are comparable.
//
// Baseline, measured in the same run: a binary-tree buddy allocator (one byte
// per tree node holding the largest free order below it, allocate descends
// from the root, free climbs from the leaf) -- the design of the common
// "region buddy allocator" libraries.
#include <benchmark/benchmark.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "platform/alloc/buddy.h"
#include "platform/alloc/slab.h"

namespace {

using namespace crashtwin;
using namespace crashtwin::alloc;

constexpr uint64_t kRegionBase = uint64_t{1} << 32;
constexpr uint64_t kRegionBytes = uint64_t{1} << 30;
constexpr uint32_t kRegionOrder = 18;  // 1 GiB in 4 KiB pages
constexpr size_t kLive = 128;
constexpr size_t kDraws = 1 << 14;  // pre-drawn sizes and victims, cycled
constexpr uint64_t kMaxPages = 1024;  // 4 MiB

enum class SizeDistribution { uniform, log_uniform };

struct Workload {
  std::vector<uint64_t> pages;    // size of each new allocation
  std::vector<uint32_t> victims;  // live slot freed before it
};

Workload draw(SizeDistribution distribution, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> uniform_pages(1, kMaxPages);
  std::uniform_real_distribution<double> log_pages(0.0, std::log2(static_cast<double>(kMaxPages)));
  Workload w;
  for (size_t i = 0; i < kDraws; ++i) {
    const uint64_t pages = distribution == SizeDistribution::uniform
                               ? uniform_pages(rng)
                               : static_cast<uint64_t>(std::exp2(log_pages(rng)));
    w.pages.push_back(pages);
    w.victims.push_back(static_cast<uint32_t>(rng() % kLive));
  }
  return w;
}

uint32_t order_for(uint64_t pages) { return static_cast<uint32_t>(std::bit_width(pages - 1)); }

// --- baseline: binary-tree buddy allocator ---------------------------------
class TreeBuddy {
 public:
  explicit TreeBuddy(uint32_t levels) : levels_(levels), longest_(size_t{2} << levels) {
    for (size_t node = 1; node < longest_.size(); ++node) {
      longest_[node] = static_cast<uint8_t>(levels_ - (std::bit_width(node) - 1) + 1);
    }
  }

  // Page offset of a free block of 2^order pages, or -1.
  int64_t allocate(uint32_t order) {
    const uint8_t need = static_cast<uint8_t>(order + 1);
    if (longest_[1] < need) return -1;
    size_t node = 1;
    for (uint32_t node_order = levels_; node_order > order; --node_order) {
      node = longest_[2 * node] >= need ? 2 * node : 2 * node + 1;
    }
    longest_[node] = 0;
    const int64_t offset = static_cast<int64_t>((node - (size_t{1} << (levels_ - order))) << order);
    update_parents(node, order);
    return offset;
  }

  void free(int64_t offset) {
    size_t node = (size_t{1} << levels_) + static_cast<size_t>(offset);
    uint32_t order = 0;
    while (longest_[node] != 0) {
      node >>= 1;
      ++order;
    }
    longest_[node] = static_cast<uint8_t>(order + 1);
    update_parents(node, order);
  }

 private:
  void update_parents(size_t node, uint32_t order) {
    while (node > 1) {
      node >>= 1;
      ++order;
      const uint8_t left = longest_[2 * node];
      const uint8_t right = longest_[2 * node + 1];
      longest_[node] = (left == order && right == order) ? static_cast<uint8_t>(order + 1)
                                                         : (left > right ? left : right);
    }
  }

  uint32_t levels_;
  std::vector<uint8_t> longest_;
};

// --- the allocator under test -----------------------------------------------
// `tracked`: allocation tracking on (platform/alloc/alloc_trace.h), with the
// agent's default ring of 1,024 events and a context as the agent sets one.
struct BuddyFixture {
  std::vector<uint64_t> metadata = std::vector<uint64_t>(BuddyAllocator::metadata_bytes(kRegionBytes) / 8 + 1);
  std::vector<AllocEvent> ring = std::vector<AllocEvent>(1024);
  AllocTrace trace;
  BuddyAllocator buddy;
  explicit BuddyFixture(bool tracked = false) {
    if (!ok(buddy.init(kRegionBase, kRegionBytes, std::as_writable_bytes(std::span(metadata))))) std::abort();
    if (!tracked) return;
    if (!ok(trace.init(ring))) std::abort();
    trace.set_context(AllocCaller::slice, 0, 1, 4096);
    buddy.set_trace(&trace);
  }
};

template <typename Allocate>
void run_buddy_pairs(benchmark::State& state, const Workload& w, Allocate allocate, bool tracked = false) {
  BuddyFixture f(tracked);
  uint64_t live[kLive];
  for (size_t i = 0; i < kLive; ++i) {
    if (!ok(allocate(f.buddy, w.pages[i], live[i]))) std::abort();
  }
  size_t next = kLive;
  for (auto _ : state) {
    const size_t draw = next++ & (kDraws - 1);
    uint64_t& slot = live[w.victims[draw]];
    if (!ok(f.buddy.free(slot))) std::abort();
    if (!ok(allocate(f.buddy, w.pages[draw], slot))) std::abort();
    benchmark::DoNotOptimize(slot);
  }
  state.counters["free_MiB"] = static_cast<double>(f.buddy.free_bytes()) / (1 << 20);
  state.counters["frag_index_o10"] = f.buddy.fragmentation_index(10);
  state.counters["pending_tails"] = static_cast<double>(f.buddy.pending_tails());
}

Status allocate_run(BuddyAllocator& buddy, uint64_t pages, uint64_t& address) {
  return buddy.allocate_pages(pages, address);
}

Status allocate_block(BuddyAllocator& buddy, uint64_t pages, uint64_t& address) {
  return buddy.allocate(order_for(pages), address);
}

void BM_BuddyRunPair(benchmark::State& state) {
  const auto distribution = static_cast<SizeDistribution>(state.range(0));
  run_buddy_pairs(state, draw(distribution, 42), allocate_run);
}

// The same pairs with allocation tracking on: two events per pair.
void BM_BuddyRunPairTracked(benchmark::State& state) {
  const auto distribution = static_cast<SizeDistribution>(state.range(0));
  run_buddy_pairs(state, draw(distribution, 42), allocate_run, true);
}

void BM_BuddyBlockPair(benchmark::State& state) {
  const auto distribution = static_cast<SizeDistribution>(state.range(0));
  run_buddy_pairs(state, draw(distribution, 42), allocate_block);
}

void BM_TreeBuddyBaselinePair(benchmark::State& state) {
  const Workload w = draw(static_cast<SizeDistribution>(state.range(0)), 42);
  TreeBuddy tree(kRegionOrder);
  int64_t live[kLive];
  for (size_t i = 0; i < kLive; ++i) live[i] = tree.allocate(order_for(w.pages[i]));
  size_t next = kLive;
  for (auto _ : state) {
    const size_t draw_index = next++ & (kDraws - 1);
    int64_t& slot = live[w.victims[draw_index]];
    tree.free(slot);
    slot = tree.allocate(order_for(w.pages[draw_index]));
    if (slot < 0) std::abort();
    benchmark::DoNotOptimize(slot);
  }
}

// --- slab ---------------------------------------------------------------------
void BM_Slab64Pair(benchmark::State& state) {
  BuddyFixture f;
  SlabCacheConfig config;
  config.object_size = 64;
  config.max_slabs = 64;
  std::vector<uint64_t> metadata(SlabCache::metadata_bytes(config) / 8 + 1);
  SlabCache cache;
  if (!ok(cache.init(f.buddy, config, std::as_writable_bytes(std::span(metadata))))) std::abort();
  const Workload w = draw(SizeDistribution::uniform, 7);
  uint64_t live[kLive];
  for (uint64_t& object : live) {
    if (!ok(cache.alloc(object))) std::abort();
  }
  size_t next = 0;
  for (auto _ : state) {
    uint64_t& slot = live[w.victims[next++ & (kDraws - 1)]];
    if (!ok(cache.free(slot))) std::abort();
    if (!ok(cache.alloc(slot))) std::abort();
    benchmark::DoNotOptimize(slot);
  }
}

// Host reference for the slab figure: glibc malloc/free of 64 bytes.
void BM_HostMalloc64Pair(benchmark::State& state) {
  const Workload w = draw(SizeDistribution::uniform, 7);
  void* live[kLive];
  for (void*& object : live) object = std::malloc(64);
  size_t next = 0;
  for (auto _ : state) {
    void*& slot = live[w.victims[next++ & (kDraws - 1)]];
    std::free(slot);
    slot = std::malloc(64);
    benchmark::DoNotOptimize(slot);
  }
  for (void* object : live) std::free(object);
}

void size_arguments(benchmark::internal::Benchmark* b) {
  b->ArgName("log_uniform");
  b->Arg(static_cast<int>(SizeDistribution::uniform));
  b->Arg(static_cast<int>(SizeDistribution::log_uniform));
}

}  // namespace

BENCHMARK(BM_BuddyRunPair)->Apply(size_arguments);
BENCHMARK(BM_BuddyRunPairTracked)->Apply(size_arguments);
BENCHMARK(BM_BuddyBlockPair)->Apply(size_arguments);
BENCHMARK(BM_TreeBuddyBaselinePair)->Apply(size_arguments);
BENCHMARK(BM_Slab64Pair);
BENCHMARK(BM_HostMalloc64Pair);
