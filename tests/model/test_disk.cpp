// disk: queue model against M/M/1 formulas, latency gauge dynamics,
// precursor hooks, error counters, failure hooks and the queue-state
// snapshot, on one elaborated testbench.
#include <array>
#include <cmath>
#include <memory>

#include "models/core/device_layout.h"
#include "models/core/irq.h"
#include "models/disk/disk.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
namespace dl = crashtwin::device_layout;
using test::now_s;
using test::run_for;

namespace {

struct Bench {
  ParamTree tree;
  std::unique_ptr<Disk> disk;     // M/M/1, noise off: exact means
  std::unique_ptr<Disk> failing;  // for the failure that never heals
  std::unique_ptr<Disk> field;    // the field fault process, failing fast
  test::MmioInitiator bus{"bus"};
  test::MmioInitiator failing_bus{"failing_bus"};
  test::MmioInitiator field_bus{"field_bus"};
  IrqLine irq{"irq"};
  IrqLine failing_irq{"failing_irq"};
  IrqLine field_irq{"field_irq"};

  Bench() {
    for (const char* d : {"disk0", "disk1"}) {
      const std::string p = d;
      tree.set(p + ".parallelism", "1");
      tree.set(p + ".queue_depth", "4096");
      tree.set(p + ".service_time", "100 us");
      tree.set(p + ".noise", "false");
      tree.set(p + ".workload.io_rate", "5000 /s");
    }
    // A drive that fails within seconds and always with a warning.
    tree.set("disk2.field_fault_acceleration", "1e6");
    tree.set("disk2.annual_failure_rate", "90 %");
    tree.set("disk2.silent_failure_fraction", "0");
    tree.set("disk2.annual_lookalike_rate", "0");
    disk = std::make_unique<Disk>("disk0", ModelContext{ParamScope(tree, "disk0"), 7, 0, 0, 0});
    failing = std::make_unique<Disk>("disk1", ModelContext{ParamScope(tree, "disk1"), 7, 1, 0, 0});
    field = std::make_unique<Disk>("disk2", ModelContext{ParamScope(tree, "disk2"), 7, 2, 0, 0});
    bus.out.bind(disk->in);
    failing_bus.out.bind(failing->in);
    field_bus.out.bind(field->in);
    disk->irq.bind(irq);
    failing->irq.bind(failing_irq);
    field->irq.bind(field_irq);
    test::settle();
  }
  uint64_t metric(Metric m) { return bus.metric(m); }
  uint64_t err(uint64_t reg) { return bus.unit_reg(reg); }
};

Bench& bench() {
  static Bench b;
  return b;
}

WorkloadPhase io(double rate) { return test::io_phase(rate, 4096); }

}  // namespace


TEST_CASE("the disk queue matches M/M/1: throughput, latency and queue length") {
  Bench& b = bench();
  REQUIRE(b.disk->set_phase(io(5000)) == Status::ok);
  run_for(20.0);  // 20 latency windows: the gauge has settled
  // rho = 0.5: W = S / (1 - rho) = 200 us, L = rho / (1 - rho) = 1.
  CHECK(static_cast<double>(b.metric(Metric::disk_latency)) == Approx(200'000).margin(1));
  CHECK(b.metric(Metric::disk_queue_depth) == 1);
  const uint64_t ops = b.metric(Metric::disk_ops);
  run_for(2.0);
  CHECK(static_cast<double>(b.metric(Metric::disk_ops) - ops) == Approx(10'000).margin(1));
  CHECK(b.disk->queue().busy_fraction == Approx(0.5).epsilon(1e-9));
  CHECK(b.metric(Metric::disk_timeouts) == 0);
}

TEST_CASE("a latency offset slows every command and the gauge follows as an EWMA") {
  Bench& b = bench();
  REQUIRE(b.disk->set_phase(io(5000)) == Status::ok);
  REQUIRE(b.disk->set_latency_offset(0) == Status::ok);
  run_for(20.0);
  const double before = b.disk->latency_ewma_s();
  REQUIRE(b.disk->set_latency_offset(25'000) == Status::ok);
  // S = 125 us, rho = 0.625: W = 125 / 0.375 = 333.3 us.
  const double target = 125e-6 / (1 - 0.625);
  CHECK(b.disk->queue().mean_latency_s == Approx(target).epsilon(1e-9));
  run_for(1.0);  // one window of the 1 s EWMA
  const double expected = target + (before - target) * std::exp(-1.0);
  CHECK(static_cast<double>(b.metric(Metric::disk_latency)) == Approx(expected * 1e9).margin(1));
  REQUIRE(b.disk->set_latency_offset(0) == Status::ok);
}

TEST_CASE("error-rate precursors drive the error counters, bad values are refused") {
  Bench& b = bench();
  const uint64_t t0 = b.metric(Metric::disk_timeouts);
  const uint64_t m0 = b.metric(Metric::disk_media_errors);
  REQUIRE(b.disk->set_error_rate(IoError::timeout, 10) == Status::ok);
  REQUIRE(b.disk->set_error_rate(IoError::media, 2) == Status::ok);
  run_for(3.0);
  CHECK(b.metric(Metric::disk_timeouts) - t0 == 30);
  CHECK(b.metric(Metric::disk_media_errors) - m0 == 6);
  CHECK(b.disk->set_error_rate(IoError::crc, 1) == Status::unsupported);
  CHECK(b.disk->set_error_rate(IoError::media, -1) == Status::invalid_argument);
  CHECK(b.disk->set_error_rate(IoError::media, INFINITY) == Status::invalid_argument);
  WorkloadPhase bad = io(100);
  bad.io_bytes = 0;
  CHECK(b.disk->set_phase(bad) == Status::invalid_argument);
  REQUIRE(b.disk->set_error_rate(IoError::timeout, 0) == Status::ok);
  REQUIRE(b.disk->set_error_rate(IoError::media, 0) == Status::ok);
}

TEST_CASE("temperature follows the busy fraction through the first-order model") {
  Bench& b = bench();
  REQUIRE(b.disk->set_phase(io(5000)) == Status::ok);
  const double from = b.disk->channel_temperature_c(0);
  const double start = now_s();
  run_for(30.0);
  // P = 2 W + 6 W * 0.5 busy; steady = 25 + 5 W * 3 °C/W; tau = 120 s.
  const double expected = 40.0 + (from - 40.0) * std::exp(-(now_s() - start) / 120.0);
  CHECK(b.disk->channel_power_w(0) == Approx(5.0));
  CHECK(static_cast<double>(b.metric(Metric::disk_temperature)) == Approx(expected * 1000).margin(0.5));
}

TEST_CASE("queue-state snapshot agrees with the counters") {
  Bench& b = bench();
  REQUIRE(b.disk->set_phase(io(9000)) == Status::ok);  // rho 0.9: L = 9
  run_for(0.5);
  const uint64_t length = b.err(dl::kStateLength);
  CHECK(b.err(dl::kStateKind) == static_cast<uint64_t>(StateKind::queue_state));
  REQUIRE(length == kQueueStateHeaderBytes + 9 * kQueueStateEntryBytes);
  const auto s = b.bus.read_bytes(dl::unit_base(0) + dl::kStateWindowOffset, static_cast<unsigned>(length));
  auto u = [&](size_t at, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(s[at + i]) << (8 * i);
    return v;
  };
  CHECK(u(0x00, 4) == kQueueStateMagic);
  CHECK(u(0x04, 2) == kQueueStateVersion);
  CHECK(u(0x06, 2) == 9);
  CHECK(u(0x08, 4) == 4096);
  CHECK(u(0x0C, 4) == 1);
  CHECK((u(0x14, 4) + 4096 - u(0x10, 4)) % 4096 == 9);  // sq tail - head = outstanding
  CHECK(u(0x20, 8) == 0);                               // not stalled
  CHECK(u(0x30, 8) == b.metric(Metric::disk_ops));
  CHECK(u(0x28, 8) == u(0x30, 8) + u(0x40, 8) + 9);
  uint64_t previous_age = ~0ull;
  for (size_t j = 0; j < 9; ++j) {
    const size_t at = kQueueStateHeaderBytes + j * kQueueStateEntryBytes;
    CHECK((u(at + 2, 1) == 1 || u(at + 2, 1) == 2));
    CHECK(u(at + 4, 4) == 4096);
    CHECK(u(at + 8, 8) < 1'000'000'000'000ull / 512);
    CHECK(u(at + 16, 8) < previous_age);  // oldest first
    previous_age = u(at + 16, 8);
  }
  REQUIRE(b.disk->set_phase(io(5000)) == Status::ok);
}

TEST_CASE("a media error latches its LBA and the disk keeps working") {
  Bench& b = bench();
  const uint64_t m0 = b.metric(Metric::disk_media_errors);
  REQUIRE_FALSE(b.irq.read());
  REQUIRE(b.disk->inject_failure(0, ErrorType::disk_media_error, 0x1234, 0));
  test::settle();
  CHECK(b.irq.read());
  CHECK(b.err(dl::kErrType) == static_cast<uint64_t>(ErrorType::disk_media_error));
  CHECK(b.err(dl::kErrAddress) == 0x1234);
  CHECK(b.err(dl::kErrDetail) == Disk::kStatusUnrecoveredRead);
  CHECK(b.metric(Metric::disk_media_errors) == m0 + 1);
  const uint64_t ops = b.metric(Metric::disk_ops);
  run_for(0.1);
  CHECK(b.metric(Metric::disk_ops) > ops);
  b.bus.write64(dl::unit_base(0) + dl::kErrStatus, dl::kErrStatusValid);
  test::settle();
  CHECK_FALSE(b.irq.read());
  CHECK_FALSE(b.disk->inject_failure(0, ErrorType::nic_fatal, 0, 0));
  CHECK_FALSE(b.disk->inject_failure(1, ErrorType::disk_media_error, 0, 0));
}

TEST_CASE("a disk timeout stalls the disk: nothing completes, commands time out") {
  Bench& b = bench();
  test::MmioInitiator& bus = b.failing_bus;
  auto metric = [&](Metric m) { return bus.read64(dl::metric_offset(0, m)); };
  run_for(5.0);
  REQUIRE(b.failing->inject_failure(0, ErrorType::disk_timeout, 0xBEEF000, 0));
  test::settle();
  CHECK(b.failing_irq.read());
  CHECK(bus.read64(dl::unit_base(0) + dl::kErrType) == static_cast<uint64_t>(ErrorType::disk_timeout));
  CHECK(bus.read64(dl::unit_base(0) + dl::kErrAddress) == 0xBEEF000);
  CHECK(bus.read64(dl::unit_base(0) + dl::kErrDetail) == Disk::kStatusAbortRequested);
  const uint64_t ops = metric(Metric::disk_ops);
  const uint64_t timeouts = metric(Metric::disk_timeouts);
  const double latency = static_cast<double>(metric(Metric::disk_latency)) * 1e-9;
  run_for(3.0);
  CHECK(metric(Metric::disk_ops) == ops);
  // A full queue (4096) times out every 30 s: 136.5 commands/s.
  CHECK(static_cast<double>(metric(Metric::disk_timeouts) - timeouts) == Approx(3 * 4096 / 30.0).margin(1));
  CHECK(metric(Metric::disk_queue_depth) == 4096);
  const double expected_latency = 30.0 + (latency - 30.0) * std::exp(-3.0);
  CHECK(static_cast<double>(metric(Metric::disk_latency)) * 1e-9 == Approx(expected_latency).epsilon(1e-6));
  CHECK(b.failing->stalled());
}

TEST_CASE("field faults: SMART counts and latency grow, then the drive fails on its own") {
  Bench& b = bench();
  test::MmioInitiator& bus = b.field_bus;
  constexpr std::array<Metric, kSmartAttributeCount> kSmart = {
      Metric::disk_reallocated_sectors, Metric::disk_reported_uncorrectable, Metric::disk_command_timeouts,
      Metric::disk_pending_sectors, Metric::disk_offline_uncorrectable};
  const auto smart_total = [&] {
    uint64_t n = 0;
    for (Metric m : kSmart) n += bus.metric(m);
    return n;
  };
  const uint64_t base_latency_ns = bus.metric(Metric::disk_latency);
  double first_count_s = -1;
  for (int i = 0; i < 20000 && !b.field_irq.read(); ++i) {
    if (first_count_s < 0 && smart_total() > 0) first_count_s = now_s();
    run_for(0.01);
  }
  REQUIRE(b.field_irq.read());
  const double failed_s = static_cast<double>(bus.unit_reg(dl::kErrTime)) * 1e-9;
  INFO("first count at " << first_count_s << " s, failure at " << failed_s << " s");
  // Warned: counts showed before the failure (within one 10 ms read).
  REQUIRE(first_count_s >= 0);
  CHECK(first_count_s <= failed_s + 0.01);
  for (size_t a = 0; a < kSmartAttributeCount; ++a)
    CHECK(bus.metric(kSmart[a]) == b.field->smart(static_cast<SmartAttribute>(a)));
  // Unreadable sectors end in an unrecovered read, others in a stall.
  const bool unreadable = bus.metric(Metric::disk_pending_sectors) + bus.metric(Metric::disk_offline_uncorrectable) > 0;
  CHECK(bus.unit_reg(dl::kErrType) ==
        static_cast<uint64_t>(unreadable ? ErrorType::disk_media_error : ErrorType::disk_timeout));
  CHECK(b.field->stalled() == !unreadable);
  // The host saw the reported uncorrectable reads (and the failing one).
  CHECK(bus.metric(Metric::disk_media_errors) >=
        bus.metric(Metric::disk_reported_uncorrectable) + (unreadable ? 1 : 0));
  // Each command took degraded_latency (2 ms) longer by the end: the queue's
  // mean latency is at least that much above the healthy 80 us service.
  if (unreadable) CHECK(b.field->queue().mean_latency_s > 0.002);
  CHECK(base_latency_ns < 1'000'000);
  // Out of the process: nothing more counts.
  const uint64_t total = smart_total();
  run_for(5.0);
  CHECK(smart_total() == total);
  // The other disks run without the process: their SMART metrics stay 0.
  for (Metric m : kSmart) CHECK(b.metric(m) == 0);
}
