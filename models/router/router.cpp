#include "models/router/router.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/core/tlm_types.h"

namespace crashtwin {

Router::Router(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name), in("in"), out("out") {
  param<uint64_t> latency(context.params, "latency", ParamKind::duration, 2, "hop latency added to every access");
  latency_ = ns(latency);
  in.register_b_transport(this, &Router::b_transport);
  in.register_transport_dbg(this, &Router::transport_dbg);
  in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(std::string target_name, uint64_t base, uint64_t size, TargetSocket& target) {
  if (size == 0) throw ConfigError(fmt::format("{}: {} mapped with size 0", name(), target_name));
  for (const Mapping& m : map_)
    if (base < m.base + m.size && m.base < base + size)
      throw ConfigError(fmt::format("{}: {} [{:#x}, {:#x}) overlaps {} [{:#x}, {:#x})", name(), target_name, base,
                                    base + size, m.target, m.base, m.base + m.size));
  const unsigned port = static_cast<unsigned>(out.size());
  out.bind(target);
  Mapping m{std::move(target_name), base, size, port};
  map_.insert(std::upper_bound(map_.begin(), map_.end(), base, [](uint64_t b, const Mapping& x) { return b < x.base; }),
              std::move(m));
  last_hit_ = nullptr;
}

void Router::bind_initiator(InitiatorSocket& initiator, std::string initiator_name) {
  // What tlm_base_initiator_socket::bind does, through the base interfaces
  // so any socket type can be bound (the multi socket hands out one binder
  // per call, which identifies the initiator in b_transport).
  initiator.get_base_port()(in.get_base_interface());
  in.get_base_port()(initiator.get_base_interface());
  initiators_.push_back(std::move(initiator_name));
}

const Router::Mapping* Router::decode(uint64_t address) const {
  if (last_hit_ && address - last_hit_->base < last_hit_->size) return last_hit_;
  auto it = std::upper_bound(map_.begin(), map_.end(), address, [](uint64_t a, const Mapping& x) { return a < x.base; });
  if (it == map_.begin()) return nullptr;
  const Mapping& m = *(it - 1);
  if (address - m.base >= m.size) return nullptr;
  last_hit_ = &m;
  return &m;
}

void Router::report_unmapped(int id, const tlm::tlm_generic_payload& tx) {
  ++address_errors_;
  const std::string who = id >= 0 && static_cast<size_t>(id) < initiators_.size()
                              ? initiators_[static_cast<size_t>(id)]
                              : fmt::format("{}.in[{}]", name(), id);
  last_error_ = fmt::format("{} of {} bytes at unmapped address {:#x} by {}", tx.is_read() ? "read" : "write",
                            tx.get_data_length(), tx.get_address(), who);
  SC_REPORT_WARNING("crashtwin/router/unmapped", (std::string(name()) + ": " + last_error_).c_str());
}

void Router::b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  ++transactions_;
  const uint64_t address = tx.get_address();
  const Mapping* m = decode(address);
  if (!m || tx.get_data_length() > m->base + m->size - address) {
    report_unmapped(id, tx);
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay += latency_;
  tx.set_address(address - m->base);
  out[m->port]->b_transport(tx, delay);
  tx.set_address(address);
}

unsigned Router::transport_dbg(int id, tlm::tlm_generic_payload& tx) {
  (void)id;
  const uint64_t address = tx.get_address();
  const Mapping* m = decode(address);
  if (!m) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  tx.set_address(address - m->base);
  const unsigned n = out[m->port]->transport_dbg(tx);
  tx.set_address(address);
  return n;
}

bool Router::get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  (void)id;
  const uint64_t address = tx.get_address();
  const Mapping* m = decode(address);
  if (!m) {
    // Nothing to grant; tell the initiator the hole it asked about.
    dmi.allow_none();
    dmi.set_start_address(address);
    dmi.set_end_address(address);
    return false;
  }
  tx.set_address(address - m->base);
  const bool granted = out[m->port]->get_direct_mem_ptr(tx, dmi);
  tx.set_address(address);
  // Back to global addresses, clipped to what this mapping covers.
  const uint64_t start = std::min<uint64_t>(dmi.get_start_address(), m->size - 1);
  const uint64_t end = std::min<uint64_t>(dmi.get_end_address(), m->size - 1);
  if (granted && dmi.get_dmi_ptr()) dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (start - dmi.get_start_address()));
  dmi.set_start_address(m->base + start);
  dmi.set_end_address(m->base + end);
  dmi.set_read_latency(dmi.get_read_latency() + latency_);
  dmi.set_write_latency(dmi.get_write_latency() + latency_);
  return granted;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const Mapping& m : map_) {
    if (m.port != static_cast<unsigned>(port)) continue;
    const uint64_t global_start = m.base + std::min<uint64_t>(start, m.size - 1);
    const uint64_t global_end = m.base + std::min<uint64_t>(end, m.size - 1);
    for (unsigned i = 0; i < in.size(); ++i) in[i]->invalidate_direct_mem_ptr(global_start, global_end);
  }
}

CRASHTWIN_REGISTER_MODEL("router", std::nullopt, "host interconnect: address map, latency, DMI forwarding", Router);

}  // namespace crashtwin
