#include "scenarios/injector/seeded_random.h"

#include <cmath>

#include "platform/core/exact_math.h"

namespace crashtwin::scenario {
namespace {

// The stream name folded into the seed, FNV-1a style (not RngStream's own
// (seed, name) derivation: the injector's draws, and so every recorded
// dataset and the default model trained on them, depend on these bits).
uint64_t stream_seed(uint64_t seed, std::string_view stream) {
  for (char c : stream) seed = (seed ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return seed;
}

}  // namespace

SeededRandom::SeededRandom(uint64_t seed, std::string_view stream) : stream_(stream_seed(seed, stream)) {}

double SeededRandom::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * exact::log(u1)) * exact::cos(2.0 * M_PI * u2);
}

double SeededRandom::exponential(double mean) { return -exact::log(1.0 - uniform()) * mean; }

double SeededRandom::jitter(double noise) {
  const double f = 1.0 + noise * normal();
  return f < 0.0 ? 0.0 : f;
}

}  // namespace crashtwin::scenario
