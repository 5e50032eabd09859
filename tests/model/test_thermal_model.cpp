// ThermalModel: the closed-form first-order response, and a part settled at
// the steady state of its inputs (a board in service before the scenario). The model is plain arithmetic: nothing here elaborates or runs
// SystemC (the header only gives the executable the sc_main it links with).
#include <catch2/catch.hpp>

#include <cmath>

#include "models/sensors/thermal_model.h"
#include "tests/model/strict_systemc.h"

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
