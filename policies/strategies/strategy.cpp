#include "policies/strategies/strategy.h"

namespace crashtwin {

Status check_crash_facts(const CrashFacts& crash) {
  if (crash.dram_bytes == 0 || crash.used_bytes > crash.dram_bytes || crash.reservation_bytes > crash.dram_bytes)
    return Status::invalid_argument;
  return Status::ok;
}

}  // namespace crashtwin
