#include "scenarios/runner/cache_recorder.h"

#include <limits>

#include "models/cpu/cpu_cluster.h"
#include "traces/timeseries_writer.h"

namespace crashtwin::scenario {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

double ratio(uint64_t hits, uint64_t lookups) {
  return lookups == 0 ? kNoValue : static_cast<double>(hits) / static_cast<double>(lookups);
}

double per_kaccess(const CoreCacheStats& s) {
  return s.accesses == 0 ? kNoValue : 1000.0 * static_cast<double>(s.coherence_events()) / static_cast<double>(s.accesses);
}

}  // namespace

CacheRecorder::CacheRecorder(Board& board) {
  cluster_ = dynamic_cast<CpuCluster*>(board.cpu_cluster());
  model_ = cluster_ != nullptr ? cluster_->cache_model() : nullptr;
  if (model_ == nullptr) return;
  last_.resize(model_->cores());
  for (auto& quantity : series_) quantity.resize(model_->cores() + 1);  // the cores, then every core
}

void CacheRecorder::on_tick(const Agent& agent, uint64_t time_ns) {
  (void)agent, (void)time_ns;
  if (model_ == nullptr) return;
  CoreCacheStats all;
  for (uint32_t c = 0; c <= model_->cores(); ++c) {
    CoreCacheStats d;
    if (c < model_->cores()) {
      d = model_->stats(c) - last_[c];
      last_[c] = model_->stats(c);
      all += d;
    } else {
      d = all;
    }
    series_[l1][c].push_back(ratio(d.l1_hits, d.accesses));
    series_[l2][c].push_back(ratio(d.l2_hits, d.l2_accesses));
    series_[llc][c].push_back(ratio(d.llc_hits, d.llc_accesses));
    series_[tlb][c].push_back(ratio(d.tlb_hits, d.tlb_accesses));
    series_[coherence][c].push_back(per_kaccess(d));
  }
}

void CacheRecorder::add_columns(RunRecorder& recorder) const {
  if (model_ == nullptr) return;
  const uint32_t cores = model_->cores();
  // No core ever moved memory traffic: no column of empty cells.
  uint64_t accesses = 0;
  for (uint32_t c = 0; c < cores; ++c) accesses += model_->stats(c).accesses;
  if (accesses == 0) return;
  static constexpr std::string_view kPrefixes[kQuantities] = {kCacheL1HitPrefix, kCacheL2HitPrefix,
                                                              kCacheLlcHitPrefix, kCacheTlbHitPrefix,
                                                              kCacheCoherencePrefix};
  static constexpr std::string_view kLevels[] = {"l1", "l2", "llc", "tlb"};
  for (size_t q = 0; q < kQuantities; ++q)
    for (uint32_t c = 0; c < cores; ++c)
      recorder.add_column_after_run(cache_column(kPrefixes[q], cluster_->core_component(c)), series_[q][c]);
  for (size_t q = l1; q <= tlb; ++q)
    recorder.add_column_after_run(std::string(kCacheHitRatioPrefix) + std::string(kLevels[q]), series_[q][cores]);
}

nlohmann::ordered_json CacheRecorder::metric() const {
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  if (model_ == nullptr) return m;
  CoreCacheStats all;
  for (uint32_t c = 0; c < model_->cores(); ++c) all += model_->stats(c);
  // A ratio with nothing behind it is left out rather than written as 0.
  const auto put = [&m](const char* name, double value) {
    if (value == value) m[name] = value;
  };
  m["sampled_accesses"] = all.accesses;
  put("l1_hit_ratio", ratio(all.l1_hits, all.accesses));
  put("l2_hit_ratio", ratio(all.l2_hits, all.l2_accesses));
  put("llc_hit_ratio", ratio(all.llc_hits, all.llc_accesses));
  put("tlb_hit_ratio", ratio(all.tlb_hits, all.tlb_accesses));
  put("coherence_per_kaccess", per_kaccess(all));
  m["snoops"] = all.snoops;
  m["invalidations"] = all.invalidations;
  m["back_invalidations"] = all.back_invalidations;
  return m;
}

}  // namespace crashtwin::scenario
