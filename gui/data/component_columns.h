// The component a per-component time-series column is about. The naming
// scheme ("slice_bytes.memory.1") is traces/timeseries_writer.h's; this is
// its inverse, checked against that writer by round trip in the tests.
#pragma once

#include <optional>
#include <string_view>

#include "platform/core/types.h"

namespace crashtwin::gui {

inline constexpr std::string_view kSliceBytesPrefix = "slice_bytes.";
inline constexpr std::string_view kProbabilityPrefix = "probability.";
inline constexpr std::string_view kUnusableIndexPrefix = "unusable_index.order";

// "slice_bytes.memory.1" with prefix "slice_bytes." -> memory.1; nullopt if
// the column does not have the prefix or does not name a component.
std::optional<ComponentId> component_of_column(std::string_view column, std::string_view prefix);
// "memory.1" -> memory.1 (the form events.jsonl uses).
std::optional<ComponentId> parse_component(std::string_view text);
// "unusable_index.order9" -> 9.
std::optional<unsigned> order_of_column(std::string_view column);

}  // namespace crashtwin::gui
