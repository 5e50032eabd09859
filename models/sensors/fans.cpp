#include "models/sensors/fans.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {

FanBank::FanBank(const FanSettings& settings) : settings_(settings), failed_(settings.count, false) {}

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
  const bool boosted = settings_.control == FanControl::boost && failed_count() > 0;
  return boosted ? 1.0 : settings_.duty;
}

double FanBank::airflow_fraction() const {
  if (failed_count() == 0) return 1.0;  // the design airflow, by definition
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
