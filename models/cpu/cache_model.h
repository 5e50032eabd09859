// Cache model of the cpu cluster: per core an L1 data cache, an L2 and a
// data TLB, one last-level cache the cores share, each a set-associative
// array with true LRU replacement, and MESI states on the private caches.
// Fed by a sampled address stream (CacheSampler below) derived from what
// each core does; it holds tags, never data, and changes no timing: it
// measures hit ratios and coherence traffic (docs/models.md, "Cache model").
//
// Hierarchy: L2 is inclusive of L1 (an L2 victim leaves L1 too) and the LLC
// of the L2s; the LLC's tags carry which cores hold each line, which makes
// them the snoop filter (the directory a core's miss consults). An LLC
// victim is back-invalidated in the cores that hold it: how a streaming
// neighbour evicts a core's L2 working set. Ice Lake-SP, whose defaults the
// parameters take, has a non-inclusive LLC with a separate snoop filter of
// the same role; the model folds the filter into the LLC's tags.
//
// Coherence (MESI on each core's L1/L2): a read miss that finds another core
// holding the line Exclusive or Modified snoops it (it drops to Shared); a
// write to a line other cores hold invalidates their copies; a write to a
// line held alone (Exclusive) becomes Modified silently. Each core counts
// the snoops and invalidations its accesses send, and the lines it lost to
// LLC back-invalidations.
//
// Set sampling (Kessler, Hill and Wood, 1994): only one set in `set_sampling`
// of every cache is simulated, and the sampled addresses are the lines that
// map to those sets (line index a multiple of the stride at every level, as
// the set counts are multiples of it). Each sampled access stands for
// `set_sampling` accesses to the other, statistically alike sets, so hit
// ratios are those of the whole cache while the model warms up and costs
// `set_sampling` times less. The TLB is simulated whole (page numbers are
// not constrained by the sampling while the stride is at most the lines of
// a page).
//
// Parameters (board.<cpu>.cache.*; defaults: Intel Xeon Silver 4314,
// Ice Lake-SP, 16 cores; the LLC's size is board.<cpu>.rdt.llc_size, the
// cache CMT reports occupancy of):
//   enabled              boolean  run the cache model (true)
//   line_size            size     bytes of a cache line (64 B)
//   l1d_size, l1d_ways   size, count  per-core L1 data cache (48 KiB, 12 ways)
//   l2_size, l2_ways     size, count  per-core L2 (1.25 MiB, 20 ways)
//   llc_ways             count    ways of the shared LLC (12)
//   tlb_entries, tlb_ways count   per-core L1 data TLB of 4 KiB pages (64, 4 ways)
//   samples_per_quantum  count    sampled accesses of the busiest core per
//                                 traffic quantum; the others in proportion
//                                 to their traffic (16: about 0.2 us of host
//                                 time each, docs/PERFORMANCE.md)
//   set_sampling         count    one set in this many is simulated (64)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/config/params.h"
#include "models/core/rng.h"

namespace crashtwin {

// One set-associative array of lines with true LRU (every access stamps its
// line; the victim is the valid line with the oldest stamp, an invalid way
// first). Each line carries a small state (MESI for the private caches).
// With `set_stride` > 1 only the sets whose index is a multiple of it are
// stored; addresses given must map to those (line index a multiple of the
// stride).
class SetAssociativeCache {
 public:
  struct Result {
    bool hit = false;
    size_t slot = 0;                    // the line now holding the address
    std::optional<uint64_t> evicted;    // line address of the victim a miss displaced
  };

  // `sets` a multiple of `set_stride`, the line size and the stride powers
  // of two; throws std::invalid_argument otherwise (the parameters are
  // checked before, with their names).
  SetAssociativeCache(uint64_t sets, uint32_t ways, uint32_t line_bytes, uint32_t set_stride = 1);

  // Looks the address up: a hit makes its line the most recent, a miss
  // installs it in the LRU way (state 0).
  Result access(uint64_t address);
  // The slot holding the address, without touching the LRU order.
  std::optional<size_t> find(uint64_t address) const;
  // Drops the address's line; false if absent.
  bool invalidate(uint64_t address);
  void clear();

  uint8_t state(size_t slot) const { return states_[slot]; }
  void set_state(size_t slot, uint8_t state) { states_[slot] = state; }
  size_t slots() const { return tags_.size(); }
  uint64_t sets() const { return sets_; }
  uint32_t ways() const { return ways_; }
  uint32_t line_bytes() const { return line_bytes_; }

 private:
  size_t first_slot(uint64_t line) const;
  uint64_t line_of(uint64_t address) const { return address >> line_shift_; }

  uint64_t sets_;
  uint32_t ways_;
  uint32_t line_bytes_;
  uint32_t set_stride_;
  uint64_t stored_sets_;
  // Shifts and a mask rather than divisions: a lookup is a few of them, and
  // a 64-bit division costs more than the whole tag scan.
  unsigned line_shift_;
  unsigned stride_shift_;
  uint64_t set_mask_;  // stored_sets_ - 1 when a power of two, else 0 (modulo)
  uint64_t clock_ = 0;
  // Per slot (stored_sets_ x ways_), in separate arrays so a lookup scans
  // only a set's tags: the line number + 1 (0: invalid), the LRU stamp (0
  // when invalid, so the oldest stamp is an invalid way if there is one),
  // the state.
  std::vector<uint64_t> tags_;
  std::vector<uint64_t> stamps_;
  std::vector<uint8_t> states_;
};

struct CacheGeometry {
  uint64_t size_bytes = 0;
  uint32_t ways = 0;
  uint64_t sets(uint32_t line_bytes) const { return size_bytes / (uint64_t{line_bytes} * ways); }
};

struct CacheModelConfig {
  uint32_t line_bytes = 64;
  CacheGeometry l1d{48 * 1024, 12};
  CacheGeometry l2{1280 * 1024, 20};
  CacheGeometry llc{24ull << 20, 12};
  uint32_t tlb_entries = 64;
  uint32_t tlb_ways = 4;
  uint32_t set_sampling = 64;
};
inline constexpr uint64_t kCachePageBytes = 4096;

// Counts of one core's sampled accesses (set-sampled units: each stands for
// set_sampling accesses; TLB counts are in those represented accesses).
struct CoreCacheStats {
  uint64_t accesses = 0;  // = L1 lookups
  uint64_t l1_hits = 0;
  uint64_t l2_accesses = 0;  // L1 misses
  uint64_t l2_hits = 0;
  uint64_t llc_accesses = 0;  // L2 misses
  uint64_t llc_hits = 0;
  uint64_t tlb_accesses = 0;
  uint64_t tlb_hits = 0;
  uint64_t snoops = 0;              // reads that found the line E/M in another core
  uint64_t invalidations = 0;       // other cores' copies this core's writes invalidated
  uint64_t back_invalidations = 0;  // this core's lines lost to LLC evictions
  CoreCacheStats& operator+=(const CoreCacheStats& o);
  CoreCacheStats operator-(const CoreCacheStats& o) const;
  uint64_t coherence_events() const { return snoops + invalidations; }
};

// How a sampled access relates to the ones it stands for: a random access's
// siblings are as random (the TLB sees them like the sample), a sequential
// walk's are the following lines of the same page (TLB hits).
enum class AccessPattern : uint8_t { random, sequential };

class CacheModel {
 public:
  // Throws std::invalid_argument for a geometry that is not whole sets or
  // sets not a multiple of set_sampling (Params checks first, by name).
  CacheModel(const CacheModelConfig& config, uint32_t cores);

  // One sampled access; `address` must map to a sampled set (sampled_line).
  void access(uint32_t core, uint64_t address, bool write, AccessPattern pattern);
  // The sampled-set line at or below `address`.
  uint64_t sampled_line(uint64_t address) const { return address & ~(sample_stride_bytes_ - 1); }
  uint64_t sample_stride_bytes() const { return sample_stride_bytes_; }
  // Every cache emptied (a reset invalidates them); counts kept.
  void invalidate_all();

  uint32_t cores() const { return static_cast<uint32_t>(stats_.size()); }
  const CoreCacheStats& stats(uint32_t core) const { return stats_.at(core); }
  const CacheModelConfig& config() const { return config_; }
  // The MESI state of the line in the core's L2 (Invalid when absent).
  enum Mesi : uint8_t { invalid = 0, shared, exclusive, modified };
  Mesi state(uint32_t core, uint64_t address) const;

 private:
  bool holds(size_t llc_slot, uint32_t core) const;
  void set_holder(size_t llc_slot, uint32_t core, bool held);
  void clear_holders(size_t llc_slot);
  // The core's private copies of the line dropped.
  void drop_private(uint32_t core, uint64_t line);
  // A write by `core`: every other holder invalidated, the line Modified.
  void take_ownership(uint32_t core, uint64_t line, size_t llc_slot);
  void set_private_state(uint32_t core, uint64_t line, Mesi state);
  void fill_private(uint32_t core, uint64_t line, Mesi state);

  CacheModelConfig config_;
  uint64_t sample_stride_bytes_;
  size_t holder_words_;
  std::vector<SetAssociativeCache> l1_, l2_, tlb_;
  SetAssociativeCache llc_;
  std::vector<uint64_t> holders_;  // per LLC slot, holder_words_ words of core bits
  std::vector<CoreCacheStats> stats_;
};

// What a core does during a traffic quantum, as the sampler needs it.
struct CoreAccessSource {
  uint64_t traffic_bytes = 0;  // moved since the last sampling (0: not sampled)
  // A named workload's data, shared by its cores and reused at random; when
  // none, the core streams sequentially through its part of the span.
  bool workload = false;
  uint64_t region_base = 0;
  uint64_t region_bytes = 0;
};

// The sampled address stream: per sampling, the core that moved the most
// bytes makes `samples_per_quantum` accesses (scaled down when less than a
// quantum passed), the others in proportion to their bytes (fractions carry
// over), so cores compete for the shared LLC in proportion to their traffic.
// Workload cores draw uniformly from the workload's region, the others walk
// their region line after line (wrapping); each access is a write with the
// cluster's traffic_write_fraction. Draws from its own stream.
class CacheSampler {
 public:
  struct Params {
    explicit Params(const ParamScope& p);
    // The model's configuration; `llc_bytes` from board.<cpu>.rdt.llc_size.
    // Fails (naming the parameter) on a geometry the model cannot hold.
    CacheModelConfig config(const ParamScope& p, uint64_t llc_bytes) const;
    param<bool> enabled;
    param<uint64_t> line_size;
    param<uint64_t> l1d_size;
    param<uint64_t> l1d_ways;
    param<uint64_t> l2_size;
    param<uint64_t> l2_ways;
    param<uint64_t> llc_ways;
    param<uint64_t> tlb_entries;
    param<uint64_t> tlb_ways;
    param<uint64_t> samples_per_quantum;
    param<uint64_t> set_sampling;
  };

  CacheSampler(const CacheModelConfig& config, uint32_t cores, uint32_t samples_per_quantum, uint64_t quantum_ns,
               double write_fraction, RngStream rng);

  // The accesses of the time since the last call, ending at `now_ns`.
  void sample(uint64_t now_ns, const std::vector<CoreAccessSource>& sources);

  CacheModel& model() { return model_; }
  const CacheModel& model() const { return model_; }

 private:
  CacheModel model_;
  uint32_t samples_per_quantum_;
  uint64_t quantum_ns_;
  double write_fraction_;
  RngStream rng_;
  uint64_t last_ns_ = 0;
  std::vector<double> owed_;        // fractional samples carried per core
  std::vector<uint64_t> cursor_;    // offset of the next line of each core's walk
};

}  // namespace crashtwin
