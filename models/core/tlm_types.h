// Socket base types the board binds generically (any model's `in` to the
// router's `out`, any bus master to the router's `in`).
#pragma once

#include <tlm>

namespace crashtwin {

using TargetSocket = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;
using InitiatorSocket =
    tlm::tlm_base_initiator_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;

// Simulated time as integer nanoseconds (the Hal's and the traces' unit).
inline uint64_t to_ns(const sc_core::sc_time& t) { return static_cast<uint64_t>(t.to_seconds() * 1e9 + 0.5); }
inline sc_core::sc_time ns(uint64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }

}  // namespace crashtwin
