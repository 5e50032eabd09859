// Last-level cache occupancy per RMID (Intel CMT's event 1), evolving over
// simulated time with the traffic that fills the cache.
//
// Model (docs/models.md, "Resource monitoring"): each RMID r brings lines in
// at its memory traffic f_r (every byte from memory is a miss that fills a
// line) and reuses a working set W_r. A fill of a line r already holds is
// no gain: r's lines grow at the effective fill rate e_r = f_r (1 - O_r/W_r),
// so r never holds more than its working set (traffic beyond it streams
// through r's own lines). Fills take free capacity first; once the cache
// (capacity C) is full each fill evicts a victim line drawn in proportion to
// the lines each RMID holds (random replacement), so
//     dO_r/dt = e_r - (O_r / C) * sum_s e_s          (cache full)
// and the occupancies always sum to at most C. An RMID whose workload
// stopped (f_r = 0) decays with time constant C / sum_s e_s as the others
// evict it: what resctrl's limbo waits for.
//
// Integrated at the moment someone looks (or the demands change): explicit
// steps short enough that no step fills more than a tenth of the cache or
// of a working set, until a step changes no occupancy by a byte, after which
// the state holds (steady) until the demands change.
#pragma once

#include <cstdint>
#include <vector>

namespace crashtwin {

class LlcOccupancy {
 public:
  struct Demand {
    double fill_bytes_per_s = 0;   // memory traffic tagged with the RMID
    double working_set_bytes = 0;  // what it reuses (0: holds nothing)
  };

  LlcOccupancy(uint64_t capacity_bytes, uint32_t rmids);

  // Advances the occupancies to `now_ns` under the demands in force.
  void advance_to(uint64_t now_ns);
  // New demands (one per RMID; missing ones are 0) from the present on:
  // call advance_to first.
  void set_demands(const std::vector<Demand>& demands);

  double occupancy_bytes(uint32_t rmid) const { return rmid < occupancy_.size() ? occupancy_[rmid] : 0.0; }
  double total_bytes() const;
  uint64_t capacity_bytes() const { return capacity_; }
  uint64_t steps() const { return steps_; }  // integration steps so far (cost)

 private:
  // One step of `seconds`; the largest change of any occupancy (bytes).
  double step(double seconds);
  // The longest step that keeps fills under a tenth of the cache and of each working set.
  double max_step_seconds() const;

  uint64_t capacity_;
  std::vector<double> occupancy_;
  std::vector<Demand> demands_;
  std::vector<double> fill_scratch_;  // step()'s per-RMID fills
  uint64_t now_ns_ = 0;
  bool steady_ = true;  // no demand yet: nothing moves
  uint64_t steps_ = 0;
};

}  // namespace crashtwin
