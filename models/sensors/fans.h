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
// `curve` closes the loop as a BMC's fan table does: every `period` the
// control reads the board's hottest sensor and sets every working fan to
// the duty a piecewise-linear curve gives for it (points of temperature and
// duty, flat beyond the first and the last), in PWM steps of 1/255, up at
// once and down only after the sensor falls `hysteresis_c` further. The
// design airflow stays that of every fan at `duty`: a curve that asks for
// more moves more air than the design, one that asks for less, less. A
// stopped fan is answered by the temperatures it raises, not by a rule.
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

enum class FanControl : uint8_t { boost, hold, curve };

// One point of a fan curve: at `celsius` (the hottest sensor) the fans run
// at `duty` of full speed.
struct FanCurvePoint {
  double celsius;
  double duty;
};

inline constexpr double kFanAnnualFailureRate = 0.015;
inline constexpr double kFanSecondsPerYear = 365.25 * 86400.0;

struct FanSettings {
  uint32_t count = 0;          // 0: no fan model (every part at its design airflow)
  double duty = 0.6;           // speed of every fan while all work, of full speed
  double full_power_w = 15.0;  // one fan's power at full speed
  FanControl control = FanControl::boost;
  // curve only: the points, by rising temperature (at least one), and how
  // far the hottest sensor must fall before the duty goes down.
  std::vector<FanCurvePoint> curve;
  double hysteresis_c = 2.0;
};

// The duty `curve` gives at `celsius`: linear between points, flat outside.
double fan_curve_duty(const std::vector<FanCurvePoint>& curve, double celsius);
// A duty in the PWM steps a fan controller writes (1/255 of full speed).
double fan_pwm_duty(double duty);

class FanBank {
 public:
  explicit FanBank(const FanSettings& settings);

  // Fan `fan` stops; false when there is no such fan or it had stopped.
  bool fail(uint32_t fan);

  uint32_t count() const { return static_cast<uint32_t>(failed_.size()); }
  uint32_t failed_count() const;
  bool failed(uint32_t fan) const { return failed_.at(fan); }
  // curve control: every working fan runs at `duty` (of full speed) from
  // now on. False when that is what they ran at.
  bool set_duty(double duty);
  // What every working fan is commanded to: `duty` until a curve sets it.
  double commanded_duty() const { return commanded_duty_; }
  FanControl control() const { return settings_.control; }
  const FanSettings& settings() const { return settings_; }

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
  double commanded_duty_;
};

}  // namespace crashtwin
