#include <memory>
#include <type_traits>

#include "policies/strategies/cma_crashkernel.h"
#include "policies/strategies/fadump.h"
#include "policies/strategies/kdump.h"
#include "policies/strategies/predictive_bmc.h"
#include "policies/strategies/strategies.h"

namespace crashtwin {
namespace {

constexpr const char* kNames[] = {"predictive-bmc", "kdump", "cma-crashkernel", "fadump"};

template <typename S, typename... Args>
CaptureStrategy* build(StrategyStorage& storage, const Args&... args) {
  static_assert(sizeof(S) <= sizeof(StrategyStorage::bytes) && alignof(S) <= alignof(StrategyStorage));
  static_assert(std::is_trivially_destructible_v<S>);
  return std::construct_at(reinterpret_cast<S*>(storage.bytes), args...);
}

}  // namespace

std::span<const char* const> strategy_names() { return kNames; }

Status make_strategy(std::string_view name, const StrategyParams& params, StrategyStorage& storage,
                     CaptureStrategy*& out) {
  const char* bad = nullptr;
  if (Status s = check_strategy_params(params, bad); !ok(s)) return s;
  const StrategyParams& p = params;
  if (name == "predictive-bmc") out = build<PredictiveBmcStrategy>(storage, p.predictive_bmc, p.host, p.capture_kernel);
  else if (name == "kdump") out = build<KdumpStrategy>(storage, p.capture_kernel, p.dump, p.host);
  else if (name == "cma-crashkernel") out = build<CmaCrashkernelStrategy>(storage, p.cma, p.capture_kernel, p.dump, p.host);
  else if (name == "fadump") out = build<FadumpStrategy>(storage, p.fadump, p.capture_kernel, p.dump, p.host);
  else return Status::not_found;
  return Status::ok;
}

}  // namespace crashtwin
