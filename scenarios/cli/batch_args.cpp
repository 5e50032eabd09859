#include "scenarios/cli/batch_args.h"

#include <algorithm>
#include <cstdio>

#include "scenarios/schema/choices.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

bool load_scenarios(const std::vector<std::string>& files, const std::vector<Override>& overrides,
                    std::vector<Scenario>& out) {
  LoadOptions options = default_load_options();
  options.overrides = overrides;
  bool good = true;
  for (const std::string& f : files) {
    LoadResult r = load_scenario(f, options);
    if (!r.diagnostics.empty()) {
      std::fputs(r.diagnostics.to_string().c_str(), stderr);
      good = false;
    } else {
      out.push_back(std::move(*r.scenario));
    }
  }
  return good;
}

bool known_choices(const std::vector<std::string>& policies, const std::vector<std::string>& strategies) {
  bool good = true;
  for (const std::string& p : policies) {
    const auto names = known_policies();
    if (p != "all" && std::find(names.begin(), names.end(), p) == names.end()) {
      std::fprintf(stderr, "--policy: '%s' is not a known policy\n", p.c_str());
      good = false;
    }
  }
  for (const std::string& st : strategies) {
    const auto names = known_strategies();
    if (st != "all" && std::find(names.begin(), names.end(), st) == names.end()) {
      std::fprintf(stderr, "--strategy: '%s' is not a capture strategy; expected predictive-bmc, kdump, "
                   "cma-crashkernel, fadump or all\n", st.c_str());
      good = false;
    }
  }
  return good;
}

}  // namespace crashtwin::cli
