// The partitioning policies (docs/design.md "Policies and capture strategies") and
// their parameters. Each policy is a small fixed-size object; make_policy
// builds one by name into caller storage, so firmware and twin pick policies
// from configuration without the heap.
//
//   static        kdump-style crashkernel: a fixed reservation sized by the
//                 RHEL 9 default table for the board's DRAM (1G-4G:192M,
//                 4G-64G:256M, 64G-:512M; nothing below 1 GiB), split by fixed
//                 class shares, equally among the instances of a class.
//                 Ignores predictions. Parameter: class_shares.
//   uniform       dynamic, equal shares of the whole budget. Ignores predictions.
//   proportional  the mission's design: slice i desires
//                 minimum + p_i * (maximum - minimum); when the desires exceed
//                 the budget the part above the minimum is scaled down
//                 proportionally. Low risk costs only the minimum.
//   smoothed      proportional on an EWMA of each component's probability
//                 (ewma_alpha), keeping a slice's current size when the target
//                 differs by less than dead_band_bytes, to cut churn.
//   oracle        knows the injected future (future, horizon_ns): sizes each
//                 slice to the sum of needed bytes of its component's failures
//                 in [now, now + horizon], the minimum otherwise. An upper bound
//                 on completeness only a twin can compute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "platform/agent/partition_policy.h"
#include "platform/core/status.h"
#include "platform/core/types.h"

namespace crashtwin {

// One failure the scenario will inject, as the host tells the oracle.
struct FutureFailure {
  ComponentId component;
  uint64_t fail_time_ns = 0;
  uint64_t needed_bytes = 0;  // a full capture of the failure's catalog entry
};

struct PolicyParams {
  // static: share of the crashkernel reservation per class (cpu, memory,
  // disk, network); non-negative, normalised by their sum.
  float class_shares[kComponentClassCount] = {0.25f, 0.25f, 0.25f, 0.25f};
  // smoothed: weight of the newest probability (0..1].
  float ewma_alpha = 0.3f;
  // smoothed: size changes smaller than this are not made.
  uint64_t dead_band_bytes = 1ull << 20;
  // oracle: how far ahead it looks; should cover the allocation frequency.
  uint64_t horizon_ns = 1'000'000'000ull;
  // oracle: the injected failures (host memory, must outlive the policy).
  std::span<const FutureFailure> future;
};

// The policies to compare (what `all` means), in a stable order; the
// runner also accepts test fixtures (policies/fixtures/test_fixtures.h).
std::span<const char* const> policy_names();

// Bytes and alignment that hold any policy (static_asserted in the factory).
inline constexpr size_t kPolicyStorageBytes = 2048;
struct alignas(16) PolicyStorage {
  std::byte bytes[kPolicyStorageBytes];
};

// Builds the named policy into `storage` and points `out` at it. Policies are
// trivially destructible: reusing or dropping the storage ends them.
// Status::not_found for an unknown name, Status::invalid_argument for
// parameters out of range (negative or all-zero shares, alpha outside (0,1]).
Status make_policy(std::string_view name, const PolicyParams& params, PolicyStorage& storage,
                   PartitionPolicy*& out);

}  // namespace crashtwin
