#include "scenarios/runner/expectations.h"

#include <algorithm>

namespace crashtwin::scenario {

std::vector<Expectation> judge_expectations(const Scenario& s, const std::string& policy, const RunSummary& summary) {
  std::vector<Expectation> out;
  for (const ExpectationSpec& spec : s.expectations) {
    if (!spec.policies.empty() && std::find(spec.policies.begin(), spec.policies.end(), policy) == spec.policies.end())
      continue;
    Expectation e;
    e.metric = spec.metric;
    e.op = to_string(spec.op);
    e.value = spec.value;
    const std::optional<double> actual = summary.metric(spec.metric);
    e.actual = actual.value_or(0.0);
    e.passed = actual.has_value() && holds(*actual, spec.op, spec.value);
    out.push_back(e);
  }
  return out;
}

}  // namespace crashtwin::scenario
