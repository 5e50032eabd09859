#include "models/cpu/llc_occupancy.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {
namespace {
// Below this change per step (bytes, for every RMID) the occupancies have
// settled: stepping on would only spend host time.
constexpr double kSettledBytes = 1.0;
// No step fills more than this share of the cache or of a working set.
constexpr double kStepShare = 0.1;
}  // namespace

LlcOccupancy::LlcOccupancy(uint64_t capacity_bytes, uint32_t rmids)
    : capacity_(capacity_bytes), occupancy_(rmids, 0.0), demands_(rmids) {}

double LlcOccupancy::total_bytes() const {
  double sum = 0;
  for (double o : occupancy_) sum += o;
  return sum;
}

double LlcOccupancy::max_step_seconds() const {
  double longest = INFINITY;
  double fills = 0;
  for (const Demand& d : demands_) {
    if (d.fill_bytes_per_s <= 0) continue;
    fills += d.fill_bytes_per_s;
    if (d.working_set_bytes > 0) longest = std::min(longest, kStepShare * d.working_set_bytes / d.fill_bytes_per_s);
  }
  if (fills > 0) longest = std::min(longest, kStepShare * static_cast<double>(capacity_) / fills);
  return longest;
}

double LlcOccupancy::step(double seconds) {
  const size_t n = occupancy_.size();
  double held = 0, fills = 0;
  std::vector<double>& fill = fill_scratch_;
  fill.assign(n, 0.0);
  for (size_t r = 0; r < n; ++r) {
    held += occupancy_[r];
    const Demand& d = demands_[r];
    if (d.fill_bytes_per_s <= 0 || d.working_set_bytes <= 0) continue;
    const double missing = std::max(0.0, 1.0 - occupancy_[r] / d.working_set_bytes);
    fill[r] = d.fill_bytes_per_s * missing * seconds;
    fills += fill[r];
  }
  const double free = std::max(0.0, static_cast<double>(capacity_) - held);
  const double evicted = std::max(0.0, fills - free);  // fills beyond the free space evict
  double largest = 0;
  for (size_t r = 0; r < n; ++r) {
    const double victim_share = held > 0 ? occupancy_[r] / held : 0.0;
    const double change = fill[r] - evicted * victim_share;
    occupancy_[r] = std::max(0.0, occupancy_[r] + change);
    largest = std::max(largest, std::fabs(change));
  }
  ++steps_;
  return largest;
}

void LlcOccupancy::advance_to(uint64_t now_ns) {
  if (now_ns <= now_ns_) return;
  double remaining = static_cast<double>(now_ns - now_ns_) * 1e-9;
  now_ns_ = now_ns;
  if (steady_) return;
  const double longest = max_step_seconds();
  if (!std::isfinite(longest)) {  // nothing fills: nothing is evicted either
    steady_ = true;
    return;
  }
  while (remaining > 0) {
    const double dt = std::min(remaining, longest);
    remaining -= dt;
    // Judged on a whole step: a short last step moves little without settling.
    if (step(dt) * (longest / dt) < kSettledBytes) {
      steady_ = true;
      return;
    }
  }
}

void LlcOccupancy::set_demands(const std::vector<Demand>& demands) {
  for (size_t r = 0; r < demands_.size(); ++r) demands_[r] = r < demands.size() ? demands[r] : Demand{};
  steady_ = false;
}

}  // namespace crashtwin
