#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

#include "platform/core/crc32c.h"

using crashtwin::crc32c;

namespace {

std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

// Bit-at-a-time definition of CRC32C: the reference the table version must match.
uint32_t crc32c_bitwise(std::span<const std::byte> data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (std::byte b : data) {
    crc ^= static_cast<uint32_t>(b);
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

}  // namespace

TEST_CASE("crc32c matches the published check values", "[crc32c]") {
  CHECK(crc32c(as_bytes("123456789")) == 0xE3069283u);
  CHECK(crc32c({}) == 0u);
  // RFC 3720 (iSCSI) B.4 test vectors: 32 bytes of zeros / of 0xFF.
  std::vector<std::byte> zeros(32, std::byte{0}), ones(32, std::byte{0xFF});
  CHECK(crc32c(zeros) == 0x8A9136AAu);
  CHECK(crc32c(ones) == 0x62A8AB43u);
}

TEST_CASE("crc32c equals the bitwise definition for any length and alignment", "[crc32c][property]") {
  std::mt19937 rng(1234);
  std::vector<std::byte> buffer(600);
  for (auto& b : buffer) b = static_cast<std::byte>(rng());
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t length : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 511u}) {
      const auto span = std::span<const std::byte>(buffer).subspan(offset, length);
      INFO("offset " << offset << " length " << length);
      CHECK(crc32c(span) == crc32c_bitwise(span));
    }
  }
}

TEST_CASE("crc32c is incremental: continuing a previous result equals one pass", "[crc32c][property]") {
  std::mt19937 rng(99);
  std::vector<std::byte> buffer(1000);
  for (auto& b : buffer) b = static_cast<std::byte>(rng());
  const uint32_t whole = crc32c(buffer);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t cut = rng() % (buffer.size() + 1);
    const auto all = std::span<const std::byte>(buffer);
    CHECK(crc32c(all.subspan(cut), crc32c(all.first(cut))) == whole);
  }
}

TEST_CASE("crc32c detects every single-bit flip", "[crc32c][property]") {
  std::vector<std::byte> buffer(64, std::byte{0x5A});
  const uint32_t good = crc32c(buffer);
  for (size_t bit = 0; bit < buffer.size() * 8; ++bit) {
    buffer[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    CHECK(crc32c(buffer) != good);
    buffer[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
  }
}
