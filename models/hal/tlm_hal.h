// The firmware's Hal over TLM: every call becomes transactions on the host
// bus (metric and state registers of the device that represents the
// component, DRAM through DMI where granted, the BMC mailbox, the model
// ROM), timed with a quantum keeper. Calls made from a SystemC thread
// synchronise when the quantum is used up; now_ns() includes the keeper's
// local offset, so firmware sees its own accesses cost time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/numa.h"
#include "platform/hal/hal.h"

namespace crashtwin {

// What the Hal needs to know of the board (ACPI-table facts).
struct HalPlatform {
  // MMIO base of the unit that represents `component`; false if none.
  std::function<bool(ComponentId component, uint64_t& unit_base)> locate;
  std::function<uint32_t(ComponentClass cls)> component_count;
  uint64_t bmc_mailbox = 0;   // physical address of the BMC MAILBOX register
  uint64_t flash_base = 0;    // physical base of the model ROM
  // Time to move n bytes between memory and the host on top of a DMI
  // grant's per-access latency.
  std::function<sc_core::sc_time(uint64_t bytes)> memory_transfer_time;
  std::function<void(LogLevel, const char*)> log_sink;
};

class TlmHal : public sc_core::sc_module, public Hal {
 public:
  tlm_utils::simple_initiator_socket<TlmHal> out;

  TlmHal(sc_core::sc_module_name name, sc_core::sc_time quantum, HalPlatform platform);
  ~TlmHal() override;

  uint64_t now_ns() override;
  uint32_t component_count(ComponentClass cls) override;
  Status read_metric(ComponentId component, Metric metric, uint64_t& value) override;
  Status read_state(ComponentId component, StateKind kind, std::span<std::byte> out_bytes, size_t& length) override;
  Status phys_read(uint64_t address, std::span<std::byte> out_bytes) override;
  Status phys_write(uint64_t address, std::span<const std::byte> data) override;
  void alert_bmc(uint64_t code) override;
  Status load_model_blob(std::span<std::byte> buffer, size_t& length) override;
  void log(LogLevel level, const char* message) override;
  Status read_core_tick(ComponentId cpu, CoreTickReading& reading) override;
  Status read_monitoring_capabilities(rdt::Capabilities& caps) override;
  Status write_core_rmid(uint32_t core, uint32_t rmid) override;
  Status read_monitoring_counter(uint64_t event_select, uint64_t& counter) override;

  // Register access by physical address (the firmware runner's error
  // handler uses these for the error status block).
  Status read64(uint64_t address, uint64_t& value);
  Status write64(uint64_t address, uint64_t value);

  // The socket the host CPU runs the firmware on from now on (a handler
  // runs where its interrupt is delivered: on the failed component's
  // socket). Its memory accesses are charged from there (the router's
  // remote latency); DMI grants are kept per socket for that reason.
  void set_numa_node(uint32_t node) { origin_.node = node; }
  uint32_t numa_node() const { return origin_.node; }

  // Waits out the local time offset (call from the firmware thread).
  void sync();
  uint64_t transactions() const { return transactions_; }
  uint64_t dmi_accesses() const { return dmi_accesses_; }

 private:
  Status access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes);
  bool dmi_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void charge(const sc_core::sc_time& delay);
  // The cpu cluster's device registers (its core 0's unit minus the unit offset).
  bool cpu_cluster_base(uint64_t& base);

  HalPlatform platform_;
  tlm_utils::tlm_quantumkeeper keeper_;
  tlm::tlm_generic_payload tx_;
  NumaOrigin origin_;  // attached to tx_ for its whole life
  struct Grant {
    tlm::tlm_dmi dmi;
    uint32_t node = 0;  // the socket it was granted to (its latency is that socket's)
  };
  std::vector<Grant> dmi_;  // small cache of grants, newest last
  uint64_t transactions_ = 0;
  uint64_t dmi_accesses_ = 0;
};

}  // namespace crashtwin
