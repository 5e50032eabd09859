#include "models/sensors/sensors.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "models/core/tlm_types.h"
#include "models/core/rng.h"
#include "platform/core/exact_math.h"
#include "platform/core/units.h"

namespace crashtwin {
namespace {
uint64_t millis(double v) { return v <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(v * 1000.0)); }
uint64_t airflow_ppm(const FanBank& fans) { return static_cast<uint64_t>(std::llround(fans.airflow_fraction() * 1e6)); }
// The PWM duty the working fans run at (what FAN_DUTY reads).
uint32_t duty_pwm(const FanBank& fans) {
  for (uint32_t f = 0; f < fans.count(); ++f)
    if (!fans.failed(f)) return static_cast<uint32_t>(std::lround(fans.speed(f) * 255.0));
  return fans.count() == 0 ? 0 : static_cast<uint32_t>(std::lround(fans.commanded_duty() * 255.0));
}

// The comma-separated items of `text`, blanks trimmed ("" for an empty item).
std::vector<std::string_view> list_items(std::string_view text) {
  const auto trimmed = [](std::string_view s) {
    const size_t first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string_view{};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
  };
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    items.push_back(trimmed(text.substr(0, comma)));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return items;
}

// "2 h, 30 h": ascending durations; an empty text is none.
std::vector<uint64_t> parse_fail_times(const ParamScope& params, const std::string& text, uint32_t fans) {
  const std::vector<std::string_view> items = list_items(text);
  std::vector<uint64_t> times;
  if (items.size() == 1 && items[0].empty()) return times;  // all blank: none
  for (const std::string_view item : items) {
    if (item.empty()) params.fail("fan_fail_at", "an empty entry: give times such as \"2 h, 30 h\"");
    uint64_t ns = 0;
    if (!ok(parse_duration_ns(item, ns)))
      params.fail("fan_fail_at", fmt::format("'{}' is not a duration such as \"2 h\"", item));
    if (!times.empty() && ns < times.back())
      params.fail("fan_fail_at", "times must not go back: the i-th stops fan i, in time order");
    times.push_back(ns);
  }
  if (times.size() > fans)
    params.fail("fan_fail_at", fmt::format("{} times for {} fans (board.sensors.fans)", times.size(), fans));
  return times;
}

// "30 % at 45 C, 100 % at 75 C": duty at temperature, by rising temperature.
std::vector<FanCurvePoint> parse_fan_curve(const ParamScope& params, const std::string& text) {
  const auto fail = [&params](const std::string& why) {
    params.fail("fan_curve", why + " (give points such as \"30 % at 45 C, 100 % at 75 C\")");
  };
  std::vector<FanCurvePoint> curve;
  for (const std::string_view item : list_items(text)) {
    const size_t at = item.find(" at ");
    if (at == std::string_view::npos) fail(fmt::format("'{}' is not a point 'duty at temperature'", item));
    FanCurvePoint point{};
    const std::string_view duty = item.substr(0, at);
    const std::string_view celsius = item.substr(at + 4);
    if (!ok(parse_ratio(duty, point.duty)) || point.duty <= 0.0 || point.duty > 1.0)
      fail(fmt::format("'{}' is not a duty above 0 % and at most 100 %", duty));
    if (!ok(parse_temperature(celsius, point.celsius)))
      fail(fmt::format("'{}' is not a temperature such as \"45 C\"", celsius));
    if (!curve.empty() && point.celsius <= curve.back().celsius) fail("temperatures must rise from point to point");
    curve.push_back(point);
  }
  if (curve.empty()) fail("no point");
  return curve;
}

// At `at_ns` of simulated time (now when that has passed); never when it is
// past what the kernel's clock reaches (about 5.8 years at 10 ps): ns()
// saturates there, and an event at the clock's end is still an event.
void notify_at_ns(sc_core::sc_event& event, uint64_t at_ns) {
  if (at_ns >= to_ns(sc_core::sc_max_time())) return;
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  event.notify(at_ns > now ? ns(at_ns - now) : sc_core::SC_ZERO_TIME);
}
}  // namespace

Sensors::Sensors(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      bmc_in("bmc_in"),
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
  FanSettings fans;
  fans.count = static_cast<uint32_t>(param<uint64_t>(
      context.params, "fans", ParamKind::count, 0, "chassis fans (0: none modelled, every part at its design airflow)",
      0, 64));
  fans.duty = param<double>(context.params, "fan_duty", ParamKind::ratio, fans.duty,
                            "speed of every fan while all work, of full speed", 0.05, 1.0);
  fans.full_power_w = param<double>(context.params, "fan_power", ParamKind::real, fans.full_power_w,
                                    "one fan's power at full speed, W", 0.0, 1000.0);
  const std::string control = param<std::string>(
      context.params, "fan_control", ParamKind::text, "boost",
      "boost: a failed fan sends the others to full speed; hold: they keep their speed; curve: a closed loop "
      "on the hottest sensor");
  if (control == "hold") fans.control = FanControl::hold;
  else if (control == "curve") fans.control = FanControl::curve;
  else if (control != "boost") context.params.fail("fan_control", "'" + control + "' is not boost, hold or curve");
  // Read whatever the control, so a curve given with another control is
  // still checked (and listed by describe).
  const std::string curve = param<std::string>(
      context.params, "fan_curve", ParamKind::text, "30 % at 45 C, 100 % at 75 C",
      "fan_control: curve: the duty at each temperature of the hottest sensor, linear between points");
  const uint64_t period_ns = to_ns(param<sc_core::sc_time>(context.params, "fan_control_period", ParamKind::duration,
                                                           sc_core::sc_time(1, sc_core::SC_SEC),
                                                           "fan_control: curve: how often the loop runs"));
  const double hysteresis_c = param<double>(
      context.params, "fan_curve_hysteresis", ParamKind::real, FanSettings{}.hysteresis_c,
      "fan_control: curve: how far (C) the hottest sensor must fall below the present duty's temperature before "
      "the duty goes down",
      0.0, 50.0);
  const std::vector<FanCurvePoint> curve_points = parse_fan_curve(context.params, curve);
  if (period_ns == 0) context.params.fail("fan_control_period", "must be above 0");
  if (fans.control == FanControl::curve) {
    fans.curve = curve_points;
    fans.hysteresis_c = hysteresis_c;
    fan_control_period_ns_ = period_ns;
  }
  fans_ = FanBank(fans);
  const std::vector<uint64_t> scheduled = parse_fail_times(
      context.params,
      param<std::string>(context.params, "fan_fail_at", ParamKind::text, "",
                         "times fans stop (\"2 h, 30 h\": the i-th stops fan i)"),
      fans.count);
  for (uint32_t f = 0; f < scheduled.size(); ++f) fan_stops_.push_back({scheduled[f], f});
  // Fans stopping in the field (fans.h): a constant rate per fan from the
  // annual chance, accelerated; their own stream, so turning them on
  // changes no other draw of the board.
  const double annual = param<double>(context.params, "fan_annual_failure_rate", ParamKind::ratio,
                                      kFanAnnualFailureRate, "a fan's chance of stopping in a year in the field",
                                      0.0, 0.999);
  const double acceleration = param<double>(context.params, "fan_fault_acceleration", ParamKind::real, 0.0,
                                            "multiplies the fans' failure rate (0: fans stop only at fan_fail_at)",
                                            0.0, 1e12);
  const double rate_per_s = -exact::log1p(-annual) / kFanSecondsPerYear * acceleration;
  if (rate_per_s > 0.0) {
    RngStream rng(context.board_seed, std::string(name) + ".fans");
    for (uint32_t f = 0; f < fans.count; ++f) {
      const double at_s = rng.exponential(rate_per_s);
      // Past the kernel's clock is never (notify_at_ns).
      if (at_s < 1.8e10) fan_stops_.push_back({static_cast<uint64_t>(at_s * 1e9), f});
    }
  }
  std::stable_sort(fan_stops_.begin(), fan_stops_.end(),
                   [](const FanStop& a, const FanStop& b) { return a.at_ns < b.at_ns; });
  board_regs_.inlet.on_read([this] { return millis(inlet_c_); });
  board_regs_.channels.on_read([this] { return uint64_t{channels_.size()}; });
  board_regs_.board_power.on_read([this] { return millis(board_power_w()); });
  board_regs_.fans.on_read([this] { return uint64_t{fans_.count()}; });
  board_regs_.fans_stopped.on_read([this] {
    uint64_t mask = 0;
    for (uint32_t f = 0; f < fans_.count(); ++f) mask |= fans_.failed(f) ? uint64_t{1} << f : 0;
    return mask;
  });
  board_regs_.airflow.on_read([this] { return airflow_ppm(fans_); });
  board_regs_.fan_duty.on_read([this] { return duty_pwm(fans_); });
  board_regs_.temp_alerts.on_read([this] { return temperature_alerts(); });
  for (uint32_t i = 0; i < max_channels_; ++i) {
    auto& r = *channel_regs_.emplace_back(std::make_unique<regs::SensorChannelRegisters>(
        regs_, CT_SENSORS_SENSOR_CHANNEL(i), "channel" + std::to_string(i) + "."));
    r.temperature.on_read([this, i] { return i < channels_.size() ? millis(channel_temperature_c(i)) : 0; });
    r.power.on_read([this, i] { return i < channels_.size() ? millis(channel_power_w(i)) : 0; });
    r.critical.on_read([this, i] { return i < channels_.size() ? millis(channel_critical_c(i)) : 0; });
    r.alert_reading.on_read([this, i] { return i < alert_reading_mc_.size() ? alert_reading_mc_[i] : 0; });
  }
  in.register_b_transport(this, &Sensors::b_transport);
  in.register_transport_dbg(this, &Sensors::transport_dbg);
  bmc_in.register_b_transport(this, &Sensors::b_transport);
  bmc_in.register_transport_dbg(this, &Sensors::transport_dbg);
  SC_HAS_PROCESS(Sensors);
  SC_METHOD(fan_failures);
  sensitive << fan_event_;
  dont_initialize();
  if (fans_.count() > 0 && fans_.control() == FanControl::curve) {
    // First at one period: until then the fans run at fan_duty (power_on)
    // or where settle_parts put them (in_service).
    SC_METHOD(fan_control_step);
    sensitive << fan_control_event_;
    dont_initialize();
  }
}

void Sensors::start_of_simulation() {
  if (!fan_stops_.empty()) notify_at_ns(fan_event_, fan_stops_.front().at_ns);
  if (fan_control_period_ns_ > 0) fan_control_event_.notify(ns(fan_control_period_ns_));
}

// From each part's predicted temperature, as the comparators read it: the
// loop runs every fan_control_period, and a read that advanced the parts
// would draw their noise at the loop's pace.
double Sensors::hottest_sensor_c() {
  double hottest = inlet_c_;
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  for (uint32_t c = 0; c < channels_.size(); ++c) hottest = std::max(hottest, predicted_temperature_c(c, now));
  return hottest;
}

void Sensors::fan_control_step() {
  const double hottest = hottest_sensor_c();
  const FanSettings& settings = fans_.settings();
  double duty = fan_pwm_duty(fan_curve_duty(settings.curve, hottest));
  // Up at once; down only once the hottest sensor is the hysteresis below
  // where the curve asks for the present duty, so the loop does not flicker
  // between PWM steps.
  if (duty < fans_.commanded_duty())
    duty = std::max(duty, std::min(fans_.commanded_duty(),
                                   fan_pwm_duty(fan_curve_duty(settings.curve, hottest + settings.hysteresis_c))));
  if (fans_.set_duty(duty)) apply_airflow();
  fan_control_event_.notify(ns(fan_control_period_ns_));
}

void Sensors::set_sources_airflow() {
  const double airflow = fans_.airflow_fraction();
  for_each_source([airflow](ThermalSource& source) { source.set_airflow(airflow); });
}

void Sensors::apply_airflow() {
  set_sources_airflow();
  const uint64_t ppm = airflow_ppm(fans_);
  if (!airflow_changes_.empty() && airflow_changes_.back().airflow_ppm == ppm) return;
  airflow_changes_.push_back({to_ns(sc_core::sc_time_stamp()), ppm, duty_pwm(fans_)});
}

void Sensors::fan_failures() {
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  // A fan that stopped already (scheduled, then drawn) is passed over.
  for (; next_fan_stop_ < fan_stops_.size() && fan_stops_[next_fan_stop_].at_ns <= now; ++next_fan_stop_)
    fail_fan(fan_stops_[next_fan_stop_].fan);
  if (next_fan_stop_ < fan_stops_.size()) notify_at_ns(fan_event_, fan_stops_[next_fan_stop_].at_ns);
}

bool Sensors::fail_fan(uint32_t fan) {
  if (!fans_.fail(fan)) return false;
  fans_stopped_.push_back({to_ns(sc_core::sc_time_stamp()), fan, fans_.failed_count()});
  apply_airflow();
  return true;
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
  const auto settle = [this] { for_each_source([](ThermalSource& source) { source.settle_thermal(); }); };
  settle();
  if (fans_.count() == 0 || fans_.control() != FanControl::curve) return;
  // A board in service under a fan curve sits where the loop holds it: the
  // duty d the curve gives for the temperatures d's air holds every part
  // at. curve(T(d)) - d falls as d rises (more air, cooler parts, a lower
  // duty asked), so bisection finds it; then the PWM step at or above it.
  const auto excess = [&](double duty) {
    fans_.set_duty(duty);
    set_sources_airflow();
    settle();
    return fan_curve_duty(fans_.settings().curve, hottest_sensor_c()) - duty;
  };
  double low = 0.0;
  double high = 1.0;
  if (excess(high) >= 0.0) {
    low = high;  // the curve wants full speed even at full speed
  } else {
    for (int i = 0; i < 40; ++i) {  // to well under a PWM step
      const double mid = 0.5 * (low + high);
      (excess(mid) >= 0.0 ? low : high) = mid;
    }
  }
  fans_.set_duty(std::ceil(low * 255.0 - 1e-9) / 255.0);
  apply_airflow();
  settle();
}

void Sensors::set_inlet(double celsius) {
  inlet_c_ = celsius;
  for_each_source([celsius](ThermalSource& source) { source.set_inlet_temperature(celsius); });
}

double Sensors::channel_temperature_c(uint32_t channel) {
  const Channel& ch = channels_.at(channel);
  return ch.source->channel_temperature_c(ch.index);
}

double Sensors::predicted_temperature_c(uint32_t channel, uint64_t now_ns) const {
  const Channel& ch = channels_.at(channel);
  return ch.source->peek_temperature_c(ch.index, now_ns);
}

double Sensors::channel_critical_c(uint32_t channel) const {
  const Channel& ch = channels_.at(channel);
  return ch.source->channel_critical_c(ch.index);
}

uint64_t Sensors::temperature_alerts() {
  alerting_.resize(channels_.size(), false);
  alert_reading_mc_.resize(channels_.size(), 0);
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  uint64_t mask = 0;
  for (uint32_t c = 0; c < channels_.size() && c < kAlertChannels; ++c) {
    const double t = predicted_temperature_c(c, now);
    const double critical = channel_critical_c(c);
    const bool alerting = alerting_[c] ? t > critical - kAlertHysteresisC : t >= critical;
    if (alerting != alerting_[c]) alert_reading_mc_[c] = millis(t);
    alerting_[c] = alerting;
    if (alerting) mask |= uint64_t{1} << c;
  }
  return mask;
}

double Sensors::channel_power_w(uint32_t channel) {
  const Channel& ch = channels_.at(channel);
  return ch.source->channel_power_w(ch.index);
}

double Sensors::board_power_w() {
  double total = fans_.power_w();
  for (uint32_t i = 0; i < channels_.size(); ++i) total += channel_power_w(i);
  return total;
}

void Sensors::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  regs_.transport(tx);
  delay += register_latency_;
}

CRASHTWIN_REGISTER_MODEL("sensors", std::nullopt, "board inlet, temperature and power sensors", Sensors);

}  // namespace crashtwin
