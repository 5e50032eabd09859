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
// exact over the whole range (a double of seconds is not past 104 days).
inline uint64_t to_ns(const sc_core::sc_time& t) { return (t.value() + kTimeUnitsPerNs / 2) / kTimeUnitsPerNs; }
inline sc_core::sc_time ns(uint64_t n) { return sc_core::sc_time::from_value(n * kTimeUnitsPerNs); }

}  // namespace crashtwin
