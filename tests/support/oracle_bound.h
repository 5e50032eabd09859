// The oracle's completeness bounds every other policy's: checked on a batch
// or sweep table, per scenario (and sweep point), predictive-bmc runs only.
#pragma once

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "traces/batch.h"

namespace crashtwin::test {

// Oracle's completeness >= every other policy's, per scenario (and sweep
// point), predictive-bmc runs only, over the declared failures (the oracle
// knows those and nothing else: a thermal trip a ramp causes is not in its
// future).
inline void check_oracle_bounds(const BatchTable& table) {
  std::map<std::string, double> oracle;
  const auto key = [](const BatchRow& r) {
    std::string k = r.scenario;
    for (const std::string& p : r.parameters) k += "|" + p;
    return k;
  };
  for (const BatchRow& r : table.rows)
    if (r.policy == "oracle" && r.strategy == "predictive-bmc")
      if (auto c = r.metric("capture_completeness_declared")) oracle[key(r)] = *c;
  size_t compared = 0;
  for (const BatchRow& r : table.rows) {
    if (r.policy == "oracle" || r.strategy != "predictive-bmc") continue;
    const auto c = r.metric("capture_completeness_declared");
    if (!c) continue;
    INFO(r.run);
    REQUIRE(oracle.count(key(r)) == 1);
    CHECK(oracle[key(r)] >= *c - 1e-12);
    ++compared;
  }
  CHECK(compared > 0);
}


}  // namespace crashtwin::test
