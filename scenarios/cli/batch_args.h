// What `crashtwin batch` and `crashtwin sweep` check the same way before
// running anything: the scenario files load (with a sweep point's
// overrides), and the --policy / --strategy names are known. Problems are
// printed to stderr; the callers exit 2 on any.
#pragma once

#include <string>
#include <vector>

#include "scenarios/loader/loader.h"

namespace crashtwin::cli {

// Loads every file with `overrides`; prints each file's diagnostics and
// returns false if any has one.
bool load_scenarios(const std::vector<std::string>& files, const std::vector<scenario::Override>& overrides,
                    std::vector<scenario::Scenario>& out);

// False (with a message per bad name) if a policy or strategy is unknown;
// "all" is allowed.
bool known_choices(const std::vector<std::string>& policies, const std::vector<std::string>& strategies);

}  // namespace crashtwin::cli
