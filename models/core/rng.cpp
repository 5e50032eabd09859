#include "models/core/rng.h"

#include <cmath>

#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t stable_hash(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return h;
}

RngStream::RngStream(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix64(seed);
}

RngStream::RngStream(uint64_t board_seed, std::string_view stream_name)
    : RngStream(board_seed ^ rotl(stable_hash(stream_name), 17)) {}

uint64_t RngStream::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double RngStream::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t RngStream::below(uint64_t bound) {
  // Rejection sampling: no modulo bias.
  const uint64_t limit = ~0ull - (~0ull % bound);
  uint64_t v = next();
  while (v >= limit) v = next();
  return v % bound;
}

double RngStream::exponential(double rate) { return -exact::log1p(-uniform()) / rate; }

bool RngStream::bernoulli(double p) { return uniform() < p; }

}  // namespace crashtwin
