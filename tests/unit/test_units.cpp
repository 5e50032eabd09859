#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "platform/core/units.h"

using namespace crashtwin;

TEST_CASE("durations convert exactly to nanoseconds", "[units]") {
  uint64_t ns = 0;
  REQUIRE(parse_duration_ns("10 ms", ns) == Status::ok);
  CHECK(ns == 10'000'000);
  REQUIRE(parse_duration_ns("1.5 s", ns) == Status::ok);
  CHECK(ns == 1'500'000'000);
  REQUIRE(parse_duration_ns("24 h", ns) == Status::ok);
  CHECK(ns == 86'400'000'000'000ull);
  REQUIRE(parse_duration_ns("250us", ns) == Status::ok);
  CHECK(ns == 250'000);
  REQUIRE(parse_duration_ns("0.0004 ns", ns) == Status::ok);
  CHECK(ns == 0);
  REQUIRE(parse_duration_ns("2.5e-3 s", ns) == Status::ok);
  CHECK(ns == 2'500'000);
  REQUIRE(parse_duration_ns("0", ns) == Status::ok);
  CHECK(ns == 0);
  CHECK(parse_duration_ns("10", ns) == Status::invalid_argument);  // ambiguous without a unit
  CHECK(parse_duration_ns("10 parsecs", ns) == Status::invalid_argument);
  CHECK(parse_duration_ns("-1 s", ns) == Status::out_of_range);
  CHECK(parse_duration_ns("1e30 d", ns) == Status::out_of_range);
  CHECK(parse_duration_ns("", ns) == Status::invalid_argument);
  CHECK(parse_duration_ns("ms", ns) == Status::invalid_argument);
}

TEST_CASE("sizes accept binary and decimal units", "[units]") {
  uint64_t b = 0;
  REQUIRE(parse_size_bytes("4 GiB", b) == Status::ok);
  CHECK(b == 4ull << 30);
  REQUIRE(parse_size_bytes("1 TiB", b) == Status::ok);
  CHECK(b == 1ull << 40);
  REQUIRE(parse_size_bytes("512 MiB", b) == Status::ok);
  CHECK(b == 512ull << 20);
  REQUIRE(parse_size_bytes("1.5 KiB", b) == Status::ok);
  CHECK(b == 1536);
  REQUIRE(parse_size_bytes("2 GB", b) == Status::ok);
  CHECK(b == 2'000'000'000);
  REQUIRE(parse_size_bytes("4096", b) == Status::ok);
  CHECK(b == 4096);
  CHECK(parse_size_bytes("17 EiB", b) == Status::invalid_argument);
  CHECK(parse_size_bytes("99999999 TiB", b) == Status::out_of_range);
}

TEST_CASE("bandwidths, rates, temperatures, ratios, frequencies", "[units]") {
  double v = 0;
  REQUIRE(parse_bandwidth("250 MB/s", v) == Status::ok);
  CHECK(v == Approx(250e6));
  REQUIRE(parse_bandwidth("10 Gbit/s", v) == Status::ok);
  CHECK(v == Approx(1.25e9));
  REQUIRE(parse_bandwidth("1 GiB/s", v) == Status::ok);
  CHECK(v == Approx(1073741824.0));
  CHECK(parse_bandwidth("250", v) == Status::invalid_argument);
  REQUIRE(parse_rate("6 /min", v) == Status::ok);
  CHECK(v == Approx(0.1));
  REQUIRE(parse_rate("2 per hour", v) == Status::ok);
  CHECK(v == Approx(2.0 / 3600));
  REQUIRE(parse_temperature("-20 C", v) == Status::ok);
  CHECK(v == Approx(-20.0));
  REQUIRE(parse_temperature("373.15 K", v) == Status::ok);
  CHECK(v == Approx(100.0));
  CHECK(parse_temperature("-300 C", v) == Status::out_of_range);
  REQUIRE(parse_ratio("12 %", v) == Status::ok);
  CHECK(v == Approx(0.12));
  REQUIRE(parse_ratio("0.5", v) == Status::ok);
  CHECK(v == Approx(0.5));
  CHECK(parse_ratio("150 %", v) == Status::out_of_range);
  REQUIRE(parse_frequency("2.4 GHz", v) == Status::ok);
  CHECK(v == Approx(2.4e9));
  CHECK(std::string(quantity_help(Quantity::size)).find("GiB") != std::string::npos);
}

TEST_CASE("quantities beyond physical bounds or not finite are out of range", "[units][hostile]") {
  double v = 0;
  // 1e400 does not fit a double (it would be +inf); 1e15 /s is finite but
  // faster than the simulated nanosecond.
  CHECK(parse_rate("1e400 /s", v) == Status::out_of_range);
  CHECK(parse_rate("1e15 /s", v) == Status::out_of_range);
  REQUIRE(parse_rate("1e9 /s", v) == Status::ok);
  CHECK(v == kMaxRatePerSecond);
  CHECK(parse_bandwidth("1e400 MB/s", v) == Status::out_of_range);
  CHECK(parse_bandwidth("2e15 B/s", v) == Status::out_of_range);
  CHECK(parse_temperature("1e300 C", v) == Status::out_of_range);
  CHECK(parse_temperature("1001 C", v) == Status::out_of_range);
  CHECK(parse_temperature("1e400 K", v) == Status::out_of_range);
  CHECK(parse_frequency("1e400 GHz", v) == Status::out_of_range);
  CHECK(parse_ratio("1e400 %", v) == Status::out_of_range);
  CHECK(std::string(quantity_limit(Quantity::rate)).find("1e9 /s") != std::string::npos);
}

TEST_CASE("property: integer sizes print-and-parse round trip, garbage never crashes", "[units][property]") {
  std::mt19937_64 rng(20261123);
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  const uint64_t factors[] = {1, 1024, 1024 * 1024, 1024ull * 1024 * 1024};
  for (int i = 0; i < 20000; ++i) {
    uint64_t n = rng() % 1'000'000;
    size_t u = rng() % 4;
    std::string text = std::to_string(n) + (rng() % 2 ? " " : "") + units[u];
    uint64_t b = 0;
    REQUIRE(parse_size_bytes(text, b) == Status::ok);
    REQUIRE(b == n * factors[u]);
  }
  const std::string alphabet = "0123456789.eE+- KMGTiBbs/%CkmunhdHz";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    size_t len = rng() % 12;
    for (size_t k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
    uint64_t u64 = 0;
    double d = 0;
    (void)parse_duration_ns(text, u64);
    (void)parse_size_bytes(text, u64);
    (void)parse_bandwidth(text, d);
    (void)parse_rate(text, d);
    (void)parse_ratio(text, d);
    (void)parse_temperature(text, d);
  }
  SUCCEED("no crash on random input");
}
