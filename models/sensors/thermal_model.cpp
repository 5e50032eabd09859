#include "models/sensors/thermal_model.h"

#include <algorithm>
#include <cmath>

#include "platform/core/exact_math.h"

namespace crashtwin {

ThermalModel::ThermalModel(ThermalParams params, double initial_c, double ambient_c)
    : design_(params), params_(params), temperature_c_(initial_c), ambient_c_(ambient_c) {}

void ThermalModel::set_offset_ramp(double rate_c_per_s, double target_offset_c) {
  ramp_target_ = target_offset_c;
  const double magnitude = std::fabs(rate_c_per_s);
  ramp_rate_ = target_offset_c >= offset_c_ ? magnitude : -magnitude;
}

double ThermalModel::ramp_seconds() const {
  if (ramp_rate_ == 0.0) return 0.0;
  return std::fabs(ramp_target_ - offset_c_) / std::fabs(ramp_rate_);
}

double ThermalModel::steady_state() const {
  return drive(ramp_rate_ == 0.0 ? offset_c_ : ramp_target_);
}

// Closed form of dT/dt = (u0 + s*t - T)/tau from T(0) = T0:
//   T(t) = u0 + s*t - s*tau + (T0 - u0 + s*tau) * exp(-t/tau)
double ThermalModel::linear_segment(double t0_temp, double u0, double slope, double t) const {
  const double tau = params_.time_constant_s;
  return u0 + slope * t - slope * tau + (t0_temp - u0 + slope * tau) * exact::exp(-t / tau);
}

double ThermalModel::temperature_after(double seconds) const {
  if (!(seconds > 0.0)) return temperature_c_;
  const double ramp = std::min(seconds, ramp_seconds());
  double t = temperature_c_;
  double offset = offset_c_;
  if (ramp > 0.0) {
    t = linear_segment(t, drive(offset), ramp_rate_, ramp);
    offset += ramp_rate_ * ramp;
  }
  const double rest = seconds - ramp;
  if (rest > 0.0) t = linear_segment(t, drive(ramp_rate_ == 0.0 ? offset : ramp_target_), 0.0, rest);
  return t;
}

void ThermalModel::advance(double seconds) {
  if (!(seconds > 0.0)) return;
  const double ramp = ramp_seconds();
  temperature_c_ = temperature_after(seconds);
  if (ramp_rate_ != 0.0) {
    if (seconds >= ramp) {
      offset_c_ = ramp_target_;
      ramp_rate_ = 0.0;
    } else {
      offset_c_ += ramp_rate_ * seconds;
    }
  }
}

double ThermalModel::time_to_reach(double threshold_c) const {
  if (temperature_c_ >= threshold_c) return 0.0;
  const double tau = params_.time_constant_s;
  const double ramp = ramp_seconds();
  if (ramp > 0.0) {
    // f(t) = T(t) - threshold over the ramp is a line plus an exponential, so
    // it has at most one extremum: if that is a maximum inside the ramp,
    // the first crossing (if any) lies before it; otherwise f crosses at
    // most once upward. Either way bisection on a bracket finds the first.
    const double u0 = drive(offset_c_);
    const double s = ramp_rate_;
    const double c = temperature_c_ - u0 + s * tau;
    auto f = [&](double t) { return linear_segment(temperature_c_, u0, s, t) - threshold_c; };
    double hi = -1.0;
    const double ratio = (c != 0.0) ? s * tau / c : 0.0;
    if (ratio > 0.0 && ratio < 1.0) {
      const double extremum = -tau * exact::log(ratio);
      if (extremum < ramp && f(extremum) >= 0.0) hi = extremum;
    }
    if (hi < 0.0 && f(ramp) >= 0.0) hi = ramp;
    if (hi >= 0.0) {
      double lo = 0.0;
      for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
        const double mid = 0.5 * (lo + hi);
        (f(mid) >= 0.0 ? hi : lo) = mid;
      }
      return hi;
    }
  }
  // Constant drive after the ramp: T = u + (T_r - u) exp(-t/tau).
  const double start = temperature_after(ramp);
  const double u = steady_state();
  if (u <= threshold_c) return kNever;
  return ramp + tau * exact::log((u - start) / (u - threshold_c));
}

}  // namespace crashtwin
