// The chassis fans: how much air they move, and what a failed one does to
// it. The fans feed one plenum (every part sees the same share of the
// design airflow: a modelling choice, no zones), run at `duty` of their full
// speed while all of them work, and the board's fan control answers a
// failed fan with `boost` (every working fan to full speed, what BMC fan
// tables do on a fan fault) or `hold` (the others keep their speed).
//
// Physics (fan affinity laws): a fan's airflow is proportional to its
// speed and its power to the cube of it. A part's convective thermal
// resistance goes as airflow^-0.5 (laminar forced convection, the law the
// DIMMs already follow: film coefficient ~ sqrt of the air speed), and so
// does its time constant (the heat capacity stays). With no forced air left
// a part still loses heat by natural convection, taken as 5 % of the design
// airflow (a modelling choice).
//
// Fans stop at scheduled times (`fan_fail_at`) or, with
// `fan_fault_acceleration` > 0, at a constant rate per fan from
// `fan_annual_failure_rate`: 1.5 % a year by default, a modelling choice
// (a fan rated for an L10 life of 60,000 hours, a common figure in server
// fan datasheets, not checked here, has 1 - 0.9^(8766/60000) = 1.5 % of
// fans stopped after its first year at a constant rate).
//
// Plain C++ without SystemC: the sensors model owns one and applies it.
#pragma once

#include <cstdint>
#include <vector>

namespace crashtwin {

enum class FanControl : uint8_t { boost, hold };

inline constexpr double kFanAnnualFailureRate = 0.015;
inline constexpr double kFanSecondsPerYear = 365.25 * 86400.0;

struct FanSettings {
  uint32_t count = 0;          // 0: no fan model (every part at its design airflow)
  double duty = 0.6;           // speed of every fan while all work, of full speed
  double full_power_w = 15.0;  // one fan's power at full speed
  FanControl control = FanControl::boost;
};

class FanBank {
 public:
  explicit FanBank(const FanSettings& settings);

  // Fan `fan` stops; false when there is no such fan or it had stopped.
  bool fail(uint32_t fan);

  uint32_t count() const { return static_cast<uint32_t>(failed_.size()); }
  uint32_t failed_count() const;
  bool failed(uint32_t fan) const { return failed_.at(fan); }
  // Of full speed: 0 for a failed fan.
  double speed(uint32_t fan) const;
  // The air moved against the design airflow (every fan at `duty`), with
  // the natural-convection floor.
  double airflow_fraction() const;
  double power_w() const;

  static constexpr double kConvectionExponent = 0.5;
  static constexpr double kNaturalConvectionFloor = 0.05;
  // A part's thermal resistance (and time constant) at `airflow_fraction`
  // of its design airflow, relative to its design value.
  static double resistance_factor(double airflow_fraction);

 private:
  FanSettings settings_;
  std::vector<bool> failed_;
};

}  // namespace crashtwin
