// A cumulative event counter driven by a piecewise-constant rate: exceptions,
// interrupts, corrected errors, completed I/Os. The owning device advances it
// to the present at each event (phase change, register read) instead of
// ticking it, so a counter costs nothing while nobody looks.
#pragma once

#include <cstdint>

#include "models/workload/noise.h"

namespace crashtwin {

class RateCounter {
 public:
  // Rate in events per second from now on. Advance to the present first.
  void set_rate(double per_second) { rate_ = per_second > 0.0 ? per_second : 0.0; }
  double rate() const { return rate_; }

  // Integrates the rate over `seconds`. With a noise stream the increase is a
  // Poisson draw of mean rate*seconds; without one it is the exact integral,
  // carried in a fraction so that no event is lost across many short steps.
  void advance(double seconds, RngStream* noise) {
    if (!(seconds > 0.0) || rate_ == 0.0) return;
    const double expected = rate_ * seconds;
    if (noise != nullptr) {
      count_ += draw_poisson(*noise, expected);
      return;
    }
    carry_ += expected;
    // The tolerance absorbs binary rounding (ten steps of 0.3 events are 3).
    const double whole = static_cast<double>(static_cast<uint64_t>(carry_ + kTolerance));
    count_ += static_cast<uint64_t>(whole);
    carry_ -= whole;
  }

  // Discrete events on top of the rate (an injected burst, a link flap).
  void add(uint64_t events) { count_ += events; }
  uint64_t value() const { return count_; }

 private:
  static constexpr double kTolerance = 1e-9;
  double rate_ = 0.0;
  uint64_t count_ = 0;
  double carry_ = 0.0;
};

}  // namespace crashtwin
