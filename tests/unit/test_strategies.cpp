// Capture strategies: each timeline against its formula, computed by hand in
// the comments; kdump's failed dump on a too-small reservation; the CMA
// crashkernel's lent pages missing from the dump; fadump's memory returned.
#include <catch2/catch.hpp>

#include <cstring>
#include <string_view>

#include "platform/capture/catalog.h"
#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"
#include "platform/region/crash_region.h"
#include "policies/partitioning/static_policy.h"
#include "policies/strategies/cma_crashkernel.h"
#include "policies/strategies/strategies.h"

using namespace crashtwin;

namespace {

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t GiB = 1ull << 30;
constexpr uint64_t s = 1'000'000'000;
constexpr uint64_t ms = 1'000'000;

// A 16 GiB board with 8 GiB in use, crashing 1 s after power-on.
CrashFacts crash_on_16g(ErrorType error, uint64_t reservation) {
  CrashFacts c;
  c.component = ComponentId{component_class_of(error), 0};
  c.error = error;
  c.time_ns = 1 * s;
  c.dram_bytes = 16 * GiB;
  c.used_bytes = 8 * GiB;
  c.reservation_bytes = reservation;
  return c;
}

// Defaults, but a filter that keeps a quarter of the memory in use, so a
// 8 GiB dump is 2 GiB, compressed at 400 MB/s and written at 400 MB/s:
// 2 GiB / 200 MB/s = 10.73741824 s exactly.
StrategyParams quarter_filter() {
  StrategyParams p;
  p.dump.filter_ratio = 0.25;
  p.dump.compress_bandwidth_bytes_per_s = 400'000'000;
  p.dump.target_bandwidth_bytes_per_s = 400'000'000;
  return p;
}

StrategyOutcome recover(std::string_view name, const StrategyParams& params, const CrashFacts& crash) {
  StrategyStorage storage;
  CaptureStrategy* strategy = nullptr;
  REQUIRE(make_strategy(name, params, storage, strategy) == Status::ok);
  StrategyOutcome out;
  REQUIRE(strategy->recover(crash, out) == Status::ok);
  return out;
}

void check_phase(const StrategyOutcome& out, uint32_t i, const char* name, uint64_t start, uint64_t end) {
  REQUIRE(i < out.phase_count);
  CHECK(std::string_view(out.phases[i].name) == name);
  CHECK(out.phases[i].start_ns == start);
  CHECK(out.phases[i].end_ns == end);
}

// A full reboot from `start` as phases i and i + 1: POST, then the OS boot.
void check_reboot(const StrategyOutcome& out, uint32_t i, uint64_t start, uint64_t post_ns = 60 * s,
                  uint64_t boot_ns = 45 * s) {
  check_phase(out, i, "firmware POST", start, start + post_ns);
  check_phase(out, i + 1, "OS boot", start + post_ns, start + post_ns + boot_ns);
}

// Bytes of a catalog section including its descriptor (what a dump lacks
// when it lacks the section).
uint64_t section_bytes(ErrorType error, cper::CaptureSource source) {
  const CatalogEntry& e = catalog_entry(error);
  for (uint8_t i = 0; i < e.section_count; ++i)
    if (e.sections[i].source == source) return cper::kSectionDescriptorBytes + section_body_bytes(e.sections[i], {});
  return 0;
}

}  // namespace

TEST_CASE("strategies: factory knows the four names and refuses others", "[strategies]") {
  const auto names = strategy_names();
  REQUIRE(names.size() == 4);
  StrategyStorage storage;
  CaptureStrategy* strategy = nullptr;
  for (const char* name : names) {
    REQUIRE(make_strategy(name, StrategyParams{}, storage, strategy) == Status::ok);
    CHECK(std::string_view(strategy->name()) == name);
  }
  CHECK(make_strategy("kdumpp", StrategyParams{}, storage, strategy) == Status::not_found);
  StrategyParams zero_bandwidth;
  zero_bandwidth.dump.compress_bandwidth_bytes_per_s = 0;
  CHECK(make_strategy("kdump", zero_bandwidth, storage, strategy) == Status::invalid_argument);
}

TEST_CASE("strategies: impossible crash facts are refused, not modelled", "[strategies]") {
  StrategyStorage storage;
  CaptureStrategy* strategy = nullptr;
  REQUIRE(make_strategy("fadump", StrategyParams{}, storage, strategy) == Status::ok);
  StrategyOutcome out;
  CrashFacts c = crash_on_16g(ErrorType::page_fault, 512 * MiB);
  c.used_bytes = c.dram_bytes + 1;
  CHECK(strategy->recover(c, out) == Status::invalid_argument);
  c = crash_on_16g(ErrorType::page_fault, 32 * GiB);
  CHECK(strategy->recover(c, out) == Status::invalid_argument);
  c.dram_bytes = 0;
  CHECK(strategy->recover(c, out) == Status::invalid_argument);
}

TEST_CASE("predictive-bmc: held in reset, the timeline follows the formula", "[strategies]") {
  CrashFacts c = crash_on_16g(ErrorType::page_fault, 256 * MiB);
  c.predictive_captured_bytes = 4000;
  const StrategyOutcome out = recover("predictive-bmc", StrategyParams{}, c);
  // capture 4000 B at 1 GB/s = 4 us; alert 10 us; drain (16384 + 4000) B at
  // 250 MB/s = 81.536 us; report 50 ms; reboot 60 s + 45 s after the drain.
  REQUIRE(out.phase_count == 6);
  check_phase(out, 0, "capture", 1 * s, 1 * s + 4'000);
  check_phase(out, 1, "alert", 1 * s + 4'000, 1 * s + 14'000);
  check_phase(out, 2, "drain", 1 * s + 14'000, 1 * s + 95'536);
  check_phase(out, 3, "report", 1 * s + 95'536, 1 * s + 95'536 + 50 * ms);
  check_reboot(out, 4, 1 * s + 95'536);
  CHECK(out.production_ns == 106 * s + 95'536);
  CHECK(out.service_ns == out.production_ns);
  CHECK(out.report_ns == 1 * s + 95'536 + 50 * ms);
  CHECK(out.dump_succeeded);
  CHECK(out.identified);
  CHECK(out.needed_bytes == needed_bytes(ErrorType::page_fault, BoardFacts{}));
  CHECK(out.captured_bytes == 4000);
  CHECK(out.dump_bytes == kHeaderAreaBytes + 4000);
  CHECK(out.completeness() == Approx(4000.0 / static_cast<double>(out.needed_bytes)));
  CHECK(out.held.at(out.failure_ns) == 256 * MiB);
  CHECK(out.held_byte_seconds() == Approx(256.0 * MiB * 105.000095536));
}

TEST_CASE("predictive-bmc: a reboot without hold cuts a slow drain", "[strategies]") {
  CrashFacts c = crash_on_16g(ErrorType::page_fault, 256 * MiB);
  c.predictive_captured_bytes = 4000;
  StrategyParams p;
  p.predictive_bmc.hold_host_in_reset = false;
  p.host.firmware_post_ns = 1 * ms;
  // In the 1 ms of POST the BMC reads the 16384-byte header area + 2000 B.
  p.predictive_bmc.link_bandwidth_bytes_per_s = (kHeaderAreaBytes + 2000) * 1000;
  const StrategyOutcome out = recover("predictive-bmc", p, c);
  check_phase(out, 2, "drain", 1 * s + 14'000, 1 * s + 14'000 + 1 * ms);
  check_reboot(out, 4, 1 * s + 14'000, 1 * ms);
  CHECK(out.captured_bytes == 2000);
  CHECK(out.note != nullptr);
  CHECK(out.dump_succeeded);

  SECTION("a drain that beats the reboot loses nothing") {
    p.host.firmware_post_ns = 60 * s;
    const StrategyOutcome fast = recover("predictive-bmc", p, c);
    CHECK(fast.captured_bytes == 4000);
    CHECK(fast.note == nullptr);
    CHECK(fast.production_ns == 1 * s + 14'000 + 105 * s);
  }
}

TEST_CASE("predictive-bmc: nothing captured is a failed capture the BMC still reports", "[strategies]") {
  CrashFacts c = crash_on_16g(ErrorType::nic_fatal, 256 * MiB);
  c.predictive_captured_bytes = 0;
  const StrategyOutcome out = recover("predictive-bmc", StrategyParams{}, c);
  CHECK_FALSE(out.dump_succeeded);
  REQUIRE(out.failure_reason != nullptr);
  CHECK(std::strstr(out.failure_reason, "no record") != nullptr);
  CHECK(out.completeness() == 0.0);
  CHECK(out.identified);  // the alert code names the NIC
}

TEST_CASE("kdump: the timeline follows the formula", "[strategies]") {
  const CrashFacts c = crash_on_16g(ErrorType::page_fault, 256 * MiB);
  const StrategyOutcome out = recover("kdump", quarter_filter(), c);
  // kexec 0.5 s; capture kernel 15 s; 2 GiB at 200 MB/s = 10.73741824 s;
  // reboot 105 s.
  REQUIRE(out.phase_count == 5);
  check_phase(out, 0, "kexec", 1 * s, 1'500 * ms);
  check_phase(out, 1, "capture-kernel boot", 1'500 * ms, 16'500 * ms);
  check_phase(out, 2, "dump", 16'500 * ms, 16'500 * ms + 10'737'418'240);
  check_reboot(out, 3, 16'500 * ms + 10'737'418'240);
  CHECK(out.production_ns == 132'237'418'240);
  CHECK(out.time_to_production_s() == Approx(131.23741824));
  CHECK(out.report_ns == 27'237'418'240);
  CHECK(out.dump_bytes == 2 * GiB);
  CHECK(out.dump_succeeded);
  // A page fault's sections are all kernel state: the whole entry is in the dump.
  CHECK(out.captured_bytes == out.needed_bytes);
  CHECK(out.identified);
  CHECK(out.held_byte_seconds() == Approx(256.0 * MiB * 131.23741824));
}

TEST_CASE("kdump: a reservation smaller than the capture kernel needs fails the dump", "[strategies]") {
  // Need on 16 GiB: 160 MiB + 16 x 64 KiB = 161 MiB.
  SECTION("out of memory after the capture kernel boots") {
    const StrategyOutcome out = recover("kdump", quarter_filter(), crash_on_16g(ErrorType::page_fault, 161 * MiB - 4096));
    CHECK_FALSE(out.dump_succeeded);
    REQUIRE(out.failure_reason != nullptr);
    CHECK(std::strstr(out.failure_reason, "out of memory") != nullptr);
    CHECK(out.captured_bytes == 0);
    CHECK(out.completeness() == 0.0);
    CHECK(out.report_ns == 0);
    CHECK(out.dump_bytes == 0);
    REQUIRE(out.phase_count == 4);
    check_reboot(out, 2, 16'500 * ms);
    CHECK(out.production_ns == 121'500 * ms);
  }
  SECTION("exactly the need is enough") {
    CHECK(recover("kdump", quarter_filter(), crash_on_16g(ErrorType::page_fault, 161 * MiB)).dump_succeeded);
  }
  SECTION("smaller than the kexec image: never loaded, plain reboot") {
    const StrategyOutcome out = recover("kdump", quarter_filter(), crash_on_16g(ErrorType::page_fault, 32 * MiB));
    CHECK_FALSE(out.dump_succeeded);
    REQUIRE(out.phase_count == 2);
    check_reboot(out, 0, 1 * s);
  }
  SECTION("RHEL 9's 192 MiB on a 2 GiB board is too small for a 224 MiB capture kernel") {
    StrategyParams p = quarter_filter();
    p.capture_kernel.memory_bytes = 224 * MiB;
    CrashFacts c = crash_on_16g(ErrorType::page_fault, crashkernel_default_bytes(2 * GiB));
    c.dram_bytes = 2 * GiB;
    c.used_bytes = 1 * GiB;
    CHECK(c.reservation_bytes == 192 * MiB);
    CHECK_FALSE(recover("kdump", p, c).dump_succeeded);
  }
}

TEST_CASE("host dumps: what a memory dump of the crashed kernel holds", "[strategies]") {
  using Src = cper::CaptureSource;
  const ErrorType ue = ErrorType::memory_uncorrectable;
  const uint64_t rows = section_bytes(ue, Src::memory_rows);
  const uint64_t sensors = section_bytes(ue, Src::sensor_history);
  const uint64_t device_log = section_bytes(ue, Src::error_history);  // the memory controller's, not host memory
  CHECK(rows == 72 + 24 + 3 * 8192);
  StrategyParams p = quarter_filter();
  const StrategyOutcome filtered = recover("kdump", p, crash_on_16g(ue, 256 * MiB));
  // No sensor history without an agent, no device-side error log; user rows
  // dropped by -d 31.
  CHECK(filtered.captured_bytes == filtered.needed_bytes - rows - sensors - device_log);
  p.dump.exclude_user_pages = false;
  const StrategyOutcome unfiltered = recover("kdump", p, crash_on_16g(ue, 256 * MiB));
  CHECK(unfiltered.captured_bytes == unfiltered.needed_bytes - sensors - device_log);
  CHECK(unfiltered.identified);

  SECTION("a thermal trip leaves no dump at all") {
    for (const char* name : {"kdump", "cma-crashkernel", "fadump"}) {
      const StrategyOutcome out = recover(name, p, crash_on_16g(ErrorType::thermal_shutdown, 512 * MiB));
      CHECK_FALSE(out.dump_succeeded);
      CHECK(out.production_ns == 106 * s);
    }
  }
}

TEST_CASE("cma-crashkernel: timeline, steady reservation and lent pages missing", "[strategies]") {
  StrategyParams p = quarter_filter();
  p.cma.lendable_fraction = 0.5;
  p.dump.exclude_user_pages = false;
  const ErrorType ue = ErrorType::memory_uncorrectable;
  const CrashFacts c = crash_on_16g(ue, 512 * MiB);
  // 512 MiB = 64 MiB fixed + 448 MiB CMA, half of it lent: 224 MiB.
  StrategyStorage storage;
  CaptureStrategy* strategy = nullptr;
  REQUIRE(make_strategy("cma-crashkernel", p, storage, strategy) == Status::ok);
  CHECK(strategy->steady_held_bytes(512 * MiB) == 288 * MiB);

  const StrategyOutcome out = recover("cma-crashkernel", p, c);
  // kexec 0.5 s; quiesce 10 s; boot 15 s; (8192 - 224) MiB / 4 = 1992 MiB at
  // 200 MB/s = 10.44381696 s; reboot 105 s.
  REQUIRE(out.phase_count == 6);
  check_phase(out, 0, "kexec", 1 * s, 1'500 * ms);
  check_phase(out, 1, "dma quiesce", 1'500 * ms, 11'500 * ms);
  check_phase(out, 2, "capture-kernel boot", 11'500 * ms, 26'500 * ms);
  check_phase(out, 3, "dump", 26'500 * ms, 26'500 * ms + 10'443'816'960);
  CHECK(out.production_ns == 131'500 * ms + 10'443'816'960);
  CHECK(out.dump_bytes == 1992 * MiB);
  CHECK(out.image_lost_bytes == 224 * MiB);
  // During recovery the whole reservation is taken back; after it, the
  // steady 288 MiB.
  CHECK(out.held.at(out.failure_ns) == 512 * MiB);
  CHECK(out.held.at(out.production_ns) == 288 * MiB);

  // The rows around the failing address are lost in proportion: 224 of
  // 8192 MiB of used memory were lent: 24672 B * 0.02734375 = 674.6 -> 675.
  const StrategyOutcome kdump = recover("kdump", p, c);
  CHECK(kdump.captured_bytes - out.captured_bytes == 675);
  CHECK(out.completeness() < kdump.completeness());

  SECTION("a fixed part too small for the kexec image never loads") {
    p.cma.fixed_bytes = 16 * MiB;
    const StrategyOutcome tiny = recover("cma-crashkernel", p, c);
    CHECK_FALSE(tiny.dump_succeeded);
    CHECK(tiny.production_ns == 106 * s);
  }
  SECTION("the whole reservation must hold the capture kernel") {
    const StrategyOutcome small = recover("cma-crashkernel", p, crash_on_16g(ue, 128 * MiB));
    CHECK_FALSE(small.dump_succeeded);
    CHECK(std::strstr(small.failure_reason, "out of memory") != nullptr);
  }
}

TEST_CASE("fadump: timeline and memory returned region by region", "[strategies]") {
  const CrashFacts c = crash_on_16g(ErrorType::page_fault, 512 * MiB);
  const StrategyOutcome out = recover("fadump", quarter_filter(), c);
  // save 256 MiB at 4 GB/s = 67.108864 ms; reset 10 s; boot 45 s; dump
  // 2 GiB at 200 MB/s = 10.73741824 s, no second reboot.
  const uint64_t service = 1 * s + 67'108'864 + 55 * s;
  REQUIRE(out.phase_count == 4);
  check_phase(out, 0, "save boot memory", 1 * s, 1 * s + 67'108'864);
  check_phase(out, 1, "reset (memory kept)", 1 * s + 67'108'864, 11 * s + 67'108'864);
  check_phase(out, 2, "boot into boot memory", 11 * s + 67'108'864, service);
  check_phase(out, 3, "dump + release", service, service + 10'737'418'240);
  CHECK(out.service_ns == service);
  CHECK(out.production_ns == service + 10'737'418'240);
  CHECK(out.report_ns == out.production_ns);
  CHECK(out.dump_succeeded);
  CHECK(out.captured_bytes == out.needed_bytes);

  const MemoryCurve& a = out.available;
  // 256 MiB at boot, then 15 releases of 1 GiB and one of 0.75 GiB.
  REQUIRE(a.count == 17);
  CHECK(a.steps[0].time_ns == service);
  CHECK(a.steps[0].bytes == 256 * MiB);
  // The first release (old memory up to 1.25 GiB = 160 MiB of dump) lands
  // after 160 MiB / 200 MB/s = 0.8388608 s.
  CHECK(a.steps[1].time_ns == service + 838'860'800);
  CHECK(a.steps[1].bytes == 256 * MiB + 1 * GiB);
  for (uint32_t i = 1; i < a.count; ++i) {
    CHECK(a.steps[i].time_ns > a.steps[i - 1].time_ns);
    CHECK(a.steps[i].bytes > a.steps[i - 1].bytes);
  }
  CHECK(a.steps[a.count - 1].bytes == c.dram_bytes);
  CHECK(a.steps[a.count - 1].time_ns == out.production_ns);

  // Held: the reservation, then all preserved memory, shrinking as it is
  // released, never below the reservation, and the reservation again.
  CHECK(out.held.at(out.failure_ns) == 512 * MiB);
  CHECK(out.held.at(service) == 16 * GiB - 256 * MiB);
  for (uint32_t i = 0; i < out.held.count; ++i) CHECK(out.held.steps[i].bytes >= 512 * MiB);
  CHECK(out.held.at(out.production_ns) == 512 * MiB);

  SECTION("a reservation smaller than the boot memory cannot register") {
    const StrategyOutcome refused = recover("fadump", quarter_filter(), crash_on_16g(ErrorType::page_fault, 128 * MiB));
    CHECK_FALSE(refused.dump_succeeded);
    CHECK(std::strstr(refused.failure_reason, "registration") != nullptr);
  }
  SECTION("a huge DRAM coarsens the release steps to fit the curve") {
    CrashFacts big = c;
    big.dram_bytes = 4096 * GiB;
    big.used_bytes = 1024 * GiB;
    const StrategyOutcome o = recover("fadump", quarter_filter(), big);
    CHECK(o.available.count <= kMaxMemorySteps);
    CHECK(o.available.steps[o.available.count - 1].bytes == big.dram_bytes);
  }
}

TEST_CASE("strategies: invariants over every error, strategy and reservation", "[strategies][property]") {
  const uint64_t reservations[] = {0, 16 * MiB, 128 * MiB, 256 * MiB, 512 * MiB, 2 * GiB};
  const uint64_t used[] = {0, 1 * GiB, 16 * GiB};
  for (const char* name : strategy_names()) {
    for (size_t e = 0; e < kErrorTypeCount; ++e) {
      for (uint64_t r : reservations) {
        for (uint64_t u : used) {
          CrashFacts c = crash_on_16g(static_cast<ErrorType>(e), r);
          c.used_bytes = u;
          c.predictive_captured_bytes = 1 * MiB;  // more than any entry needs: capped
          const StrategyOutcome o = recover(name, StrategyParams{}, c);
          INFO(name << " error " << e << " reservation " << r << " used " << u);
          CHECK(o.captured_bytes <= o.needed_bytes);
          CHECK(o.failure_ns <= o.service_ns);
          CHECK(o.service_ns <= o.production_ns);
          CHECK(o.dump_succeeded == (o.failure_reason == nullptr));
          for (uint32_t i = 0; i < o.phase_count; ++i) {
            CHECK(o.phases[i].start_ns >= o.failure_ns);
            CHECK(o.phases[i].start_ns <= o.phases[i].end_ns);
          }
          CHECK(o.available.at(o.production_ns) == c.dram_bytes);
          for (uint32_t i = 1; i < o.available.count; ++i) CHECK(o.available.steps[i].bytes >= o.available.steps[i - 1].bytes);
          CHECK(o.held.at(o.failure_ns) >= c.reservation_bytes);
        }
      }
    }
  }
}
