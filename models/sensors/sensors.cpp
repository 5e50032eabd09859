#include "models/sensors/sensors.h"

#include <cmath>

#include "models/core/tlm_types.h"

namespace crashtwin {
namespace {
uint64_t millis(double v) { return v <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(v * 1000.0)); }
}  // namespace

Sensors::Sensors(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      inlet_temperature_(context.params, "inlet_temperature", ParamKind::temperature, kDefaultInletC,
                         "air entering the chassis: the ambient of every thermal model", -40.0, 80.0),
      max_channels_(context.params, "max_channels", ParamKind::count, 64, "sensor channels the register map reserves",
                    1, CT_SENSORS_SENSOR_CHANNEL_MAX),
      register_latency_(context.params, "register_latency", ParamKind::duration, ns(200),
                        "simulated cost of one MMIO access"),
      inlet_c_(inlet_temperature_),
      regs_(std::string(basename()) + ".regs") {
  const std::string thermal_start =
      param<std::string>(context.params, "thermal_start", ParamKind::text, "power_on",
                         "power_on: cores, disks and NICs start at the inlet temperature; in_service: every "
                         "part at the steady state of the scenario's t = 0 load");
  if (thermal_start == "in_service") start_in_service_ = true;
  else if (thermal_start != "power_on")
    context.params.fail("thermal_start", "'" + thermal_start + "' is not power_on or in_service");
  board_regs_.inlet.on_read([this] { return millis(inlet_c_); });
  board_regs_.channels.on_read([this] { return uint64_t{channels_.size()}; });
  board_regs_.board_power.on_read([this] { return millis(board_power_w()); });
  for (uint32_t i = 0; i < max_channels_; ++i) {
    auto& r = *channel_regs_.emplace_back(std::make_unique<regs::SensorChannelRegisters>(
        regs_, CT_SENSORS_SENSOR_CHANNEL(i), "channel" + std::to_string(i) + "."));
    r.temperature.on_read([this, i] { return i < channels_.size() ? millis(channel_temperature_c(i)) : 0; });
    r.power.on_read([this, i] { return i < channels_.size() ? millis(channel_power_w(i)) : 0; });
  }
  in.register_b_transport(this, &Sensors::b_transport);
  in.register_transport_dbg(this, &Sensors::transport_dbg);
}

uint64_t Sensors::mmio_size() const { return kChannelsOffset + kChannelStride * max_channels_.value(); }

// Every model is built by now: collect the thermal sources among this
// model's siblings (the board's children, or the top level in a test bench).
void Sensors::end_of_elaboration() {
  const std::vector<sc_core::sc_object*>& siblings =
      get_parent_object() != nullptr ? get_parent_object()->get_child_objects() : sc_core::sc_get_top_level_objects();
  for (sc_core::sc_object* object : siblings) {
    auto* source = dynamic_cast<ThermalSource*>(object);
    if (source == nullptr) continue;
    for (uint32_t c = 0; c < source->thermal_channels(); ++c) {
      if (channels_.size() == max_channels_) {
        SC_REPORT_WARNING(name(), ("more thermal channels than max_channels; " + std::string(object->name()) +
                                   " and later are not exposed")
                                      .c_str());
        return;
      }
      const std::string channel = source->thermal_channel_name(c);
      channels_.push_back({std::string(object->name()) + (channel.empty() ? "" : "." + channel), source, c});
    }
    source->set_inlet_temperature(inlet_c_);
  }
}

template <typename Action>
void Sensors::for_each_source(Action action) {
  // A source's channels are consecutive (end_of_elaboration adds them together).
  ThermalSource* last = nullptr;
  for (const Channel& ch : channels_) {
    if (ch.source == last) continue;
    action(*ch.source);
    last = ch.source;
  }
}

void Sensors::settle_parts() {
  for_each_source([](ThermalSource& source) { source.settle_thermal(); });
}

void Sensors::set_inlet(double celsius) {
  inlet_c_ = celsius;
  for_each_source([celsius](ThermalSource& source) { source.set_inlet_temperature(celsius); });
}

double Sensors::channel_temperature_c(uint32_t channel) {
  const Channel& ch = channels_.at(channel);
  return ch.source->channel_temperature_c(ch.index);
}

double Sensors::channel_power_w(uint32_t channel) {
  const Channel& ch = channels_.at(channel);
  return ch.source->channel_power_w(ch.index);
}

double Sensors::board_power_w() {
  double total = 0.0;
  for (uint32_t i = 0; i < channels_.size(); ++i) total += channel_power_w(i);
  return total;
}

void Sensors::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  regs_.transport(tx);
  delay += register_latency_;
}

CRASHTWIN_REGISTER_MODEL("sensors", std::nullopt, "board inlet, temperature and power sensors", Sensors);

}  // namespace crashtwin
