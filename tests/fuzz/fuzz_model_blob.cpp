// Failure-model blob (what the agent loads from the host): parse_model must
// refuse anything that breaks docs/model-format.md with a Status and leave
// its output untouched, and accept only models whose probabilities are
// numbers in [0, 1]. The input is parsed as given and again with its CRC
// trailer recomputed, so the fuzzer reaches the sections behind the CRC.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "platform/core/crc32c.h"
#include "platform/cper/byte_order.h"
#include "platform/predictor/model_blob.h"
#include "platform/predictor/predictor.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;

namespace {

using Encoded = std::array<std::byte, kMaxModelBlobBytes>;

bool same_model(const FailureModel& a, const FailureModel& b) {
  Encoded ea{}, eb{};
  size_t la = 0, lb = 0;
  FUZZ_CHECK(encode_model(a, ea, la) == Status::ok);
  FUZZ_CHECK(encode_model(b, eb, lb) == Status::ok);
  return la == lb && ea == eb;
}

void check(std::span<const std::byte> blob) {
  FailureModel model;
  model.generation = 0xF022;  // a marker parse_model must not touch on failure
  const Status s = parse_model(blob, model);
  if (!ok(s)) {
    FUZZ_CHECK(s == Status::truncated || s == Status::corrupt || s == Status::unsupported);
    FUZZ_CHECK(model.generation == 0xF022);
    return;
  }
  FUZZ_CHECK(model.horizon_ns > 0);
  // Round trip: what parse accepts encodes, and the encoding parses back to
  // the same model.
  Encoded encoded{};
  size_t length = 0;
  FUZZ_CHECK(encode_model(model, encoded, length) == Status::ok);
  FUZZ_CHECK(length == encoded_model_size(model) && length <= kMaxModelBlobBytes);
  FailureModel again;
  FUZZ_CHECK(parse_model(std::span<const std::byte>(encoded.data(), length), again) == Status::ok);
  FUZZ_CHECK(same_model(model, again));

  if (!ok(check_compatible(model))) return;
  // Extreme but finite feature values: the probability stays a number.
  const float probes[] = {0.0f, 1.0f, -1.0f, 3.4e38f, -3.4e38f, 1e-38f};
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    for (float probe : probes) {
      FeatureVector x;
      x.count = model.classes[c].feature_count;
      for (size_t f = 0; f < x.count && f < kMaxFeatures; ++f) x.value[f] = probe;
      const float p = failure_probability(model, cls, x);
      FUZZ_CHECK(p >= 0.0f && p <= 1.0f);  // false for NaN too
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> blob(reinterpret_cast<const std::byte*>(data), size);
  check(blob);
  if (size < kModelHeaderBytes + 4) return 0;
  std::vector<std::byte> fixed(blob.begin(), blob.end());
  size_t total = le::load_u32(blob, 8);
  if (total < kModelHeaderBytes + 4 || total > size) total = size;
  le::store_u32(fixed, total - 4, crc32c(std::span<const std::byte>(fixed).first(total - 4)));
  check(fixed);
  return 0;
}
