// The alerting rules Linux RAS tools apply today, emulated on the dataset so
// the trained model is judged against them on the same rows.
//
// Both tools count corrected memory errors over a trailing 24 h window:
//  - mcelog: 10 corrected errors in 24 h per DIMM ("memory-ce-threshold"),
//    and 2 in 24 h per page (page soft-offlining);
//  - rasdaemon: 50 corrected errors per page in 24 h (PAGE_CE_THRESHOLD with
//    PAGE_CE_REFRESH_CYCLE = 24h).
// The twin's registers count corrected errors per DIMM, not per page, so a
// per-page rule is emulated on the DIMM count as if every error hit one page.
// That is the most favourable case for the rule's recall (a real page rule
// fires later or never when errors spread over pages), so a model that beats
// the emulation beats the real rule too.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "platform/core/types.h"

namespace crashtwin::training {

// The counter the dataset's errors_24h column counts for each class: the
// corrected-error registers for cpu and memory, the analogous soft-error
// counters for disk (media errors, SMART reallocations) and network (CRC).
Metric baseline_counter(ComponentClass cls);

struct ThresholdBaseline {
  std::string_view name;       // "mcelog_dimm"
  ComponentClass cls;          // rows the rule applies to
  uint64_t errors_24h;         // alert when errors_24h >= this
  std::string_view rule;       // the tool's rule, as documented by the tool
  std::string_view emulation;  // how the dataset evaluates it
};

std::span<const ThresholdBaseline> threshold_baselines();

// A day of simulated time: the baselines' counting window.
inline constexpr uint64_t kBaselineWindowNs = 24ull * 3600 * 1'000'000'000;

}  // namespace crashtwin::training
