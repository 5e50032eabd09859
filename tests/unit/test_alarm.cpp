// The predictive-failure alarm's hysteresis (platform/predictor/alarm.h):
// assert at the threshold, clear only below clear_ratio x threshold held for
// clear_time, and a probability that hovers about the threshold raises one
// alarm, not one per crossing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "platform/core/bmc_alert.h"
#include "platform/predictor/alarm.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kTick = 100'000'000;  // 100 ms
constexpr float kThreshold = 0.01f;

// Feeds probabilities one tick apart; returns the ticks at which the alarm
// changed, with the change.
std::vector<std::pair<size_t, AlarmChange>> changes(const std::vector<float>& p, const AlarmConfig& config) {
  AlarmState s;
  std::vector<std::pair<size_t, AlarmChange>> out;
  for (size_t i = 0; i < p.size(); ++i)
    if (const AlarmChange c = s.update(p[i], kThreshold, i * kTick, config); c != AlarmChange::none) out.emplace_back(i, c);
  return out;
}

}  // namespace

TEST_CASE("the alarm asserts at the threshold and clears below the band", "[alarm]") {
  const AlarmConfig band{0.5f, 0};
  // 0.01 asserts (at, not only above); 0.006 is in the band, 0.004 below it.
  const auto c = changes({0.002f, 0.01f, 0.006f, 0.009f, 0.006f, 0.004f, 0.006f, 0.0101f}, band);
  REQUIRE(c.size() == 3);
  CHECK(c[0] == std::pair<size_t, AlarmChange>{1, AlarmChange::asserted});
  CHECK(c[1] == std::pair<size_t, AlarmChange>{5, AlarmChange::deasserted});
  CHECK(c[2] == std::pair<size_t, AlarmChange>{7, AlarmChange::asserted});

  // Ratio 1: no band, the alarm follows the threshold sample by sample.
  const auto plain = changes({0.002f, 0.01f, 0.0099f, 0.01f}, AlarmConfig{1.0f, 0});
  REQUIRE(plain.size() == 3);
  CHECK(plain[1] == std::pair<size_t, AlarmChange>{2, AlarmChange::deasserted});
}

TEST_CASE("the clear time counts from the first sample below the band and restarts in it", "[alarm]") {
  const AlarmConfig held{0.5f, 3 * kTick};
  // Below at ticks 2, 3, then back in the band at 4 (restart), below from 5:
  // clears at 5 + 3 = 8.
  const auto c = changes({0.02f, 0.02f, 0.001f, 0.001f, 0.007f, 0.001f, 0.001f, 0.001f, 0.001f, 0.001f}, held);
  REQUIRE(c.size() == 2);
  CHECK(c[0].first == 0);
  CHECK(c[1] == std::pair<size_t, AlarmChange>{8, AlarmChange::deasserted});
}

TEST_CASE("a probability hovering about the threshold raises one alarm with the band and one per crossing without",
          "[alarm][property]") {
  std::mt19937_64 rng(20261207);
  for (int trial = 0; trial < 200; ++trial) {
    // A random walk about the threshold, never below half of it.
    std::uniform_real_distribution<float> step(-0.002f, 0.002f);
    std::vector<float> p{kThreshold};
    for (int i = 0; i < 500; ++i) p.push_back(std::clamp(p.back() + step(rng), 0.0051f, 0.02f));
    const auto plain = changes(p, AlarmConfig{1.0f, 0});
    const auto band = changes(p, AlarmConfig{0.5f, 0});
    INFO("trial " << trial);
    REQUIRE(band.size() == 1);
    CHECK(band[0] == std::pair<size_t, AlarmChange>{0, AlarmChange::asserted});
    // Without the band every crossing is a change, alternating.
    size_t crossings = 0;
    for (size_t i = 1; i < p.size(); ++i) crossings += (p[i] >= kThreshold) != (p[i - 1] >= kThreshold);
    CHECK(plain.size() == crossings + 1);
    for (size_t k = 0; k < plain.size(); ++k)
      CHECK(plain[k].second == (k % 2 == 0 ? AlarmChange::asserted : AlarmChange::deasserted));
  }
}

TEST_CASE("a NaN probability neither asserts nor clears", "[alarm]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(changes({nan, nan}, AlarmConfig{}).empty());
  const auto c = changes({0.02f, nan, nan, 0.001f}, AlarmConfig{0.5f, 0});
  REQUIRE(c.size() == 2);
  CHECK(c[1].first == 3);
}

TEST_CASE("alarm settings outside the range 0 to 1 are refused", "[alarm]") {
  CHECK(AlarmConfig{0.5f, 0}.valid());
  CHECK(AlarmConfig{1.0f, 0}.valid());
  CHECK_FALSE(AlarmConfig{0.0f, 0}.valid());
  CHECK_FALSE(AlarmConfig{1.5f, 0}.valid());
  CHECK_FALSE(AlarmConfig{std::numeric_limits<float>::quiet_NaN(), 0}.valid());
}

TEST_CASE("a predictive-failure report survives its encoding, and malformed PFA values are refused",
          "[alarm][bmc]") {
  std::mt19937_64 rng(13);
  for (int k = 0; k < 10'000; ++k) {
    const PredictiveFailure p{{static_cast<ComponentClass>(rng() % kComponentClassCount), static_cast<uint16_t>(rng())},
                              (rng() & 1) != 0, static_cast<uint32_t>(rng() % (kPpm + 1))};
    PredictiveFailure back;
    REQUIRE(decode_predictive_failure(encode_predictive_failure(p), back));
    CHECK(back.component == p.component);
    CHECK(back.asserted == p.asserted);
    CHECK(back.probability_ppm == p.probability_ppm);
  }
  // Any value: decoded only when it re-encodes to itself.
  for (int k = 0; k < 10'000; ++k) {
    const uint64_t value = rng();
    PredictiveFailure back;
    if (decode_predictive_failure(value, back)) CHECK(encode_predictive_failure(back) == value);
  }
  PredictiveFailure out;
  CHECK_FALSE(decode_predictive_failure(uint64_t{kComponentClassCount} << 24, out));  // no such class
  CHECK_FALSE(decode_predictive_failure(0x2, out));                                  // a reserved bit
  CHECK_FALSE(decode_predictive_failure(uint64_t{kPpm + 1} << 32, out));              // above one
  CHECK(probability_to_ppm(0.0086f) == 8'600);
  CHECK(probability_to_ppm(1.0f) == kPpm);
  CHECK(probability_to_ppm(2.0f) == kPpm);
  CHECK(probability_to_ppm(-1.0f) == 0);
  CHECK(probability_to_ppm(std::numeric_limits<float>::quiet_NaN()) == 0);
}
