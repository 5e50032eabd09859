#include "models/router/router.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/core/tlm_types.h"
#include "models/workload/traffic_burst.h"

namespace crashtwin {

Router::Router(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name), in("in"), out("out") {
  latency_ = param<sc_core::sc_time>(context.params, "latency", ParamKind::duration, ns(2),
                                     "hop latency added to every access");
  // 50 ns: a two-socket Xeon's idle remote load costs about 140 ns against
  // 90 ns local (Intel Memory Latency Checker figures for Skylake-SP and
  // later, UPI between the sockets); AMD EPYC's cross-socket hop is similar.
  remote_latency_ = param<sc_core::sc_time>(context.params, "remote_latency", ParamKind::duration, ns(50),
                                            "latency added to an access to another socket's memory");
  in.register_b_transport(this, &Router::b_transport);
  in.register_transport_dbg(this, &Router::transport_dbg);
  in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(std::string target_name, uint64_t base, uint64_t size, TargetSocket& target,
                 const NumaMemory* memory) {
  if (size == 0) throw ConfigError(fmt::format("{}: {} mapped with size 0", name(), target_name));
  for (const Mapping& m : map_)
    if (base < m.base + m.size && m.base < base + size)
      throw ConfigError(fmt::format("{}: {} [{:#x}, {:#x}) overlaps {} [{:#x}, {:#x})", name(), target_name, base,
                                    base + size, m.target, m.base, m.base + m.size));
  const unsigned port = static_cast<unsigned>(out.size());
  out.bind(target);
  Mapping m{std::move(target_name), base, size, port, memory};
  map_.insert(std::upper_bound(map_.begin(), map_.end(), base, [](uint64_t b, const Mapping& x) { return b < x.base; }),
              std::move(m));
  last_hit_ = nullptr;
}

void Router::bind_initiator(InitiatorSocket& initiator, std::string initiator_name, uint32_t home_node) {
  // What tlm_base_initiator_socket::bind does, through the base interfaces
  // so any socket type can be bound (the multi socket hands out one binder
  // per call, which identifies the initiator in b_transport).
  initiator.get_base_port()(in.get_base_interface());
  in.get_base_port()(initiator.get_base_interface());
  initiators_.push_back(std::move(initiator_name));
  home_nodes_.push_back(home_node);
  initiator_traffic_.emplace_back();
}

uint32_t Router::origin_node(int id, const tlm::tlm_generic_payload& tx) const {
  if (const NumaOrigin* origin = tx.get_extension<NumaOrigin>()) return origin->node;
  if (const TrafficBurst* burst = tx.get_extension<TrafficBurst>()) return burst->numa_node;
  return id >= 0 && static_cast<size_t>(id) < home_nodes_.size() ? home_nodes_[static_cast<size_t>(id)] : 0;
}

uint64_t Router::node_traffic_bytes(uint32_t from, uint32_t to) const {
  const size_t at = size_t{from} * kMaxBoardNumaNodes + to;
  return from < kMaxBoardNumaNodes && to < kMaxBoardNumaNodes && at < node_traffic_.size() ? node_traffic_[at] : 0;
}

Router::InitiatorTraffic Router::initiator_traffic(const std::string& initiator_name) const {
  for (size_t i = 0; i < initiators_.size(); ++i)
    if (initiators_[i] == initiator_name) return initiator_traffic_[i];
  return {};
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
  if (m->memory != nullptr) {
    const uint32_t from = std::min(origin_node(id, tx), kMaxBoardNumaNodes - 1);
    const uint32_t to = std::min(m->memory->numa_node(address - m->base), kMaxBoardNumaNodes - 1);
    const uint64_t bytes = traffic_bytes(tx);
    const size_t at = size_t{from} * kMaxBoardNumaNodes + to;
    if (at >= node_traffic_.size()) node_traffic_.resize(at + 1);
    node_traffic_[at] += bytes;
    InitiatorTraffic& mine = initiator_traffic_[static_cast<size_t>(id)];
    mine.memory_bytes += bytes;
    if (from != to) {
      delay += remote_latency_;
      mine.remote_bytes += bytes;
      ++mine.remote_accesses;
    }
  }
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
  sc_core::sc_time hop = latency_;
  // The DRAM grants a page at a time and nodes own whole DIMMs, so a grant
  // lies in one node and one latency holds for all of it.
  if (m->memory != nullptr && m->memory->numa_node(start) != origin_node(id, tx)) hop += remote_latency_;
  dmi.set_read_latency(dmi.get_read_latency() + hop);
  dmi.set_write_latency(dmi.get_write_latency() + hop);
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
