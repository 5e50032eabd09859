// DRAM: sparse store, exact timing, DMI grants and invalidation, geometry,
// NUMA, error log and machine check, register access rules, warm reset.
#include <array>
#include <cmath>
#include <cstring>
#include <set>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/config/params.h"
#include "models/core/device_layout.h"
#include "models/dram/dram.h"
#include "models/workload/traffic_burst.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

// SystemC's thread stacks are invisible to ASan (no fiber annotations in
// Debian's build): after the kernel has switched stacks, unwinding an
// exception trips a false stack-buffer-underflow in ASan's own sigaltstack
// interceptor. Cases that test a thrown failure skip there; the plain build
// runs them.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN()                                                                   \
  do {                                                                                      \
    WARN("skipped under AddressSanitizer: exception unwinding after SystemC stack switches"); \
    return;                                                                                 \
  } while (false)
#else
#define SKIP_UNDER_ASAN() \
  do {                    \
  } while (false)
#endif

using namespace crashtwin;
namespace dl = device_layout;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> mem{"mem"};
  tlm_utils::simple_initiator_socket<Initiator> ctrl{"ctrl"};
  std::vector<std::pair<uint64_t, uint64_t>> invalidations;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    mem.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }
};

struct Bench {
  ParamTree tree;
  Dram dram;
  Initiator cpu{"cpu"};
  IrqLine irq{"irq_dram"};
  test::SimThread driver;
  Bench() : tree(make_tree()), dram("dram", ModelContext{ParamScope(tree, "board.dram"), 7}) {
    cpu.mem.bind(dram.in);
    cpu.ctrl.bind(dram.ctrl);
    dram.irq.bind(irq);
  }
  static ParamTree make_tree() {
    ParamTree t;
    t.set("board.dram.size", "1 TiB", {"bench.yaml", 3, 11});
    t.set("board.dram.dimms", "8");
    t.set("board.dram.numa_nodes", "2");
    t.set("board.dram.read_latency", "60 ns");
    t.set("board.dram.write_latency", "70 ns");
    t.set("board.dram.bandwidth", "10 GB/s");
    return t;
  }
  tlm::tlm_response_status transact(tlm_utils::simple_initiator_socket<Initiator>& s, tlm::tlm_command cmd,
                                    uint64_t address, void* data, unsigned length, sc_core::sc_time* delay_out = nullptr) {
    return test::transact(driver, s, cmd, address, data, length, delay_out);
  }
  uint64_t reg(uint64_t offset) {
    uint64_t v = 0;
    REQUIRE(transact(cpu.ctrl, tlm::TLM_READ_COMMAND, offset, &v, 8) == tlm::TLM_OK_RESPONSE);
    return v;
  }
};

Bench& bench() {
  static Bench b;
  // Elaboration ends before a test calls the memory outside a process: the
  // memory's multi-port socket (Dram::in) installs its callbacks then.
  static const bool elaborated = (b.driver.run([] {}), true);
  (void)elaborated;
  return b;
}

}  // namespace

TEST_CASE("1 TiB of DRAM costs nothing until written, reads of untouched pages stay sparse") {
  Bench& b = bench();
  CHECK(b.dram.size() == (1ull << 40));
  const uint64_t before = b.dram.memory().materialised_pages();
  std::array<std::byte, 64> data{};
  data.fill(std::byte{0xAA});
  REQUIRE(b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, 0x80'0000'0000ull, data.data(), 64) == tlm::TLM_OK_RESPONSE);
  CHECK(data == std::array<std::byte, 64>{});
  CHECK(b.dram.memory().materialised_pages() == before);
  data.fill(std::byte{0x5A});
  b.transact(b.cpu.mem, tlm::TLM_WRITE_COMMAND, (1ull << 40) - 64, data.data(), 64);
  CHECK(b.dram.memory().materialised_pages() == before + 1);
  std::array<std::byte, 64> back{};
  b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, (1ull << 40) - 64, back.data(), 64);
  CHECK(back == data);
  CHECK(b.reg(0x28) == b.dram.memory().materialised_pages());
}

TEST_CASE("a write across a page boundary materialises both pages and reads back") {
  Bench& b = bench();
  const uint64_t before = b.dram.memory().materialised_pages();
  std::vector<std::byte> data(100);
  for (size_t i = 0; i < data.size(); ++i) data[i] = std::byte(i);
  b.transact(b.cpu.mem, tlm::TLM_WRITE_COMMAND, 0x10'0000 - 50, data.data(), 100);
  CHECK(b.dram.memory().materialised_pages() == before + 2);
  std::vector<std::byte> back(100);
  b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, 0x10'0000 - 50, back.data(), 100);
  CHECK(back == data);
}

TEST_CASE("an access costs latency plus bytes over bandwidth, exactly") {
  Bench& b = bench();
  std::vector<std::byte> data(64 * 1024);
  sc_core::sc_time read_delay, write_delay;
  b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, 0x4000'0000, data.data(), 65536, &read_delay);
  b.transact(b.cpu.mem, tlm::TLM_WRITE_COMMAND, 0x4000'0000, data.data(), 65536, &write_delay);
  // 65536 B at 10 GB/s = 6553.6 ns.
  CHECK(read_delay == sc_core::sc_time(60, sc_core::SC_NS) + sc_core::sc_time(6553.6, sc_core::SC_NS));
  CHECK(write_delay == sc_core::sc_time(70, sc_core::SC_NS) + sc_core::sc_time(6553.6, sc_core::SC_NS));
}

TEST_CASE("accesses beyond the end answer an address error") {
  Bench& b = bench();
  uint64_t v = 0;
  CHECK(b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, (1ull << 40) - 4, &v, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("DMI: untouched pages are granted read-only as zeros and invalidated on first write") {
  Bench& b = bench();
  const uint64_t page = 0x20'0000'0000ull;
  tlm::tlm_generic_payload tx;
  tx.set_command(tlm::TLM_READ_COMMAND);
  tx.set_address(page + 16);
  tlm::tlm_dmi dmi;
  REQUIRE(b.cpu.mem->get_direct_mem_ptr(tx, dmi));
  CHECK(dmi.is_read_allowed());
  CHECK_FALSE(dmi.is_write_allowed());
  CHECK(dmi.get_start_address() == page);
  CHECK(dmi.get_end_address() == page + 4095);
  CHECK(dmi.get_read_latency() == sc_core::sc_time(60, sc_core::SC_NS));
  CHECK(dmi.get_dmi_ptr()[16] == 0);
  const uint64_t pages = b.dram.memory().materialised_pages();
  CHECK(b.dram.memory().find_page(page) == nullptr);

  b.cpu.invalidations.clear();
  uint64_t v = 42;
  b.transact(b.cpu.mem, tlm::TLM_WRITE_COMMAND, page + 16, &v, 8);
  REQUIRE(b.cpu.invalidations.size() == 1);
  CHECK(b.cpu.invalidations[0] == std::make_pair(page, page + 4095));
  CHECK(b.dram.memory().materialised_pages() == pages + 1);

  tx.set_command(tlm::TLM_WRITE_COMMAND);
  REQUIRE(b.cpu.mem->get_direct_mem_ptr(tx, dmi));
  CHECK(dmi.is_write_allowed());
  uint64_t through_dmi = 0;
  std::memcpy(&through_dmi, dmi.get_dmi_ptr() + 16, 8);
  CHECK(through_dmi == 42);
}

TEST_CASE("geometry decode and encode are inverse, NUMA nodes split the DIMMs") {
  Bench& b = bench();
  RngStream rng(3);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t offset = rng.below(b.dram.size()) & ~7ull;
    const DimmLocation where = b.dram.decode(offset);
    CHECK(where.dimm < 8);
    CHECK(where.rank < 2);
    CHECK(where.bank < 16);
    CHECK(where.column < 1024);
    CHECK(b.dram.encode(where) == offset);
    CHECK(b.dram.numa_node(offset) == where.dimm / 4);
  }
  CHECK(b.dram.decode(b.dram.dimm_size() * 3 + 8).dimm == 3);
  CHECK(b.dram.decode(b.dram.dimm_size() * 3 + 8).column == 1);
}

TEST_CASE("corrected errors are logged with location, counted, and readable as the DIMM's error log") {
  Bench& b = bench();
  b.dram.inject_corrected_errors(5, 20);
  CHECK(b.dram.metric(5, Metric::mem_corrected_errors) == 20);
  CHECK(b.reg(dl::metric_offset(5, Metric::mem_corrected_errors)) == 20);
  CHECK(b.reg(0x18) == 20);  // CE_TOTAL
  CHECK(b.reg(dl::unit_base(5) + dl::kStateKind) == static_cast<uint64_t>(StateKind::error_log));
  const uint64_t length = b.reg(dl::unit_base(5) + dl::kStateLength);
  CHECK(length == kErrorLogHeaderBytes + 20 * kErrorLogEntryBytes);
  std::vector<std::byte> block(length);
  REQUIRE(b.transact(b.cpu.ctrl, tlm::TLM_READ_COMMAND, dl::unit_base(5) + dl::kStateWindowOffset, block.data(),
                     static_cast<unsigned>(length)) == tlm::TLM_OK_RESPONSE);
  std::array<MemoryErrorLogEntry, 32> entries;
  REQUIRE(MemoryErrorLog::decode(block, entries.data(), entries.size()) == 20);
  std::multiset<uint32_t> rows;
  for (size_t i = 0; i < 20; ++i) {
    CHECK(entries[i].dimm == 5);
    CHECK_FALSE(entries[i].uncorrectable);
    CHECK(b.dram.decode(entries[i].address).row == entries[i].row);
    CHECK(b.dram.decode(entries[i].address).dimm == 5);
    rows.insert(entries[i].row);
  }
  // Precursors cluster on the weak row.
  uint32_t most = 0;
  for (uint32_t r : rows) most = std::max<uint32_t>(most, static_cast<uint32_t>(rows.count(r)));
  CHECK(most >= 10);
}

TEST_CASE("replayed corrected errors keep their logged location: one address, one rank, bank, row and column") {
  Bench& b = bench();
  const uint64_t before = b.dram.metric(2, Metric::mem_corrected_errors);
  // An address of the logged machine, beyond this DIMM's size: folded in.
  const uint64_t logged = 7 * b.dram.dimm_size() + 0x12345 * 64;
  b.dram.inject_corrected_errors_at(2, 3, logged);
  b.dram.inject_corrected_errors_at(2, 1, logged + 8 * 1024 * 1024);
  CHECK(b.dram.metric(2, Metric::mem_corrected_errors) == before + 4);
  const auto& entries = b.dram.error_log().entries();
  REQUIRE(entries.size() >= 4);
  const DimmLocation expected = b.dram.decode(2 * b.dram.dimm_size() + logged % b.dram.dimm_size());
  for (size_t i = entries.size() - 4; i < entries.size() - 1; ++i) {
    CHECK(entries[i].dimm == 2);
    CHECK(entries[i].rank == expected.rank);
    CHECK(entries[i].bank == expected.bank);
    CHECK(entries[i].row == expected.row);
    CHECK(entries[i].column == expected.column);
    CHECK(entries[i].address == entries[entries.size() - 4].address);  // the repeat address stays one
  }
  CHECK(entries.back().address != entries[entries.size() - 2].address);  // another address, another place
  // The controller's spread counters: two of the three at one address are
  // repeats; rows, banks and columns count distinct places (the fourth CE,
  // 8 MiB further, is in another row; the bench's DIMM 2 had none before).
  REQUIRE(before == 0);
  CHECK(b.dram.metric(2, Metric::mem_ce_repeats) == 2);
  const DimmLocation other = b.dram.decode(2 * b.dram.dimm_size() + (logged + 8 * 1024 * 1024) % b.dram.dimm_size());
  const bool same_bank = other.rank == expected.rank && other.bank == expected.bank;
  CHECK(b.dram.metric(2, Metric::mem_ce_rows) == 2);
  CHECK(b.dram.metric(2, Metric::mem_ce_banks) == (same_bank ? 1u : 2u));
  CHECK(b.dram.metric(2, Metric::mem_ce_columns) == (same_bank && other.column == expected.column ? 1u : 2u));
}

TEST_CASE("a corrected error rate produces Poisson arrivals in simulated time") {
  Bench& b = bench();
  b.dram.set_corrected_error_rate(2, 100.0);
  const uint64_t before = b.dram.metric(2, Metric::mem_corrected_errors);
  b.driver.run([] { sc_core::wait(1, sc_core::SC_SEC); });
  b.dram.set_corrected_error_rate(2, 0.0);
  const uint64_t n = b.dram.metric(2, Metric::mem_corrected_errors) - before;
  CHECK(n > 60);
  CHECK(n < 140);
}

TEST_CASE("a rate faster than the time resolution still advances simulated time", "[hostile]") {
  // At 1e15 /s every exponential draw is below one picosecond and rounds to
  // zero: the model must still schedule each next error strictly later.
  Bench& b = bench();
  b.dram.set_corrected_error_rate(3, 1e15);
  const uint64_t before = b.dram.metric(3, Metric::mem_corrected_errors);
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  b.driver.run([] { sc_core::wait(1, sc_core::SC_NS); });
  b.dram.set_corrected_error_rate(3, 0.0);
  CHECK(sc_core::sc_time_stamp() - start == sc_core::sc_time(1, sc_core::SC_NS));
  const uint64_t n = b.dram.metric(3, Metric::mem_corrected_errors) - before;
  const auto steps = static_cast<uint64_t>(sc_core::sc_time(1, sc_core::SC_NS) / sc_core::sc_get_time_resolution());
  CHECK(n >= 1);
  CHECK(n <= steps + 1);  // at most one arrival per resolution step
}

TEST_CASE("a testbench job waiting for an event nobody notifies fails instead of hanging", "[hostile]") {
  Bench& b = bench();
  SKIP_UNDER_ASAN();
  static sc_core::sc_event never;
  CHECK_THROWS_WITH(b.driver.run([] { sc_core::wait(never); }), Catch::Contains("nothing will notify"));
  // Release the job so the driver serves the next test cases.
  never.notify(sc_core::SC_ZERO_TIME);
  while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  b.driver.run([] {});
}

TEST_CASE("a testbench job waiting while other processes keep the kernel busy fails at its limit", "[hostile]") {
  Bench& b = bench();
  SKIP_UNDER_ASAN();
  static sc_core::sc_event never;
  b.dram.set_corrected_error_rate(1, 1000.0);  // a periodic source of activity
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  CHECK_THROWS_WITH(b.driver.run([] { sc_core::wait(never); }, sc_core::sc_time(10, sc_core::SC_MS)),
                    Catch::Contains("did not finish within 10 ms"));
  CHECK(sc_core::sc_time_stamp() - start <= sc_core::sc_time(10, sc_core::SC_MS));
  b.dram.set_corrected_error_rate(1, 0.0);
  // Release the job so the driver serves the next test cases.
  never.notify(sc_core::SC_ZERO_TIME);
  while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  b.driver.run([] {});
}

TEST_CASE("an uncorrectable error latches status, raises the machine check, and W1C acknowledges it") {
  Bench& b = bench();
  const uint64_t address = b.dram.dimm_size() * 6 + 0x1238;
  REQUIRE(b.dram.inject_failure(6, ErrorType::memory_uncorrectable, address, 0xBEEF));
  b.driver.run([] { sc_core::wait(sc_core::SC_ZERO_TIME); });
  CHECK(b.irq.read());
  const uint64_t base = dl::unit_base(6);
  CHECK(b.reg(base + dl::kErrStatus) == dl::kErrStatusValid);
  CHECK(b.reg(base + dl::kErrType) == static_cast<uint64_t>(ErrorType::memory_uncorrectable));
  CHECK(b.reg(base + dl::kErrAddress) == address);
  CHECK(b.reg(base + dl::kErrDetail) == 0xBEEF);
  CHECK(b.reg(base + dl::kErrCount) == 1);
  CHECK(b.reg(dl::metric_offset(6, Metric::mem_uncorrected_errors)) == 1);
  CHECK(b.dram.error_log().entries().back().uncorrectable);
  CHECK_FALSE(b.dram.inject_failure(6, ErrorType::disk_timeout, 0, 0));
  // The firmware's reader of the DIMM's error log finds the error where the
  // geometry puts it (what capture writes into the platform memory section).
  std::vector<std::byte> log(4096);
  const size_t length = b.dram.error_log().encode(6, log);
  MemoryErrorLogEntry found;
  REQUIRE(newest_uncorrectable_at(std::span<const std::byte>(log).first(length), address, found));
  const DimmLocation where = b.dram.decode(address - b.dram.physical_base());
  CHECK(found.dimm == 6);
  CHECK(found.rank == where.rank);
  CHECK(found.bank == where.bank);
  CHECK(found.row == where.row);
  CHECK(found.column == where.column);
  CHECK(found.syndrome == 0xBEEF);
  // An injected failure is placed in no device: the ECC names none.
  CHECK(found.device == MemoryErrorLogEntry::kUnknownDevice);
  CHECK(found.bit_position == MemoryErrorLogEntry::kUnknownBitPosition);
  CHECK_FALSE(newest_uncorrectable_at(std::span<const std::byte>(log).first(length), address + 8, found));

  uint64_t one = dl::kErrStatusValid;
  REQUIRE(b.transact(b.cpu.ctrl, tlm::TLM_WRITE_COMMAND, base + dl::kErrStatus, &one, 8) == tlm::TLM_OK_RESPONSE);
  b.driver.run([] { sc_core::wait(sc_core::SC_ZERO_TIME); });
  CHECK(b.reg(base + dl::kErrStatus) == 0);
  CHECK_FALSE(b.irq.read());
}

TEST_CASE("controller registers: reset values, read-only rules, unmapped offsets") {
  Bench& b = bench();
  CHECK(b.reg(0x00) == (1ull << 40));
  CHECK(b.reg(0x08) == 8);
  CHECK(b.reg(0x10) == 2);
  uint64_t v = 5;
  CHECK(b.transact(b.cpu.ctrl, tlm::TLM_WRITE_COMMAND, 0x00, &v, 8) == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(b.reg(0x00) == (1ull << 40));
  CHECK(b.transact(b.cpu.ctrl, tlm::TLM_READ_COMMAND, 0x800, &v, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  // A 4-byte read of the upper half of SIZE.
  uint32_t upper = 0;
  CHECK(b.transact(b.cpu.ctrl, tlm::TLM_READ_COMMAND, 0x04, &upper, 4) == tlm::TLM_OK_RESPONSE);
  CHECK(upper == 0x100);
}

TEST_CASE("warm reset keeps memory contents and clears latched status") {
  Bench& b = bench();
  uint64_t v = 0x5EED;
  b.transact(b.cpu.mem, tlm::TLM_WRITE_COMMAND, 0x3000, &v, 8);
  b.dram.inject_failure(1, ErrorType::memory_uncorrectable, 0, 0);
  b.dram.warm_reset();
  b.driver.run([] { sc_core::wait(sc_core::SC_ZERO_TIME); });
  CHECK_FALSE(b.irq.read());
  CHECK(b.reg(dl::unit_base(1) + dl::kErrStatus) == 0);
  uint64_t back = 0;
  b.transact(b.cpu.mem, tlm::TLM_READ_COMMAND, 0x3000, &back, 8);
  CHECK(back == 0x5EED);
}

TEST_CASE("bad parameters name the path, location and what is allowed") {
  ParamTree t;
  t.set("x.size", "lots", {"lib/board.yaml", 12, 11});
  try {
    param<uint64_t> p(ParamScope(t, "x"), "size", ParamKind::size, 0, "capacity");
    FAIL("accepted");
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("lib/board.yaml:12:11") != std::string::npos);
    CHECK(msg.find("x.size") != std::string::npos);
    CHECK(msg.find("GiB") != std::string::npos);
  }
  t.set("x.dimms", "300", {"lib/board.yaml", 13, 11});
  try {
    param<uint64_t> p(ParamScope(t, "x"), "dimms", ParamKind::count, 4, "DIMMs", 1, 255);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("out of range [1, 255]") != std::string::npos);
  }
}

namespace {
// Thermal parameters the bench leaves at their defaults (dram.cpp).
constexpr double kIdleW = 2.5, kActiveW = 6.0, kRefResistance = 5.0, kHeatCapacity = 20.0, kInletC = 25.0;
double resistance_of(Dram& d, uint32_t dimm) { return kRefResistance * std::sqrt(2.0 / d.slot_airflow_cfm(dimm)); }
double preheat_of(Dram& d, uint32_t dimm, double left_w, double right_w) {
  return 1.76 * 0.5 * (left_w + right_w) / d.slot_airflow_cfm(dimm);
}
}  // namespace

TEST_CASE("a DIMM's temperature is its air plus its own heating: idle slots settle by their airflow") {
  Bench& b = bench();
  // Slot airflow spreads +-30 % around 2 CFM by position, drawn per board.
  std::set<double> airflows;
  for (uint32_t d = 0; d < 8; ++d) {
    CHECK(b.dram.slot_airflow_cfm(d) >= 1.4);
    CHECK(b.dram.slot_airflow_cfm(d) <= 2.6);
    airflows.insert(b.dram.slot_airflow_cfm(d));
  }
  CHECK(airflows.size() == 8);
  // At power-on every DIMM is at its idle steady state: the inlet, its
  // neighbours' idle heat in its air, its own idle power through R_th.
  for (uint32_t d = 0; d < 8; ++d) {
    const double left = d > 0 ? kIdleW : 0.0, right = d < 7 ? kIdleW : 0.0;
    const double expected = kInletC + preheat_of(b.dram, d, left, right) + kIdleW * resistance_of(b.dram, d);
    CHECK(b.dram.temperature_c(d) == Approx(expected).epsilon(1e-12));
    CHECK(b.dram.power_w(d) == Approx(kIdleW));
    uint64_t mc = 0;
    mc = b.dram.metric(d, Metric::mem_temperature);
    CHECK(static_cast<double>(mc) == Approx(expected * 1000.0).margin(0.5));
  }
  // An edge slot has one neighbour: less preheat than the same slot inside.
  CHECK(preheat_of(b.dram, 0, 0.0, kIdleW) < preheat_of(b.dram, 0, kIdleW, kIdleW));
}

TEST_CASE("traffic heats its DIMM with the thermal time constant and warms its neighbours' air only") {
  Bench& b = bench();
  const double before3 = b.dram.temperature_c(3), before0 = b.dram.temperature_c(0);
  const double before2 = b.dram.temperature_c(2);
  // 10 s of DIMM 3 streaming at the full 10 GB/s: one burst standing for
  // 100 GB, then 10 s of simulated time.
  std::array<std::byte, 64> data{};
  b.driver.run([&] {
    tlm::tlm_generic_payload tx;
    TrafficBurst burst;
    burst.represented_bytes = 100'000'000'000ull;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_address(3 * b.dram.dimm_size() + 0x1000);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(data.data()));
    tx.set_data_length(data.size());
    tx.set_streaming_width(data.size());
    tx.set_extension(&burst);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    b.cpu.mem->b_transport(tx, delay);
    tx.clear_extension(&burst);
    sc_core::wait(sc_core::sc_time(10, sc_core::SC_SEC));
  });
  const double r3 = resistance_of(b.dram, 3);
  const double tau3 = r3 * kHeatCapacity;
  // First-order response to a 3.5 W step over 10 s.
  const double rise3 = (kActiveW - kIdleW) * r3 * (1.0 - std::exp(-10.0 / tau3));
  CHECK(b.dram.power_w(3) == Approx(kActiveW));
  CHECK(b.dram.temperature_c(3) - before3 == Approx(rise3).epsilon(1e-9));
  CHECK(rise3 < 0.2 * (kActiveW - kIdleW) * r3);  // a DIMM cannot jump to its new level in 10 s
  // The neighbour's air warmed by half the extra power; a far DIMM unchanged.
  const double r2 = resistance_of(b.dram, 2);
  const double air2 = preheat_of(b.dram, 2, 0.0, kActiveW - kIdleW);
  CHECK(b.dram.temperature_c(2) - before2 == Approx(air2 * (1.0 - std::exp(-10.0 / (r2 * kHeatCapacity)))).epsilon(1e-9));
  CHECK(b.dram.temperature_c(0) == Approx(before0).epsilon(1e-12));
}

TEST_CASE("a slot's air and a heat ramp move the DIMM through its thermal lag, a replayed reading is pinned") {
  Bench& b = bench();
  const double r5 = resistance_of(b.dram, 5), tau5 = r5 * kHeatCapacity;
  b.driver.run([] { sc_core::wait(sc_core::sc_time(1, sc_core::SC_SEC)); });
  const double t0 = b.dram.temperature_c(5);
  // The air at slot 5 ramps by 55 C over 10 s (a failed fan in front of it):
  // the DIMM follows a ramp response, a few degrees, not 55.
  b.dram.set_heat_ramp(5, 5.5, 55.0);
  b.driver.run([] { sc_core::wait(sc_core::sc_time(10, sc_core::SC_SEC)); });
  const double ramp_rise = 5.5 * (10.0 - tau5 * (1.0 - std::exp(-10.0 / tau5)));
  CHECK(b.dram.temperature_c(5) - t0 == Approx(ramp_rise).epsilon(1e-9));
  CHECK(b.dram.temperature_c(5) - t0 < 5.0);
  // Slot 6's air set to 40 C: after one time constant 63 % of the way.
  const double t6 = b.dram.temperature_c(6);
  const double steady6 = 40.0 + preheat_of(b.dram, 6, kIdleW, kIdleW) + kIdleW * resistance_of(b.dram, 6);
  b.dram.set_slot_air(6, 40.0);
  const double tau6 = resistance_of(b.dram, 6) * kHeatCapacity;
  b.driver.run([tau6] { sc_core::wait(sc_core::sc_time(tau6, sc_core::SC_SEC)); });
  CHECK(b.dram.temperature_c(6) == Approx(steady6 + (t6 - steady6) * std::exp(-1.0)).epsilon(1e-6));
  // A replayed sensor reading wins over the model from then on.
  b.dram.pin_temperature(1, 71'500);
  b.driver.run([] { sc_core::wait(sc_core::sc_time(5, sc_core::SC_SEC)); });
  CHECK(b.dram.metric(1, Metric::mem_temperature) == 71'500);
}

TEST_CASE("a failing DIMM does not heat: an uncorrectable error and corrected errors leave its temperature alone") {
  Bench& b = bench();
  const double before = b.dram.temperature_c(4);
  b.dram.inject_corrected_errors(4, 500);
  b.driver.run([] { sc_core::wait(sc_core::sc_time(30, sc_core::SC_SEC)); });
  CHECK(b.dram.temperature_c(4) == Approx(before).epsilon(1e-12));
}
