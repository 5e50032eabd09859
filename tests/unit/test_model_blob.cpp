#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "platform/core/crc32c.h"
#include "platform/predictor/model_blob.h"
#include "platform/predictor/predictor.h"

using namespace crashtwin;

namespace {

FailureModel sample_model(uint32_t generation) {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  m.generation = generation;
  m.horizon_ns = 5'000'000'000ull;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    ClassModel& cm = m.classes[c];
    cm.kind = ModelKind::logistic;
    cm.feature_count = static_cast<uint8_t>(feature_count(static_cast<ComponentClass>(c)));
    for (size_t f = 0; f < cm.feature_count; ++f) {
      cm.mean[f] = 0.5f * static_cast<float>(f) - 1.0f;
      cm.scale[f] = 1.0f + 0.25f * static_cast<float>(f + c);
      cm.weight[f] = 0.1f * static_cast<float>(f) - 0.3f * static_cast<float>(c);
    }
    cm.bias = -2.0f + static_cast<float>(c);
    cm.threshold = 0.6f;
  }
  return m;
}

std::vector<std::byte> encode(const FailureModel& m) {
  std::vector<std::byte> out(kMaxModelBlobBytes);
  size_t length = 0;
  REQUIRE(encode_model(m, out, length) == Status::ok);
  out.resize(length);
  return out;
}

// Rewrites the CRC so a test can reach the checks behind it.
void reseal(std::vector<std::byte>& blob) {
  const uint32_t crc = crc32c(std::span<const std::byte>(blob).first(blob.size() - 4));
  std::memcpy(blob.data() + blob.size() - 4, &crc, 4);  // host is little-endian (x86-64, aarch64)
}

}  // namespace

TEST_CASE("a model survives encode and parse bit for bit", "[model_blob]") {
  FailureModel m = sample_model(7);
  m.classes[2] = ClassModel{};  // a class without a model
  const auto blob = encode(m);
  CHECK(blob.size() == encoded_model_size(m));
  FailureModel back;
  REQUIRE(parse_model(blob, back) == Status::ok);
  CHECK(back.generation == 7);
  CHECK(back.horizon_ns == m.horizon_ns);
  CHECK(back.feature_set_version == kFeatureSetVersion);
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    CHECK(back.classes[c].kind == m.classes[c].kind);
    CHECK(back.classes[c].feature_count == m.classes[c].feature_count);
    CHECK(std::memcmp(&back.classes[c].weight, &m.classes[c].weight, sizeof(m.classes[c].weight)) == 0);
    CHECK(std::memcmp(&back.classes[c].mean, &m.classes[c].mean, sizeof(m.classes[c].mean)) == 0);
    CHECK(back.classes[c].bias == m.classes[c].bias);
  }
  CHECK(check_compatible(back) == Status::ok);
}

TEST_CASE("the blob starts with the documented header", "[model_blob]") {
  const auto blob = encode(sample_model(3));
  const char magic[4] = {'C', 'T', 'F', 'M'};
  CHECK(std::memcmp(blob.data(), magic, 4) == 0);
  CHECK(static_cast<uint8_t>(blob[4]) == 1);   // format version
  CHECK(static_cast<uint8_t>(blob[6]) == 32);  // header bytes
  CHECK(static_cast<uint8_t>(blob[12]) == 3);  // generation
  CHECK(static_cast<uint8_t>(blob[26]) == 4);  // class sections
}

TEST_CASE("a model's feature window travels in format 2, a model without one stays format 1", "[model_blob]") {
  FailureModel m = sample_model(5);
  m.window_ns = 3'600'000'000'000ull;  // one hour
  const auto blob = encode(m);
  CHECK(static_cast<uint8_t>(blob[4]) == 2);
  uint32_t window_ms = 0;
  std::memcpy(&window_ms, blob.data() + 28, 4);
  CHECK(window_ms == 3'600'000u);
  CHECK(blob.size() == encoded_model_size(m));  // the header holds it: no extra bytes
  FailureModel back;
  REQUIRE(parse_model(blob, back) == Status::ok);
  CHECK(back.window_ns == m.window_ns);
  CHECK(back.horizon_ns == m.horizon_ns);

  m.window_ns = kMaxModelWindowNs;  // 49 days and a bit
  REQUIRE(parse_model(encode(m), back) == Status::ok);
  CHECK(back.window_ns == kMaxModelWindowNs);

  // Without a window: the bytes format 1 always had, and format 1's
  // reserved bytes read as no window whatever they hold.
  m.window_ns = 0;
  auto v1 = encode(m);
  CHECK(static_cast<uint8_t>(v1[4]) == 1);
  for (size_t i = 27; i < 32; ++i) CHECK(v1[i] == std::byte{0});
  v1[28] = std::byte{0x40};
  reseal(v1);
  REQUIRE(parse_model(v1, back) == Status::ok);
  CHECK(back.window_ns == 0);

  // Windows a blob cannot hold are refused by the writer.
  std::vector<std::byte> out(kMaxModelBlobBytes);
  size_t length = 0;
  m.window_ns = 1'500'000;  // 1.5 ms
  CHECK(encode_model(m, out, length) == Status::invalid_argument);
  m.window_ns = kMaxModelWindowNs + kModelWindowUnitNs;
  CHECK(encode_model(m, out, length) == Status::invalid_argument);
}

TEST_CASE("bad blobs are refused with the reason", "[model_blob]") {
  const auto good = encode(sample_model(1));
  FailureModel out = sample_model(99);
  auto expect = [&](std::vector<std::byte> blob, Status s) {
    CHECK(parse_model(blob, out) == s);
    CHECK(out.generation == 99);  // untouched
  };
  SECTION("short") { expect(std::vector<std::byte>(good.begin(), good.begin() + 20), Status::truncated); }
  SECTION("cut before its declared length") {
    expect(std::vector<std::byte>(good.begin(), good.end() - 8), Status::truncated);
  }
  SECTION("bad magic") {
    auto b = good;
    b[0] = std::byte{'X'};
    expect(b, Status::corrupt);
  }
  SECTION("newer format version") {
    auto b = good;
    b[4] = std::byte{kModelFormatVersion + 1};
    expect(b, Status::unsupported);
  }
  SECTION("format version 0") {
    auto b = good;
    b[4] = std::byte{0};
    expect(b, Status::unsupported);
  }
  SECTION("bad CRC") {
    auto b = good;
    b[40] ^= std::byte{1};
    expect(b, Status::corrupt);
  }
  SECTION("feature count over capacity") {
    auto b = good;
    b[32 + 2] = std::byte{kMaxFeatures + 1};
    reseal(b);
    expect(b, Status::corrupt);
  }
  SECTION("tree ensembles are for a later version") {
    auto b = good;
    b[32 + 1] = std::byte{2};
    reseal(b);
    expect(b, Status::unsupported);
  }
  SECTION("duplicate class section") {
    auto b = good;
    const size_t second = 32 + 8 + static_cast<size_t>(std::to_integer<uint8_t>(b[32 + 4]));
    b[second] = std::byte{0};
    reseal(b);
    expect(b, Status::corrupt);
  }
  SECTION("non-finite weight") {
    auto b = good;
    const float nan = std::nanf("");
    std::memcpy(b.data() + 32 + 8, &nan, 4);
    reseal(b);
    expect(b, Status::corrupt);
  }
  SECTION("zero scale") {
    auto b = good;
    const float zero = 0.0f;
    const size_t n = feature_count(ComponentClass::cpu);
    std::memcpy(b.data() + 32 + 8 + 4 * n, &zero, 4);
    reseal(b);
    expect(b, Status::corrupt);
  }
}

TEST_CASE("encode refuses models the parser would refuse", "[model_blob]") {
  std::vector<std::byte> out(kMaxModelBlobBytes);
  size_t length = 0;
  FailureModel m = sample_model(1);
  m.classes[1].scale[0] = -1.0f;
  CHECK(encode_model(m, out, length) == Status::invalid_argument);
  m = sample_model(1);
  m.horizon_ns = 0;
  CHECK(encode_model(m, out, length) == Status::invalid_argument);
  m = sample_model(1);
  CHECK(encode_model(m, std::span(out).first(40), length) == Status::no_memory);
}

TEST_CASE("fuzzed blobs never crash and only parse when well formed", "[model_blob][property]") {
  const auto good = encode(sample_model(5));
  std::mt19937_64 rng(1234);
  size_t accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    auto b = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) b[rng() % b.size()] = static_cast<std::byte>(rng());
    if (rng() % 2) reseal(b);  // half the time get past the CRC to the field checks
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    FailureModel out;
    if (parse_model(b, out) == Status::ok) {
      ++accepted;
      // Whatever parses obeys the rules the predictor relies on.
      for (const ClassModel& c : out.classes) {
        if (c.kind == ModelKind::none) continue;
        REQUIRE(c.feature_count <= kMaxFeatures);
        for (size_t f = 0; f < c.feature_count; ++f) REQUIRE((std::isfinite(c.weight[f]) && c.scale[f] > 0.0f));
      }
    }
  }
  CHECK(accepted < 3000);
}
