// The board: every model of the scenario's `board` subtree, wired through
// the host router, with the host firmware running on it through the Hal.
//
// Description (dotted names under the prefix, "board" by default):
//   board.seed            count    seed of every model's random stream
//   board.quantum         duration quantum of the host's quantum keeper
//   board.mmio_base       count    where devices without `base` are mapped
//   board.<name>.kind     text     model kind; defaults to <name> without
//                                  trailing digits ("disk0" -> "disk")
//   board.<name>.base     count    MMIO / memory base in the host map
//   board.<name>.*        the model's own parameters
// Instances `router`, `dram`, `dma`, `bmc`, `flash` and `cpu` (kind
// cpu_cluster, when registered) exist even when not listed; disks and NICs
// only when listed. Instances of a class are numbered in description order.
// Any key no model declared is rejected with its path and location.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include <systemc>

#include "models/bmc/drain_report.h"
#include "platform/monitor/workload_notice.h"
#include "models/config/params.h"
#include "models/core/irq.h"
#include "models/core/model.h"
#include "models/dma/dma_transfer.h"
#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/hal/firmware.h"
#include "platform/hal/hal.h"
#include "platform/region/dma_window.h"

namespace crashtwin {

class Router;
class Dram;
class DmaController;
class Bmc;
class Flash;
class TlmBus;
struct TlmBusTiming;
class RegisterHal;
class BoardMap;
struct RegisteredModel;
class HostFirmwareRunner;

// How the runner learns what happened without models knowing file formats.
// Callbacks run inside simulation processes; keep them short.
class BoardObserver {
 public:
  virtual void on_error_raised(const ErrorEvent& event) { (void)event; }
  virtual void on_alert(uint64_t t_ns, uint64_t code) { (void)t_ns, (void)code; }
  virtual void on_dma_transfer(const DmaTransfer& transfer) { (void)transfer; }
  virtual void on_bmc_report(const BmcDrainReport& report) { (void)report; }
  // Hal::log from the host firmware.
  virtual void on_firmware_log(uint64_t t_ns, LogLevel level, const char* message) {
    (void)t_ns, (void)level, (void)message;
  }

 protected:
  ~BoardObserver() = default;
};

// One entry of the host address map.
struct AddressRange {
  std::string target;  // instance name
  uint64_t base = 0;
  uint64_t size = 0;
};

class Board : public sc_core::sc_module {
 public:
  // Builds every model from `tree` under the prefix `name` (also the
  // module name). Throws ConfigError on unknown kinds, bad or unknown
  // parameters, overlapping address ranges.
  explicit Board(ParamTree& tree, sc_core::sc_module_name name = "board");
  // The same under the parameter prefix `prefix`: a process that builds
  // several boards names their modules apart while their parameters (and
  // messages about them) keep the scenario's `board.` names.
  Board(ParamTree& tree, sc_core::sc_module_name name, std::string prefix);
  ~Board() override;

  // The firmware's door to this board (valid from a simulation process):
  // the register-level drivers (platform/drivers/register_hal.h) on the
  // host CPU's bus, at the board's MMIO bases (its firmware BoardMap).
  Hal& host_hal();
  TlmBus& host_bus();
  // The host CPU's bus for the recovery after a crash (models/recovery):
  // a second initiator on the router, used from one simulation thread.
  TlmBus& recovery_bus();
  // Starts the host CPU's firmware thread: boot() at t=0, tick() at each
  // next_tick_ns(), handle_error() for every error the error interrupt
  // reports (status read from the device over TLM, then acknowledged).
  // Call once, before sc_start (the host CPU thread exists from
  // construction, named <board>.host_cpu).
  void run_firmware(Firmware& firmware);
  // The host's write of one line to the firmware's control entry (the
  // collector's procfs file): the firmware runs it on the host CPU thread.
  // The BMC's side of the channel is Bmc::send_command.
  void write_control(std::string line);
  // The kernel tells the firmware a workload started or stopped (its RMID,
  // platform/monitor/rdt_monitor.h); the firmware takes it on the host CPU.
  void notify_workload(const WorkloadNotice& notice);

  // Devices. cpu_cluster/disk/nic are the devices engineer's classes:
  // dynamic_cast to CpuCluster, Disk, Nic.
  Router& router();
  Dram& dram();
  DmaController& dma();
  Bmc& bmc();
  Flash& flash();
  Model* cpu_cluster();
  Model* disk(uint32_t index);
  Model* nic(uint32_t index);
  Model* find_model(std::string_view instance_name);
  std::vector<Model*> models() const;
  // The model and unit that represent a component instance, or nullptr.
  Model* model_of(ComponentId component, uint32_t& unit);
  // MMIO base of a model in the host map (0 if unmapped).
  uint64_t base_of(const Model& model) const;
  const std::vector<AddressRange>& address_map() const { return map_; }

  uint32_t component_count(ComponentClass cls) const;
  // NUMA (models/core/numa.h): nodes (one per socket, the DRAM's
  // numa_nodes) and the node a component sits on: a core's socket, a
  // DIMM's node, a disk's or NIC's `numa_node` parameter.
  uint32_t numa_nodes() const;
  uint32_t numa_node_of(ComponentId component) const;

  void add_observer(BoardObserver& observer);
  const std::vector<BoardObserver*>& observers() const { return observers_; }

  // Every interrupt line the board wired (devices' error lines, DMA channel
  // lines, the BMC's command line), with its name ("irq_dram",
  // "irq_dma_ch3", "irq_bmc_command"), for traces.
  std::vector<std::pair<std::string, const IrqLine*>> interrupt_lines() const;

  // Transactions the host router has carried (for perf.json).
  uint64_t transaction_count() const;

  // Warm reset: device registers back to reset values, DRAM contents kept
  // (firmware-assisted dump boots over the old memory).
  void warm_reset();

  // Failure injection: routes to the model that represents `component`.
  // Status::not_found for no such component, unsupported when the model
  // has no hook for `type`.
  Status inject_failure(ComponentId component, ErrorType type, uint64_t address = 0, uint64_t detail = 0);

  // Replaces the failure-model blob in the model ROM (bumps its generation).
  void update_model_blob(std::span<const std::byte> blob);

  // What host firmware grants the BMC for a crash region at [base, +size):
  // the DMA controller's address, the BMC's requester id and memory.
  BmcDmaGrant bmc_dma_grant(uint64_t region_base, uint64_t region_size) const;

  // The effective configuration of this board (every declared parameter,
  // defaults filled in, with descriptions).
  std::vector<EffectiveParam> effective_config() const;
  const ParamTree& params() const { return *tree_; }

  uint64_t seed() const { return seed_; }
  sc_core::sc_time quantum() const { return quantum_; }

  // Observers' fan-out, used by the models the board wires.
  void notify_error(const ErrorEvent& e);
  void notify_alert(uint64_t t_ns, uint64_t code);
  void notify_dma(const DmaTransfer& t);
  void notify_bmc_report(const BmcDrainReport& r);

 private:
  struct Instance;
  // What the description asks for, before anything is created.
  struct Plan {
    uint64_t mmio_base = 0;  // where devices without `base` are mapped
    struct Entry {
      std::string name;
      const RegisteredModel* kind = nullptr;
    };
    std::vector<Entry> instances;  // in construction order
  };
  // build runs the phases in order: plan, construct, map, wire (board.cpp
  // says what each guarantees).
  void build(std::string_view prefix);
  Plan plan(const ParamScope& scope);
  void construct(const Plan& plan, const ParamScope& scope);
  void map(const ParamScope& scope, uint64_t mmio_base);
  void wire();
  void wire_interrupts();
  void wire_bmc();
  void wire_host_cpu();
  void plan_firmware_map();
  TlmBusTiming host_bus_timing();
  ParamTree* tree_;
  std::string prefix_;
  uint64_t seed_ = 0;
  sc_core::sc_time quantum_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<AddressRange> map_;
  std::vector<std::unique_ptr<IrqLine>> irq_lines_;
  std::vector<std::unique_ptr<IrqLine>> dma_irq_lines_;
  uint32_t bmc_requester_ = 0;
  uint64_t bmc_memory_base_ = 0;
  std::vector<BoardObserver*> observers_;
  Router* router_ = nullptr;
  Dram* dram_ = nullptr;
  DmaController* dma_ = nullptr;
  Bmc* bmc_ = nullptr;
  Flash* flash_ = nullptr;
  std::unique_ptr<TlmBus> host_bus_;
  std::unique_ptr<BoardMap> host_map_;
  std::unique_ptr<RegisterHal> hal_;
  std::unique_ptr<TlmBus> recovery_bus_;
  std::unique_ptr<HostFirmwareRunner> firmware_runner_;
};

}  // namespace crashtwin
