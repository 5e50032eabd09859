// Noise the devices add around their analytic means, drawn from a model's
// own RngStream (models/core/rng.h). Own samplers rather than <random>
// distributions, whose output differs between standard libraries, so a
// scenario and seed replay bit for bit everywhere.
#pragma once

#include <cstdint>

#include "models/core/rng.h"

namespace crashtwin {

// Standard normal (Box-Muller, one value per call).
double draw_normal(RngStream& rng);

// Poisson count with the given mean (<= 0 gives 0): exact (Knuth) below
// kPoissonNormalThreshold, a rounded normal approximation above it, where
// its error is far below the noise it models.
uint64_t draw_poisson(RngStream& rng, double mean);
inline constexpr double kPoissonNormalThreshold = 30.0;

}  // namespace crashtwin
