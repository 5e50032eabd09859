#include "scenarios/training/baselines.h"

#include <array>

namespace crashtwin::training {
namespace {

constexpr std::array<ThresholdBaseline, 3> kBaselines = {{
    {"mcelog_dimm", ComponentClass::memory, 10, "mcelog: 10 corrected errors in 24 h per DIMM",
     "errors_24h >= 10 (the DIMM's mem_corrected_errors over the trailing 24 h)"},
    {"mcelog_page", ComponentClass::memory, 2, "mcelog: 2 corrected errors in 24 h per page",
     "errors_24h >= 2: per-DIMM count, as if every error hit one page (upper bound on the rule's recall)"},
    {"rasdaemon_page", ComponentClass::memory, 50, "rasdaemon: 50 corrected errors in 24 h per page",
     "errors_24h >= 50: per-DIMM count, as if every error hit one page (upper bound on the rule's recall)"},
}};

}  // namespace

Metric baseline_counter(ComponentClass cls) {
  switch (cls) {
    case ComponentClass::cpu: return Metric::cpu_corrected_errors;
    case ComponentClass::memory: return Metric::mem_corrected_errors;
    case ComponentClass::disk: return Metric::disk_media_errors;
    case ComponentClass::network: return Metric::net_crc_errors;
  }
  return Metric::mem_corrected_errors;
}

std::span<const ThresholdBaseline> threshold_baselines() { return kBaselines; }

}  // namespace crashtwin::training
