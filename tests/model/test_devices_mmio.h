// Test-side bus for the device models' tests (cpu, disk, nic, sensors): an
// initiator that reads and writes a model's registers through its `in`
// socket, and a memory target that counts the bursts it receives. Calls are
// made between sc_start() slices, outside any process, so they carry the
// current simulated time and the delay they were charged is returned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/core/device_layout.h"
#include "models/workload/traffic_burst.h"
#include "models/workload/workload_phase.h"
#include "platform/core/types.h"

namespace crashtwin::test {

struct MmioInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<MmioInitiator> out{"out"};
  sc_core::sc_time last_delay;

  explicit MmioInitiator(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, unsigned length) {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(address);
    tx.set_data_ptr(data);
    tx.set_data_length(length);
    tx.set_streaming_width(length);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    last_delay = sc_core::SC_ZERO_TIME;
    out->b_transport(tx, last_delay);
    return tx.get_response_status();
  }
  uint64_t read64(uint64_t address) {
    unsigned char b[8] = {};
    if (access(tlm::TLM_READ_COMMAND, address, b, 8) != tlm::TLM_OK_RESPONSE) return ~0ull;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
    return v;
  }
  bool write64(uint64_t address, uint64_t value) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(value >> (8 * i));
    return access(tlm::TLM_WRITE_COMMAND, address, b, 8) == tlm::TLM_OK_RESPONSE;
  }
  // A metric register / a register of the unit window (device_layout.h).
  uint64_t metric(Metric m, uint32_t unit = 0) { return read64(device_layout::metric_offset(unit, m)); }
  uint64_t unit_reg(uint64_t offset, uint32_t unit = 0) { return read64(device_layout::unit_base(unit) + offset); }
  std::vector<std::byte> read_bytes(uint64_t address, unsigned length) {
    std::vector<std::byte> bytes(length);
    access(tlm::TLM_READ_COMMAND, address, reinterpret_cast<unsigned char*>(bytes.data()), length);
    return bytes;
  }
};

// Stands in for DRAM where a device test only needs to see the traffic.
struct BurstCounter : sc_core::sc_module {
  tlm_utils::simple_target_socket<BurstCounter> in{"in"};
  sc_core::sc_time latency = sc_core::sc_time(50, sc_core::SC_NS);
  uint64_t bursts = 0;
  uint64_t writes = 0;
  uint64_t carried_bytes = 0;
  uint64_t represented_bytes = 0;
  uint64_t lowest_address = ~0ull;
  uint64_t highest_end = 0;
  unsigned longest_burst = 0;

  explicit BurstCounter(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    in.register_b_transport(this, &BurstCounter::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    ++bursts;
    writes += tx.is_write() ? 1 : 0;
    carried_bytes += tx.get_data_length();
    represented_bytes += traffic_bytes(tx);
    lowest_address = std::min<uint64_t>(lowest_address, tx.get_address());
    highest_end = std::max<uint64_t>(highest_end, tx.get_address() + tx.get_data_length());
    longest_burst = std::max(longest_burst, tx.get_data_length());
    delay += latency;
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// Runs the delta cycles pending at the current time (an irq line follows
// its device one delta after the event that changed it).
inline void settle() {
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // also elaborates on first use
  while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
}
// An I/O phase for a disk or a NIC.
inline WorkloadPhase io_phase(double rate, uint64_t bytes) {
  WorkloadPhase p;
  p.io_rate = rate;
  p.io_bytes = bytes;
  return p;
}

inline void run_for(double seconds) { sc_core::sc_start(sc_core::sc_time(seconds, sc_core::SC_SEC)); }
inline double now_s() { return sc_core::sc_time_stamp().to_seconds(); }
inline uint64_t to_ns_now() { return static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5); }

}  // namespace crashtwin::test
