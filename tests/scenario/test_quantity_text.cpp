// Quantities written back for messages and config.yaml must parse back to the
// same value (units.h is the parser).
#include <catch2/catch.hpp>

#include <random>

#include "platform/core/units.h"
#include "scenarios/schema/quantity_text.h"

using namespace crashtwin;
using namespace crashtwin::scenario;

TEST_CASE("quantity text picks the largest exact unit", "[quantity_text]") {
  CHECK(duration_text(0) == "0 s");
  CHECK(duration_text(7'200'000'000'000ull) == "2 h");
  CHECK(duration_text(150'000'000ull) == "150 ms");
  CHECK(duration_text(90'000'000'000ull) == "90 s");
  CHECK(size_text(4ull << 30) == "4 GiB");
  CHECK(size_text(1000) == "1000 B");
  CHECK(ratio_text(0.125) == "0.125");
}

TEST_CASE("quantity text round-trips through the units parser", "[quantity_text][property]") {
  std::mt19937_64 rng(1234);
  // units.h keeps 18 significant digits: stay below 10^18.
  constexpr uint64_t kExactLimit = 1'000'000'000'000'000'000ull;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t ns = (rng() >> (rng() % 64)) % kExactLimit;
    uint64_t back = 0;
    REQUIRE(parse_duration_ns(duration_text(ns), back) == Status::ok);
    REQUIRE(back == ns);
    const uint64_t bytes = (rng() >> (rng() % 64)) % kExactLimit;
    REQUIRE(parse_size_bytes(size_text(bytes), back) == Status::ok);
    REQUIRE(back == bytes);
  }
}
