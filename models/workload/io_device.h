// The common engine of queue-based devices (disk, nic): a device with one
// component unit whose I/O queue is solved analytically (io_queue.h) for the
// workload phase's I/O rate, with
//   - counters of completed commands, bytes, refused commands and errors
//     (timeouts, media errors, CRC errors) integrated between events with
//     Poisson noise from the device's stream,
//   - a latency gauge: EWMA (time constant latency_window) of the latency of
//     recent I/O, solved in closed form toward the queue's mean latency,
//   - an outstanding-commands gauge drawn from the queue's stationary law,
//   - a first-order thermal model driven by how busy the device is,
//   - a stall (a failed disk, a NIC whose link is down) during which nothing
//     completes, and
//   - a queue-state snapshot (QueueStateSnapshot layout below) in the unit's
//     state window.
// Disk and Nic map these onto their metrics and add their failure hooks.
//
// Common parameters (board.<name>.*): service_time, parallelism,
// queue_depth, command_timeout, latency_window, idle_power_w,
// active_power_w, thermal_resistance, thermal_time_constant,
// critical_temperature (the BMC's threshold: a disk's 70 C, a NIC's 100 C), noise,
// register_latency, workload.io_rate, workload.io_size, and one
// <error>_rate per error kind the device has.
//
// Queue-state snapshot, little-endian (kQueueStateHeaderBytes + 24 per entry):
//   0x00 magic "CTQS" u32, version u16, entry count u16
//   0x08 depth u32, parallelism u32
//   0x10 sq_head u32, sq_tail u32, cq_head u32, cq_tail u32
//   0x20 flags u64 (bit 0 stalled)
//   0x28 submitted, completed, refused, timeouts, media errors, crc errors u64
//   0x58 latency EWMA ns u64
//   0x60 entries, oldest first: command id u16, opcode u8 (1 write, 2 read),
//        reserved u8, length u32, address u64 (LBA / buffer), age ns u64
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/config/registry.h"
#include "models/core/component_unit.h"
#include "models/core/model.h"
#include "models/core/register.h"
#include "models/regs/register_blocks.h"
#include "models/core/rng.h"
#include "models/sensors/thermal_model.h"
#include "models/sensors/thermal_source.h"
#include "models/workload/io_queue.h"
#include "models/workload/rate_counter.h"
#include "models/workload/workload_phase.h"
#include "platform/core/status.h"

namespace crashtwin {

enum class IoError : uint8_t { timeout = 0, media = 1, crc = 2 };
inline constexpr size_t kIoErrorKinds = 3;
const char* to_string(IoError e);

inline constexpr uint32_t kQueueStateMagic = 0x53515443;  // "CTQS"
inline constexpr uint16_t kQueueStateVersion = 1;
inline constexpr size_t kQueueStateHeaderBytes = 0x60;
inline constexpr size_t kQueueStateEntryBytes = 24;
inline constexpr size_t kQueueStateMaxEntries = 64;

// Defaults a device kind gives its common parameters.
struct IoDeviceDefaults {
  uint64_t service_time_ns = 100'000;
  uint64_t parallelism = 4;
  uint64_t queue_depth = 64;
  uint64_t command_timeout_ns = 30'000'000'000ull;
  uint64_t latency_window_ns = 1'000'000'000;
  double idle_power_w = 2.0;
  double active_power_w = 8.0;
  double thermal_resistance = 3.0;
  double critical_temperature_c = 60.0;
  uint64_t thermal_time_constant_ns = 60'000'000'000ull;
  double io_rate = 0.0;
  uint64_t io_size = 4096;
  std::array<bool, kIoErrorKinds> has_error{};
  uint64_t address_limit = 1ull << 30;  // commands address [0, limit): LBAs, ring buffers
  uint64_t write_bandwidth_bytes_per_s = 200'000'000;
};

class IoDevice : public Model, public ThermalSource {
 public:
  tlm_utils::simple_target_socket<IoDevice> in;
  IrqOut irq;

  ~IoDevice() override;

  // Injector side; invalid_argument for a bad phase, a negative or
  // non-finite value; unsupported for an error kind the device does not have.
  Status set_phase(const WorkloadPhase& phase);
  // Precursor: every command takes this much longer in service.
  Status set_latency_offset(uint64_t extra_ns);
  // Precursor: errors of a kind arrive at this rate (replaces the parameter).
  Status set_error_rate(IoError kind, double per_second);

  // Present values (advanced to the current simulated time).
  const IoQueueState& queue() const { return queue_.state(); }
  double latency_ewma_s();
  uint64_t completed();
  uint64_t refused();
  uint64_t errors(IoError kind);
  bool stalled() const { return stalled_; }

  // A bulk write by the host while its workload is down (a crash dump
  // written by the capture kernel): from a SystemC thread, waits the
  // command's service time (service_time + any latency precursor + bytes /
  // write_bandwidth) and returns true, or, on a stalled device, waits
  // command_timeout and returns false (the command timed out). The device
  // has the host to itself: the workload that queued behind it is down.
  bool bulk_write(uint64_t bytes);
  uint64_t write_bandwidth() const;  // bytes/s
  uint64_t bulk_bytes_written() const { return bulk_bytes_; }
  uint64_t bulk_timeouts() const { return bulk_timeouts_; }

  // Model
  TargetSocket* mmio_target() override { return &in; }
  uint64_t mmio_size() const override;
  uint32_t component_units() const override { return 1; }
  IrqOut* error_irq() override { return &irq; }
  void warm_reset() override;

  // ThermalSource
  uint32_t thermal_channels() const override { return 1; }
  std::string thermal_channel_name(uint32_t) const override { return {}; }  // the device itself
  double channel_temperature_c(uint32_t channel) override;
  double channel_power_w(uint32_t channel) override;
  double channel_critical_c(uint32_t) const override { return critical_c_; }
  double peek_temperature_c(uint32_t, uint64_t now_ns) const override {
    return thermal_.temperature_after(now_ns > last_ns_ ? static_cast<double>(now_ns - last_ns_) * 1e-9 : 0.0);
  }
  void set_inlet_temperature(double celsius) override;
  void settle_thermal() override;
  void set_airflow(double airflow_fraction) override;

 protected:
  IoDevice(sc_core::sc_module_name name, const ModelContext& context, ComponentClass cls,
           const IoDeviceDefaults& defaults);

  // Brings every counter, gauge and temperature to `now_ns`.
  void advance_to(uint64_t now_ns);
  uint64_t now_ns() const;
  // Latches an error in the unit and raises the irq.
  void raise(ErrorType type, uint64_t address, uint64_t detail);
  // A stalled device completes nothing: `refuse` = arrivals are refused (a
  // NIC drops them), otherwise they time out after command_timeout (a disk).
  void set_stalled(bool stalled, bool refuse);
  // Ends a stall at `at_ns` (a link flap); kNever cancels.
  void schedule_unstall(uint64_t at_ns);
  // Discrete errors on top of the rates (an injected media error).
  void add_errors(IoError kind, uint64_t count);
  // The device's own extra service time per command (a degrading drive
  // rereading marginal sectors), on top of a precursor's latency offset.
  void set_own_latency(uint64_t extra_ns);
  // A command of the current queue as the snapshot shows it (for syndromes).
  uint64_t oldest_command_address();

  // Metric register values of the device's class.
  virtual uint64_t metric(Metric m) = 0;

  double temperature_c() const { return thermal_.temperature(); }
  double bytes_moved() const { return static_cast<double>(bytes_.value()); }
  uint64_t bytes_counter() const { return bytes_.value(); }
  uint64_t outstanding_sample() const { return outstanding_sample_; }
  double latency_sample_s() const { return latency_sample_s_; }
  const ComponentId& component() const { return component_; }
  uint64_t command_timeout_ns() const;

  static constexpr uint64_t kNever = ~0ull;

 private:
  struct Params;
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  // Registers as of the device's last update (a debug read does not advance
  // its queues: that would draw from its random stream outside the run).
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return regs_.debug_transport(tx); }
  void resolve();
  void on_unstall();
  void update_irq();
  size_t encode_queue_state(std::span<std::byte> out);

  std::unique_ptr<Params> params_;
  ComponentId component_;
  IoDeviceDefaults defaults_;
  RegisterBank regs_;
  std::unique_ptr<regs::IoDeviceRegisters> device_regs_;  // the register map's io_device block
  std::unique_ptr<ComponentUnit> unit_;
  RngStream rng_;
  IoQueue queue_;
  WorkloadPhase phase_{};
  uint64_t latency_offset_ns_ = 0;  // a precursor's
  uint64_t own_latency_ns_ = 0;     // the device's (set_own_latency)
  std::array<double, kIoErrorKinds> error_rate_{};
  bool stalled_ = false;
  bool refuse_when_stalled_ = false;
  RateCounter completed_;
  RateCounter bytes_;
  RateCounter refused_;
  std::array<RateCounter, kIoErrorKinds> errors_;
  ThermalModel thermal_;
  double critical_c_ = 0.0;
  double latency_ewma_s_ = 0.0;
  double latency_target_s_ = 0.0;
  double latency_sample_s_ = 0.0;
  uint64_t outstanding_sample_ = 0;
  uint64_t last_ns_ = 0;
  uint64_t submitted_offset_ = 0;
  uint64_t bulk_bytes_ = 0;
  uint64_t bulk_timeouts_ = 0;  // command ids continue across snapshots
  sc_core::sc_event unstall_event_;
  sc_core::sc_event irq_event_;
};

}  // namespace crashtwin
