// The sensors' fan stops against the kernel's clock: a stop scheduled
// beyond what the clock reaches (about 5.8 years at the twin's 10 ps
// resolution) is never, and schedules nothing. Before the fix its delay
// wrapped into an early notify that fired again and again (a machine-year
// with fans at their field rate took minutes instead of seconds). Its own
// testbench: only the sensors model, so any future activity is theirs.
#include <memory>

#include "models/sensors/sensors.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
using test::run_for;

TEST_CASE("a fan stop beyond the kernel's clock is never, and schedules nothing", "[fans]") {
  ParamTree tree;
  tree.set("sensors.fans", "2");
  tree.set("sensors.fan_control", "hold");
  // Fan 0 at 2 s; fan 1 at 3000 days (8.2 years): past the clock's reach.
  tree.set("sensors.fan_fail_at", "2 s, 3000 d");
  Sensors sensors("sensors", ModelContext{ParamScope(tree, "sensors"), 3, 0, 0, 0});
  test::MmioInitiator bus{"bus"};
  bus.out.bind(sensors.in);
  test::settle();
  run_for(1.0);
  CHECK(sensors.fans_stopped().empty());
  CHECK(sc_core::sc_pending_activity_at_future_time());  // fan 0's stop
  run_for(2.0);
  REQUIRE(sensors.fans_stopped().size() == 1);
  CHECK(sensors.fans_stopped()[0].fan == 0);
  CHECK(sensors.fans_stopped()[0].at_ns == 2'000'000'000);
  // Nothing else will happen: fan 1's stop is out of reach.
  CHECK_FALSE(sc_core::sc_pending_activity_at_future_time());
  CHECK(bus.read64(0x20) == 0b01);  // FANS_STOPPED
}
