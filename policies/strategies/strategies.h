// The capture strategies (docs/design.md "Policies and capture strategies") and a
// factory by name into caller storage, so the twin picks strategies from the
// scenario without the heap.
//
//   predictive-bmc   slice capture, BMC alert and DMA drain (predictive_bmc.h)
//   kdump            kexec, capture kernel, filtered dump, second reboot (kdump.h)
//   cma-crashkernel  fixed + lendable CMA crashkernel (cma_crashkernel.h)
//   fadump           boot memory saved, reduced-memory boot, release as dumped (fadump.h)
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "platform/core/status.h"
#include "policies/strategies/strategy.h"
#include "policies/strategies/strategy_params.h"

namespace crashtwin {

// Names make_strategy accepts, in a stable order (the comparison's order).
std::span<const char* const> strategy_names();

inline constexpr size_t kStrategyStorageBytes = 512;
struct alignas(16) StrategyStorage {
  std::byte bytes[kStrategyStorageBytes];
};

// Builds the named strategy into `storage` and points `out` at it.
// Strategies are trivially destructible. not_found for an unknown name,
// invalid_argument for parameters a model cannot run with
// (check_strategy_params).
Status make_strategy(std::string_view name, const StrategyParams& params, StrategyStorage& storage,
                     CaptureStrategy*& out);

}  // namespace crashtwin
