// nic: ring overflow against M/M/1/K, bytes, latency, CRC errors, link flaps
// and the fatal failure, on one elaborated testbench.
#include <cmath>
#include <memory>

#include "models/core/device_layout.h"
#include "models/core/irq.h"
#include "models/nic/nic.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
namespace dl = crashtwin::device_layout;
using test::run_for;

namespace {

struct Bench {
  ParamTree tree;
  std::unique_ptr<Nic> nic;
  test::MmioInitiator bus{"bus"};
  IrqLine irq{"irq"};

  Bench() {
    // A tiny ring (M/M/1/4) so that overflow is easy to compute by hand.
    tree.set("nic0.parallelism", "1");
    tree.set("nic0.queue_depth", "4");
    tree.set("nic0.service_time", "100 us");
    tree.set("nic0.noise", "false");
    tree.set("nic0.link_flap_duration", "500 ms");
    tree.set("nic0.workload.io_rate", "5000 /s");
    tree.set("nic0.workload.io_size", "1000 B");
    nic = std::make_unique<Nic>("nic0", ModelContext{ParamScope(tree, "nic0"), 11, 0, 0, 0});
    bus.out.bind(nic->in);
    nic->irq.bind(irq);
    test::settle();
  }
  uint64_t metric(Metric m) { return bus.metric(m); }
  uint64_t err(uint64_t reg) { return bus.unit_reg(reg); }
};

Bench& bench() {
  static Bench b;
  return b;
}

WorkloadPhase packets(double rate) { return test::io_phase(rate, 1000); }

}  // namespace

TEST_CASE("an overloaded ring drops what M/M/1/K says and carries the rest") {
  Bench& b = bench();
  REQUIRE(b.nic->set_phase(packets(20000)) == Status::ok);  // rho = 2
  // p_n ~ 2^n for n = 0..4: p_0 = 1/31, p_4 = 16/31.
  const double drops_per_s = 20000.0 * 16 / 31;
  const double packets_per_s = (30.0 / 31) / 100e-6;
  const uint64_t d0 = b.metric(Metric::net_drops);
  const uint64_t bytes0 = b.metric(Metric::net_bytes);
  run_for(1.0);
  CHECK(static_cast<double>(b.metric(Metric::net_drops) - d0) == Approx(drops_per_s).margin(1));
  CHECK(static_cast<double>(b.metric(Metric::net_bytes) - bytes0) == Approx(packets_per_s * 1000).margin(1000));
  // L = sum n p_n = (2 + 8 + 24 + 64) / 31; W = L / throughput.
  CHECK(b.nic->queue().mean_latency_s == Approx((98.0 / 31) / packets_per_s).epsilon(1e-9));
  REQUIRE(b.nic->set_phase(packets(5000)) == Status::ok);
}

TEST_CASE("CRC errors follow the precursor rate and latency the offset") {
  Bench& b = bench();
  REQUIRE(b.nic->set_phase(packets(1000)) == Status::ok);
  const uint64_t c0 = b.metric(Metric::net_crc_errors);
  REQUIRE(b.nic->set_error_rate(IoError::crc, 50) == Status::ok);
  CHECK(b.nic->set_error_rate(IoError::media, 1) == Status::unsupported);
  run_for(2.0);
  CHECK(b.metric(Metric::net_crc_errors) - c0 == 100);
  REQUIRE(b.nic->set_error_rate(IoError::crc, 0) == Status::ok);

  run_for(10.0);
  const uint64_t settled = b.metric(Metric::net_latency);
  REQUIRE(b.nic->set_latency_offset(400'000) == Status::ok);
  run_for(10.0);
  CHECK(b.metric(Metric::net_latency) > settled + 300'000);
  REQUIRE(b.nic->set_latency_offset(0) == Status::ok);
}

TEST_CASE("a link flap counts, drops every packet while down and heals") {
  Bench& b = bench();
  REQUIRE(b.nic->set_phase(packets(5000)) == Status::ok);
  run_for(0.1);
  const uint64_t flaps = b.metric(Metric::net_link_flaps);
  const uint64_t bytes = b.metric(Metric::net_bytes);
  const uint64_t drops = b.metric(Metric::net_drops);
  b.nic->link_flap();
  CHECK_FALSE(b.nic->link_up());
  CHECK(b.metric(Metric::net_link_flaps) == flaps + 1);
  run_for(0.4);
  CHECK(b.metric(Metric::net_bytes) == bytes);
  CHECK(b.metric(Metric::net_drops) - drops == 2000);  // 5000/s for 0.4 s
  run_for(0.2);
  CHECK(b.nic->link_up());
  CHECK(b.metric(Metric::net_bytes) > bytes);
  CHECK_FALSE(b.irq.read());  // a flap is a precursor, not an error
}

TEST_CASE("nic_fatal latches the AER status, raises the irq and keeps the link down") {
  Bench& b = bench();
  run_for(0.01);
  REQUIRE(b.nic->inject_failure(0, ErrorType::nic_fatal, 0, 0));
  test::settle();
  CHECK(b.irq.read());
  CHECK(b.err(dl::kErrType) == static_cast<uint64_t>(ErrorType::nic_fatal));
  CHECK(b.err(dl::kErrDetail) == Nic::kAerSurpriseDown);
  CHECK(b.err(dl::kErrTime) == test::to_ns_now());
  const uint64_t flaps = b.metric(Metric::net_link_flaps);
  b.nic->link_flap();  // a dead link does not flap
  CHECK(b.metric(Metric::net_link_flaps) == flaps);
  run_for(5.0);
  CHECK_FALSE(b.nic->link_up());
  // The ring state shows the stall.
  const uint64_t length = b.err(dl::kStateLength);
  REQUIRE(length >= kQueueStateHeaderBytes);
  const auto s = b.bus.read_bytes(dl::unit_base(0) + dl::kStateWindowOffset, static_cast<unsigned>(length));
  CHECK(static_cast<uint8_t>(s[0x20]) == 1);
  CHECK_FALSE(b.nic->inject_failure(0, ErrorType::disk_timeout, 0, 0));
}
