// The injector's random numbers: one xoshiro256** stream per purpose
// (models/core/rng.h), derived from the scenario seed and a stream name, so
// adding a precursor does not shift the draws of another, and the same seed
// gives the same run on every platform (no std:: distributions, whose
// algorithms are implementation-defined). On top of the stream: the normal
// and exponential draws of noisy rates.
#pragma once

#include <cstdint>
#include <string_view>

#include "models/core/rng.h"

namespace crashtwin::scenario {

class SeededRandom {
 public:
  SeededRandom(uint64_t seed, std::string_view stream);

  uint64_t next() { return stream_.next(); }
  double uniform() { return stream_.uniform(); }  // [0, 1)
  double normal();                                 // standard normal (Box-Muller)
  double exponential(double mean);
  // A factor 1 + noise * N(0, 1), never below 0: the jitter of a noisy rate.
  double jitter(double noise);

 private:
  RngStream stream_;
};

}  // namespace crashtwin::scenario
