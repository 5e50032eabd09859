// The cpu cluster's cache model over a run (models/cpu/cache_model.h): at
// every agent tick, the counts since the previous tick per core become hit
// ratios per level and coherence events per 1000 accesses (timeseries
// columns, traces/timeseries_writer.h), and at the end the run's ratios
// over every sampled access for summary.json's `cache` metric. Does nothing
// on a board without a cluster or with board.cpu.cache.enabled false.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/board/board.h"
#include "models/cpu/cache_model.h"
#include "platform/agent/agent.h"
#include "scenarios/runner/run_recorder.h"

namespace crashtwin {
class CpuCluster;
}

namespace crashtwin::scenario {

class CacheRecorder final : public AgentObserver {
 public:
  explicit CacheRecorder(Board& board);

  bool active() const { return model_ != nullptr; }
  void on_tick(const Agent& agent, uint64_t time_ns) override;

  // The columns, one value per tick seen (call when the run's rows are
  // final); none when no core made an access in the whole run.
  void add_columns(RunRecorder& recorder) const;
  // summary.json's `cache`: the run's hit ratios of every core together,
  // coherence events per 1000 accesses, and the counts behind them.
  nlohmann::ordered_json metric() const;

 private:
  CpuCluster* cluster_ = nullptr;
  const CacheModel* model_ = nullptr;
  std::vector<CoreCacheStats> last_;  // per core, at the previous tick
  // Per core (then "every core" last) and quantity, one value per tick.
  enum Quantity : size_t { l1, l2, llc, tlb, coherence, kQuantities };
  std::vector<std::vector<double>> series_[kQuantities];
};

}  // namespace crashtwin::scenario
