// Socket base types the board binds generically (any model's `in` to the
// router's `out`, any bus master to the router's `in`).
#pragma once

#include <cstdint>

#include <tlm>

namespace crashtwin {

using TargetSocket = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;
using InitiatorSocket =
    tlm::tlm_base_initiator_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;

// The kernel's time resolution: 10 ps. SystemC's default, 1 ps, ends
// simulated time at 2^64 ps = 213 days, short of the year a machine is
// simulated for (issue 13); 10 ps reaches 5.8 years, and transfer times stay
// exact (a 64-byte beat at 25.6 GB/s takes 2.5 ns).
inline constexpr uint64_t kTimeResolutionPs = 10;
inline constexpr uint64_t kTimeUnitsPerNs = 1000 / kTimeResolutionPs;

// Sets that resolution. Idempotent; must run before the process's first
// non-zero sc_time (SystemC then reports an error): the CLI's sc_main, the
// Board and every Model constructor call it.
void use_time_resolution();

// Simulated time as integer nanoseconds (the Hal's and the traces' unit),
// exact over the whole range (a double of seconds is not past 104 days),
// rounded half up; the remainder decides so the largest sc_time does not wrap.
inline uint64_t to_ns(const sc_core::sc_time& t) {
  const uint64_t v = t.value();
  return v / kTimeUnitsPerNs + (v % kTimeUnitsPerNs >= kTimeUnitsPerNs - kTimeUnitsPerNs / 2 ? 1 : 0);
}
// Nanoseconds as simulated time. Beyond the kernel's clock (2^64 units, ~5.8
// years) it saturates at sc_max_time instead of wrapping: a far-future draw
// (a fan's stop years ahead) must never become an early event.
inline constexpr uint64_t kMaxExactNs = UINT64_MAX / kTimeUnitsPerNs;
inline sc_core::sc_time ns(uint64_t n) {
  return n > kMaxExactNs ? sc_core::sc_max_time() : sc_core::sc_time::from_value(n * kTimeUnitsPerNs);
}

// Notifies `event` after a random draw's delay in seconds (a fault
// process's next event): never at zero delay, which would fire again at the
// same instant, and not at all for an infinite one (nothing can happen).
void notify_after_seconds(sc_core::sc_event& event, double delay_s);

// Readies a reused payload for a plain access (no byte enables, streaming
// over its whole length, DMI not yet offered, response not yet given).
inline void prepare_access(tlm::tlm_generic_payload& tx, tlm::tlm_command cmd, uint64_t address, unsigned char* data,
                           uint64_t bytes) {
  tx.set_command(cmd);
  tx.set_address(address);
  tx.set_data_ptr(data);
  tx.set_data_length(static_cast<unsigned>(bytes));
  tx.set_streaming_width(static_cast<unsigned>(bytes));
  tx.set_byte_enable_ptr(nullptr);
  tx.set_dmi_allowed(false);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace crashtwin
