#include <catch2/catch.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/config_dump.h"
#include "traces/io.h"

using namespace crashtwin;

TEST_CASE("config.yaml nests dotted names and carries descriptions as comments", "[traces][config]") {
  auto dir = test::scratch_dir("config");
  std::vector<ConfigEntry> entries = {{"board.dram.size", "4 GiB", "installed memory"},
                                      {"agent.tick", "10 ms", "sampling period"},
                                      {"board.dram.channels", "2", ""},
                                      {"scenario.name", "yes: no", "needs quoting"}};
  write_config_yaml(entries, dir / "config.yaml");
  std::string text = read_file(dir / "config.yaml");
  CHECK(text.find("board:\n  dram:\n    size: 4 GiB  # installed memory\n    channels: 2\n") != std::string::npos);
  CHECK(text.find("agent:\n  tick: 10 ms  # sampling period") != std::string::npos);

  auto back = read_config_yaml(dir / "config.yaml");
  REQUIRE(back.size() == 4);
  CHECK(back[0].name == "board.dram.size");
  CHECK(back[0].value == "4 GiB");
  CHECK(back[1].name == "board.dram.channels");
  CHECK(back[3].value == "yes: no");
}

TEST_CASE("config dump refuses ambiguous names, reader reports the line", "[traces][config]") {
  std::vector<ConfigEntry> both = {{"a", "1", ""}, {"a.b", "2", ""}};
  CHECK_THROWS_AS(config_yaml(both), std::invalid_argument);
  std::vector<ConfigEntry> twice = {{"a.b", "1", ""}, {"a.b", "2", ""}};
  CHECK_THROWS_AS(config_yaml(twice), std::invalid_argument);
  std::vector<ConfigEntry> empty_part = {{"a..b", "1", ""}};
  CHECK_THROWS_AS(config_yaml(empty_part), std::invalid_argument);

  auto dir = test::scratch_dir("config_bad");
  write_file_atomically(dir / "config.yaml", "a:\n  b: 1\n c: [\n");
  try {
    read_config_yaml(dir / "config.yaml");
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(e.line() >= 2);
  }
  write_file_atomically(dir / "list.yaml", "a:\n  - 1\n  - 2\n");
  CHECK_THROWS_AS(read_config_yaml(dir / "list.yaml"), format_error);
}
