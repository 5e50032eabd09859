#include "models/core/degradation.h"

#include <algorithm>
#include <cmath>

#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

// An exponential draw that is +infinity for a zero rate (never).
double wait(RngStream& rng, double rate) {
  const double e = rng.exponential(1.0);
  return rate > 0.0 ? e / rate : DegradationPlan::kNever;
}

}  // namespace

DegradationProcess::DegradationProcess(const DegradationSettings& settings, std::span<const double> healthy_rates,
                                       RngStream rng)
    : rng_(rng) {
  const double compression = settings.time_compression;
  plan_.lookalike = rng_.bernoulli(settings.lookalike_fraction);
  for (const double r : healthy_rates) {
    healthy_.push_back(r * compression);
    steady_.push_back(r * compression * (plan_.lookalike ? settings.lookalike_factor : 1.0));
  }
  // Look-alikes never fail: the others carry the fleet's failure rate.
  const double rate = settings.failure_rate * settings.acceleration / (1.0 - settings.lookalike_fraction);
  const double failure = wait(rng_, rate);
  const bool warned = rng_.bernoulli(settings.warned_fraction);
  const double lead = wait(rng_, compression / settings.lead_time_s);
  if (!plan_.lookalike && std::isfinite(failure)) {
    plan_.failure_s = failure;
    if (warned && settings.growth > 1.0 && lead > 0.0) {
      plan_.warned = true;
      plan_.onset_s = failure - lead;
      plan_.growth_per_s = exact::log(settings.growth) / lead;
    }
  }
  next_steady_.resize(healthy_.size());
  next_precursor_.resize(healthy_.size());
  for (uint32_t channel = 0; channel < healthy_.size(); ++channel) {
    next_steady_[channel] = draw_steady(channel, 0.0);
    next_precursor_[channel] = draw_precursor(channel, 0.0);
  }
}

double DegradationProcess::precursor_rate(uint32_t channel, double t_s) const {
  if (!plan_.warned || t_s < plan_.onset_s || t_s >= plan_.failure_s) return 0.0;
  return healthy_[channel] * exact::exp(plan_.growth_per_s * (t_s - plan_.onset_s));
}

double DegradationProcess::draw_steady(uint32_t channel, double after_s) {
  return after_s + wait(rng_, steady_[channel]);
}

double DegradationProcess::draw_precursor(uint32_t channel, double after_s) {
  // Rate c exp(g (u - o)) on [o, failure): the integral from s to s + d is
  // (c / g) (exp(g (s + d - o)) - exp(g (s - o))); setting it to an Exp(1)
  // draw E and solving for d gives the next arrival exactly.
  const double e = rng_.exponential(1.0);
  if (!plan_.warned || !(healthy_[channel] > 0.0)) return DegradationPlan::kNever;
  const double s = std::max(after_s, plan_.onset_s);
  const double g = plan_.growth_per_s;
  const double x = s - plan_.onset_s;
  const double at = plan_.onset_s + exact::log(exact::exp(g * x) + e * g / healthy_[channel]) / g;
  return at < plan_.failure_s ? at : DegradationPlan::kNever;
}

DegradationProcess::Event DegradationProcess::next() {
  Event e;
  if (failed_) return e;
  e.time_s = plan_.failure_s;
  for (uint32_t c = 0; c < healthy_.size(); ++c) {
    if (next_steady_[c] < e.time_s) e = {next_steady_[c], c, false};
    if (next_precursor_[c] < e.time_s) e = {next_precursor_[c], c, true};
  }
  if (e.channel == Event::kFailure) {
    failed_ = std::isfinite(e.time_s);
    return e;
  }
  if (e.precursor) next_precursor_[e.channel] = draw_precursor(e.channel, e.time_s);
  else next_steady_[e.channel] = draw_steady(e.channel, e.time_s);
  return e;
}

}  // namespace crashtwin
