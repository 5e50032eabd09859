// The kernel's clock (models/core/tlm_types.h): 10 ps resolution, so a
// simulated year fits (SystemC's default 1 ps ends at 213 days), and the
// nanoseconds every trace is written in are exact over the whole range (a
// double of seconds is not beyond 2^53 ns, 104 days).
#include <catch2/catch.hpp>

#include "models/core/tlm_types.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kDayNs = 86'400'000'000'000ull;

struct Alarm : sc_core::sc_module {
  SC_HAS_PROCESS(Alarm);
  explicit Alarm(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    SC_METHOD(ring);
    sensitive << at;
    dont_initialize();
  }
  void ring() { rung_ns.push_back(to_ns(sc_core::sc_time_stamp())); }
  sc_core::sc_event at;
  std::vector<uint64_t> rung_ns;
};

}  // namespace

TEST_CASE("simulated time runs past a year at 10 ps, exact in nanoseconds", "[model][time]") {
  CHECK(sc_core::sc_get_time_resolution() == sc_core::sc_time(10, sc_core::SC_PS));
  for (uint64_t t : {uint64_t{0}, uint64_t{1}, uint64_t{9'007'199'254'740'993},  // 2^53 + 1: no double holds it
                     300 * kDayNs + 1, 731 * kDayNs + 7}) {
    CHECK(to_ns(ns(t)) == t);
  }
  // Past the clock's end ns() saturates (it used to wrap to an early time).
  CHECK(ns(kMaxExactNs).value() == kMaxExactNs * kTimeUnitsPerNs);
  CHECK(ns(kMaxExactNs + 1) == sc_core::sc_max_time());
  CHECK(ns(UINT64_MAX) == sc_core::sc_max_time());
  CHECK(ns(3 * (kMaxExactNs / 2)) > ns(kMaxExactNs));
  CHECK(to_ns(sc_core::sc_time(2.5, sc_core::SC_NS)) == 3);  // 2.5 ns is a time (rounded only when printed)
  CHECK(sc_core::sc_time(2.5, sc_core::SC_NS).value() == 250);

  Alarm alarm("alarm");
  const uint64_t when = 300 * kDayNs + 123;  // beyond 1 ps's 213 days
  alarm.at.notify(ns(when));
  sc_core::sc_start(ns(366 * kDayNs));
  REQUIRE(alarm.rung_ns.size() == 1);
  CHECK(alarm.rung_ns.front() == when);
  CHECK(to_ns(sc_core::sc_time_stamp()) == 366 * kDayNs);
}
