// Reads a scenario file (schema v1) into a checked Scenario. Every problem of
// the file is collected, each with file:line:column, the field and what is
// allowed; a Scenario is returned only when there are none.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/schema/diagnostics.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

// A `--set key=value` from the command line: a dotted path into the YAML
// ("agent.budget", "failures[0].at", "board.dram.size") and a YAML value.
struct Override {
  std::string path;
  std::string value;
};

// Parses "key=value"; nullopt if there is no '=' or the key is empty.
std::optional<Override> parse_override(std::string_view text);

struct LoadOptions {
  std::vector<Override> overrides;
  std::optional<uint64_t> seed;  // --seed: replaces the scenario's seed
  // Names the loader accepts under compare.policies / expectations (the
  // policies/ factory's registry); empty: no check.
  std::vector<std::string> known_policies;
  std::vector<std::string> known_strategies;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when diagnostics is empty
  Diagnostics diagnostics;
};

// Reads and checks `path`. Never throws for bad input: unreadable files, YAML
// syntax errors and schema violations all become diagnostics.
LoadResult load_scenario(const std::filesystem::path& path, const LoadOptions& options = {});
// The same, from text (`file_name` is used in locations).
LoadResult load_scenario_text(const std::string& text, const std::string& file_name,
                              const LoadOptions& options = {});

}  // namespace crashtwin::scenario
