#include "tests/training/synthetic_fleet.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

namespace crashtwin::training::testing {
namespace {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double normal() {  // Box-Muller
    const double u1 = uniform() + 0x1.0p-54;
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  uint64_t poisson(double mean) {  // Knuth; means here are small
    if (mean <= 0) return 0;
    if (mean > 30) return static_cast<uint64_t>(std::max(0.0, std::round(mean + std::sqrt(mean) * normal())));
    const double limit = std::exp(-mean);
    uint64_t k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }

 private:
  std::mt19937_64 engine_;
};

struct Dimm {
  double fail_at_s = -1;  // < 0: never fails
  double base_rate = 0.01;
  double burst_at_s = -1;
  double base_temp_c = 45;
  bool stuck_bit = false;  // one cell: every corrected error on the same row
  uint64_t ce = 0, traffic = 0;
};

}  // namespace

void simulate_memory_fleet(const FleetOptions& o, DatasetBuilder& builder) {
  uint64_t scenario_hash = 14695981039346656037ull;  // FNV-1a: stable across libraries
  for (const char ch : o.scenario) scenario_hash = (scenario_hash ^ static_cast<uint8_t>(ch)) * 1099511628211ull;
  Random rng(o.seed * 0x9E3779B97F4A7C15ull ^ scenario_hash);
  std::vector<Dimm> dimms(o.dimms);
  for (uint16_t i = 0; i < o.dimms; ++i) {
    Dimm& d = dimms[i];
    d.base_temp_c = 40 + 10 * rng.uniform();
    if (i < o.failing) d.fail_at_s = o.precursor_s + 10 + (o.duration_s - o.precursor_s - 15) * rng.uniform();
    else if (i < o.failing + o.stuck_bit) d.base_rate = o.stuck_bit_rate, d.stuck_bit = true;
    else if (rng.uniform() < o.burst_probability) d.burst_at_s = o.duration_s * rng.uniform();
  }
  const auto steps = static_cast<uint64_t>(o.duration_s / o.period_s);
  const auto period_ns = static_cast<uint64_t>(std::llround(o.period_s * 1e9));
  for (uint64_t step = 1; step <= steps; ++step) {
    const double t = static_cast<double>(step) * o.period_s;
    for (uint16_t i = 0; i < o.dimms; ++i) {
      Dimm& d = dimms[i];
      const ComponentId id{ComponentClass::memory, i};
      if (d.fail_at_s >= 0 && t >= d.fail_at_s) continue;
      double rate = d.base_rate;
      double temp = d.base_temp_c + 0.3 * rng.normal();
      if (d.fail_at_s >= 0) {
        const double into = t - (d.fail_at_s - o.precursor_s);  // seconds into the precursor
        if (into > 0) {
          rate += 0.05 * std::exp(into * std::log(400.0) / o.precursor_s);  // 0.05/s -> 20/s
          temp += 0.6 * into;
        }
      }
      if (d.burst_at_s >= 0 && t >= d.burst_at_s && t < d.burst_at_s + 2.0) rate += 15.0;
      d.ce += rng.poisson(rate * o.period_s);
      d.traffic += static_cast<uint64_t>((4e9 + 1e9 * rng.normal()) * o.period_s);
      std::array<uint64_t, 11> values{};  // the error-bit counters stay 0: every error here is one bit
      values[metric_slot(Metric::mem_pressure)] = static_cast<uint64_t>(500000 + 100000 * rng.uniform());
      values[metric_slot(Metric::mem_traffic_bytes)] = d.traffic;
      values[metric_slot(Metric::mem_corrected_errors)] = d.ce;
      values[metric_slot(Metric::mem_uncorrected_errors)] = 0;
      values[metric_slot(Metric::mem_temperature)] = static_cast<uint64_t>(std::max(0.0, temp * 1000.0));
      // A stuck cell errs on one row; spreading faults and soft errors on new rows.
      values[metric_slot(Metric::mem_ce_rows)] = d.stuck_bit ? std::min<uint64_t>(d.ce, 1) : d.ce;
      // A stuck cell repeats at one address (one bank, one column); the
      // others spread over the DIMM's 32 banks.
      values[metric_slot(Metric::mem_ce_banks)] = d.stuck_bit ? std::min<uint64_t>(d.ce, 1) : std::min<uint64_t>(d.ce, 32);
      values[metric_slot(Metric::mem_ce_columns)] = d.stuck_bit ? std::min<uint64_t>(d.ce, 1) : d.ce;
      values[metric_slot(Metric::mem_ce_repeats)] = d.stuck_bit && d.ce > 0 ? d.ce - 1 : 0;
      builder.sample(id, step * period_ns, values);
      if (d.fail_at_s >= 0 && t + o.period_s >= d.fail_at_s)
        builder.failure(id, static_cast<uint64_t>(std::llround(d.fail_at_s * 1e9)));
    }
  }
}

}  // namespace crashtwin::training::testing
