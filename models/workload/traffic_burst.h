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

struct TrafficBurst : tlm::tlm_extension<TrafficBurst> {
  uint64_t represented_bytes = 0;

  tlm::tlm_extension_base* clone() const override {
    auto* copy = new TrafficBurst;
    copy->represented_bytes = represented_bytes;
    return copy;
  }
  void copy_from(const tlm::tlm_extension_base& other) override {
    represented_bytes = static_cast<const TrafficBurst&>(other).represented_bytes;
  }
};

// Bytes a transaction accounts for: its extension's when present, else its
// data length.
inline uint64_t traffic_bytes(const tlm::tlm_generic_payload& tx) {
  const TrafficBurst* burst = tx.get_extension<TrafficBurst>();
  return burst != nullptr && burst->represented_bytes > 0 ? burst->represented_bytes : tx.get_data_length();
}

}  // namespace crashtwin
