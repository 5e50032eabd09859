// ThermalModel: the closed-form first-order response, and a part settled at
// the steady state of its inputs (a board in service before the scenario). The model is plain arithmetic: nothing here elaborates or runs
// SystemC (the header only gives the executable the sc_main it links with).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/sensors/fans.h"
#include "models/sensors/thermal_model.h"
#include "tests/model/strict_systemc.h"

using crashtwin::FanBank;
using crashtwin::FanControl;
using crashtwin::FanSettings;
using crashtwin::ThermalModel;

TEST_CASE("a step of power approaches P x R over the air with the time constant", "[thermal]") {
  ThermalModel m({0.5, 20.0}, 25.0, 25.0);
  m.set_power(10.0);
  CHECK(m.steady_state() == Approx(30.0));
  CHECK(m.time_to_reach(29.0) == Approx(20.0 * std::log(5.0)).epsilon(1e-9));
  CHECK(m.time_to_reach(31.0) == ThermalModel::kNever);
  m.advance(20.0);
  CHECK(m.temperature() == Approx(30.0 + (25.0 - 30.0) * std::exp(-1.0)).epsilon(1e-12));
}

TEST_CASE("a part that powers on starts at the air and warms", "[thermal]") {
  ThermalModel m({0.5, 20.0}, 25.0, 25.0);
  m.set_power(10.0);
  m.set_ambient(30.0);
  CHECK(m.temperature() == 25.0);  // inputs change the drive, not the state
}

TEST_CASE("settle puts a part at the steady state of its present inputs, and it stays there", "[thermal]") {
  ThermalModel m({0.5, 20.0}, 25.0, 25.0);
  m.set_power(10.0);
  m.set_ambient(35.0);
  m.settle();
  CHECK(m.temperature() == 40.0);
  m.advance(100.0);
  CHECK(m.temperature() == 40.0);
  // From there a change of input is a step response, not a jump.
  m.set_power(0.0);
  CHECK(m.temperature() == 40.0);
  m.advance(20.0);
  CHECK(m.temperature() == Approx(35.0 + 5.0 * std::exp(-1.0)).epsilon(1e-12));
}

TEST_CASE("fans: affinity laws, the control's answer to a stopped fan, laminar convection", "[thermal][fans]") {
  FanSettings s;
  s.count = 6;
  s.duty = 0.6;
  s.full_power_w = 15.0;
  s.control = FanControl::boost;
  FanBank boost(s);
  CHECK(boost.airflow_fraction() == 1.0);
  CHECK(boost.power_w() == Approx(6 * 15.0 * 0.216));  // power ~ speed cubed
  REQUIRE(boost.fail(2));
  CHECK(boost.failed_count() == 1);
  CHECK(boost.speed(2) == 0.0);
  CHECK(boost.speed(0) == 1.0);                          // the others to full speed
  CHECK(boost.airflow_fraction() == Approx(5.0 / 3.6));  // more air than designed
  CHECK(boost.power_w() == Approx(5 * 15.0));
  CHECK(FanBank::resistance_factor(boost.airflow_fraction()) < 1.0);

  s.control = FanControl::hold;
  FanBank hold(s);
  REQUIRE(hold.fail(0));
  CHECK_FALSE(hold.fail(0));
  CHECK_FALSE(hold.fail(6));
  CHECK(hold.speed(1) == 0.6);
  CHECK(hold.airflow_fraction() == Approx(5.0 / 6.0));
  for (uint32_t f = 1; f < 6; ++f) hold.fail(f);
  // No forced air: natural convection's floor, not an infinite resistance.
  CHECK(hold.airflow_fraction() == FanBank::kNaturalConvectionFloor);
  CHECK(hold.power_w() == 0.0);

  // Film coefficient ~ sqrt(air speed): half the air, sqrt(2) the resistance.
  CHECK(FanBank::resistance_factor(0.5) == Approx(std::sqrt(2.0)));
  CHECK(FanBank::resistance_factor(0.0) == Approx(1.0 / std::sqrt(FanBank::kNaturalConvectionFloor)));
  // No fans modelled: every part at its design airflow.
  FanBank none(FanSettings{});
  CHECK(none.count() == 0);
  CHECK(none.airflow_fraction() == 1.0);
}

TEST_CASE("fans: a curve's duty, in PWM steps, and the air it moves", "[thermal][fans]") {
  const std::vector<crashtwin::FanCurvePoint> curve = {{45.0, 0.3}, {75.0, 1.0}};
  CHECK(crashtwin::fan_curve_duty(curve, 20.0) == 0.3);  // flat below the first point
  CHECK(crashtwin::fan_curve_duty(curve, 45.0) == 0.3);
  CHECK(crashtwin::fan_curve_duty(curve, 60.0) == Approx(0.65));
  CHECK(crashtwin::fan_curve_duty(curve, 75.0) == 1.0);
  CHECK(crashtwin::fan_curve_duty(curve, 90.0) == 1.0);  // and above the last
  const std::vector<crashtwin::FanCurvePoint> three = {{40.0, 0.2}, {50.0, 0.4}, {70.0, 0.8}};
  CHECK(crashtwin::fan_curve_duty(three, 45.0) == Approx(0.3));
  CHECK(crashtwin::fan_curve_duty(three, 60.0) == Approx(0.6));
  CHECK(crashtwin::fan_pwm_duty(0.6) == 153.0 / 255.0);
  CHECK(crashtwin::fan_pwm_duty(0.6021) == 154.0 / 255.0);  // 153.5: rounds to the nearer step
  CHECK(crashtwin::fan_pwm_duty(1.5) == 1.0);

  FanSettings s;
  s.count = 6;
  s.duty = 0.6;
  s.full_power_w = 15.0;
  s.control = FanControl::curve;
  s.curve = curve;
  FanBank fans(s);
  CHECK(fans.commanded_duty() == 0.6);  // fan_duty until the loop sets one
  CHECK(fans.airflow_fraction() == 1.0);
  REQUIRE(fans.set_duty(0.9));
  CHECK_FALSE(fans.set_duty(0.9));
  CHECK(fans.speed(3) == 0.9);
  CHECK(fans.airflow_fraction() == Approx(1.5));  // the design is every fan at 60 %
  CHECK(fans.power_w() == Approx(6 * 15.0 * 0.729));
  REQUIRE(fans.fail(3));
  // A stopped fan is answered by the loop (temperatures), not by a rule.
  CHECK(fans.speed(0) == 0.9);
  CHECK(fans.airflow_fraction() == Approx(5 * 0.9 / 3.6));
}

TEST_CASE("a part's resistance and time constant follow the air, its heat capacity stays", "[thermal][fans]") {
  ThermalModel m({2.0, 10.0}, 25.0, 25.0);
  m.set_power(10.0);
  m.settle();
  CHECK(m.temperature() == Approx(45.0));
  m.set_resistance_factor(1.5);
  CHECK(m.steady_state() == Approx(25.0 + 10.0 * 3.0));
  // tau 15 s now: after one time constant, 1 - 1/e of the way.
  m.advance(15.0);
  CHECK(m.temperature() == Approx(45.0 + 10.0 * (1.0 - std::exp(-1.0))));
  m.set_resistance_factor(1.0);  // back at the design airflow
  CHECK(m.steady_state() == Approx(45.0));
}
