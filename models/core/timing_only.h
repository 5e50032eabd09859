// Payload extension for modelled workload traffic: the burst stands for
// bytes the workload moves, but their values are not modelled. Targets
// account time, bandwidth and counters and move no data (a 1 TiB DRAM under
// a day of traffic keeps its host footprint), and the data pointer may point
// at a scratch buffer of any content.
#pragma once

#include <tlm>

namespace crashtwin {

class TimingOnly : public tlm::tlm_extension<TimingOnly> {
 public:
  tlm::tlm_extension_base* clone() const override { return new TimingOnly(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

inline bool is_timing_only(const tlm::tlm_generic_payload& tx) { return tx.get_extension<TimingOnly>() != nullptr; }

}  // namespace crashtwin
