// Router: the host's interconnect. Forwards each transaction to the target
// whose range holds its address, with the address made target-local, and
// adds the hop latency. An access to an unmapped address answers
// TLM_ADDRESS_ERROR_RESPONSE and reports an error naming the initiator and
// the address. DMI requests and invalidations are forwarded with the same
// address translation, clipped to the target's range.
//
// NUMA (models/core/numa.h): a target mapped with its NumaMemory is split
// into nodes; an access from a socket to another socket's memory also pays
// remote_latency (the socket interconnect's hop: UPI, Infinity Fabric), in
// b_transport and in the DMI grants of such an access. The router counts
// the bytes moved between each pair of nodes, and per initiator the bytes
// that crossed sockets.
//
// Parameters: latency (duration, per hop), remote_latency (duration, added
//             to a cross-socket memory access)
// Sockets:    in (multi, one binding per initiator), out (multi, one per target)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/config/registry.h"
#include "models/core/model.h"
#include "models/core/numa.h"

namespace crashtwin {

class Router : public Model {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> in;
  tlm_utils::multi_passthrough_initiator_socket<Router> out;

  Router(sc_core::sc_module_name name, const ModelContext& context);

  // Maps [base, base + size) to `target`; `memory`, when given, tells the
  // NUMA node of each target-local offset. Throws ConfigError naming both
  // targets when ranges overlap, or for size 0.
  void map(std::string target_name, uint64_t base, uint64_t size, TargetSocket& target,
           const NumaMemory* memory = nullptr);
  // Binds an initiator to `in`, remembering its name for error messages and
  // the node it sits on (where its transactions come from unless they say).
  void bind_initiator(InitiatorSocket& initiator, std::string initiator_name, uint32_t home_node = 0);

  struct Mapping {
    std::string target;
    uint64_t base;
    uint64_t size;
    unsigned port;
    const NumaMemory* memory = nullptr;
  };
  const std::vector<Mapping>& mappings() const { return map_; }
  // Mapping that holds `address`, or nullptr.
  const Mapping* decode(uint64_t address) const;

  uint64_t transactions() const { return transactions_; }
  uint64_t address_errors() const { return address_errors_; }
  const std::string& last_error() const { return last_error_; }
  sc_core::sc_time latency() const { return latency_; }
  sc_core::sc_time remote_latency() const { return remote_latency_; }

  // Bytes b_transport carried from initiators on node `from` to memory on
  // node `to` (a TrafficBurst's represented bytes).
  uint64_t node_traffic_bytes(uint32_t from, uint32_t to) const;
  // What one initiator (by name, as bound) moved to and from memory, and
  // the part on another socket's memory; zeros for an unknown name.
  struct InitiatorTraffic {
    uint64_t memory_bytes = 0;
    uint64_t remote_bytes = 0;
    uint64_t remote_accesses = 0;
  };
  InitiatorTraffic initiator_traffic(const std::string& initiator_name) const;

 private:
  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
  void report_unmapped(int id, const tlm::tlm_generic_payload& tx);
  // The node a transaction of initiator `id` comes from.
  uint32_t origin_node(int id, const tlm::tlm_generic_payload& tx) const;

  sc_core::sc_time latency_;
  sc_core::sc_time remote_latency_;
  std::vector<Mapping> map_;  // sorted by base
  std::vector<std::string> initiators_;
  std::vector<uint32_t> home_nodes_;                 // per initiator
  std::vector<InitiatorTraffic> initiator_traffic_;  // per initiator
  std::vector<uint64_t> node_traffic_;               // [from * kMaxBoardNumaNodes + to], grown on use
  mutable const Mapping* last_hit_ = nullptr;
  uint64_t transactions_ = 0;
  uint64_t address_errors_ = 0;
  std::string last_error_;
};

}  // namespace crashtwin
