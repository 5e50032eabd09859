// sensors: the board's temperature and power sensors for the agent. Owns the
// inlet (ambient) temperature and hands it to every thermal model on the
// board; exposes each device's temperature and power (every sibling model
// that is a ThermalSource: cpu cores, DIMMs, disks, NICs) as registers.
//
// Parameters (board.<name>.*):
//   inlet_temperature  temperature  air entering the chassis (25 C)
//   thermal_start      text         power_on: cores, disks and NICs start at the
//                                   inlet temperature (DIMMs at the steady state
//                                   of their air); in_service: a board that ran
//                                   before the scenario, every part at the steady
//                                   state of the scenario's t = 0 load (fleets)
//   fans               count        chassis fans (0: none modelled, every part at its
//                                   design airflow); models/sensors/fans.h
//   fan_duty           ratio        their speed while all work, of full speed (60 %):
//                                   the design airflow
//   fan_power          real         one fan's power at full speed, W (15)
//   fan_control        text         boost: a failed fan sends the others to full
//                                   speed; hold: they keep theirs; curve: a closed
//                                   loop on the hottest sensor (fan_curve)
//   fan_curve          text         curve: "30 % at 45 C, 100 % at 75 C": the duty
//                                   at each temperature of the hottest sensor,
//                                   linear between, flat outside
//   fan_control_period duration     curve: how often the loop runs (1 s)
//   fan_curve_hysteresis temperature curve: how far below the present duty's
//                                   temperature the hottest sensor must fall
//                                   before the duty goes down (2 C)
//   fan_fail_at        text         times fans stop, "2 h, 30 h": the i-th stops fan i
//   fan_annual_failure_rate ratio   a fan's chance of stopping in a year in the
//                                   field (1.5 %; fans.h)
//   fan_fault_acceleration real     multiplies that rate (0: fans stop only at
//                                   fan_fail_at)
//   max_channels       count        sensor channels the register map reserves (64)
//   register_latency   duration     simulated cost of one MMIO access (200 ns)
// Registers: the register map's `sensors` device (docs/registers.md):
//   INLET, CHANNELS, BOARD_POWER, FANS, FANS_STOPPED, AIRFLOW, FAN_DUTY,
//   TEMP_ALERTS (temperature_alerts()), and channel i's TEMPERATURE, POWER,
//   CRITICAL and ALERT_READING (m°C, mW, m°C, m°C; each part's
//   critical_temperature) at 0x100 + 32 i
// Sockets: in (MMIO), bmc_in (the same registers for the BMC's sensor bus).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/config/registry.h"
#include "models/core/model.h"
#include "models/core/register.h"
#include "models/regs/register_blocks.h"
#include "models/sensors/fans.h"
#include "models/sensors/thermal_source.h"

namespace crashtwin {

class Sensors : public Model {
 public:
  tlm_utils::simple_target_socket<Sensors> in;
  // The same registers on the BMC's sensor bus (the board binds it to the
  // BMC's sensor_bus when both are present).
  tlm_utils::simple_target_socket_optional<Sensors> bmc_in;

  Sensors(sc_core::sc_module_name name, const ModelContext& context);

  // Changes the inlet temperature for every device from now on.
  void set_inlet(double celsius);
  // `thermal_start: in_service`: whoever sets the scenario's t = 0 state
  // (the injector) calls settle_parts() once it has, and every thermal
  // source is put at the steady state of its inputs. Not at elaboration or
  // at the first advance of time: the t = 0 load is set by then, and a
  // device's clock may run a few ns ahead of another's (loosely timed).
  bool starts_in_service() const { return start_in_service_; }
  void settle_parts();
  double inlet() const { return inlet_c_; }
  // The chassis fans (count 0 when none are modelled).
  const FanBank& fans() const { return fans_; }
  // Stops fan `fan` now (a scheduled `fan_fail_at`, or a test); every
  // thermal source gets the airflow that is left. False when there is no
  // such fan or it had stopped.
  bool fail_fan(uint32_t fan);
  // The fans that stopped, in time order, with the airflow left after each
  // (what the run writes as the board's fans_stopped and airflow_ppm
  // counters: a fan stopping is nothing any part reports).
  struct FanStopped {
    uint64_t at_ns;
    uint32_t fan;
    uint32_t stopped;  // fans stopped by then, this one included
  };
  const std::vector<FanStopped>& fans_stopped() const { return fans_stopped_; }
  // Every change of the air the fans move (a fan stopping, the curve's
  // duty changing), in ppm of the design airflow as the AIRFLOW register
  // reads, with the PWM duty the working fans were commanded to.
  struct AirflowChange {
    uint64_t at_ns;
    uint64_t airflow_ppm;
    uint32_t duty_pwm;  // 0-255, as FAN_DUTY reads
  };
  const std::vector<AirflowChange>& airflow_changes() const { return airflow_changes_; }

  struct Channel {
    std::string name;  // "board.cpu.core3"
    ThermalSource* source;
    uint32_t index;
  };
  const std::vector<Channel>& channels() const { return channels_; }
  double channel_temperature_c(uint32_t channel);
  double channel_power_w(uint32_t channel);
  double channel_critical_c(uint32_t channel) const;
  // The channel's temperature at `now_ns` as its model predicts it, the model
  // not advanced (ThermalSource::peek_temperature_c): what the comparators
  // and the fan curve read.
  double predicted_temperature_c(uint32_t channel, uint64_t now_ns) const;
  // TEMP_ALERTS: the comparators of the first kAlertChannels channels against
  // their critical temperatures, evaluated now from each part's predicted
  // temperature (ThermalSource::peek_temperature_c: the read advances no
  // model, so polling it changes nothing a run does). A channel asserts at
  // its critical temperature and deasserts kAlertHysteresisC below it (the
  // hysteresis a threshold sensor has, so a reading on the line does not
  // flap), latching the temperature it changed at (ALERT_READING). Sampled:
  // a crossing and its return between two reads is not seen, as by any BMC
  // that polls.
  static constexpr uint32_t kAlertChannels = 64;
  static constexpr double kAlertHysteresisC = 2.0;
  uint64_t temperature_alerts();
  double board_power_w();

  static constexpr uint64_t kChannelsOffset = CT_SENSORS_SENSOR_CHANNEL(0);
  static constexpr uint64_t kChannelStride = CT_SENSORS_SENSOR_CHANNEL_STRIDE;

  // Model
  TargetSocket* mmio_target() override { return &in; }
  uint64_t mmio_size() const override;

 private:
  // `action(source)` once for every thermal source of the board.
  template <typename Action>
  void for_each_source(Action action);
  void end_of_elaboration() override;
  void start_of_simulation() override;
  void fan_failures();  // SC_METHOD on fan_event_: the fan_fail_at times
  // fan_control: curve: one step of the control loop (SC_METHOD every
  // fan_control_period): the hottest sensor, the curve's duty for it.
  void fan_control_step();
  double hottest_sensor_c();
  // Every thermal source gets the airflow the fans now move; apply_airflow
  // records the change too.
  void set_sources_airflow();
  void apply_airflow();
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return regs_.debug_transport(tx); }

  param<double> inlet_temperature_;
  param<uint64_t> max_channels_;
  param<sc_core::sc_time> register_latency_;
  bool start_in_service_ = false;
  double inlet_c_;
  FanBank fans_{FanSettings{}};
  struct FanStop {
    uint64_t at_ns;
    uint32_t fan;
  };
  std::vector<FanStop> fan_stops_;  // fan_fail_at's and the drawn ones, by time
  size_t next_fan_stop_ = 0;
  std::vector<FanStopped> fans_stopped_;
  std::vector<AirflowChange> airflow_changes_;
  uint64_t fan_control_period_ns_ = 0;  // curve only
  sc_core::sc_event fan_event_;
  sc_core::sc_event fan_control_event_;  // curve: the loop's next step
  RegisterBank regs_;
  std::vector<Channel> channels_;
  std::vector<bool> alerting_;  // per channel: TEMP_ALERTS' bit as last evaluated
  std::vector<uint64_t> alert_reading_mc_;  // per channel: ALERT_READING
  // The register map's sensors block, and a sensor_channel block per
  // channel the map reserves (max_channels).
  regs::SensorsRegisters board_regs_{regs_, CT_SENSORS_REGS, ""};
  std::vector<std::unique_ptr<regs::SensorChannelRegisters>> channel_regs_;
};

}  // namespace crashtwin
