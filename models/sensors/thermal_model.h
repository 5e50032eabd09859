// First-order thermal model of one device (a core, a disk, a NIC):
//
//   dT/dt = (P * R_th - (T - T_amb)) / tau
//
// P is the device's power, R_th its thermal resistance to the air (°C/W), tau
// its time constant and T_amb the air it sits in: the board inlet plus an
// offset that a precursor can ramp linearly (a clogged heat sink, a failing
// fan). Between events every input is constant or linear in time, so the
// model is solved in closed form; there is no integration step and no error
// that grows with the length of a run.
#pragma once

#include <limits>

namespace crashtwin {

struct ThermalParams {
  double resistance_c_per_w = 0.5;  // R_th
  double time_constant_s = 20.0;    // tau
};

class ThermalModel {
 public:
  ThermalModel() = default;
  ThermalModel(ThermalParams params, double initial_c, double ambient_c);

  // Inputs from now on (advance to the present first).
  void set_power(double watts) { power_w_ = watts; }
  void set_ambient(double celsius) { ambient_c_ = celsius; }
  // The ambient offset moves linearly at |rate| toward `target_offset_c` and
  // then stays there; a zero rate holds the current offset.
  void set_offset_ramp(double rate_c_per_s, double target_offset_c);

  void advance(double seconds);
  // The air past the device changed (the chassis fans, FanBank): its
  // resistance and time constant are now `factor` times their design values
  // (the heat capacity stays). Advance to the present first.
  void set_resistance_factor(double factor) {
    params_ = {design_.resistance_c_per_w * factor, design_.time_constant_s * factor};
  }
  // Puts the device at its steady state with the current inputs (a part
  // that has run this way for long before the simulation starts).
  void settle() { temperature_c_ = steady_state(); }

  double temperature() const { return temperature_c_; }
  double power() const { return power_w_; }
  double ambient() const { return ambient_c_; }
  double offset() const { return offset_c_; }
  // Temperature the model settles at with the current inputs.
  double steady_state() const;
  // Temperature `seconds` from now, without advancing.
  double temperature_after(double seconds) const;
  // Seconds from now until the temperature first reaches `threshold_c` (0 if
  // it already has), or +infinity if it never does with the current inputs.
  double time_to_reach(double threshold_c) const;

  static constexpr double kNever = std::numeric_limits<double>::infinity();

 private:
  // Seconds left in the ramp of the offset (0 when it is not moving).
  double ramp_seconds() const;
  double drive(double offset) const { return ambient_c_ + offset + power_w_ * params_.resistance_c_per_w; }
  // State after `t` seconds of the linear segment (drive u0 + slope*t).
  double linear_segment(double t0_temp, double u0, double slope, double t) const;

  ThermalParams design_{};  // at the design airflow
  ThermalParams params_{};  // now
  double temperature_c_ = 25.0;
  double ambient_c_ = 25.0;
  double power_w_ = 0.0;
  double offset_c_ = 0.0;
  double ramp_rate_ = 0.0;  // signed °C/s while the offset moves
  double ramp_target_ = 0.0;
};

}  // namespace crashtwin
