#include "policies/partitioning/sizing.h"

namespace crashtwin {
namespace {

// Budget too small for every floor: slices holding records keep them, then
// floors go to slices by priority while they fit, the rest get 0.
void fit_short(std::span<const uint64_t> floor, std::span<const uint64_t> used, std::span<const float> priority,
               uint64_t limit, std::span<uint64_t> out) {
  const size_t n = out.size();
  uint64_t spent = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = used[i];
    spent += used[i];
  }
  uint64_t remaining = limit > spent ? limit - spent : 0;
  bool considered[kMaxPolicySlices] = {};
  for (size_t round = 0; round < n; ++round) {
    size_t best = n;
    for (size_t i = 0; i < n; ++i)
      if (!considered[i] && (best == n || priority[i] > priority[best])) best = i;
    considered[best] = true;
    const uint64_t cost = floor[best] - out[best];
    if (cost <= remaining) {
      out[best] = floor[best];
      remaining -= cost;
    }
  }
}

// Floors first, then whole extras in descending priority (ties by index)
// while they fit, the first that does not fit taking the pages left.
void grant_by_priority(std::span<const uint64_t> floor, std::span<const uint64_t> want, std::span<const float> priority,
                       uint64_t left, uint64_t page, std::span<uint64_t> out) {
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) out[i] = floor[i];
  bool served[kMaxPolicySlices] = {};
  for (size_t round = 0; round < n && left >= page; ++round) {
    size_t best = n;
    for (size_t i = 0; i < n; ++i)
      if (!served[i] && (best == n || priority[i] > priority[best])) best = i;
    served[best] = true;
    const uint64_t extra = want[best] - floor[best];
    const uint64_t granted = extra <= left ? extra : left / page * page;
    out[best] += granted;
    left -= granted;
  }
}

}  // namespace

Status fit_sizes(const PolicyInput& input, uint64_t limit_bytes, std::span<const uint64_t> desired,
                 std::span<const float> priority, std::span<uint64_t> sizes_out, ShareAboveFloors share) {
  SizeLimits lim;
  if (Status s = check_policy_input(input, sizes_out.size(), lim); !ok(s)) return s;
  const size_t n = input.slices.size();
  if (desired.size() != n || priority.size() != n) return Status::invalid_argument;
  const uint64_t limit = limit_bytes < input.budget_bytes ? limit_bytes : input.budget_bytes;

  // Copies first: callers may pass sizes_out as `desired`.
  uint64_t used[kMaxPolicySlices], floor[kMaxPolicySlices], want[kMaxPolicySlices];
  uint64_t sum_floor = 0, sum_want = 0;
  for (size_t i = 0; i < n; ++i) {
    used[i] = round_up_pages(input.slices[i].used_bytes, lim.page);
    floor[i] = used[i] > lim.minimum ? used[i] : lim.minimum;
    const uint64_t ceiling = floor[i] > lim.maximum ? floor[i] : lim.maximum;
    const uint64_t d = round_up_pages(desired[i], lim.page);
    want[i] = d < floor[i] ? floor[i] : (d > ceiling ? ceiling : d);
    sum_floor += floor[i];
    sum_want += want[i];
  }
  if (sum_want <= limit) {
    for (size_t i = 0; i < n; ++i) sizes_out[i] = want[i];
    return Status::ok;
  }
  if (sum_floor > limit) {
    fit_short(std::span(floor, n), std::span(used, n), priority, limit, sizes_out.first(n));
    return Status::ok;
  }

  const uint64_t left = limit - sum_floor;
  if (share == ShareAboveFloors::by_priority) {
    grant_by_priority(std::span(floor, n), std::span(want, n), priority, left, lim.page, sizes_out.first(n));
    return Status::ok;
  }
  // Share what is left above the floors in proportion to each extra desire.
  const uint64_t extra_total = sum_want - sum_floor;  // > left, so > 0
  const double ratio = static_cast<double>(left) / static_cast<double>(extra_total);
  uint64_t granted = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t extra_wanted = want[i] - floor[i];
    uint64_t extra = round_down_pages(static_cast<uint64_t>(static_cast<double>(extra_wanted) * ratio), lim.page);
    if (extra > extra_wanted) extra = extra_wanted;
    sizes_out[i] = floor[i] + extra;
    granted += extra;
  }
  // Pages lost to rounding: fewer than n, returned one each in index order.
  uint64_t spare = left - (granted < left ? granted : left);
  for (size_t i = 0; i < n && spare >= lim.page; ++i)
    if (sizes_out[i] + lim.page <= want[i]) {
      sizes_out[i] += lim.page;
      spare -= lim.page;
    }
  return Status::ok;
}

}  // namespace crashtwin
