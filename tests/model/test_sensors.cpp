// sensors: finds the board's thermal sources, serves their temperature and
// power, and drives their ambient from the inlet temperature.
#include <cmath>
#include <memory>

#include "models/core/irq.h"
#include "models/cpu/cpu_cluster.h"
#include "models/disk/disk.h"
#include "models/nic/nic.h"
#include "models/sensors/sensors.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
using test::now_s;
using test::run_for;

namespace {

struct Bench {
  ParamTree tree;
  std::unique_ptr<CpuCluster> cpu;
  std::unique_ptr<Disk> disk;
  std::unique_ptr<Nic> nic;
  std::unique_ptr<Sensors> sensors;
  test::MmioInitiator bus{"bus"};
  test::MmioInitiator cpu_bus{"cpu_bus"}, disk_bus{"disk_bus"}, nic_bus{"nic_bus"};
  test::BurstCounter memory{"memory"};
  IrqLine cpu_irq{"cpu_irq"}, disk_irq{"disk_irq"}, nic_irq{"nic_irq"};

  Bench() {
    tree.set("cpu.cores", "2");
    tree.set("cpu.noise", "false");
    tree.set("sensors.inlet_temperature", "30 C");
    tree.set("sensors.max_channels", "8");
    // Four fans that hold their speed when one stops; their own power is
    // left out so that the board power is the parts' alone.
    tree.set("sensors.fans", "4");
    tree.set("sensors.fan_control", "hold");
    tree.set("sensors.fan_power", "0");
    cpu = std::make_unique<CpuCluster>("cpu", ModelContext{ParamScope(tree, "cpu"), 3, 0, 0, 0});
    disk = std::make_unique<Disk>("disk0", ModelContext{ParamScope(tree, "disk0"), 3, 0, 0, 0});
    nic = std::make_unique<Nic>("nic0", ModelContext{ParamScope(tree, "nic0"), 3, 0, 0, 0});
    sensors = std::make_unique<Sensors>("sensors", ModelContext{ParamScope(tree, "sensors"), 3, 0, 0, 0});
    bus.out.bind(sensors->in);
    cpu_bus.out.bind(cpu->in);
    disk_bus.out.bind(disk->in);
    nic_bus.out.bind(nic->in);
    cpu->out.bind(memory.in);
    cpu->irq.bind(cpu_irq);
    disk->irq.bind(disk_irq);
    nic->irq.bind(nic_irq);
    test::settle();
  }
  uint64_t channel_reg(uint32_t ch, uint64_t field) {
    return bus.read64(Sensors::kChannelsOffset + Sensors::kChannelStride * ch + field);
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

}  // namespace

TEST_CASE("sensors expose every thermal channel of the board") {
  Bench& b = bench();
  REQUIRE(b.sensors->channels().size() == 4);
  CHECK(b.sensors->channels()[0].name == "cpu.core0");
  CHECK(b.sensors->channels()[1].name == "cpu.core1");
  CHECK(b.sensors->channels()[2].name == "disk0");
  CHECK(b.sensors->channels()[3].name == "nic0");
  CHECK(b.bus.read64(0x08) == 4);
  CHECK(b.bus.read64(0x00) == 30'000);
  CHECK(b.sensors->mmio_size() == 0x100 + 32 * 8);
  run_for(1.0);
  for (uint32_t ch = 0; ch < 4; ++ch) {
    CHECK(static_cast<double>(b.channel_reg(ch, 0)) ==
          Approx(b.sensors->channel_temperature_c(ch) * 1000).margin(0.5));
    CHECK(static_cast<double>(b.channel_reg(ch, 8)) == Approx(b.sensors->channel_power_w(ch) * 1000).margin(0.5));
  }
  // 2 cores at 20 % (3 + 9 * 0.2 = 4.8 W each) plus the disk and the NIC.
  CHECK(b.sensors->channel_power_w(0) == Approx(4.8));
  CHECK(static_cast<double>(b.bus.read64(0x10)) ==
        Approx((9.6 + b.disk->channel_power_w(0) + b.nic->channel_power_w(0)) * 1000).margin(1));
  CHECK(b.channel_reg(5, 0) == 0);  // reserved, unused channel
}

TEST_CASE("the inlet temperature is every device's ambient") {
  Bench& b = bench();
  run_for(200.0);  // cores settle (tau 10 s) at inlet + 4.8 W * 4 °C/W
  CHECK(b.cpu->core(0).temperature_c() == Approx(b.sensors->inlet() + 19.2).margin(1e-6));
  const double start_temp = b.cpu->core(0).temperature_c();
  const double start = now_s();
  b.sensors->set_inlet(b.sensors->inlet() + 10.0);
  CHECK(b.bus.read64(0x00) == static_cast<uint64_t>(std::llround(b.sensors->inlet() * 1000)));
  run_for(5.0);
  const double steady = b.sensors->inlet() + 19.2;
  const double expected = steady + (start_temp - steady) * std::exp(-(now_s() - start) / 10.0);
  CHECK(b.sensors->channel_temperature_c(0) == Approx(expected).margin(1e-9));
  CHECK(b.disk->channel_temperature_c(0) > 30.0);
}

TEST_CASE("a stopped fan warms every part by the airflow it takes away") {
  Bench& b = bench();
  run_for(600.0);  // every part at its steady state (the disk and NIC: tau 60 s)
  // The inlet as the bench left it (30 C alone; the test before raises it).
  const double inlet = b.sensors->inlet();
  const double core_w = b.cpu->core(0).power_w();
  CHECK(b.cpu->core(0).temperature_c() == Approx(inlet + core_w * 4.0).margin(1e-6));
  // The disk's and NIC's resistance to the air, from their rise and power.
  const auto resistance = [inlet](ThermalSource& part) {
    return (part.channel_temperature_c(0) - inlet) / part.channel_power_w(0);
  };
  const double disk_before = resistance(*b.disk), nic_before = resistance(*b.nic);
  REQUIRE(b.sensors->fans().airflow_fraction() == Approx(1.0));

  // FANS, FANS_STOPPED, AIRFLOW (ppm of the design airflow).
  CHECK(b.bus.read64(0x18) == 4);
  CHECK(b.bus.read64(0x20) == 0);
  CHECK(b.bus.read64(0x28) == 1'000'000);
  REQUIRE(b.sensors->fail_fan(1));
  CHECK(b.bus.read64(0x20) == 0b10);
  CHECK(b.bus.read64(0x28) == 750'000);
  CHECK_FALSE(b.sensors->fail_fan(1));  // stopped already
  CHECK_FALSE(b.sensors->fail_fan(4));  // no such fan
  // Three of four fans at the same speed: 3/4 of the air; laminar
  // convection, resistance and time constant times 1/sqrt(3/4).
  CHECK(b.sensors->fans().airflow_fraction() == Approx(0.75));
  const double factor = 1.0 / std::sqrt(0.75);
  const double start = now_s(), start_temp = b.cpu->core(0).temperature_c();
  run_for(5.0);
  const double steady = inlet + core_w * 4.0 * factor;
  const double expected = steady + (start_temp - steady) * std::exp(-(now_s() - start) / (10.0 * factor));
  CHECK(b.cpu->core(0).temperature_c() == Approx(expected).margin(1e-9));
  run_for(600.0);
  CHECK(b.cpu->core(0).temperature_c() == Approx(steady).margin(1e-6));
  // The disk and the NIC: their resistance grows by the same factor (the
  // disk's power follows its I/O bursts, so rise over power reads its
  // resistance within about 1 %).
  CHECK(resistance(*b.disk) == Approx(disk_before * factor).epsilon(0.03));
  CHECK(resistance(*b.nic) == Approx(nic_before * factor).epsilon(1e-3));
}

TEST_CASE("a channel's comparator asserts at its critical temperature and deasserts 2 C below it") {
  Bench& b = bench();
  constexpr uint64_t kCritical = 0x10, kTempAlerts = 0x38;
  // Each part's rating: a core's critical_temperature (90 C), an NVMe
  // drive's warning threshold (70 C), a NIC's (100 C); 0 where nothing is.
  CHECK(b.channel_reg(0, kCritical) == 90'000);
  CHECK(b.channel_reg(1, kCritical) == 90'000);
  CHECK(b.channel_reg(2, kCritical) == 70'000);
  CHECK(b.channel_reg(3, kCritical) == 100'000);
  CHECK(b.channel_reg(5, kCritical) == 0);
  const auto core0_alert = [&b] { return (b.bus.read64(kTempAlerts) & 1u) != 0; };
  REQUIRE_FALSE(core0_alert());
  // Hot air: core 0 heats (tau 10 s) through its critical temperature; the
  // bit is set exactly from 90 C on, read every 100 ms.
  const double inlet = b.sensors->inlet();
  b.sensors->set_inlet(inlet + 60.0);
  bool asserted = false;
  for (int i = 0; i < 3000 && !asserted; ++i) {
    run_for(0.1);
    const double t = b.sensors->channel_temperature_c(0);
    asserted = core0_alert();
    CHECK(asserted == (t >= 90.0));
  }
  REQUIRE(asserted);
  // Cool air again: the bit holds while the core is within 2 C below the
  // limit and clears under 88 C.
  b.sensors->set_inlet(inlet);
  bool held_below_limit = false, cleared = false;
  for (int i = 0; i < 6000 && !cleared; ++i) {
    run_for(0.1);
    const double t = b.sensors->channel_temperature_c(0);
    cleared = !core0_alert();
    CHECK(cleared == (t <= 88.0));
    held_below_limit = held_below_limit || (!cleared && t < 90.0);
  }
  CHECK(cleared);
  CHECK(held_below_limit);
}
