// Digests of deterministic workloads: the firmware test compares the digests
// an embedded core computes with the host's, so every value is folded in by
// value, byte by byte, little-endian (never a struct's memory: padding and
// alignment differ between ABIs), and floats by their bit patterns.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin::firmware_test {

// FNV-1a, 64 bit.
class Digest {
 public:
  void byte(uint8_t b) {
    hash_ ^= b;
    hash_ *= 0x0000'0100'0000'01B3ull;
  }
  void bytes(std::span<const std::byte> data) {
    for (std::byte b : data) byte(static_cast<uint8_t>(b));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void status(Status s) { byte(static_cast<uint8_t>(s)); }
  void text(const char* s) {
    for (; *s != '\0'; ++s) byte(static_cast<uint8_t>(*s));
    byte(0);
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xCBF2'9CE4'8422'2325ull;
};

// xorshift64: the workloads' only source of "random" operations.
class Xorshift64 {
 public:
  explicit Xorshift64(uint64_t seed) : state_(seed != 0 ? seed : 1) {}
  uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  // Uniform enough in [0, n) for a workload (n > 0).
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

}  // namespace crashtwin::firmware_test
