// A component that may wear out, as field studies see one: the fault
// process shared by the NIC and CPU field processes (models/nic/
// field_process.h, models/cpu/mca_field_process.h; the DRAM model has its
// own, models/dram/fault_process.h, since DRAM faults have a spatial
// structure these have not).
//
// A component is one of two kinds, drawn once from its seeded stream:
//   look-alike  (share `lookalike_fraction`): its error signals run steadily
//               at `lookalike_factor` times the healthy rate and it never
//               fails: the false alarm a rule on error counts raises;
//   wearing     every other one: it fails at a time drawn from
//               Exp(failure rate), the rate raised so that the fleet's is
//               `failure_rate` (at field rates decades away: healthy until
//               then); a share `warned_fraction` of failures is preceded by
//               a degradation whose signals grow exponentially from the
//               healthy rate to `growth` times it at the failure, starting
//               a lead time drawn from Exp(mean `lead_time_s`) before it (a
//               part already degrading at power-on starts part way up); the
//               others fail with no warning.
// Every part sees the healthy signals too, so a single error says nothing.
// Each signal (a channel: CRC-error bursts, link flaps, corrected machine
// checks) is a Poisson process of the healthy rate plus, while degrading,
// the growing one: an inhomogeneous Poisson process drawn exactly by
// inverting its integrated rate.
//
// Two knobs fit the field's time scales to a scenario, as the DRAM model's
// acceleration and activation rate do: `acceleration` multiplies the
// failure rate only (field failures are a few percent a year: a scenario of
// minutes needs a fleet's worth in one part), and `time_compression` runs
// the error signals faster (every healthy rate times it, the lead time
// divided by it) while keeping what a degradation looks like: the number of
// precursors before a failure and their ratio to the healthy signals do not
// change with it, only how soon they come.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "models/core/rng.h"
#include "platform/core/units.h"

namespace crashtwin {

struct DegradationSettings {
  double acceleration = 1.0;         // > 0: multiplies the failure rate
  double time_compression = 1.0;     // > 0: multiplies the healthy rates, divides the lead time
  double failure_rate = 0.0;         // failures per component-second over the fleet (field, unaccelerated)
  double warned_fraction = 0.0;      // share of failures preceded by a degradation
  double lead_time_s = 86400.0;      // mean of the degradation's exponential lead time (field)
  double growth = 1000.0;            // signal rate at the failure over the healthy rate (>= 1)
  double lookalike_fraction = 0.0;   // share of components that err steadily and never fail (< 1)
  double lookalike_factor = 1.0;     // their signal rate over the healthy rate
};

// What one component will do, drawn at construction.
struct DegradationPlan {
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  bool lookalike = false;
  bool warned = false;                // its failure is preceded by a degradation
  double failure_s = kNever;          // seconds from power-on
  double onset_s = kNever;            // degradation start (may be before 0); kNever without one
  double growth_per_s = 0.0;          // e-folding rate of the precursor signals
};

class DegradationProcess {
 public:
  // `healthy_rates`: each channel's healthy rate per second in the field.
  DegradationProcess(const DegradationSettings& settings, std::span<const double> healthy_rates, RngStream rng);

  struct Event {
    static constexpr uint32_t kFailure = UINT32_MAX;
    double time_s = DegradationPlan::kNever;  // +infinity: nothing more will happen
    uint32_t channel = kFailure;
    bool precursor = false;  // drawn from the degradation, not the healthy rate
    bool failure() const { return channel == kFailure && time_s != DegradationPlan::kNever; }
  };
  // The next event in time (after the last one returned). After the failure,
  // nothing: a failed part is out of service until replaced.
  Event next();

  const DegradationPlan& plan() const { return plan_; }
  // The precursor rate of `channel` at `t_s` (0 outside the degradation).
  double precursor_rate(uint32_t channel, double t_s) const;
  // The steady rate of `channel` (healthy, or a look-alike's), compressed.
  double steady_rate(uint32_t channel) const { return steady_[channel]; }
  RngStream& rng() { return rng_; }

 private:
  double draw_steady(uint32_t channel, double after_s);
  double draw_precursor(uint32_t channel, double after_s);

  DegradationPlan plan_;
  RngStream rng_;
  std::vector<double> healthy_;     // compressed healthy rate per channel
  std::vector<double> steady_;      // compressed steady rate per channel
  std::vector<double> next_steady_;
  std::vector<double> next_precursor_;
  bool failed_ = false;
};

}  // namespace crashtwin
