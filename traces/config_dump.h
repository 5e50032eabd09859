// config.yaml: the effective configuration of a run with defaults filled in.
// Dotted names become nested YAML maps; each entry's description is written
// as a comment after its value, so the file documents every tunable.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace crashtwin {

struct ConfigEntry {
  std::string name;         // dotted: "board.dram.size"
  std::string value;        // as a person writes it: "4 GiB", "10 ms", "true"
  std::string description;  // one line; empty for none
};

// The YAML text; entries keep their order within each map (first appearance
// of a prefix decides where its map goes). Throws std::invalid_argument if a
// name is both a value and a map ("a: 1" and "a.b: 2") or is repeated.
std::string config_yaml(std::span<const ConfigEntry> entries);
void write_config_yaml(std::span<const ConfigEntry> entries, const std::filesystem::path& path);
// Reads config.yaml back as dotted names and values (descriptions are
// comments, not data, and come back empty). Throws format_error.
std::vector<ConfigEntry> read_config_yaml(const std::filesystem::path& path);

}  // namespace crashtwin
