#include "scenarios/injector/seeded_random.h"

#include <cmath>

namespace crashtwin::scenario {
namespace {

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

SeededRandom::SeededRandom(uint64_t seed, std::string_view stream) {
  uint64_t x = seed;
  for (char c : stream) x = (x ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;  // FNV-style mix
  for (uint64_t& s : s_) s = splitmix(x);
}

uint64_t SeededRandom::next() {
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

double SeededRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double SeededRandom::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double SeededRandom::exponential(double mean) { return -std::log(1.0 - uniform()) * mean; }

double SeededRandom::jitter(double noise) {
  const double f = 1.0 + noise * normal();
  return f < 0.0 ? 0.0 : f;
}

}  // namespace crashtwin::scenario
