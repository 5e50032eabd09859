// The host CPU's bus in the twin: the MmioBus the firmware's register-level
// drivers (platform/drivers/register_hal.h) run on. Every access becomes a
// transaction on the host bus (device registers, DRAM through DMI where
// granted), timed with a quantum keeper. Calls made from a SystemC thread
// synchronise when the quantum is used up; now_ns() includes the keeper's
// local offset, so firmware sees its own accesses cost time.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/numa.h"
#include "platform/hal/mmio_bus.h"

namespace crashtwin {

// What the bus needs of the board besides its socket.
struct TlmBusTiming {
  // Time to move n bytes between memory and the host on top of a DMI
  // grant's per-access latency.
  std::function<sc_core::sc_time(uint64_t bytes)> memory_transfer_time;
  std::function<void(LogLevel, const char*)> log_sink;
};

class TlmBus : public sc_core::sc_module, public MmioBus {
 public:
  tlm_utils::simple_initiator_socket<TlmBus> out;

  TlmBus(sc_core::sc_module_name name, sc_core::sc_time quantum, TlmBusTiming timing);
  ~TlmBus() override;

  Status read(uint64_t address, std::span<std::byte> out_bytes) override;
  Status write(uint64_t address, std::span<const std::byte> data) override;
  uint64_t now_ns() override;
  void log(LogLevel level, const char* message) override;

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

  TlmBusTiming timing_;
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
