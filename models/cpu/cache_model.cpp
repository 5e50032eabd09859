#include "models/cpu/cache_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace crashtwin {

// ---------------------------------------------------------------- SetAssociativeCache

SetAssociativeCache::SetAssociativeCache(uint64_t sets, uint32_t ways, uint32_t line_bytes, uint32_t set_stride)
    : sets_(sets), ways_(ways), line_bytes_(line_bytes), set_stride_(set_stride) {
  if (sets == 0 || ways == 0 || !std::has_single_bit(line_bytes) || !std::has_single_bit(set_stride) ||
      sets % set_stride != 0)
    throw std::invalid_argument(fmt::format("cache of {} sets x {} ways of {} B lines sampled 1 in {}: not a geometry",
                                            sets, ways, line_bytes, set_stride));
  stored_sets_ = sets / set_stride;
  line_shift_ = static_cast<unsigned>(std::countr_zero(line_bytes));
  stride_shift_ = static_cast<unsigned>(std::countr_zero(set_stride));
  set_mask_ = std::has_single_bit(stored_sets_) ? stored_sets_ - 1 : 0;
  tags_.assign(stored_sets_ * ways_, 0);
  stamps_.assign(tags_.size(), 0);
  states_.assign(tags_.size(), 0);
}

size_t SetAssociativeCache::first_slot(uint64_t line) const {
  const uint64_t index = line >> stride_shift_;
  return static_cast<size_t>(set_mask_ != 0 || stored_sets_ == 1 ? index & set_mask_ : index % stored_sets_) * ways_;
}

SetAssociativeCache::Result SetAssociativeCache::access(uint64_t address) {
  const uint64_t line = line_of(address);
  const size_t first = first_slot(line);
  const uint64_t* tags = &tags_[first];
  for (uint32_t w = 0; w < ways_; ++w) {
    if (tags[w] == line + 1) {
      stamps_[first + w] = ++clock_;
      return {true, first + w, std::nullopt};
    }
  }
  // The oldest stamp: an invalid way (stamp 0, the lowest such way) first.
  size_t victim = first;
  for (size_t s = first + 1; s < first + ways_; ++s)
    if (stamps_[s] < stamps_[victim]) victim = s;
  Result r{false, victim, std::nullopt};
  if (tags_[victim] != 0) r.evicted = (tags_[victim] - 1) << line_shift_;
  tags_[victim] = line + 1;
  stamps_[victim] = ++clock_;
  states_[victim] = 0;
  return r;
}

std::optional<size_t> SetAssociativeCache::find(uint64_t address) const {
  const uint64_t line = line_of(address);
  const size_t first = first_slot(line);
  for (size_t s = first; s < first + ways_; ++s)
    if (tags_[s] == line + 1) return s;
  return std::nullopt;
}

bool SetAssociativeCache::invalidate(uint64_t address) {
  const std::optional<size_t> s = find(address);
  if (!s) return false;
  tags_[*s] = stamps_[*s] = 0;
  states_[*s] = 0;
  return true;
}

void SetAssociativeCache::clear() {
  std::fill(tags_.begin(), tags_.end(), 0);
  std::fill(stamps_.begin(), stamps_.end(), 0);
  std::fill(states_.begin(), states_.end(), 0);
}

// ---------------------------------------------------------------- CoreCacheStats

CoreCacheStats& CoreCacheStats::operator+=(const CoreCacheStats& o) {
  accesses += o.accesses;
  l1_hits += o.l1_hits;
  l2_accesses += o.l2_accesses;
  l2_hits += o.l2_hits;
  llc_accesses += o.llc_accesses;
  llc_hits += o.llc_hits;
  tlb_accesses += o.tlb_accesses;
  tlb_hits += o.tlb_hits;
  snoops += o.snoops;
  invalidations += o.invalidations;
  back_invalidations += o.back_invalidations;
  return *this;
}

CoreCacheStats CoreCacheStats::operator-(const CoreCacheStats& o) const {
  return {accesses - o.accesses,         l1_hits - o.l1_hits,   l2_accesses - o.l2_accesses, l2_hits - o.l2_hits,
          llc_accesses - o.llc_accesses, llc_hits - o.llc_hits, tlb_accesses - o.tlb_accesses,
          tlb_hits - o.tlb_hits,         snoops - o.snoops,     invalidations - o.invalidations,
          back_invalidations - o.back_invalidations};
}

// ---------------------------------------------------------------- CacheModel

namespace {
SetAssociativeCache make_cache(const CacheGeometry& g, uint32_t line_bytes, uint32_t stride) {
  if (g.ways == 0 || line_bytes == 0 || g.size_bytes % (uint64_t{line_bytes} * g.ways) != 0)
    throw std::invalid_argument(
        fmt::format("a {} B cache is not a whole number of {}-way sets of {} B lines", g.size_bytes, g.ways, line_bytes));
  return SetAssociativeCache(g.sets(line_bytes), g.ways, line_bytes, stride);
}
}  // namespace

CacheModel::CacheModel(const CacheModelConfig& config, uint32_t cores)
    : config_(config),
      sample_stride_bytes_(uint64_t{config.line_bytes} * config.set_sampling),
      holder_words_((cores + 63) / 64),
      llc_(make_cache(config.llc, config.line_bytes, config.set_sampling)),
      stats_(cores) {
  if (sample_stride_bytes_ > kCachePageBytes)
    throw std::invalid_argument("set sampling strides past a page: the TLB would see one page in several");
  if (config.tlb_ways == 0 || config.tlb_entries % config.tlb_ways != 0)
    throw std::invalid_argument("TLB entries are not a whole number of sets");
  for (uint32_t c = 0; c < cores; ++c) {
    l1_.push_back(make_cache(config.l1d, config.line_bytes, config.set_sampling));
    l2_.push_back(make_cache(config.l2, config.line_bytes, config.set_sampling));
    tlb_.emplace_back(config.tlb_entries / config.tlb_ways, config.tlb_ways, static_cast<uint32_t>(kCachePageBytes));
  }
  holders_.assign(llc_.slots() * holder_words_, 0);
}

bool CacheModel::holds(size_t llc_slot, uint32_t core) const {
  return (holders_[llc_slot * holder_words_ + core / 64] >> (core % 64) & 1) != 0;
}

void CacheModel::set_holder(size_t llc_slot, uint32_t core, bool held) {
  uint64_t& word = holders_[llc_slot * holder_words_ + core / 64];
  const uint64_t bit = uint64_t{1} << (core % 64);
  word = held ? word | bit : word & ~bit;
}

void CacheModel::clear_holders(size_t llc_slot) {
  std::fill_n(holders_.begin() + static_cast<std::ptrdiff_t>(llc_slot * holder_words_), holder_words_, 0);
}

void CacheModel::drop_private(uint32_t core, uint64_t line) {
  l1_[core].invalidate(line);
  l2_[core].invalidate(line);
}

void CacheModel::set_private_state(uint32_t core, uint64_t line, Mesi state) {
  if (const auto slot = l2_[core].find(line)) l2_[core].set_state(*slot, state);
}

CacheModel::Mesi CacheModel::state(uint32_t core, uint64_t address) const {
  const SetAssociativeCache& l2 = l2_.at(core);
  const auto slot = l2.find(address & ~uint64_t{config_.line_bytes - 1});
  return slot ? static_cast<Mesi>(l2.state(*slot)) : invalid;
}

void CacheModel::take_ownership(uint32_t core, uint64_t line, size_t llc_slot) {
  for (uint32_t d = 0; d < cores(); ++d) {
    if (d == core || !holds(llc_slot, d)) continue;
    drop_private(d, line);
    ++stats_[core].invalidations;
  }
  clear_holders(llc_slot);
  set_holder(llc_slot, core, true);
  set_private_state(core, line, modified);
}

void CacheModel::access(uint32_t core, uint64_t address, bool write, AccessPattern pattern) {
  CoreCacheStats& s = stats_[core];
  const uint64_t represented = config_.set_sampling;
  const bool tlb_hit = tlb_[core].access(address).hit;
  s.tlb_accesses += represented;
  // A walk's represented accesses are the lines after this one, in its page.
  s.tlb_hits += pattern == AccessPattern::sequential ? represented - 1 + (tlb_hit ? 1 : 0) : (tlb_hit ? represented : 0);

  const uint64_t line = address & ~uint64_t{config_.line_bytes - 1};
  ++s.accesses;
  // L1 victims need nothing: L2 holds them (and their state).
  const bool l1_hit = l1_[core].access(line).hit;
  bool private_hit = l1_hit;
  if (l1_hit) {
    ++s.l1_hits;
  } else {
    ++s.l2_accesses;
    const SetAssociativeCache::Result l2 = l2_[core].access(line);
    private_hit = l2.hit;
    if (l2.hit) {
      ++s.l2_hits;
    } else if (l2.evicted) {
      // Inclusion: the victim leaves L1, and the LLC's record of this core.
      l1_[core].invalidate(*l2.evicted);
      if (const auto slot = llc_.find(*l2.evicted)) set_holder(*slot, core, false);
    }
  }
  if (private_hit) {
    if (!write) return;
    const Mesi st = state(core, line);
    if (st == shared) {
      if (const auto slot = llc_.find(line)) take_ownership(core, line, *slot);
    } else if (st == exclusive) {
      set_private_state(core, line, modified);
    }
    return;
  }

  ++s.llc_accesses;
  const SetAssociativeCache::Result llc = llc_.access(line);
  if (llc.evicted) {
    // The victim's holders lose their copies (the slot still lists them).
    for (uint32_t d = 0; d < cores(); ++d) {
      if (!holds(llc.slot, d)) continue;
      drop_private(d, *llc.evicted);
      ++stats_[d].back_invalidations;
    }
    clear_holders(llc.slot);
  }
  if (!llc.hit) {
    set_holder(llc.slot, core, true);
    set_private_state(core, line, write ? modified : exclusive);
    return;
  }
  ++s.llc_hits;
  if (write) {
    take_ownership(core, line, llc.slot);
    return;
  }
  bool others = false;
  for (uint32_t d = 0; d < cores(); ++d) {
    if (d == core || !holds(llc.slot, d)) continue;
    others = true;
    const Mesi st = state(d, line);
    if (st == exclusive || st == modified) {
      ++s.snoops;  // the owner forwards the line (writing it back if Modified) and keeps it Shared
      set_private_state(d, line, shared);
    }
  }
  set_holder(llc.slot, core, true);
  set_private_state(core, line, others ? shared : exclusive);
}

void CacheModel::invalidate_all() {
  for (auto& c : l1_) c.clear();
  for (auto& c : l2_) c.clear();
  for (auto& c : tlb_) c.clear();
  llc_.clear();
  std::fill(holders_.begin(), holders_.end(), 0);
}

// ---------------------------------------------------------------- CacheSampler

CacheSampler::Params::Params(const ParamScope& p)
    : enabled(p, "enabled", ParamKind::boolean, true, "run the cache model (hit ratios and coherence per core)"),
      line_size(p, "line_size", ParamKind::size, 64, "bytes of a cache line", 16, 4096),
      l1d_size(p, "l1d_size", ParamKind::size, 48 * 1024, "per-core L1 data cache", 1024, 1ull << 30),
      l1d_ways(p, "l1d_ways", ParamKind::count, 12, "ways of the L1 data cache", 1, 64),
      l2_size(p, "l2_size", ParamKind::size, 1280 * 1024, "per-core L2 cache", 1024, 1ull << 34),
      l2_ways(p, "l2_ways", ParamKind::count, 20, "ways of the L2", 1, 64),
      llc_ways(p, "llc_ways", ParamKind::count, 12, "ways of the shared LLC (its size is rdt.llc_size)", 1, 64),
      tlb_entries(p, "tlb_entries", ParamKind::count, 64, "entries of the per-core L1 data TLB (4 KiB pages)", 1, 1 << 16),
      tlb_ways(p, "tlb_ways", ParamKind::count, 4, "ways of the data TLB", 1, 64),
      samples_per_quantum(p, "samples_per_quantum", ParamKind::count, 16,
                          "sampled accesses of the busiest core per traffic quantum (others in proportion)", 1,
                          1 << 20),
      set_sampling(p, "set_sampling", ParamKind::count, 64, "one cache set in this many is simulated", 1, 4096) {}

CacheModelConfig CacheSampler::Params::config(const ParamScope& p, uint64_t llc_bytes) const {
  CacheModelConfig c;
  c.line_bytes = static_cast<uint32_t>(line_size.value());
  c.l1d = {l1d_size, static_cast<uint32_t>(l1d_ways.value())};
  c.l2 = {l2_size, static_cast<uint32_t>(l2_ways.value())};
  // rdt.llc_size need not be whole sets of llc_ways (CMT counts bytes): the
  // model holds the whole sets that fit, a multiple of the sampling stride.
  const uint64_t llc_set_bytes = line_size.value() * llc_ways.value();
  const uint64_t llc_sets = llc_bytes / llc_set_bytes / set_sampling.value() * set_sampling.value();
  if (llc_sets == 0)
    p.fail("llc_ways", fmt::format("rdt.llc_size ({} B) holds no {} sets of {} ways of {} B lines", llc_bytes,
                                   set_sampling.value(), llc_ways.value(), line_size.value()));
  c.llc = {llc_sets * llc_set_bytes, static_cast<uint32_t>(llc_ways.value())};
  c.tlb_entries = static_cast<uint32_t>(tlb_entries.value());
  c.tlb_ways = static_cast<uint32_t>(tlb_ways.value());
  c.set_sampling = static_cast<uint32_t>(set_sampling.value());
  if (!std::has_single_bit(c.line_bytes)) p.fail("line_size", "must be a power of two");
  if (!std::has_single_bit(c.set_sampling)) p.fail("set_sampling", "must be a power of two");
  if (uint64_t{c.line_bytes} * c.set_sampling > kCachePageBytes)
    p.fail("set_sampling", fmt::format("{} sampled lines of {} B stride past a 4 KiB page (at most {})", c.set_sampling,
                                       c.line_bytes, kCachePageBytes / c.line_bytes));
  if (c.tlb_entries % c.tlb_ways != 0)
    p.fail("tlb_entries", fmt::format("{} entries are not a whole number of {}-way sets", c.tlb_entries, c.tlb_ways));
  const auto check = [&](const CacheGeometry& g, const char* size_name, const char* ways_name) {
    const uint64_t set_bytes = uint64_t{c.line_bytes} * g.ways;
    if (g.size_bytes % set_bytes != 0)
      p.fail(size_name, fmt::format("{} B is not a whole number of {}-way sets of {} B lines ({})", g.size_bytes, g.ways,
                                    c.line_bytes, ways_name));
    if (g.sets(c.line_bytes) % c.set_sampling != 0)
      p.fail("set_sampling", fmt::format("{} does not divide the {} sets of the cache {} describes", c.set_sampling,
                                         g.sets(c.line_bytes), size_name));
  };
  check(c.l1d, "l1d_size", "l1d_ways");
  check(c.l2, "l2_size", "l2_ways");
  return c;
}

CacheSampler::CacheSampler(const CacheModelConfig& config, uint32_t cores, uint32_t samples_per_quantum,
                           uint64_t quantum_ns, double write_fraction, RngStream rng)
    : model_(config, cores),
      samples_per_quantum_(samples_per_quantum),
      quantum_ns_(quantum_ns),
      write_fraction_(write_fraction),
      rng_(rng),
      owed_(cores, 0.0),
      cursor_(cores, 0) {}

void CacheSampler::sample(uint64_t now_ns, const std::vector<CoreAccessSource>& sources) {
  const uint64_t elapsed = now_ns > last_ns_ ? now_ns - last_ns_ : 0;
  last_ns_ = std::max(last_ns_, now_ns);
  uint64_t busiest = 0;
  for (const CoreAccessSource& s : sources) busiest = std::max(busiest, s.traffic_bytes);
  if (busiest == 0 || elapsed == 0) return;
  const double share_of_quantum = std::min(1.0, static_cast<double>(elapsed) / static_cast<double>(quantum_ns_));
  const uint64_t stride = model_.sample_stride_bytes();
  std::vector<uint64_t> count(sources.size(), 0), lines(sources.size(), 1);
  uint64_t rounds = 0;
  for (size_t c = 0; c < sources.size() && c < owed_.size(); ++c) {
    if (sources[c].traffic_bytes == 0) continue;
    owed_[c] += samples_per_quantum_ * share_of_quantum * static_cast<double>(sources[c].traffic_bytes) /
                static_cast<double>(busiest);
    count[c] = static_cast<uint64_t>(std::floor(owed_[c]));
    owed_[c] -= static_cast<double>(count[c]);
    rounds = std::max(rounds, count[c]);
    lines[c] = std::max<uint64_t>(1, sources[c].region_bytes / stride);
  }
  // Interleaved, core after core, as the cores run at once.
  for (uint64_t r = 0; r < rounds; ++r) {
    for (uint32_t c = 0; c < count.size(); ++c) {
      if (r >= count[c]) continue;
      const CoreAccessSource& s = sources[c];
      uint64_t offset;
      AccessPattern pattern;
      if (s.workload) {
        offset = stride * rng_.below(lines[c]);
        pattern = AccessPattern::random;
      } else {
        if (cursor_[c] >= lines[c] * stride) cursor_[c] = 0;
        offset = cursor_[c];
        cursor_[c] += stride;
        pattern = AccessPattern::sequential;
      }
      const bool write = rng_.bernoulli(write_fraction_);
      model_.access(c, model_.sampled_line(s.region_base + offset), write, pattern);
    }
  }
}

}  // namespace crashtwin
