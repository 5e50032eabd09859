#include "scenarios/runner/expectations.h"

#include <algorithm>

#include "scenarios/schema/choices.h"

namespace crashtwin::scenario {

namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end() || std::find(names.begin(), names.end(), "all") != names.end();
}

}  // namespace

std::vector<Expectation> judge_expectations(const Scenario& s, const std::string& policy, const std::string& strategy,
                                            const RunSummary& summary) {
  std::vector<Expectation> out;
  for (const ExpectationSpec& spec : s.expectations) {
    if (!spec.policies.empty() && !listed(spec.policies, policy)) continue;
    if (spec.strategies.empty() ? strategy != kPredictiveStrategy : !listed(spec.strategies, strategy)) continue;
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
