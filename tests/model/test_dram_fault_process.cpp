// DRAM field fault processes (models/dram/fault_process.h): arrival rates and
// mode mix from the FIT table, the spatial signature of each mode's errors,
// what SECDED and chipkill correct, transient faults erring once, the
// burst a read decodes and its error bits, determinism. Plain C++: no
// SystemC kernel is started.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "models/dram/fault_process.h"
#include "tests/model/strict_systemc.h"  // the sc_main libsystemc links against

using namespace crashtwin;

namespace {

DramGeometry small_dimm() {
  DramGeometry g;
  g.ranks = 2;
  g.banks = 16;
  g.rows = 4096;
  g.columns = 1024;
  return g;
}

double total_fit() {
  double fit = 0;
  for (const DramFaultFit& f : kFieldFaultFit) fit += f.transient + f.permanent;
  return fit;
}

}  // namespace

TEST_CASE("field fault arrivals follow the FIT table: rate and mode mix", "[dram][faults]") {
  DramFaultSettings s;
  s.acceleration = 1e9;  // arrivals only matter here; no activations
  s.activation_rate = 0.0;
  s.dimm.rate_per_s = 0.0;  // the device modes' table alone
  DramFaultProcess p(small_dimm(), s, 4, RngStream(7), RngStream(7 + 100));
  // 66.1 FIT per device x 2 ranks x 18 devices x 4 DIMMs, accelerated.
  const double expected = total_fit() * 1e9 / (1e9 * 3600.0) * 2 * 18 * 4;
  CHECK(p.arrival_rate_per_s() == Approx(expected));
  CHECK(total_fit() == Approx(66.1));

  constexpr int kFaults = 40000;
  std::map<DramFaultMode, int> seen;
  double elapsed = 0;
  for (int i = 0; i < kFaults; ++i) {
    elapsed += p.draw_next_delay();
    const DramFaultError e = *p.fire();
    REQUIRE(e.new_fault);
    ++seen[e.mode];
  }
  // Inter-arrival mean 1 / rate, within 3 standard errors.
  const double mean = elapsed / kFaults;
  CHECK(std::abs(mean * expected - 1.0) < 3.0 / std::sqrt(kFaults));
  // Mode mix within 4 standard deviations of the FIT shares.
  for (size_t m = 0; m < kDeviceFaultModeCount; ++m) {
    const double share = (kFieldFaultFit[m].transient + kFieldFaultFit[m].permanent) / total_fit();
    const double n = seen[static_cast<DramFaultMode>(m)];
    const double sd = std::sqrt(kFaults * share * (1 - share));
    INFO(to_string(static_cast<DramFaultMode>(m)) << ": " << n << " vs " << kFaults * share);
    CHECK(std::abs(n - kFaults * share) < 4 * sd + 1);
  }
  // Permanent faults stay: their share of arrivals.
  double permanent_fit = 0;
  for (const DramFaultFit& f : kFieldFaultFit) permanent_fit += f.permanent;
  const double permanent_share = permanent_fit / total_fit();
  const double kept = static_cast<double>(p.permanent_faults().size());
  CHECK(std::abs(kept - kFaults * permanent_share) < 4 * std::sqrt(kFaults * permanent_share * (1 - permanent_share)));
}

TEST_CASE("each fault mode's errors carry its spatial signature", "[dram][faults]") {
  // Arrivals and activations at comparable rates: tens of permanent faults,
  // each read many times.
  DramFaultSettings s;
  s.acceleration = 1e9;
  s.activation_rate = 5.0;
  s.dimm.rate_per_s = 0.0;  // the device modes'
  DramFaultProcess p(small_dimm(), s, 1, RngStream(11), RngStream(11 + 100));
  struct Seen {
    std::set<uint32_t> ranks, banks, rows, columns;
  };
  std::map<uint32_t, Seen> by_fault;
  for (int i = 0; i < 20000; ++i) {
    p.draw_next_delay();
    const DramFaultError e = *p.fire();
    if (e.fault == DramFaultError::kTransient) continue;
    Seen& seen = by_fault[e.fault];
    seen.ranks.insert(e.rank);
    seen.banks.insert(e.bank);
    seen.rows.insert(e.row);
    seen.columns.insert(e.column);
  }
  REQUIRE(p.permanent_faults().size() >= 20);
  std::set<DramFaultMode> modes_checked;
  for (const auto& [index, seen] : by_fault) {
    const DramFault& f = p.permanent_faults().at(index);
    INFO(to_string(f.mode) << " fault " << index);
    // Fixed coordinates never vary.
    if (!f.any_rank) CHECK(seen.ranks == std::set<uint32_t>{f.rank});
    if (!f.any_bank) CHECK(seen.banks == std::set<uint32_t>{f.bank});
    if (!f.any_row) CHECK(seen.rows == std::set<uint32_t>{f.row});
    if (!f.any_column) CHECK(seen.columns == std::set<uint32_t>{f.column});
    // Free ones spread once the fault was read a few times.
    if (seen.rows.size() + seen.columns.size() < 8 && f.mode != DramFaultMode::single_bit &&
        f.mode != DramFaultMode::single_word)
      continue;
    switch (f.mode) {
      case DramFaultMode::single_bit:
      case DramFaultMode::single_word: CHECK((!f.any_row && !f.any_column)); break;
      case DramFaultMode::single_column: CHECK(seen.rows.size() > 1); break;
      case DramFaultMode::single_row: CHECK(seen.columns.size() > 1); break;
      case DramFaultMode::single_bank:
        CHECK(seen.rows.size() > 1);
        CHECK(seen.columns.size() > 1);
        break;
      case DramFaultMode::multi_bank: CHECK(seen.banks.size() > 1); break;
      case DramFaultMode::multi_rank: CHECK(seen.ranks.size() + seen.banks.size() > 2); break;
      case DramFaultMode::dimm_lane:
      case DramFaultMode::multi_device: FAIL("a DIMM-level fault with the DIMM-level rate off"); break;
    }
    modes_checked.insert(f.mode);
  }
  CHECK(modes_checked.size() >= 4);
}

TEST_CASE("SECDED fails on two bad bits in a word, chipkill only on two bad devices", "[dram][faults]") {
  for (const DramEcc ecc : {DramEcc::secded, DramEcc::chipkill}) {
    int word_faults_alone = 0, word_faults_alone_ue = 0, errors = 0;
    // Many short lives of one DIMM, so that most faults arrive alone.
    for (uint64_t seed = 1; seed <= 400; ++seed) {
      DramFaultSettings s;
      s.acceleration = 1e9;
      s.ecc = ecc;
      s.dimm.rate_per_s = 0.0;  // the device modes'
      DramFaultProcess p(small_dimm(), s, 1, RngStream(seed), RngStream(seed + 100));
      for (int i = 0; i < 30; ++i) {
        p.draw_next_delay();
        const DramFaultError e = *p.fire();
        ++errors;
        INFO("bits " << e.bad_bits << " devices " << e.bad_devices);
        CHECK(e.uncorrectable == (ecc == DramEcc::secded ? e.bad_bits >= 2 : e.bad_devices >= 2));
        if (e.mode == DramFaultMode::single_word) CHECK(e.bad_bits >= 2);
        if (e.mode == DramFaultMode::single_word && e.bad_devices == 1) {
          ++word_faults_alone;
          word_faults_alone_ue += e.uncorrectable ? 1 : 0;
        }
      }
    }
    REQUIRE(word_faults_alone > 50);
    // Several bits of one device: beyond SECDED, within chipkill.
    CHECK(word_faults_alone_ue == (ecc == DramEcc::secded ? word_faults_alone : 0));
    CHECK(errors == 400 * 30);
  }
}

TEST_CASE("a fault crossing a present one makes its words uncorrectable", "[dram][faults]") {
  // Fill one DIMM with many arrivals: wide permanent faults (banks, ranks)
  // accumulate, and later narrow faults inside them become uncorrectable
  // under chipkill when they sit in another device.
  DramFaultSettings s;
  s.acceleration = 1e9;
  s.dimm.rate_per_s = 0.0;  // crossings of device faults alone
  DramFaultProcess p(small_dimm(), s, 1, RngStream(5), RngStream(5 + 100));
  int crossing = 0;
  for (int i = 0; i < 5000; ++i) {
    p.draw_next_delay();
    const DramFaultError e = *p.fire();
    if (e.uncorrectable) {
      ++crossing;
      CHECK(e.bad_devices >= 2);
    }
  }
  CHECK(crossing > 0);
}

TEST_CASE("a read decodes its whole burst: each mode's error bits in DQ lanes and beats", "[dram][faults]") {
  // Faults read while alone in their DIMM: the bits are the mode's own.
  const DramGeometry g = small_dimm();
  REQUIRE(g.burst_length == 8);
  std::map<DramFaultMode, int> checked;
  for (uint64_t seed = 1; seed <= 600; ++seed) {
    DramFaultSettings s;
    s.acceleration = 1e9;
    s.activation_rate = 1.0;
    s.dimm.rate_per_s = 1e-10;  // DIMM lanes too: 0.1 /s accelerated, device faults 0.66 /s
    DramFaultProcess p(g, s, 1, RngStream(seed), RngStream(seed + 1000));
    for (int i = 0; i < 6; ++i) {
      p.draw_next_delay();
      const std::optional<DramFaultError> e = p.fire();
      if (!e) continue;
      const bool alone = e->fault == DramFaultError::kTransient ? p.permanent_faults().empty()
                                                                : p.permanent_faults().size() == 1;
      if (!alone) continue;
      INFO(to_string(e->mode) << " dqs " << e->error_dqs << " beats " << e->error_beats);
      CHECK_FALSE(e->uncorrectable);
      switch (e->mode) {
        case DramFaultMode::single_bit:
        case DramFaultMode::single_column:  // one column: one beat of the burst
          CHECK(e->error_dqs == 1);
          CHECK(e->error_beats == 1);
          break;
        case DramFaultMode::single_word:  // two bits of one device's word
          CHECK(e->error_dqs == 2);
          CHECK(e->error_beats == 1);
          break;
        case DramFaultMode::single_row:  // every column of the row: every beat
        case DramFaultMode::single_bank:
        case DramFaultMode::multi_bank:
        case DramFaultMode::multi_rank:
        case DramFaultMode::dimm_lane:
          CHECK(e->error_dqs == 1);
          CHECK(e->error_beats == g.burst_length);
          break;
        case DramFaultMode::multi_device: FAIL("a multi-device fault alone is never corrected"); break;
      }
      ++checked[e->mode];
    }
  }
  CHECK(checked.size() >= 6);
}

TEST_CASE("the burst's error bits and the ECC verdict match a recount from the faults present", "[dram][faults]") {
  // A DIMM filling with faults: a crossing anywhere in the burst fails the
  // read, in the beat activated or another. The recount walks the faults
  // per DQ lane and beat, independently of the process's per-device masks.
  const DramGeometry g = small_dimm();
  for (const DramEcc ecc : {DramEcc::chipkill, DramEcc::secded}) {
    DramFaultSettings s;
    s.acceleration = 1e9;
    s.activation_rate = 0.01;  // mostly arrivals: thousands of faults, some crossing
    s.ecc = ecc;
    s.dimm.rate_per_s = 0.0;
    DramFaultProcess p(g, s, 1, RngStream(ecc == DramEcc::chipkill ? 5 : 6), RngStream(105));
    int uncorrectable = 0, multi_beat = 0;
    for (int i = 0; i < 6000; ++i) {
      p.draw_next_delay();
      const DramFaultError e = *p.fire();
      if (e.fault == DramFaultError::kTransient) continue;  // gone: not in permanent_faults()
      const uint32_t first = e.column / g.burst_length * g.burst_length;
      std::set<uint32_t> lanes, beats;
      bool any_beat_fails = false;
      for (uint32_t beat = 0; beat < g.burst_length; ++beat) {
        std::set<uint32_t> beat_lanes, beat_devices;
        for (const DramFault& f : p.permanent_faults())
          if (f.covers(e.rank, e.bank, e.row, first + beat))
            for (uint32_t bit = 0; bit < g.bits_per_device; ++bit)
              if ((f.bits >> bit) & 1u) {
                beat_lanes.insert(f.device * g.bits_per_device + bit);
                beat_devices.insert(f.device);
              }
        if (!beat_lanes.empty()) beats.insert(beat);
        lanes.insert(beat_lanes.begin(), beat_lanes.end());
        any_beat_fails = any_beat_fails || (ecc == DramEcc::secded ? beat_lanes.size() >= 2 : beat_devices.size() >= 2);
      }
      INFO("error " << i << " " << to_string(e.mode));
      REQUIRE(e.error_dqs == lanes.size());
      REQUIRE(e.error_beats == beats.size());
      REQUIRE(e.uncorrectable == any_beat_fails);
      // The word named is in the burst; the one that failed when the read did.
      REQUIRE(e.column >= first);
      REQUIRE(e.column < first + g.burst_length);
      CHECK(e.uncorrectable == (ecc == DramEcc::secded ? e.bad_bits >= 2 : e.bad_devices >= 2));
      uncorrectable += e.uncorrectable ? 1 : 0;
      multi_beat += e.error_beats >= 2 ? 1 : 0;
    }
    CHECK(uncorrectable > 0);
    CHECK(multi_beat > 100);
  }
}

TEST_CASE("the field fault process is deterministic per seed and never fires without a rate", "[dram][faults]") {
  DramFaultSettings s;
  s.acceleration = 1e8;
  s.activation_rate = 0.5;
  const auto trace = [&](uint64_t seed) {
    DramFaultProcess p(small_dimm(), s, 2, RngStream(seed), RngStream(seed + 100));
    std::vector<std::tuple<double, uint32_t, uint32_t, uint32_t, bool>> out;
    for (int i = 0; i < 200; ++i) {
      const double dt = p.draw_next_delay();
      const DramFaultError e = *p.fire();
      out.emplace_back(dt, e.dimm, e.row, e.column, e.uncorrectable);
    }
    return out;
  };
  CHECK(trace(42) == trace(42));
  CHECK(trace(42) != trace(43));

  // A retired DIMM loses its faults and gets no new ones.
  DramFaultProcess p(small_dimm(), s, 2, RngStream(9), RngStream(9 + 100));
  for (int i = 0; i < 100; ++i) {
    p.draw_next_delay();
    p.fire();
  }
  p.retire_dimm(0);
  for (const DramFault& f : p.permanent_faults()) CHECK(f.dimm == 1);
  for (int i = 0; i < 200; ++i) {
    p.draw_next_delay();
    if (const auto e = p.fire()) CHECK(e->dimm == 1);
  }

  DramFaultSettings off;
  off.acceleration = 0.0;
  DramFaultProcess silent(small_dimm(), off, 2, RngStream(1), RngStream(1 + 100));
  CHECK(std::isinf(silent.draw_next_delay()));
}

TEST_CASE("the ECC names the bad device when one is bad, and the bad bit when one is", "[dram][faults]") {
  DramFaultSettings s;
  s.acceleration = 1e9;
  s.activation_rate = 5.0;
  s.dimm.rate_per_s = 0.0;  // the device modes'
  const DramGeometry g = small_dimm();
  DramFaultProcess p(g, s, 1, RngStream(23), RngStream(23 + 100));
  int named_devices = 0, named_bits = 0, unnamed = 0;
  for (int i = 0; i < 5000; ++i) {
    p.draw_next_delay();
    const DramFaultError e = *p.fire();
    INFO("bits " << e.bad_bits << " devices " << e.bad_devices);
    if (e.bad_devices == 1) {
      ++named_devices;
      REQUIRE(e.device < g.devices);
      // A permanent fault read alone: its own device.
      if (e.fault != DramFaultError::kTransient) CHECK(e.device == p.permanent_faults().at(e.fault).device);
    } else {
      ++unnamed;
      CHECK(e.device == DramFaultError::kUnknown);
    }
    if (e.bad_bits == 1) {
      ++named_bits;
      // The bit lies in the named device's bits of the 72-bit word.
      CHECK(e.bit_position / g.bits_per_device == e.device);
      CHECK(e.bit_position < g.devices * g.bits_per_device);
    } else {
      CHECK(e.bit_position == DramFaultError::kUnknown);
    }
  }
  CHECK(named_devices > 1000);
  CHECK(named_bits > 100);
  CHECK(unnamed > 0);
}

TEST_CASE("DIMM-level faults: their rate, the warned share as one lane, the spread within the lead bounds",
          "[dram][faults]") {
  // Many DIMMs at a fast DIMM-level rate; device faults at field rates (a
  // few 10^-6 /s over the run: ignored when one comes), lanes read only at
  // their arrival. Rate x longest lead = 1 %: a second DIMM-level fault in
  // a DIMM whose lane is still spreading is rare (its words then have three
  // bad devices).
  constexpr uint32_t kDimms = 10'000;
  constexpr double kRate = 1e-5;  // per DIMM per second
  DramFaultSettings s;
  s.acceleration = 1.0;
  s.activation_rate = 0.0;
  s.dimm.rate_per_s = kRate;
  s.dimm.lead_min_s = 10.0;
  s.dimm.lead_max_s = 1000.0;
  for (const DramEcc ecc : {DramEcc::chipkill, DramEcc::secded}) {
    s.ecc = ecc;
    DramFaultProcess p(small_dimm(), s, kDimms, RngStream(31), RngStream(32));
    CHECK(p.dimm_fault_rate_per_s() == Approx(kRate * kDimms));
    std::map<uint32_t, double> lane_since;  // DIMM -> its warned lane's arrival
    std::vector<double> leads;
    int arrivals_by_1000s = 0, warned = 0, sudden = 0, second_faults = 0;
    double t = 0;
    while (true) {
      t += p.draw_next_delay();
      if (t > 30'000) break;
      const std::optional<DramFaultError> e = p.fire();
      if (!e || (e->mode != DramFaultMode::dimm_lane && e->mode != DramFaultMode::multi_device)) continue;
      INFO("t " << t << " dimm " << e->dimm << " bits " << e->bad_bits << " devices " << e->bad_devices);
      if (e->bad_devices > 2 || (e->mode == DramFaultMode::dimm_lane && e->bad_devices > 1)) {
        // A second DIMM-level fault in a DIMM with one: uncorrectable.
        CHECK(e->uncorrectable);
        ++second_faults;
        lane_since.erase(e->dimm);
        p.retire_dimm(e->dimm);
        continue;
      }
      if (e->mode == DramFaultMode::dimm_lane) {
        // One bit of one device: corrected by either ECC, its device named.
        CHECK_FALSE(e->uncorrectable);
        CHECK(e->bad_bits == 1);
        CHECK(e->device < small_dimm().devices);
        REQUIRE(e->new_fault);
        lane_since[e->dimm] = t;
        ++warned;
        if (t <= 1000) ++arrivals_by_1000s;
        continue;
      }
      // Several devices: uncorrectable by either ECC.
      CHECK(e->uncorrectable);
      CHECK(e->bad_devices == 2);
      CHECK(e->device == DramFaultError::kUnknown);
      if (const auto lane = lane_since.find(e->dimm); lane != lane_since.end()) {
        leads.push_back(t - lane->second);
        lane_since.erase(lane);
      } else {
        ++sudden;
        if (t <= 1000) ++arrivals_by_1000s;
      }
      p.retire_dimm(e->dimm);
    }
    CHECK(second_faults < 10);
    // Arrivals over the first 1,000 s: each DIMM's first arrival is
    // exponential.
    const double expected = kDimms * (1.0 - std::exp(-kRate * 1000.0));
    CHECK(std::abs(arrivals_by_1000s - expected) < 4 * std::sqrt(expected));
    // The warned share.
    const double n = warned + sudden;
    REQUIRE(n > 1000);
    CHECK(std::abs(warned - 0.40 * n) < 4 * std::sqrt(n * 0.40 * 0.60));
    // Every warned lane spread within [10 s, 1000 s], log-uniform: half of
    // them before the geometric mean (100 s).
    REQUIRE(leads.size() > 200);
    CHECK(lane_since.size() < 10);  // those still within their lead at the end
    int before_100 = 0;
    for (const double lead : leads) {
      CHECK(lead >= 10.0 * (1 - 1e-9));
      CHECK(lead <= 1000.0 * (1 + 1e-9));
      before_100 += lead < 100.0 ? 1 : 0;
    }
    const double m = static_cast<double>(leads.size());
    CHECK(std::abs(before_100 - 0.5 * m) < 4 * std::sqrt(m * 0.25));
  }
}

TEST_CASE("the device modes draw the same with DIMM-level faults on until the first of them", "[dram][faults]") {
  DramFaultSettings on;
  on.acceleration = 1e9;
  on.activation_rate = 0.05;
  on.dimm.rate_per_s /= 10;  // about a hundred device events before the first DIMM-level one
  DramFaultSettings off = on;
  off.dimm.rate_per_s = 0.0;
  DramFaultProcess with(small_dimm(), on, 2, RngStream(77), RngStream(78));
  DramFaultProcess without(small_dimm(), off, 2, RngStream(77), RngStream(78));
  int same = 0;
  for (int i = 0; i < 10'000; ++i) {
    const double a = with.draw_next_delay(), b = without.draw_next_delay();
    const DramFaultError x = *with.fire(), y = *without.fire();
    if (x.mode == DramFaultMode::dimm_lane || x.mode == DramFaultMode::multi_device) {
      // The DIMM-level event came first: its delay is at most the device
      // draw it displaced.
      CHECK(a <= b);
      break;
    }
    REQUIRE(a == b);
    REQUIRE(x.mode == y.mode);
    REQUIRE(x.dimm == y.dimm);
    REQUIRE(x.row == y.row);
    REQUIRE(x.column == y.column);
    ++same;
  }
  CHECK(same > 5);
  CHECK(same < 10'000);
}
