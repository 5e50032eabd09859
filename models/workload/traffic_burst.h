// A burst of memory traffic that stands for more bytes than it carries.
//
// A core that moves 10 GB/s cannot issue a transaction per cache line, nor
// copy its whole quantum of traffic through a buffer, and still simulate a
// day in minutes. The cpu_cluster sends one transaction per core per traffic
// quantum; it moves at most `traffic_burst` real bytes (which exercise the
// address map, the sparse store and DMI-less access) and carries this
// extension with the bytes the quantum represents, so that a memory model can
// charge its bandwidth and count its traffic for all of them. A target that
// ignores the extension sees an ordinary transfer.
#pragma once

#include <cstdint>

#include <tlm>

namespace crashtwin {

//
// The burst also carries what resource monitoring needs (Intel RDT's MBM):
// the RMID the issuing core tags its traffic with (its IA32_PQR_ASSOC) and
// the core's NUMA node, so the memory can count bytes per RMID, in total and
// those that stayed on the core's own node.
struct TrafficBurst : tlm::tlm_extension<TrafficBurst> {
  uint64_t represented_bytes = 0;
  uint32_t rmid = 0;
  uint32_t numa_node = 0;

  tlm::tlm_extension_base* clone() const override {
    auto* copy = new TrafficBurst;
    copy->copy_from(*this);
    return copy;
  }
  void copy_from(const tlm::tlm_extension_base& other) override {
    const auto& o = static_cast<const TrafficBurst&>(other);
    represented_bytes = o.represented_bytes;
    rmid = o.rmid;
    numa_node = o.numa_node;
  }
};

// Bytes one RMID moved (Intel MBM's total and local events), as a memory
// counts them from the bursts' tags.
struct RmidTraffic {
  uint64_t total_bytes = 0;
  uint64_t local_bytes = 0;  // to and from the issuing core's own NUMA node
};

// A memory that counts traffic per RMID: what the CPU's monitoring counters
// read for the MBM events.
class RmidTrafficSource {
 public:
  virtual RmidTraffic rmid_traffic(uint32_t rmid) const = 0;
  virtual uint32_t numa_nodes() const = 0;

 protected:
  ~RmidTrafficSource() = default;
};

// Bytes a transaction accounts for: its extension's when present, else its
// data length.
inline uint64_t traffic_bytes(const tlm::tlm_generic_payload& tx) {
  const TrafficBurst* burst = tx.get_extension<TrafficBurst>();
  return burst != nullptr && burst->represented_bytes > 0 ? burst->represented_bytes : tx.get_data_length();
}

}  // namespace crashtwin
