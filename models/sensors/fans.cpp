#include "models/sensors/fans.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {

double fan_curve_duty(const std::vector<FanCurvePoint>& curve, double celsius) {
  if (curve.empty()) return 1.0;  // no curve: full speed is the safe answer
  if (celsius <= curve.front().celsius) return curve.front().duty;
  for (size_t i = 1; i < curve.size(); ++i) {
    const FanCurvePoint& a = curve[i - 1];
    const FanCurvePoint& b = curve[i];
    if (celsius <= b.celsius) {
      if (b.celsius == a.celsius) return b.duty;
      return a.duty + (b.duty - a.duty) * (celsius - a.celsius) / (b.celsius - a.celsius);
    }
  }
  return curve.back().duty;
}

double fan_pwm_duty(double duty) { return std::round(std::clamp(duty, 0.0, 1.0) * 255.0) / 255.0; }

FanBank::FanBank(const FanSettings& settings)
    : settings_(settings), failed_(settings.count, false), commanded_duty_(settings.duty) {}

bool FanBank::set_duty(double duty) {
  duty = std::clamp(duty, 0.0, 1.0);
  if (duty == commanded_duty_) return false;
  commanded_duty_ = duty;
  return true;
}

bool FanBank::fail(uint32_t fan) {
  if (fan >= failed_.size() || failed_[fan]) return false;
  failed_[fan] = true;
  return true;
}

uint32_t FanBank::failed_count() const {
  return static_cast<uint32_t>(std::count(failed_.begin(), failed_.end(), true));
}

double FanBank::speed(uint32_t fan) const {
  if (failed_.at(fan)) return 0.0;
  if (settings_.control == FanControl::curve) return commanded_duty_;
  const bool boosted = settings_.control == FanControl::boost && failed_count() > 0;
  return boosted ? 1.0 : settings_.duty;
}

double FanBank::airflow_fraction() const {
  // The design airflow, by definition (and exactly 1, not a sum's rounding).
  if (failed_count() == 0 && commanded_duty_ == settings_.duty) return 1.0;
  double moved = 0.0;
  for (uint32_t f = 0; f < count(); ++f) moved += speed(f);
  return std::max(kNaturalConvectionFloor, moved / (static_cast<double>(count()) * settings_.duty));
}

double FanBank::power_w() const {
  double total = 0.0;
  for (uint32_t f = 0; f < count(); ++f) {
    const double s = speed(f);
    total += settings_.full_power_w * s * s * s;
  }
  return total;
}

double FanBank::resistance_factor(double airflow_fraction) {
  // airflow^-kConvectionExponent, with a square root (exact in IEEE
  // arithmetic: the same bits on every machine).
  static_assert(kConvectionExponent == 0.5);
  return 1.0 / std::sqrt(std::max(kNaturalConvectionFloor, airflow_fraction));
}

}  // namespace crashtwin
