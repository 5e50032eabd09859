#include <memory>
#include <type_traits>

#include "policies/partitioning/oracle_policy.h"
#include "policies/partitioning/policies.h"
#include "policies/partitioning/proportional_policy.h"
#include "policies/partitioning/smoothed_policy.h"
#include "policies/partitioning/static_policy.h"
#include "policies/partitioning/uniform_policy.h"

namespace crashtwin {
namespace {

constexpr const char* kNames[] = {"static", "uniform", "proportional", "smoothed", "oracle"};

template <typename P, typename... Args>
PartitionPolicy* build(PolicyStorage& storage, Args&&... args) {
  static_assert(sizeof(P) <= sizeof(PolicyStorage::bytes) && alignof(P) <= alignof(PolicyStorage));
  // Dropping or reusing the storage must be enough to end a policy.
  static_assert(std::is_trivially_destructible_v<P>);
  return std::construct_at(reinterpret_cast<P*>(storage.bytes), static_cast<Args&&>(args)...);
}

}  // namespace

std::span<const char* const> policy_names() { return kNames; }

Status make_policy(std::string_view name, const PolicyParams& params, PolicyStorage& storage,
                   PartitionPolicy*& out) {
  float share_sum = 0.0f;
  for (float s : params.class_shares) {
    if (!(s >= 0.0f)) return Status::invalid_argument;
    share_sum += s;
  }
  if (!(share_sum > 0.0f) || !(params.ewma_alpha > 0.0f && params.ewma_alpha <= 1.0f))
    return Status::invalid_argument;
  if (name == "static") out = build<StaticPolicy>(storage, params);
  else if (name == "uniform") out = build<UniformPolicy>(storage);
  else if (name == "proportional") out = build<ProportionalPolicy>(storage);
  else if (name == "smoothed") out = build<SmoothedPolicy>(storage, params);
  else if (name == "oracle") out = build<OraclePolicy>(storage, params);
  else return Status::not_found;
  return Status::ok;
}

}  // namespace crashtwin
