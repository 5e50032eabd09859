// Router: the host's interconnect. Forwards each transaction to the target
// whose range holds its address, with the address made target-local, and
// adds the hop latency. An access to an unmapped address answers
// TLM_ADDRESS_ERROR_RESPONSE and reports an error naming the initiator and
// the address. DMI requests and invalidations are forwarded with the same
// address translation, clipped to the target's range.
//
// Parameters: latency (duration, per hop)
// Sockets:    in (multi, one binding per initiator), out (multi, one per target)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/config/registry.h"
#include "models/core/model.h"

namespace crashtwin {

class Router : public Model {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> in;
  tlm_utils::multi_passthrough_initiator_socket<Router> out;

  Router(sc_core::sc_module_name name, const ModelContext& context);

  // Maps [base, base + size) to `target`. Throws ConfigError naming both
  // targets when ranges overlap, or for size 0.
  void map(std::string target_name, uint64_t base, uint64_t size, TargetSocket& target);
  // Binds an initiator to `in`, remembering its name for error messages.
  void bind_initiator(InitiatorSocket& initiator, std::string initiator_name);

  struct Mapping {
    std::string target;
    uint64_t base;
    uint64_t size;
    unsigned port;
  };
  const std::vector<Mapping>& mappings() const { return map_; }
  // Mapping that holds `address`, or nullptr.
  const Mapping* decode(uint64_t address) const;

  uint64_t transactions() const { return transactions_; }
  uint64_t address_errors() const { return address_errors_; }
  const std::string& last_error() const { return last_error_; }
  sc_core::sc_time latency() const { return latency_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
  void report_unmapped(int id, const tlm::tlm_generic_payload& tx);

  sc_core::sc_time latency_;
  std::vector<Mapping> map_;  // sorted by base
  std::vector<std::string> initiators_;
  mutable const Mapping* last_hit_ = nullptr;
  uint64_t transactions_ = 0;
  uint64_t address_errors_ = 0;
  std::string last_error_;
};

}  // namespace crashtwin
