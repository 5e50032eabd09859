// Board: built from a parameter tree, unknown parameters rejected with path
// and location, effective configuration, address map and component counts;
// the Hal over TLM costs simulated time; the host firmware thread boots,
// ticks and handles the machine check a DRAM uncorrectable error raises;
// control lines reach it from the host and through the BMC's mailbox.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "models/bmc/bmc.h"
#include "models/board/board.h"
#include "models/core/register.h"
#include "models/core/rng.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/flash/flash.h"
#include "models/hal/tlm_bus.h"
#include "models/router/router.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

struct RecordingFirmware final : Firmware {
  Hal* hal = nullptr;
  uint64_t boot_ns = ~0ull;
  uint64_t period_ns = 1'000'000;
  uint64_t next = 0;
  uint64_t ticks = 0;
  std::vector<ErrorEvent> errors;
  Status boot() override {
    boot_ns = hal->now_ns();
    next = period_ns;
    return Status::ok;
  }
  uint64_t next_tick_ns() const override { return next; }
  Status tick() override {
    ++ticks;
    next += period_ns;
    return Status::ok;
  }
  Status handle_error(const ErrorEvent& e) override {
    errors.push_back(e);
    return Status::ok;
  }
  struct Line {
    ControlSource source;
    std::string text;
    uint64_t t_ns;
  };
  std::vector<Line> lines;
  Status control(ControlSource source, std::string_view line) override {
    lines.push_back({source, std::string(line), hal->now_ns()});
    return line == "status" ? Status::ok : Status::invalid_argument;
  }
};

struct Observer final : BoardObserver {
  std::vector<ErrorEvent> errors;
  void on_error_raised(const ErrorEvent& e) override { errors.push_back(e); }
};

ParamTree base_tree(const std::string& p) {
  ParamTree t;
  t.set(p + ".seed", "11", {"board.yaml", 2, 9});
  t.set(p + ".dram.size", "8 GiB", {"board.yaml", 4, 11});
  t.set(p + ".dram.dimms", "4", {"board.yaml", 5, 12});
  t.set(p + ".dma.channels", "2", {"board.yaml", 7, 15});
  return t;
}

// Builds a board that must fail in a child process: the SystemC kernel keeps
// processes of destroyed modules, so a half-built board must not share the
// testbench's kernel (the CLI exits with code 2 at this point anyway).
std::string construction_error(ParamTree tree, const char* name) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    std::string message = "no error";
    try {
      Board b(tree, name);
    } catch (const ConfigError& e) {
      message = e.what();
    }
    const ssize_t written = write(fds[1], message.data(), message.size());
    _exit(written == static_cast<ssize_t>(message.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string message;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return message;
}

struct Bench {
  std::string unknown_error, bad_kind_error, overlap_error;
  ParamTree tree;
  std::unique_ptr<Board> board;
  RecordingFirmware firmware;
  Observer observer;
  test::SimThread driver;

  Bench() {
    // Failing boards are built (and torn down) before the real one exists.
    ParamTree typo = base_tree("typo");
    typo.set("typo.dram.sise", "8 GiB", {"lib/x.yaml", 12, 11});
    unknown_error = construction_error(typo, "typo");
    ParamTree kind = base_tree("kind");
    kind.set("kind.gpu0.cores", "8", {"lib/x.yaml", 20, 5});
    bad_kind_error = construction_error(kind, "kind");
    ParamTree overlap = base_tree("overlap");
    overlap.set("overlap.flash.base", "0x100000", {"lib/x.yaml", 30, 9});
    overlap_error = construction_error(overlap, "overlap");

    tree = base_tree("board");
    board = std::make_unique<Board>(tree, "board");
    firmware.hal = &board->host_hal();
    board->add_observer(observer);
    board->run_firmware(firmware);
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

}  // namespace

TEST_CASE("an unknown parameter is rejected with its path and location") {
  const std::string& e = bench().unknown_error;
  CHECK(e.find("typo.dram.sise") != std::string::npos);
  CHECK(e.find("lib/x.yaml:12:11") != std::string::npos);
}

TEST_CASE("an unknown model kind names the instance, its location and the known kinds") {
  const std::string& e = bench().bad_kind_error;
  CHECK(e.find("kind.gpu0.kind") != std::string::npos);
  CHECK(e.find("'gpu'") != std::string::npos);
  CHECK(e.find("dram") != std::string::npos);
}

TEST_CASE("overlapping address ranges are rejected naming the parameter") {
  const std::string& e = bench().overlap_error;
  CHECK(e.find("overlap.flash.base") != std::string::npos);
  CHECK(e.find("lib/x.yaml:30:9") != std::string::npos);
  CHECK(e.find("overlaps") != std::string::npos);
}

TEST_CASE("the board is built from its description with defaults filled in") {
  Board& b = *bench().board;
  CHECK(b.dram().size() == (8ull << 30));
  CHECK(b.dma().channels() == 2);
  CHECK(b.component_count(ComponentClass::memory) == 4);
  CHECK(b.host_hal().component_count(ComponentClass::memory) == 4);
  CHECK(b.component_count(ComponentClass::disk) == 0);
  CHECK(std::string(b.dram().name()) == "board.dram");
  CHECK(b.seed() == 11);
  // Address map: DRAM at 0, devices above, no overlaps.
  const auto& map = b.address_map();
  REQUIRE(map.size() >= 5);
  CHECK(map.front().target == "dram");
  CHECK(map.front().base == 0);
  for (size_t i = 1; i < map.size(); ++i) CHECK(map[i - 1].base + map[i - 1].size <= map[i].base);
}

TEST_CASE("the effective configuration lists every parameter with value, default flag and description") {
  const std::vector<EffectiveParam> config = bench().board->effective_config();
  auto find = [&](const char* name) {
    auto it = std::find_if(config.begin(), config.end(), [&](const EffectiveParam& p) { return p.name == name; });
    REQUIRE(it != config.end());
    return *it;
  };
  const EffectiveParam size = find("board.dram.size");
  CHECK(size.value == "8 GiB");
  CHECK_FALSE(size.is_default);
  const EffectiveParam latency = find("board.dram.read_latency");
  CHECK(latency.value == "80 ns");
  CHECK(latency.is_default);
  CHECK_FALSE(latency.description.empty());
  CHECK(find("board.bmc.link_bandwidth").value == "250 MB/s");
  CHECK(find("board.flash.base").value.rfind("0x", 0) == 0);
}

TEST_CASE("the Hal over TLM moves real bytes and every call costs simulated time") {
  Bench& b = bench();
  Hal& hal = b.board->host_hal();
  b.driver.run([&] {
    const uint64_t t0 = hal.now_ns();
    std::array<std::byte, 256> data;
    for (size_t i = 0; i < data.size(); ++i) data[i] = std::byte(i);
    REQUIRE(hal.phys_write(0x1000'0000, data) == Status::ok);
    const uint64_t t1 = hal.now_ns();
    CHECK(t1 > t0);
    std::array<std::byte, 256> back{};
    REQUIRE(hal.phys_read(0x1000'0000, back) == Status::ok);
    CHECK(back == data);
    const uint64_t t2 = hal.now_ns();
    CHECK(t2 > t1);
    // A metric register read goes through the router to the DRAM controller.
    uint64_t temperature = 0;
    REQUIRE(hal.read_metric({ComponentClass::memory, 2}, Metric::mem_temperature, temperature) == Status::ok);
    // The DIMM's thermal model, read through the controller's register
    // (milli-degrees, rounded), idle: between inlet + idle heating bounds.
    CHECK(static_cast<double>(temperature) ==
          Approx(bench().board->dram().temperature_c(2) * 1000.0).margin(0.5));
    CHECK(temperature > 30000);
    CHECK(temperature < 60000);
    CHECK(hal.now_ns() > t2);
    uint64_t v = 0;
    CHECK(hal.read_metric({ComponentClass::memory, 9}, Metric::mem_temperature, v) == Status::not_found);
    CHECK(hal.read_metric({ComponentClass::memory, 0}, Metric::cpu_power, v) == Status::invalid_argument);
    test::ExpectReport expect("unmapped address 0xdead00000000 by board.host");
    CHECK(hal.phys_read(0xDEAD'0000'0000ull, back) == Status::out_of_range);
    CHECK(expect.seen() == 1);
  });
}

TEST_CASE("read_state returns the DIMM's error log as the firmware sees it") {
  Bench& b = bench();
  b.board->dram().inject_corrected_errors(1, 3);
  b.driver.run([&] {
    std::array<std::byte, 4096> block;
    size_t length = 0;
    REQUIRE(b.board->host_hal().read_state({ComponentClass::memory, 1}, StateKind::error_log, block, length) ==
            Status::ok);
    CHECK(length == kErrorLogHeaderBytes + 3 * kErrorLogEntryBytes);
    CHECK(b.board->host_hal().read_state({ComponentClass::memory, 1}, StateKind::register_file, block, length) ==
          Status::not_found);
  });
}

TEST_CASE("the model ROM serves the blob and its generation changes on update") {
  Bench& b = bench();
  const std::array<std::byte, 5> blob{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}, std::byte{5}};
  std::array<std::byte, 64> buffer{};
  size_t length = 0;
  b.driver.run([&] { CHECK(b.board->host_hal().load_model_blob(buffer, length) == Status::not_found); });
  const uint64_t generation = b.board->flash().generation();
  b.board->update_model_blob(blob);
  CHECK(b.board->flash().generation() == generation + 1);
  b.driver.run([&] {
    REQUIRE(b.board->host_hal().load_model_blob(buffer, length) == Status::ok);
    CHECK(length == 5);
    CHECK(std::equal(blob.begin(), blob.end(), buffer.begin()));
    std::array<std::byte, 2> small{};
    CHECK(b.board->host_hal().load_model_blob(small, length) == Status::no_memory);
  });
}

TEST_CASE("the host firmware boots, ticks on time and handles a DRAM machine check") {
  Bench& b = bench();
  b.driver.run([] { sc_core::wait(sc_core::SC_ZERO_TIME); });
  CHECK(b.firmware.boot_ns < 1000);
  const uint64_t start = to_ns(sc_core::sc_time_stamp());
  const uint64_t ticks = b.firmware.ticks;
  b.driver.run([] { sc_core::wait(5, sc_core::SC_MS); });
  CHECK(b.firmware.ticks - ticks >= 4);
  CHECK(b.firmware.ticks - ticks <= 6);
  (void)start;

  const uint64_t address = 3 * b.board->dram().dimm_size() + 0x4000;
  REQUIRE(b.board->inject_failure({ComponentClass::memory, 3}, ErrorType::memory_uncorrectable, address, 0x77) ==
          Status::ok);
  CHECK(b.board->inject_failure({ComponentClass::memory, 3}, ErrorType::disk_timeout) == Status::unsupported);
  CHECK(b.board->inject_failure({ComponentClass::disk, 0}, ErrorType::disk_timeout) == Status::not_found);
  b.driver.run([] { sc_core::wait(10, sc_core::SC_US); });
  REQUIRE(b.firmware.errors.size() == 1);
  const ErrorEvent& e = b.firmware.errors[0];
  CHECK(e.component == ComponentId{ComponentClass::memory, 3});
  CHECK(e.type == ErrorType::memory_uncorrectable);
  CHECK(e.address == address);
  CHECK(e.detail == 0x77);
  REQUIRE(b.observer.errors.size() == 1);
  // Acknowledged: the line is low again and no second delivery happens.
  b.driver.run([] { sc_core::wait(1, sc_core::SC_MS); });
  CHECK(b.firmware.errors.size() == 1);
}

TEST_CASE("control lines reach the firmware from the host and through the BMC's command mailbox") {
  Bench& b = bench();
  b.firmware.lines.clear();
  Bmc& bmc = b.board->bmc();
  const std::string longest(300, 'x');  // longer than the mailbox window
  b.driver.run([&] {
    b.board->write_control("status");
    bmc.send_command("status");
    bmc.send_command("dump memory.1");
    bmc.send_command(longest);
    b.board->write_control("reboot");
    sc_core::wait(100, sc_core::SC_US);
  });
  REQUIRE(b.firmware.lines.size() == 5);
  std::vector<std::string> host, from_bmc;
  for (const auto& l : b.firmware.lines) (l.source == ControlSource::host ? host : from_bmc).push_back(l.text);
  CHECK(host == std::vector<std::string>{"status", "reboot"});
  // In order, one at a time; the over-long line arrives cut at the window
  // (still too long for any parser).
  REQUIRE(from_bmc.size() == 3);
  CHECK(from_bmc[0] == "status");
  CHECK(from_bmc[1] == "dump memory.1");
  CHECK(from_bmc[2] == longest.substr(0, bmc_regs::kCommandDataBytes));
  // The BMC sees each line taken and the firmware's result code.
  REQUIRE(bmc.commands().size() == 3);
  for (const Bmc::SentCommand& c : bmc.commands()) {
    CHECK(c.taken);
    CHECK(c.taken_t_ns >= c.sent_t_ns);
  }
  CHECK(bmc.commands()[0].result == static_cast<uint64_t>(Status::ok));
  CHECK(bmc.commands()[1].result == static_cast<uint64_t>(Status::invalid_argument));
  // Reading the mailbox over TLM costs the host simulated time; the line is
  // low once the mailbox is empty.
  for (const auto& l : b.firmware.lines)
    if (l.source == ControlSource::bmc) CHECK(l.t_ns > bmc.commands()[0].sent_t_ns);
  CHECK_FALSE(bmc.command_irq().read());
}

TEST_CASE("every target of the board answers debug reads without side effects and refuses debug writes to registers") {
  Bench& b = bench();
  const uint64_t dma_transfers = b.board->dma().transfers_completed();
  const size_t dma_refusals = b.board->dma().refusals().size();
  const size_t bmc_reports = b.board->bmc().reports().size();
  // Through the host's bus (the router decodes, each target answers), as a
  // debugger attached to it would, while the simulation runs.
  size_t targets = 0;
  b.driver.run([&] {
    auto& bus = b.board->recovery_bus().out;
    for (const AddressRange& range : b.board->address_map()) {
      INFO("target " << range.target << " at " << range.base);
      ++targets;
      std::array<unsigned char, 8> data{};
      tlm::tlm_generic_payload tx;
      tx.set_command(tlm::TLM_READ_COMMAND);
      tx.set_address(range.base);
      tx.set_data_ptr(data.data());
      tx.set_data_length(data.size());
      tx.set_streaming_width(data.size());
      CHECK(bus->transport_dbg(tx) == data.size());
      CHECK(tx.get_response_status() == tlm::TLM_OK_RESPONSE);
      // A debug write to registers would do what a bus write does (start
      // a transfer, raise an alert) outside simulated time: refused.
      // Memories take it (a debugger patching memory); none is written here.
      if (range.size >= (1ull << 20)) continue;
      data.fill(0xFF);
      tx.set_command(tlm::TLM_WRITE_COMMAND);
      tx.set_address(range.base);
      CHECK(bus->transport_dbg(tx) == 0);
    }
  });
  CHECK(targets >= 7);  // dram, its controller, dma, bmc and its memory, flash, sensors, devices
  // Nothing started: no transfer, no refusal, no alert that the BMC acts on.
  b.driver.run([&] { sc_core::wait(1, sc_core::SC_MS); });
  CHECK(b.board->dma().transfers_completed() == dma_transfers);
  CHECK(b.board->dma().refusals().size() == dma_refusals);
  CHECK(b.board->bmc().reports().size() == bmc_reports);
}

TEST_CASE("warm reset keeps DRAM contents") {
  Bench& b = bench();
  std::array<std::byte, 8> data{std::byte{9}, std::byte{8}, std::byte{7}};
  b.board->dram().memory().write(0x2000'0000, data);
  b.board->warm_reset();
  std::array<std::byte, 8> back{};
  b.board->dram().memory().read(0x2000'0000, back);
  CHECK(back == data);
}

TEST_CASE("parameter values survive format then parse for every integer and real kind (property)") {
  RngStream rng(99);
  for (int i = 0; i < 3000; ++i) {
    const ParamKind kind = std::array{ParamKind::size, ParamKind::duration, ParamKind::count,
                                      ParamKind::address}[rng.below(4)];
    // Mix of round values (formatted with units) and arbitrary ones.
    // The units parser keeps 18 significant digits: stay below 10^18.
    uint64_t v = rng.below(1ull << rng.below(49));
    if (rng.bernoulli(0.5)) v <<= 10;  // round multiples get units (KiB, us)
    std::string why;
    uint64_t back = ~0ull;
    const std::string text = detail::format_param(kind, v);
    INFO(to_string(kind) << " " << v << " -> '" << text << "'");
    REQUIRE(detail::parse_param(kind, text, back, why));
    CHECK(back == v);
  }
  for (int i = 0; i < 1000; ++i) {
    const ParamKind kind = std::array{ParamKind::bandwidth, ParamKind::frequency, ParamKind::real}[rng.below(3)];
    const double v = static_cast<double>(rng.below(1'000'000)) * std::pow(10.0, static_cast<double>(rng.below(10)));
    std::string why;
    double back = -1;
    const std::string text = detail::format_param(kind, v);
    INFO(to_string(kind) << " " << v << " -> '" << text << "'");
    REQUIRE(detail::parse_param(kind, text, back, why));
    CHECK(back == Approx(v).epsilon(1e-5));  // %g keeps 6 significant digits
  }
}

TEST_CASE("the register bank applies access rules per byte lane and rejects uncovered bytes") {
  RegisterBank bank("bank");
  Register status(bank, "status", 0x00, 4, 0xF, Access::w1c);
  Register ctrl(bank, "ctrl", 0x04, 4, 0x1, Access::rw);
  Register id(bank, "id", 0x08, 8, 0xC0FFEE, Access::ro);
  Register doorbell(bank, "doorbell", 0x10, 4, 0, Access::wo);
  uint64_t rung = 0;
  doorbell.on_write([&](uint64_t v) { rung = v; });
  auto access = [&](tlm::tlm_command cmd, uint64_t offset, void* data, unsigned length) {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(offset);
    tx.set_data_ptr(static_cast<unsigned char*>(data));
    tx.set_data_length(length);
    tx.set_streaming_width(length);
    bank.transport(tx);
    return tx.get_response_status();
  };
  uint64_t two = 0;
  REQUIRE(access(tlm::TLM_READ_COMMAND, 0x00, &two, 8) == tlm::TLM_OK_RESPONSE);  // status and ctrl at once
  CHECK(two == (0x1ull << 32 | 0xF));
  uint32_t clear = 0x5;
  CHECK(access(tlm::TLM_WRITE_COMMAND, 0x00, &clear, 4) == tlm::TLM_OK_RESPONSE);
  CHECK(status.value() == 0xA);
  uint8_t byte = 0x7F;
  CHECK(access(tlm::TLM_WRITE_COMMAND, 0x05, &byte, 1) == tlm::TLM_OK_RESPONSE);  // second byte of ctrl only
  CHECK(ctrl.value() == 0x7F01);
  uint64_t v = 1;
  CHECK(access(tlm::TLM_WRITE_COMMAND, 0x08, &v, 8) == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(id.value() == 0xC0FFEE);
  uint32_t ring = 0x55;
  CHECK(access(tlm::TLM_WRITE_COMMAND, 0x10, &ring, 4) == tlm::TLM_OK_RESPONSE);
  CHECK(rung == 0x55);
  uint32_t readback = 1;
  CHECK(access(tlm::TLM_READ_COMMAND, 0x10, &readback, 4) == tlm::TLM_OK_RESPONSE);
  CHECK(readback == 0);
  CHECK(access(tlm::TLM_READ_COMMAND, 0x12, &readback, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // runs into a hole
  CHECK(access(tlm::TLM_READ_COMMAND, 0x14, &readback, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  bank.reset();
  CHECK(status.value() == 0xF);
  CHECK(ctrl.value() == 0x1);
  CHECK_THROWS_AS(Register(bank, "overlap", 0x06, 4), std::invalid_argument);
}

TEST_CASE("debug reads of a register bank run getters but not state-changing hooks, and debug writes are refused") {
  RegisterBank bank("debug_bank");
  Register ctrl(bank, "ctrl", 0x00, 8, 0x1, Access::rw);
  Register snapshot(bank, "snapshot_length", 0x08, 8, 0, Access::ro);
  uint64_t snapshots = 0;
  snapshot.on_read([&] { return ++snapshots * 100; }).read_changes_state();
  uint64_t written = 0;
  ctrl.on_write([&](uint64_t v) { written = v; });
  std::array<uint64_t, 2> data{};
  tlm::tlm_generic_payload tx;
  const auto prepare = [&](tlm::tlm_command cmd, uint64_t offset, unsigned length) {
    tx.set_command(cmd);
    tx.set_address(offset);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(data.data()));
    tx.set_data_length(length);
    tx.set_streaming_width(length);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  };
  prepare(tlm::TLM_READ_COMMAND, 0x08, 8);
  REQUIRE(bank.transport(tx));
  CHECK(data[0] == 100);  // a bus read takes a snapshot
  data = {};
  prepare(tlm::TLM_READ_COMMAND, 0x00, 16);  // ctrl and snapshot_length at once
  CHECK(bank.debug_transport(tx) == 16);
  CHECK(data[0] == 0x1);
  CHECK(data[1] == 100);  // the last snapshot's value, none taken
  CHECK(snapshots == 1);
  data[0] = 0xAB;
  prepare(tlm::TLM_WRITE_COMMAND, 0x00, 8);
  CHECK(bank.debug_transport(tx) == 0);
  CHECK(ctrl.value() == 0x1);
  CHECK(written == 0);
}
