// How often the DRAM field fault process (models/dram/fault_process.h) gives
// a DIMM corrected and uncorrectable errors at field rates, the figures field
// studies report per DIMM-year, for SECDED and chipkill. Not a speed figure:
// the counters are the result (docs/models.md "DRAM field fault process"
// compares them with the field). Each iteration runs kBatches fault processes
// of kDimmsPerBatch DIMMs of the default board (2 ranks x 16 banks x 4096
// rows x 1024 columns, 18 x4 devices per rank) for kYears, at the model's
// default activation rate; a DIMM is retired at its first uncorrectable error,
// as the DRAM model retires it. The second argument: the device modes alone
// (0) or with the DIMM-level faults (1, the model's default). Also the error
// bits of the corrected errors (DQ lanes and beats of the burst) and how
// often DIMMs fail given them.
//   build/bench/crashtwin_bench_models --benchmark_filter=DramFieldIncidence
#include <benchmark/benchmark.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/dram/fault_process.h"

namespace crashtwin::bench {
namespace {

constexpr uint32_t kDimmsPerBatch = 20'000;  // per process: an activation scans the process's faults
constexpr uint32_t kBatches = 5;
constexpr double kYears = 5.0;  // a DIMM's service life
constexpr double kSecondsPerYear = 31'557'600.0;

struct Incidence {
  uint64_t dimm_years_with_ce = 0;  // (DIMM, year) pairs with at least one corrected error
  uint64_t uncorrectable = 0;
  uint64_t uncorrectable_after_ce = 0;  // the DIMM had logged a corrected error before
  // Error bits (fault_process.h): corrected errors spanning several beats
  // or DQ lanes, and the DIMMs by the corrected errors they logged.
  uint64_t corrected = 0, corrected_multi_beat = 0, corrected_multi_dq = 0;
  uint64_t dimms_multi_beat = 0, dimms_single_beat_only = 0;  // with a multi-beat CE; with CEs, none of them
  uint64_t uncorrectable_multi_beat = 0, uncorrectable_single_beat_only = 0;  // of those DIMMs

  void add(const Incidence& o) {
    dimm_years_with_ce += o.dimm_years_with_ce;
    uncorrectable += o.uncorrectable;
    uncorrectable_after_ce += o.uncorrectable_after_ce;
    corrected += o.corrected;
    corrected_multi_beat += o.corrected_multi_beat;
    corrected_multi_dq += o.corrected_multi_dq;
    dimms_multi_beat += o.dimms_multi_beat;
    dimms_single_beat_only += o.dimms_single_beat_only;
    uncorrectable_multi_beat += o.uncorrectable_multi_beat;
    uncorrectable_single_beat_only += o.uncorrectable_single_beat_only;
  }
};

Incidence run_batch(DramEcc ecc, bool dimm_level, uint64_t seed) {
  DramGeometry geometry;
  geometry.rows = 4096;  // a 1 GiB DIMM of the default 4 GiB board
  DramFaultSettings settings;
  settings.acceleration = 1.0;
  settings.activation_rate = 3751.0 / kSecondsPerYear;  // the DRAM model's default
  settings.ecc = ecc;
  if (!dimm_level) settings.dimm.rate_per_s = 0.0;
  DramFaultProcess process(geometry, settings, kDimmsPerBatch, RngStream(seed), RngStream(seed + 7919));
  std::vector<bool> logged_ce(kDimmsPerBatch, false);
  std::vector<bool> logged_multi_beat(kDimmsPerBatch, false);
  std::vector<uint8_t> years_with_ce(kDimmsPerBatch, 0);  // bit y: a corrected error in year y
  Incidence out;
  const double end_s = kYears * kSecondsPerYear;
  for (double t = process.draw_next_delay(); std::isfinite(t) && t <= end_s; t += process.draw_next_delay()) {
    const std::optional<DramFaultError> e = process.fire();
    if (!e) continue;
    if (!e->uncorrectable) {
      logged_ce[e->dimm] = true;
      ++out.corrected;
      if (e->error_beats >= 2) {
        ++out.corrected_multi_beat;
        logged_multi_beat[e->dimm] = true;
      }
      if (e->error_dqs >= 2) ++out.corrected_multi_dq;
      years_with_ce[e->dimm] |= static_cast<uint8_t>(1u << static_cast<unsigned>(t / kSecondsPerYear));
      continue;
    }
    ++out.uncorrectable;
    if (logged_ce[e->dimm]) ++out.uncorrectable_after_ce;
    if (logged_multi_beat[e->dimm]) ++out.uncorrectable_multi_beat;
    else if (logged_ce[e->dimm]) ++out.uncorrectable_single_beat_only;
    process.retire_dimm(e->dimm);
  }
  // A DIMM's group is what it logged until it failed or its life ended.
  for (uint32_t d = 0; d < kDimmsPerBatch; ++d) {
    if (logged_multi_beat[d]) ++out.dimms_multi_beat;
    else if (logged_ce[d]) ++out.dimms_single_beat_only;
  }
  for (uint8_t years : years_with_ce) out.dimm_years_with_ce += static_cast<uint64_t>(std::popcount(years));
  return out;
}

void BM_DramFieldIncidence(benchmark::State& state) {
  const DramEcc ecc = state.range(0) == 0 ? DramEcc::secded : DramEcc::chipkill;
  const bool dimm_level = state.range(1) != 0;
  Incidence total;
  for (auto _ : state) {
    total = {};
    for (uint32_t b = 0; b < kBatches; ++b) total.add(run_batch(ecc, dimm_level, 1000 + b));
  }
  const double dimm_years = double{kDimmsPerBatch} * kBatches * kYears;
  state.SetLabel(std::string(ecc == DramEcc::secded ? "secded" : "chipkill") +
                 (dimm_level ? ", with DIMM-level faults" : ", device modes alone"));
  state.counters["dimm_years"] = dimm_years;
  // What field studies count: the share of DIMMs with a corrected error in a
  // year (a permanent fault keeps erring in every later year).
  state.counters["ce_dimms_pct_per_year"] = 100.0 * static_cast<double>(total.dimm_years_with_ce) / dimm_years;
  const double ue_per_dimm_year = static_cast<double>(total.uncorrectable) / dimm_years;
  state.counters["ue_pct_per_dimm_year"] = 100.0 * ue_per_dimm_year;
  // A 4-DIMM machine (the default board): the share of its years with one.
  state.counters["ue_pct_per_4dimm_machine_year"] = 100.0 * (1.0 - std::pow(1.0 - ue_per_dimm_year, 4.0));
  state.counters["uncorrectable"] = static_cast<double>(total.uncorrectable);
  state.counters["ue_after_ce_fraction"] =
      total.uncorrectable > 0 ? static_cast<double>(total.uncorrectable_after_ce) / static_cast<double>(total.uncorrectable)
                              : 0.0;
  const auto share = [](uint64_t part, uint64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  // The error bits: how many corrected errors span several beats or DQs, and
  // how often a DIMM fails (over its life) given what its corrected errors
  // looked like: the lift field studies of error bits report.
  state.counters["ce_multi_beat_fraction"] = share(total.corrected_multi_beat, total.corrected);
  state.counters["ce_multi_dq_fraction"] = share(total.corrected_multi_dq, total.corrected);
  state.counters["ue_pct_of_dimms_multi_beat"] = 100.0 * share(total.uncorrectable_multi_beat, total.dimms_multi_beat);
  state.counters["ue_pct_of_dimms_single_beat_only"] =
      100.0 * share(total.uncorrectable_single_beat_only, total.dimms_single_beat_only);
}
BENCHMARK(BM_DramFieldIncidence)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace crashtwin::bench
