// Hal over TLM: every call is transactions that cost simulated time, exactly
// the hop and target latencies; DMI takes over after the first access;
// the quantum keeper lets firmware run ahead by at most a quantum; state
// blocks, the model ROM, the BMC mailbox and logs go where they should.
#include <array>
#include <vector>

#include "models/bmc/bmc.h"
#include "models/board/board.h"
#include "models/dram/dram.h"
#include "models/hal/tlm_bus.h"
#include "models/router/router.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

struct Logs final : BoardObserver {
  std::vector<std::string> lines;
  void on_firmware_log(uint64_t, LogLevel, const char* message) override { lines.emplace_back(message); }
};

struct Bench {
  ParamTree tree;
  std::unique_ptr<Board> board;
  Logs logs;
  test::SimThread driver;
  Bench() {
    tree.set("board.quantum", "10 us");
    tree.set("board.router.latency", "2 ns");
    tree.set("board.dram.read_latency", "80 ns");
    tree.set("board.dram.write_latency", "90 ns");
    tree.set("board.dram.bandwidth", "16 GB/s");
    board = std::make_unique<Board>(tree, "board");
    board->add_observer(logs);
  }
  Hal& hal() { return board->host_hal(); }
  TlmBus& bus() { return board->host_bus(); }
};

Bench& bench() {
  static Bench b;
  return b;
}

}  // namespace

TEST_CASE("a metric read costs the router hop plus the controller's latency") {
  Bench& b = bench();
  b.driver.run([&] {
    b.bus().sync();
    const uint64_t t0 = b.hal().now_ns();
    uint64_t value = 0;
    REQUIRE(b.hal().read_metric({ComponentClass::memory, 0}, Metric::mem_traffic_bytes, value) == Status::ok);
    CHECK(b.hal().now_ns() - t0 == 2 + 80);
  });
}

TEST_CASE("memory accesses cost latency plus bytes over bandwidth, then go through DMI") {
  Bench& b = bench();
  b.driver.run([&] {
    b.bus().sync();
    std::array<std::byte, 1600> data{};
    data[7] = std::byte{7};
    const uint64_t t0 = b.hal().now_ns();
    const uint64_t dmi_before = b.bus().dmi_accesses();
    REQUIRE(b.hal().phys_write(0x10'0000, data) == Status::ok);
    // 1600 B at 16 GB/s = 100 ns.
    CHECK(b.hal().now_ns() - t0 == 2 + 90 + 100);
    const uint64_t t1 = b.hal().now_ns();
    std::array<std::byte, 1600> back{};
    REQUIRE(b.hal().phys_read(0x10'0000, back) == Status::ok);
    CHECK(back == data);
    CHECK(b.bus().dmi_accesses() == dmi_before + 1);  // the write's response allowed DMI
    CHECK(b.hal().now_ns() - t1 == 2 + 80 + 100);    // the grant's latency includes the hop
  });
}

TEST_CASE("the quantum keeper runs firmware ahead of the kernel by at most a quantum") {
  Bench& b = bench();
  b.driver.run([&] {
    b.bus().sync();
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    uint64_t value = 0;
    for (int i = 0; i < 100; ++i) b.hal().read_metric({ComponentClass::memory, 1}, Metric::mem_temperature, value);
    // 100 reads x 82 ns = 8.2 us: still inside the 10 us quantum.
    CHECK(sc_core::sc_time_stamp() == start);
    CHECK(b.hal().now_ns() == to_ns(start) + 8200);
    for (int i = 0; i < 100; ++i) b.hal().read_metric({ComponentClass::memory, 1}, Metric::mem_temperature, value);
    CHECK(sc_core::sc_time_stamp() > start);  // synchronised once the quantum was used up
    CHECK(b.hal().now_ns() == to_ns(start) + 16400);
  });
}

TEST_CASE("read_state truncates to the buffer and says so") {
  Bench& b = bench();
  b.board->dram().inject_corrected_errors(0, 10);
  b.driver.run([&] {
    std::array<std::byte, 64> small;
    size_t length = 0;
    CHECK(b.hal().read_state({ComponentClass::memory, 0}, StateKind::error_log, small, length) == Status::truncated);
    CHECK(length == small.size());
    std::array<std::byte, 4096> full;
    CHECK(b.hal().read_state({ComponentClass::memory, 0}, StateKind::error_log, full, length) == Status::ok);
    CHECK(length == kErrorLogHeaderBytes + 10 * kErrorLogEntryBytes);
  });
}

TEST_CASE("alert_bmc latches the code in the BMC mailbox, log reaches the observers") {
  Bench& b = bench();
  b.driver.run([&] {
    b.hal().log(LogLevel::warning, "slice for dimm 2 grew");
    b.hal().alert_bmc(0x5A);
    b.bus().sync();
    sc_core::wait(100, sc_core::SC_MS);  // past the BMC's report time (50 ms by default)
  });
  REQUIRE(b.board->bmc().reports().size() == 1);
  CHECK(b.board->bmc().reports()[0].alert_code == 0x5A);
  // No crash region was configured: the report says so instead of guessing.
  CHECK_FALSE(b.board->bmc().reports()[0].identified);
  CHECK_FALSE(b.board->bmc().reports()[0].diagnostics.empty());
  CHECK(b.logs.lines == std::vector<std::string>{"slice for dimm 2 grew"});
}

TEST_CASE("component counts come from the board description") {
  Bench& b = bench();
  CHECK(b.hal().component_count(ComponentClass::memory) == 4);
  CHECK(b.hal().component_count(ComponentClass::network) == 0);
}
