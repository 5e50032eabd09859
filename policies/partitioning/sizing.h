// The one routine every partitioning policy ends in: from the sizes a policy
// would like, sizes that honour the PartitionPolicy contract (pages, minimum,
// maximum, used bytes, budget). Policies differ only in what they desire and
// how they rank slices when the budget is short.
#pragma once

#include <cstdint>
#include <span>

#include "platform/agent/partition_policy.h"
#include "platform/core/status.h"

namespace crashtwin {

// desired[i]: bytes the policy wants for slice i (clamped here to the
// limits). priority[i]: who keeps a minimum when the budget cannot fund one
// for everyone (higher first, ties by index). limit_bytes: at most this much
// in total (further capped by the budget).
//
// When the clamped desires fit they are granted as they are. Otherwise every
// slice gets its floor (minimum, or its used bytes if larger) and the rest of
// the limit is shared above the floors:
//  - proportional: in proportion to what each desired above its floor,
//    rounded down to pages; pages lost to rounding go back one each to
//    slices still short of their desire, in index order (deterministic,
//    bounded);
//  - by_priority: whole desires in priority order, the last one served
//    getting what is left (what maximises the captured share when a
//    slice's value per byte is its priority: the oracle).
enum class ShareAboveFloors : uint8_t { proportional, by_priority };
Status fit_sizes(const PolicyInput& input, uint64_t limit_bytes, std::span<const uint64_t> desired,
                 std::span<const float> priority, std::span<uint64_t> sizes_out,
                 ShareAboveFloors share = ShareAboveFloors::proportional);

}  // namespace crashtwin
