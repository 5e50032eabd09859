// Deterministic random streams. Each model draws from its own stream derived
// from the board seed and the model's hierarchical name, so adding a model or
// reordering draws in one model never changes another's sequence.
#pragma once

#include <cstdint>
#include <string_view>

namespace crashtwin {

class RngStream {
 public:
  RngStream(uint64_t board_seed, std::string_view stream_name);
  explicit RngStream(uint64_t seed);

  uint64_t next();                     // uniform 64 bits (xoshiro256**)
  double uniform();                    // [0, 1)
  uint64_t below(uint64_t bound);      // [0, bound), bound > 0
  double exponential(double rate);     // inter-arrival time for `rate` events per unit
  bool bernoulli(double p);

 private:
  uint64_t s_[4];
};

// FNV-1a of a name: stable across platforms and runs.
uint64_t stable_hash(std::string_view text);

}  // namespace crashtwin
