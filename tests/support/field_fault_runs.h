// What every end-to-end test of a field fault process checks about its
// example scenario besides its failures: the same seed gives the same bytes,
// and with the processes off the board raises nothing on its own.
#pragma once

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"

namespace crashtwin::test {

// Runs `example` into root/a (returns its summary.json), again into root/b
// (same summary and events, byte for byte) and with `off_sets` (the
// `--set` options turning the processes off) into root/off (no undeclared
// failure).
inline nlohmann::json run_field_example(const std::filesystem::path& example, const std::filesystem::path& root,
                                        const std::string& off_sets) {
  std::filesystem::remove_all(root);
  auto run = [&](const std::string& extra, const char* out) {
    const CliResult r = run_cli("run '" + example.string() + "' " + extra + " --out '" + (root / out).string() + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  };
  run("", "a");
  run("", "b");
  CHECK(read_text(root / "a/summary.json") == read_text(root / "b/summary.json"));
  CHECK(read_text(root / "a/events.jsonl") == read_text(root / "b/events.jsonl"));
  run(off_sets, "off");
  CHECK(nlohmann::json::parse(read_text(root / "off/summary.json")).at("undeclared_failures").empty());
  return nlohmann::json::parse(read_text(root / "a/summary.json"));
}

// Calls `visit(body)` for every section named `type_name` of every CPER
// record file in `dir`, as `crashtwin cper decode` reads it.
template <typename Visit>
void for_each_decoded_section(const std::filesystem::path& dir, const std::string& type_name, Visit visit) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cper") continue;
    const CliResult decoded = run_cli("cper decode '" + entry.path().string() + "'");
    REQUIRE(decoded.exit_code == 0);
    const nlohmann::json records = nlohmann::json::parse(decoded.output);
    for (const auto& record : records[0]["records"])
      for (const auto& section : record["sections"])
        if (section["type_name"] == type_name) visit(section["body"]);
  }
}

}  // namespace crashtwin::test
