// What the sensors model reads: a model with devices that heat up (cores, DIMMs, a
// disk, a NIC) exposes each as a thermal channel, and takes the board inlet
// temperature the sensors model owns as the ambient of its thermal models.
// The sensors model finds its sources itself (its sibling modules that
// implement this), so the board needs no wiring for it.
#pragma once

#include <cstdint>
#include <string>

namespace crashtwin {

// Inlet temperature a device assumes until a sensors model sets one.
inline constexpr double kDefaultInletC = 25.0;

class ThermalSource {
 public:
  virtual uint32_t thermal_channels() const = 0;
  // "core3": appended to the model's name in sensor listings; empty when
  // the channel is the model itself (a disk).
  virtual std::string thermal_channel_name(uint32_t channel) const = 0;
  // Present values (the model advances itself to the current simulated time).
  virtual double channel_temperature_c(uint32_t channel) = 0;
  virtual double channel_power_w(uint32_t channel) = 0;
  // The part's upper critical temperature: the rating a BMC's threshold
  // sensor for it asserts at (the sensors block's comparators, TEMP_ALERTS).
  virtual double channel_critical_c(uint32_t channel) const = 0;
  // The temperature at `now_ns`, predicted from the model's last state at
  // its present power without advancing it. channel_temperature_c advances
  // the model (its counters draw their noise for the interval), so a read
  // of it moves the run's random draws; the comparators, which the BMC
  // polls, must not, or the poll period would change what a run does.
  virtual double peek_temperature_c(uint32_t channel, uint64_t now_ns) const = 0;
  virtual void set_inlet_temperature(double celsius) = 0;
  // Puts every channel at the steady state of its present inputs, as a
  // part that has run this way for long (Sensors::settle_parts: a board
  // that was in service before the scenario started).
  virtual void settle_thermal() = 0;
  // The chassis fans move `airflow_fraction` of the design airflow now
  // (models/sensors/fans.h): every channel's convective resistance and time
  // constant scale by FanBank::resistance_factor of it.
  virtual void set_airflow(double airflow_fraction) = 0;

 protected:
  ~ThermalSource() = default;
};

}  // namespace crashtwin
