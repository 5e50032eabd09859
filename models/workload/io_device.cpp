#include "models/workload/io_device.h"

#include <algorithm>
#include <cmath>

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"
#include "models/sensors/fans.h"
#include "models/workload/noise.h"
#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

constexpr const char* kErrorNames[kIoErrorKinds] = {"timeout", "media_error", "crc_error"};
constexpr uint64_t kStalledFlag = 1;
constexpr uint8_t kOpWrite = 1;
constexpr uint8_t kOpRead = 2;

void put(std::span<std::byte> out, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
}

}  // namespace

const char* to_string(IoError e) { return kErrorNames[static_cast<size_t>(e)]; }

struct IoDevice::Params {
  Params(const ParamScope& p, const IoDeviceDefaults& d)
      : service_time(p, "service_time", ParamKind::duration, ns(d.service_time_ns), "mean service time of one command",
                     ns(1)),
        parallelism(p, "parallelism", ParamKind::count, d.parallelism, "commands in service at once", 1, 4096),
        queue_depth(p, "queue_depth", ParamKind::count, d.queue_depth, "commands outstanding at most", 1, 65535),
        command_timeout(p, "command_timeout", ParamKind::duration, ns(d.command_timeout_ns),
                        "a command not completed by then times out", ns(1)),
        latency_window(p, "latency_window", ParamKind::duration, ns(d.latency_window_ns),
                       "time constant of the latency gauge's moving average", ns(1)),
        idle_power_w(p, "idle_power_w", ParamKind::real, d.idle_power_w, "power when idle, W", 0.0, 1000.0),
        active_power_w(p, "active_power_w", ParamKind::real, d.active_power_w, "power when fully busy, W", 0.0,
                       1000.0),
        thermal_resistance(p, "thermal_resistance", ParamKind::real, d.thermal_resistance,
                           "thermal resistance to the air, degrees C per W", 1e-3, 1e3),
        thermal_time_constant(p, "thermal_time_constant", ParamKind::duration, ns(d.thermal_time_constant_ns),
                              "first-order thermal time constant", ns(1'000'000)),
        critical_temperature(p, "critical_temperature", ParamKind::temperature, d.critical_temperature_c,
                             "its upper critical temperature (the BMC's threshold)", -50.0, 200.0),
        noise(p, "noise", ParamKind::boolean, true, "noise on counters and gauges (false: exact means)"),
        register_latency(p, "register_latency", ParamKind::duration, ns(200), "simulated cost of one MMIO access"),
        io_rate(p.sub("workload"), "io_rate", ParamKind::rate, d.io_rate, "commands submitted per second at power-on",
                0.0, 1e9),
        io_size(p.sub("workload"), "io_size", ParamKind::size, d.io_size, "bytes per command at power-on", 1,
                1ull << 30),
        write_bandwidth(p, "write_bandwidth", ParamKind::bandwidth, static_cast<double>(d.write_bandwidth_bytes_per_s),
                        "sequential write bandwidth of a bulk host write (a crash dump)", 1.0, 1e15) {
    for (size_t k = 0; k < kIoErrorKinds; ++k)
      if (d.has_error[k])
        error_rate[k] = std::make_unique<param<double>>(p, std::string(kErrorNames[k]) + "_rate", ParamKind::rate, 0.0,
                                                        std::string(kErrorNames[k]) + "s per second, healthy", 0.0,
                                                        1e9);
  }

  param<sc_core::sc_time> service_time;
  param<uint64_t> parallelism;
  param<uint64_t> queue_depth;
  param<sc_core::sc_time> command_timeout;
  param<sc_core::sc_time> latency_window;
  param<double> idle_power_w;
  param<double> active_power_w;
  param<double> thermal_resistance;
  param<sc_core::sc_time> thermal_time_constant;
  param<double> critical_temperature;
  param<bool> noise;
  param<sc_core::sc_time> register_latency;
  param<double> io_rate;
  param<uint64_t> io_size;
  param<double> write_bandwidth;
  std::array<std::unique_ptr<param<double>>, kIoErrorKinds> error_rate;
};

IoDevice::IoDevice(sc_core::sc_module_name name, const ModelContext& context, ComponentClass cls,
                   const IoDeviceDefaults& defaults)
    : Model(name),
      in("in"),
      irq("irq"),
      params_(std::make_unique<Params>(context.params, defaults)),
      component_{cls, static_cast<uint16_t>(context.first_instance)},
      defaults_(defaults),
      regs_(std::string(basename()) + ".regs"),
      rng_(context.board_seed, this->name()) {
  const Params& p = *params_;
  if (p.queue_depth < p.parallelism) context.params.fail("queue_depth", "must not be below parallelism");
  if (p.active_power_w < p.idle_power_w) context.params.fail("active_power_w", "must not be below idle_power_w");
  queue_.configure({static_cast<double>(to_ns(p.service_time)) * 1e-9, static_cast<uint32_t>(p.parallelism.value()),
                    static_cast<uint32_t>(p.queue_depth.value())});
  thermal_ = ThermalModel({p.thermal_resistance, static_cast<double>(to_ns(p.thermal_time_constant)) * 1e-9},
                          kDefaultInletC, kDefaultInletC);
  critical_c_ = p.critical_temperature;
  phase_.io_rate = p.io_rate;
  phase_.io_bytes = p.io_size;
  for (size_t k = 0; k < kIoErrorKinds; ++k) error_rate_[k] = p.error_rate[k] ? p.error_rate[k]->value() : 0.0;

  static_assert(CT_DISK_IO_DEVICE == CT_NIC_IO_DEVICE, "disks and NICs place their registers alike");
  device_regs_ = std::make_unique<regs::IoDeviceRegisters>(
      regs_, CT_DISK_IO_DEVICE, "",
      regs::IoDeviceRegisters::BoardReset{.queue_depth = p.queue_depth, .parallelism = p.parallelism});
  unit_ = std::make_unique<ComponentUnit>(
      regs_, component_, 0, StateKind::queue_state, [this](Metric m) { return metric(m); },
      [this](std::span<std::byte> out) { return encode_queue_state(out); },
      [this](bool) { irq_event_.notify(sc_core::SC_ZERO_TIME); });

  resolve();
  latency_ewma_s_ = latency_sample_s_ = latency_target_s_;
  outstanding_sample_ = static_cast<uint64_t>(std::llround(queue_.state().mean_outstanding));

  in.register_b_transport(this, &IoDevice::b_transport);
  in.register_transport_dbg(this, &IoDevice::transport_dbg);
  SC_HAS_PROCESS(IoDevice);
  SC_METHOD(update_irq);
  sensitive << irq_event_;
  SC_METHOD(on_unstall);
  sensitive << unstall_event_;
  dont_initialize();
}

IoDevice::~IoDevice() = default;

uint64_t IoDevice::mmio_size() const { return device_layout::device_size(1); }
uint64_t IoDevice::now_ns() const { return to_ns(sc_core::sc_time_stamp()); }
uint64_t IoDevice::command_timeout_ns() const { return to_ns(params_->command_timeout); }
uint64_t IoDevice::write_bandwidth() const {
  return static_cast<uint64_t>(std::llround(params_->write_bandwidth.value()));
}

bool IoDevice::bulk_write(uint64_t bytes) {
  __extension__ typedef unsigned __int128 u128;  // GCC/Clang builtin: exact bytes * 1e9
  if (stalled_) {
    // Nothing completes: the command times out, as the host's driver sees it.
    wait(params_->command_timeout.value());
    ++bulk_timeouts_;
    return false;
  }
  const uint64_t bandwidth = write_bandwidth();
  const uint64_t ns = to_ns(params_->service_time) + latency_offset_ns_ + own_latency_ns_ +
                      static_cast<uint64_t>((static_cast<u128>(bytes) * 1'000'000'000 + bandwidth - 1) / bandwidth);
  wait(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
  if (stalled_) {  // failed while the command was in service
    ++bulk_timeouts_;
    return false;
  }
  bulk_bytes_ += bytes;
  return true;
}

// Rates and targets from the phase, the precursors and the stall.
void IoDevice::resolve() {
  const Params& p = *params_;
  const double arrival = phase_.io_rate;
  double timeout_extra = 0.0;
  double busy = 0.0;
  if (!stalled_) {
    queue_.solve(arrival, static_cast<double>(latency_offset_ns_ + own_latency_ns_) * 1e-9);
    const IoQueueState& q = queue_.state();
    completed_.set_rate(q.throughput);
    bytes_.set_rate(q.throughput * static_cast<double>(phase_.io_bytes));
    refused_.set_rate(q.refused_rate);
    latency_target_s_ = q.mean_latency_s;
    busy = q.busy_fraction;
  } else {
    completed_.set_rate(0.0);
    bytes_.set_rate(0.0);
    const double timeout_s = static_cast<double>(to_ns(p.command_timeout)) * 1e-9;
    if (refuse_when_stalled_) {
      refused_.set_rate(arrival);
      latency_target_s_ = latency_ewma_s_;  // nothing completes: the gauge holds
    } else {
      // A full queue of commands times out every command_timeout; the host
      // cannot submit faster than that.
      refused_.set_rate(0.0);
      timeout_extra = std::min(arrival, static_cast<double>(p.queue_depth.value()) / timeout_s);
      latency_target_s_ = timeout_s;
    }
  }
  for (size_t k = 0; k < kIoErrorKinds; ++k)
    errors_[k].set_rate(error_rate_[k] + (k == static_cast<size_t>(IoError::timeout) ? timeout_extra : 0.0));
  thermal_.set_power(p.idle_power_w + (p.active_power_w - p.idle_power_w) * busy);
}

void IoDevice::advance_to(uint64_t now) {
  if (now <= last_ns_) return;
  const double dt = static_cast<double>(now - last_ns_) * 1e-9;
  last_ns_ = now;
  RngStream* noise = params_->noise ? &rng_ : nullptr;
  completed_.advance(dt, noise);
  bytes_.advance(dt, noise);
  refused_.advance(dt, noise);
  for (auto& e : errors_) e.advance(dt, noise);
  thermal_.advance(dt);
  const double window = static_cast<double>(to_ns(params_->latency_window)) * 1e-9;
  latency_ewma_s_ = latency_target_s_ + (latency_ewma_s_ - latency_target_s_) * exact::exp(-dt / window);

  // What the firmware samples: the queue length is a draw from its
  // stationary law; the gauge averages ~throughput*window commands, so its
  // sampling error shrinks with their square root.
  const IoQueueState& q = queue_.state();
  if (stalled_) {
    outstanding_sample_ = refuse_when_stalled_ ? 0 : params_->queue_depth.value();
    latency_sample_s_ = latency_ewma_s_;
  } else if (noise != nullptr) {
    outstanding_sample_ = queue_.sample_outstanding(rng_);
    const double commands = std::max(1.0, q.throughput * window);
    latency_sample_s_ = latency_ewma_s_ * std::max(0.0, 1.0 + draw_normal(rng_) / std::sqrt(commands));
  } else {
    outstanding_sample_ = static_cast<uint64_t>(std::llround(q.mean_outstanding));
    latency_sample_s_ = latency_ewma_s_;
  }
}

Status IoDevice::set_phase(const WorkloadPhase& phase) {
  if (phase_error(phase) != nullptr) return Status::invalid_argument;
  advance_to(now_ns());
  phase_ = phase;
  resolve();
  return Status::ok;
}

Status IoDevice::set_latency_offset(uint64_t extra_ns) {
  advance_to(now_ns());
  latency_offset_ns_ = extra_ns;
  resolve();
  return Status::ok;
}

void IoDevice::set_own_latency(uint64_t extra_ns) {
  advance_to(now_ns());
  own_latency_ns_ = extra_ns;
  resolve();
}

Status IoDevice::set_error_rate(IoError kind, double per_second) {
  if (!std::isfinite(per_second) || per_second < 0.0) return Status::invalid_argument;
  if (!defaults_.has_error[static_cast<size_t>(kind)]) return Status::unsupported;
  advance_to(now_ns());
  error_rate_[static_cast<size_t>(kind)] = per_second;
  resolve();
  return Status::ok;
}

double IoDevice::latency_ewma_s() {
  advance_to(now_ns());
  return latency_ewma_s_;
}
uint64_t IoDevice::completed() {
  advance_to(now_ns());
  return completed_.value();
}
uint64_t IoDevice::refused() {
  advance_to(now_ns());
  return refused_.value();
}
uint64_t IoDevice::errors(IoError kind) {
  advance_to(now_ns());
  return errors_[static_cast<size_t>(kind)].value();
}

void IoDevice::add_errors(IoError kind, uint64_t count) {
  advance_to(now_ns());
  errors_[static_cast<size_t>(kind)].add(count);
}

void IoDevice::set_stalled(bool stalled, bool refuse) {
  advance_to(now_ns());
  stalled_ = stalled;
  refuse_when_stalled_ = refuse;
  resolve();
}

void IoDevice::schedule_unstall(uint64_t at_ns) {
  unstall_event_.cancel();
  if (at_ns == kNever) return;
  const uint64_t now = now_ns();
  unstall_event_.notify(ns(at_ns > now ? at_ns - now : 0));
}

void IoDevice::on_unstall() { set_stalled(false, false); }

void IoDevice::raise(ErrorType type, uint64_t address, uint64_t detail) {
  ErrorEvent event;
  event.component = component_;
  event.type = type;
  event.time_ns = now_ns();
  event.address = address;
  event.detail = detail;
  unit_->raise(event);
}

void IoDevice::update_irq() { irq.write(unit_->pending()); }

uint64_t IoDevice::oldest_command_address() {
  // Commands address whole 4 KiB units (an LBA of 8 sectors, a ring slot).
  return rng_.below(std::max<uint64_t>(defaults_.address_limit / 8, 1)) * 8;
}

void IoDevice::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  advance_to(to_ns(sc_core::sc_time_stamp() + delay));
  regs_.transport(tx);
  delay += params_->register_latency;
}

size_t IoDevice::encode_queue_state(std::span<std::byte> out) {
  const uint32_t depth = static_cast<uint32_t>(params_->queue_depth.value());
  const uint64_t outstanding = outstanding_sample_;
  const size_t entries = std::min<uint64_t>(outstanding, kQueueStateMaxEntries);
  const size_t length = kQueueStateHeaderBytes + entries * kQueueStateEntryBytes;
  if (out.size() < length) return 0;
  const uint64_t completed = completed_.value();
  const uint64_t submitted = completed + errors_[0].value() + outstanding;
  put(out, 0x00, kQueueStateMagic, 4);
  put(out, 0x04, kQueueStateVersion, 2);
  put(out, 0x06, entries, 2);
  put(out, 0x08, depth, 4);
  put(out, 0x0C, params_->parallelism.value(), 4);
  // The device has fetched every command but the outstanding ones; the host
  // has consumed every completion.
  put(out, 0x10, (submitted - outstanding) % depth, 4);
  put(out, 0x14, submitted % depth, 4);
  put(out, 0x18, completed % depth, 4);
  put(out, 0x1C, completed % depth, 4);
  put(out, 0x20, stalled_ ? kStalledFlag : 0, 8);
  put(out, 0x28, submitted, 8);
  put(out, 0x30, completed, 8);
  put(out, 0x38, refused_.value(), 8);
  for (size_t k = 0; k < kIoErrorKinds; ++k) put(out, 0x40 + 8 * k, errors_[k].value(), 8);
  put(out, 0x58, static_cast<uint64_t>(std::llround(latency_sample_s_ * 1e9)), 8);
  // Oldest first, ages spread evenly over the mean time in the queue.
  const double span_ns = latency_sample_s_ * 1e9;
  for (size_t j = 0; j < entries; ++j) {
    const size_t at = kQueueStateHeaderBytes + j * kQueueStateEntryBytes;
    put(out, at + 0, (submitted - outstanding + j) & 0xFFFF, 2);
    put(out, at + 2, rng_.bernoulli(0.3) ? kOpWrite : kOpRead, 1);
    put(out, at + 3, 0, 1);
    put(out, at + 4, phase_.io_bytes, 4);
    put(out, at + 8, oldest_command_address(), 8);
    put(out, at + 16, static_cast<uint64_t>(span_ns * static_cast<double>(entries - j) / static_cast<double>(entries)),
        8);
  }
  return length;
}

void IoDevice::warm_reset() {
  advance_to(now_ns());
  regs_.reset();
  stalled_ = false;
  unstall_event_.cancel();
  resolve();
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

double IoDevice::channel_temperature_c(uint32_t) {
  advance_to(now_ns());
  return thermal_.temperature();
}
double IoDevice::channel_power_w(uint32_t) { return thermal_.power(); }
void IoDevice::settle_thermal() {
  advance_to(now_ns());
  thermal_.settle();
}

void IoDevice::set_airflow(double airflow_fraction) {
  advance_to(now_ns());
  thermal_.set_resistance_factor(FanBank::resistance_factor(airflow_fraction));
}

void IoDevice::set_inlet_temperature(double celsius) {
  advance_to(now_ns());
  thermal_.set_ambient(celsius);
}

}  // namespace crashtwin
