#include "models/workload/noise.h"

#include <cmath>
#include <numbers>

#include "platform/core/exact_math.h"

namespace crashtwin {

double draw_normal(RngStream& rng) {
  // 1 - uniform() is in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - rng.uniform();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * exact::log(u1)) * exact::cos(2.0 * std::numbers::pi * u2);
}

uint64_t draw_poisson(RngStream& rng, double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < kPoissonNormalThreshold) {
    const double limit = exact::exp(-mean);
    uint64_t k = 0;
    double p = rng.uniform();
    while (p > limit) {
      ++k;
      p *= rng.uniform();
    }
    return k;
  }
  const double x = std::round(mean + std::sqrt(mean) * draw_normal(rng));
  return x <= 0.0 ? 0 : static_cast<uint64_t>(x);
}

}  // namespace crashtwin
