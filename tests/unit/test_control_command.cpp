// The control channel's strict parser: every verb, every refusal reason, a
// round trip of random valid commands, and random bytes that never crash it
// or pass as a command they are not.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "platform/monitor/control_command.h"

using namespace crashtwin;

namespace {

ControlError parse(std::string_view line) {
  ControlCommand c;
  return parse_control_command(line, c);
}

}  // namespace

TEST_CASE("control commands: each verb with its arguments", "[control]") {
  ControlCommand c;
  REQUIRE(parse_control_command("status\n", c) == ControlError::none);
  CHECK(c.verb == ControlVerb::status);
  REQUIRE(parse_control_command("dump memory.3", c) == ControlError::none);
  CHECK(c.verb == ControlVerb::dump);
  CHECK(c.component == ComponentId{ComponentClass::memory, 3});
  REQUIRE(parse_control_command("  release_region\t0x7ff00000 2 MiB \n", c) == ControlError::none);
  CHECK(c.verb == ControlVerb::release_region);
  CHECK(c.address == 0x7ff00000);
  CHECK(c.size == 2 * 1024 * 1024);
  REQUIRE(parse_control_command("release_region 4096 0x1000", c) == ControlError::none);
  CHECK(c.size == 4096);
  REQUIRE(parse_control_command("set allocation_frequency 250 ms", c) == ControlError::none);
  CHECK(c.verb == ControlVerb::set_allocation_frequency);
  CHECK(c.allocation_frequency_ns == 250'000'000);
  REQUIRE(parse_control_command("set allocation_frequency 2s", c) == ControlError::none);
  CHECK(c.allocation_frequency_ns == 2'000'000'000);
}

TEST_CASE("control commands: every refusal names its reason", "[control]") {
  CHECK(parse("") == ControlError::empty);
  CHECK(parse(" \t\n") == ControlError::empty);
  CHECK(parse(std::string(kMaxControlLineBytes + 1, 'a')) == ControlError::too_long);
  CHECK(parse(std::string("status\0x", 8)) == ControlError::not_text);
  CHECK(parse("status\nstatus") == ControlError::not_text);
  CHECK(parse("reboot") == ControlError::unknown_command);
  CHECK(parse("STATUS") == ControlError::unknown_command);
  CHECK(parse("status now") == ControlError::wrong_arguments);
  CHECK(parse("dump") == ControlError::wrong_arguments);
  CHECK(parse("a b c d e f") == ControlError::wrong_arguments);
  CHECK(parse("dump memory") == ControlError::bad_component);
  CHECK(parse("dump gpu.0") == ControlError::bad_component);
  CHECK(parse("dump memory.65536") == ControlError::bad_component);
  CHECK(parse("dump memory.01") == ControlError::bad_component);
  CHECK(parse("dump memory.-1") == ControlError::bad_component);
  CHECK(parse("release_region 0x 4096") == ControlError::bad_number);
  CHECK(parse("release_region 18446744073709551616 4096") == ControlError::bad_number);
  CHECK(parse("release_region -1 4096") == ControlError::bad_number);
  CHECK(parse("release_region 0 0") == ControlError::bad_size);
  CHECK(parse("release_region 0 lots") == ControlError::bad_size);
  CHECK(parse("release_region 0xffffffffffffffff 2") == ControlError::range_wraps);
  CHECK(parse("set budget 1 GiB") == ControlError::unknown_setting);
  CHECK(parse("set allocation_frequency 0 s") == ControlError::bad_duration);
  CHECK(parse("set allocation_frequency soon") == ControlError::bad_duration);
  ControlStats stats;
  ControlCommand c;
  stats.submit("status", c);
  stats.submit("reboot", c);
  stats.submit("dump gpu.0", c);
  CHECK(stats.accepted == 1);
  CHECK(stats.refused == 2);
  CHECK(stats.refused_by[static_cast<size_t>(ControlError::unknown_command)] == 1);
  CHECK(stats.refused_by[static_cast<size_t>(ControlError::bad_component)] == 1);
  for (size_t i = 0; i < kControlErrorCount; ++i) CHECK(std::string(to_string(static_cast<ControlError>(i))) != "unknown");
}

TEST_CASE("control commands: random valid commands round-trip, random bytes never pass as others", "[control][property]") {
  std::mt19937_64 rng(7);
  const char* classes[] = {"cpu", "memory", "disk", "network"};
  for (int i = 0; i < 20000; ++i) {
    ControlCommand c;
    switch (rng() % 4) {
      case 0: {
        const size_t cls = rng() % 4;
        const auto instance = static_cast<uint16_t>(rng() % 65536);
        REQUIRE(parse_control_command("dump " + std::string(classes[cls]) + "." + std::to_string(instance), c) ==
                ControlError::none);
        CHECK(c.component == ComponentId{static_cast<ComponentClass>(cls), instance});
        break;
      }
      case 1: {
        const uint64_t size = 1 + rng() % (uint64_t{1} << 40);
        const uint64_t address = rng() % (UINT64_MAX - size);
        const std::string text = "release_region " + std::to_string(address) + " " + std::to_string(size);
        REQUIRE(parse_control_command(text, c) == ControlError::none);
        CHECK((c.address == address && c.size == size));
        break;
      }
      case 2: {
        const uint64_t ms = 1 + rng() % 1'000'000;
        REQUIRE(parse_control_command("set allocation_frequency " + std::to_string(ms) + " ms", c) ==
                ControlError::none);
        CHECK(c.allocation_frequency_ns == ms * 1'000'000);
        break;
      }
      default: {
        std::string junk(rng() % (kMaxControlLineBytes + 8), ' ');
        for (char& ch : junk) ch = static_cast<char>(rng() % 256);
        const ControlError e = parse_control_command(junk, c);
        // Random bytes are almost never a command; when they are, it is one
        // of the four spelled out.
        if (e == ControlError::none) CHECK(static_cast<int>(c.verb) < 4);
        break;
      }
    }
  }
}
