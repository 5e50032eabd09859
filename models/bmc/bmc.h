// BMC: the baseboard management controller. It has its own memory (a small
// DRAM instance, mapped on the host bus so the DMA controller can write
// into it), a firmware thread and a mailbox the host writes to raise the
// crash alert. It holds no privilege of its own: host firmware grants it
// DMA windows in the DMA controller's locked window table (the crash region
// read-only, its own memory write-only). On an alert it reads its requester
// id and that table to learn where the crash region is, DMAs the header
// area, decodes the partition table, DMAs the used bytes of each slice over
// its link on its own channel, decodes the records with the platform reader
// (platform/region/crash_dump_reader.h, the code a real BMC would link) and
// publishes a BmcDrainReport naming the failed component and error type. A
// slice it could not read is reported, never decoded.
//
// Timing: the alert waits alert_latency; each DMA runs at link_bandwidth
// (the DMA controller's accounting); the BMC's reads of its own memory cost
// the DMI grant's latency plus the bytes at the memory's bandwidth per
// access: the header area's read is waited before the slices' DMA, the
// slices' reads are part of the decode, inside report_time (see drain()).
//
// Sensors: with the board's sensors block on its sensor bus (the board binds
// it), the BMC polls FANS_STOPPED and TEMP_ALERTS every sensor_poll_period
// and logs each fan it sees stop and each sensor channel crossing its
// critical temperature, going high or low with the reading and the
// threshold (event_log(): the SEL, as IPMI's threshold sensors log); a
// thermal shutdown's report names the events before it (related_events).
// A board without fans or sensor channels is read once and not polled.
//
// Predictive failures: the host firmware writes PFA each time a component's
// alarm asserts or deasserts (platform/core/bmc_alert.h); the BMC logs it
// (IPMI's generic predictive-failure event) and a failure's report names
// the component's predictive-failure events before it and whether its
// alarm was up at the alert (alarm_asserted_t_ns). A host warm reset
// clears the alarms it holds up.
//
// Parameters: link_bandwidth, alert_latency, report_time, sensor_poll_period
//   (10 s; 0 s: no polling), memory.* (its DRAM)
// Sockets: in (mailbox registers), dma_out (to the DMA controller's
//   registers), dma_irq (completion interrupt of its DMA channel), mem (the
//   BMC CPU's port into its own memory: it reads what the DMA landed there
//   through it, by DMI where the memory grants it; the host bus reaches the
//   same memory through the memory's other port)
// Registers: the register map's `bmc` block (docs/registers.md): MAILBOX
//   (a write raises the alert with that code), STATE, REPORTS, PFA, and the
//   command mailbox of the control channel's BMC side (CMD_STATUS,
//   CMD_LENGTH, CMD_RESULT, the CMD_DATA window). The command interrupt line
//   (command_irq) is high while a line waits; send_command queues lines and
//   presents them one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/bmc/drain_report.h"
#include "models/config/registry.h"
#include "models/core/model.h"
#include "models/core/register.h"
#include "models/dram/dram.h"
#include "models/regs/register_blocks.h"

namespace crashtwin {

namespace bmc_regs {
// The register map's bmc block (platform/regs/crashtwin_regs.h).
inline constexpr uint64_t kMailbox = CT_BMC_MAILBOX, kState = CT_BMC_STATE, kReports = CT_BMC_REPORTS;
inline constexpr uint64_t kCommandStatus = CT_BMC_CMD_STATUS, kCommandLength = CT_BMC_CMD_LENGTH,
                          kCommandResult = CT_BMC_CMD_RESULT;
inline constexpr uint64_t kCommandData = CT_BMC_CMD_DATA, kCommandDataBytes = CT_BMC_CMD_DATA_SIZE;
inline constexpr uint64_t kCommandPending = CT_BMC_CMD_STATUS_PENDING_MASK;
}

class Bmc : public Model {
 public:
  tlm_utils::simple_target_socket<Bmc> in;
  tlm_utils::simple_initiator_socket<Bmc> dma_out;
  IrqIn dma_irq;
  tlm_utils::simple_initiator_socket<Bmc> mem;
  // Its own bus to the sensors block (bound when the board has one).
  tlm_utils::simple_initiator_socket_optional<Bmc> sensor_bus;

  SC_HAS_PROCESS(Bmc);
  Bmc(sc_core::sc_module_name name, const ModelContext& context);

  std::vector<MmioRegion> mmio_regions() override;
  void warm_reset() override;

  // Wiring done by the board: the DMA channel whose interrupt line reaches
  // the BMC, and where its memory sits in the host map.
  void attach_dma(uint32_t channel, uint64_t memory_base_in_host_map);
  double link_bandwidth() const { return link_bandwidth_; }

  const std::vector<BmcDrainReport>& reports() const { return reports_; }
  // The board bound sensor_bus to its sensors block; `channel_name` names
  // sensor channel i in the event log (the board's sensor data records, as
  // a BMC firmware is built with its board's SDR).
  void attach_sensors(std::function<std::string(uint32_t)> channel_name) {
    sensors_attached_ = true;
    channel_name_ = std::move(channel_name);
  }
  const std::vector<BmcLogEntry>& event_log() const { return event_log_; }
  std::function<void(uint64_t t_ns, uint64_t code)> on_alert;
  std::function<void(const BmcDrainReport&)> on_report;

  Dram& memory() { return *memory_; }

  // Queues one command line for the host firmware (the operator's console):
  // presented in the command mailbox in order, one at a time. Any process.
  void send_command(std::string line);
  // High while a line waits in the mailbox (the board wires it to the host CPU).
  const IrqLine& command_irq() const { return command_irq_; }
  struct SentCommand {
    std::string line;
    uint64_t sent_t_ns = 0;
    bool taken = false;    // the host acknowledged it
    uint64_t taken_t_ns = 0;
    uint64_t result = 0;   // CMD_RESULT as the host left it (a Status code)
  };
  const std::vector<SentCommand>& commands() const { return commands_; }

 private:
  void mailbox_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned mailbox_transport_dbg(tlm::tlm_generic_payload& tx) { return regs_.debug_transport(tx); }
  void firmware_thread();
  void sensor_poll_thread();
  uint64_t read_sensor(uint64_t address);
  BmcDrainReport drain(uint64_t code);
  // Waits out the report time (or the decode's reads of BMC memory, if they
  // take longer: report_time is the decode's budget and covers them) and
  // stamps the report.
  void finish_report(BmcDrainReport& report, sc_core::sc_time decode_reads = sc_core::SC_ZERO_TIME);
  // A PFA write: the host firmware's predictive-failure alarm change, logged.
  void log_predictive_failure(uint64_t value);
  // Reads [offset, +out.size()) of the BMC's memory through `mem`: DMI
  // where the memory grants it, b_transport where it does not. `cost` gets
  // what the reads take (per access: the grant's read latency plus the bytes
  // at the memory's bandwidth, as the Hal charges DMI). False on a bus error.
  bool read_memory(uint64_t offset, std::span<std::byte> out, sc_core::sc_time& cost);
  void invalidate_memory_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
  // read_memory of drained bytes; a failure is a diagnostic in `report`.
  bool read_drained(uint64_t offset, std::span<std::byte> out, sc_core::sc_time& cost, BmcDrainReport& report);
  // Programs channel `channel` to copy [src, src + bytes) into BMC memory at
  // `dst_offset`; returns when it completes. False when refused / failed.
  bool dma_copy(uint64_t src, uint64_t dst_offset, uint64_t bytes, BmcDrainReport& report);
  uint64_t register_access(tlm::tlm_command cmd, uint64_t address, uint64_t value);
  void write_reg(uint64_t address, uint64_t value);
  uint64_t read_reg(uint64_t address);

  // The crash region as the window table grants it: false with a
  // diagnostic in `report` when there is no usable read window.
  bool find_granted_region(uint64_t& base, uint64_t& size, BmcDrainReport& report);

  double link_bandwidth_;
  sc_core::sc_time register_latency_;  // one access to the mailbox registers
  sc_core::sc_time alert_latency_;
  sc_core::sc_time report_time_;
  sc_core::sc_time sensor_poll_period_;
  bool sensors_attached_ = false;
  std::function<std::string(uint32_t)> channel_name_;
  std::vector<BmcLogEntry> event_log_;
  // When the access being served arrives (the kernel's time plus the delay
  // the initiator passed; the host's bus passes none, so up to a quantum
  // behind the firmware's clock): what a register hook stamps.
  sc_core::sc_time access_time_;
  // Components whose predictive-failure alarm is up, with when it asserted;
  // a host reset clears them (the rebooted firmware starts with none).
  std::vector<std::pair<ComponentId, uint64_t>> alarms_up_;
  tlm::tlm_generic_payload sensor_tx_;
  std::unique_ptr<Dram> memory_;
  // The BMC's own memory controller: its error line and register port stay
  // local to the BMC (the host never sees them).
  IrqLine memory_irq_{"memory_irq"};
  tlm_utils::simple_initiator_socket<Bmc> memory_ctrl_{"memory_ctrl"};
  RegisterBank regs_;
  regs::BmcRegisters mailbox_regs_{regs_, CT_BMC_REGS, ""};
  bool dma_attached_ = false;
  uint32_t dma_channel_ = 0;
  uint64_t memory_base_ = 0;
  struct PendingAlert {
    uint64_t code = 0;
    sc_core::sc_time due;  // written + alert_latency
  };
  std::vector<PendingAlert> pending_alerts_;
  sc_core::sc_event alert_event_;
  bool draining_ = false;
  // The command mailbox: every line sent, the one presented, its interrupt.
  void present_next_command();
  void drive_command_irq();
  std::vector<SentCommand> commands_;
  size_t presented_ = 0;  // index into commands_ of the line in the mailbox (== size: none)
  IrqLine command_irq_{"command_irq"};
  sc_core::sc_event command_irq_update_;
  std::vector<BmcDrainReport> reports_;
  tlm::tlm_generic_payload tx_;
  // The last DMI grant of the BMC's memory (valid until invalidated).
  tlm::tlm_dmi memory_dmi_;
  bool memory_dmi_valid_ = false;
  tlm::tlm_generic_payload memory_tx_;
};

}  // namespace crashtwin
