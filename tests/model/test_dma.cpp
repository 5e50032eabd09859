// DMA controller: transfer time = latency + bytes / bandwidth, descriptor
// chains, one completion interrupt per channel, the window table only the
// host programs and locks (refusals flagged, logged, reported), register
// access rules.
#include <algorithm>
#include <array>
#include <random>
#include <cstring>

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/config/params.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/router/router.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;
using namespace crashtwin::dma_regs;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> out{"out"};
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

constexpr uint64_t kDmaBase = 0x1'0000'0000ull;

struct Bench {
  ParamTree tree;
  Router router;
  Dram dram;
  DmaController dma;
  Initiator host{"host"};   // programs through the router: initiator 0
  Initiator bmc{"bmc"};     // programs directly: initiator 1, restricted
  std::vector<std::unique_ptr<IrqLine>> irqs;  // one per channel
  IrqLine dram_irq{"irq_dram"};
  test::SimThread driver;
  uint32_t bmc_id = 0;
  std::vector<DmaTransfer> seen;

  Bench()
      : tree(make_tree()),
        router("router", ModelContext{ParamScope(tree, "router")}),
        dram("dram", ModelContext{ParamScope(tree, "dram")}),
        dma("dma", ModelContext{ParamScope(tree, "dma")}) {
    router.map("dram", 0, dram.size(), dram.in);
    router.map("dma", kDmaBase, dma.mmio_size(), dma.in);
    router.map("dram.ctrl", 0x2'0000'0000ull, 0x10'0000, dram.ctrl);
    router.bind_initiator(dma.out, "dma");
    router.bind_initiator(host.out, "host");
    bmc.out.bind(dma.in);
    bmc_id = dma.add_initiator("bmc", true, 100e6);
    for (uint32_t c = 0; c < dma.channels(); ++c) {
      irqs.push_back(std::make_unique<IrqLine>(fmt::format("irq_dma_ch{}", c).c_str()));
      dma.channel_irq[c].bind(*irqs.back());
    }
    dram.irq.bind(dram_irq);
    dma.on_transfer = [this](const DmaTransfer& t) { seen.push_back(t); };
  }
  static ParamTree make_tree() {
    ParamTree t;
    t.set("router.latency", "0 ns");
    t.set("dram.size", "64 MiB");
    t.set("dma.bandwidth", "1 GB/s");
    t.set("dma.latency", "500 ns");
    t.set("dma.burst", "4 KiB");
    return t;
  }
  IrqLine& irq(uint32_t channel) { return *irqs.at(channel); }
  void write(Initiator& who, uint64_t address, uint64_t value) {
    REQUIRE(try_write(who, address, value) == tlm::TLM_OK_RESPONSE);
  }
  tlm::tlm_response_status try_write(Initiator& who, uint64_t address, uint64_t value) {
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_WRITE_COMMAND);
    tx.set_address(address);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    tx.set_data_length(8);
    tx.set_streaming_width(8);
    sc_core::sc_time d;
    who.out->b_transport(tx, d);
    return tx.get_response_status();
  }
  // What host firmware does at boot: entry 0 lets the BMC read
  // [read_base, +read_size), entry 1 write [write_base, +write_size).
  void grant(uint64_t read_base, uint64_t read_size, uint64_t write_base, uint64_t write_size, bool lock) {
    const uint64_t who = uint64_t{bmc_id} << kAttrInitiatorShift;
    driver.run([&] {
      write(host, kDmaBase + window_entry(0) + kWindowBase, read_base);
      write(host, kDmaBase + window_entry(0) + kWindowSize, read_size);
      write(host, kDmaBase + window_entry(0) + kWindowAttr, who | kAttrEnable | kAttrRead);
      write(host, kDmaBase + window_entry(1) + kWindowBase, write_base);
      write(host, kDmaBase + window_entry(1) + kWindowSize, write_size);
      write(host, kDmaBase + window_entry(1) + kWindowAttr, who | kAttrEnable | kAttrWrite);
      if (lock) write(host, kDmaBase + kWindowLock, kWindowLocked);
    });
  }
  uint64_t read(Initiator& who, uint64_t address) {
    uint64_t value = 0;
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_address(address);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    tx.set_data_length(8);
    tx.set_streaming_width(8);
    sc_core::sc_time d;
    who.out->b_transport(tx, d);
    return value;
  }
  // Programs channel `ch` from `who` (through the router for the host) and
  // waits for the interrupt; returns the time it took and the status.
  std::pair<sc_core::sc_time, uint64_t> run_transfer(bool as_bmc, uint32_t ch, uint64_t src, uint64_t dst,
                                                     uint64_t len, uint64_t ctrl_extra = 0) {
    Initiator& who = as_bmc ? bmc : host;
    const uint64_t base = (as_bmc ? 0 : kDmaBase) + ch * kChannelStride;
    sc_core::sc_time took;
    uint64_t status = 0;
    driver.run([&] {
      write(who, base + kStatus, kStatusDone | kStatusRefused | kStatusError);
      wait(sc_core::SC_ZERO_TIME);
      write(who, base + kSrc, src);
      write(who, base + kDst, dst);
      write(who, base + kLen, len);
      const sc_core::sc_time start = sc_core::sc_time_stamp();
      write(who, base + kCtrl, kCtrlStart | kCtrlIrqEnable | ctrl_extra);
      wait(irq(ch).posedge_event());
      took = sc_core::sc_time_stamp() - start;
      status = read(who, base + kStatus);
      write(who, base + kStatus, kStatusDone | kStatusRefused | kStatusError);
      wait(sc_core::SC_ZERO_TIME);
    });
    return {took, status};
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

std::vector<std::byte> pattern(size_t n, int seed) {
  std::vector<std::byte> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::byte((i * 7 + seed) & 0xFF);
  return v;
}

}  // namespace

TEST_CASE("a transfer takes latency plus bytes over bandwidth and moves the bytes") {
  Bench& b = bench();
  const auto data = pattern(100'000, 1);
  b.dram.memory().write(0x10'0000, data);
  const auto [took, status] = b.run_transfer(false, 0, 0x10'0000, 0x80'0000, data.size());
  // 100000 B at 1 GB/s = 100 us, plus 500 ns latency; the interrupt is seen one delta later.
  CHECK(took == sc_core::sc_time(100'500, sc_core::SC_NS));
  CHECK(took == b.dma.transfer_time(0, data.size()));
  CHECK(status == kStatusDone);
  std::vector<std::byte> back(data.size());
  b.dram.memory().read(0x80'0000, back);
  CHECK(back == data);
  REQUIRE_FALSE(b.seen.empty());
  CHECK(b.seen.back().bytes == data.size());
  CHECK(b.seen.back().end_ns - b.seen.back().start_ns == 100'500);
  CHECK_FALSE(b.seen.back().refused);
}

TEST_CASE("a descriptor chain moves every segment") {
  Bench& b = bench();
  const auto one = pattern(4096, 2), two = pattern(8192, 3);
  b.dram.memory().write(0x20'0000, one);
  b.dram.memory().write(0x30'0000, two);
  auto put_descriptor = [&](uint64_t at, uint64_t src, uint64_t dst, uint64_t len, uint64_t next) {
    const uint64_t fields[4] = {src, dst, len, next};
    b.dram.memory().write(at, std::as_bytes(std::span(fields)));
  };
  put_descriptor(0x1000, 0x20'0000, 0x90'0000, one.size(), 0x1020);
  put_descriptor(0x1020, 0x30'0000, 0xA0'0000, two.size(), 0);
  sc_core::sc_time took;
  uint64_t status = 0;
  b.driver.run([&] {
    b.write(b.host, kDmaBase + kChannelStride + kDesc, 0x1000);
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    b.write(b.host, kDmaBase + kChannelStride + kCtrl, kCtrlStart | kCtrlIrqEnable | kCtrlChain);
    wait(b.irq(1).posedge_event());
    took = sc_core::sc_time_stamp() - start;
    status = b.read(b.host, kDmaBase + kChannelStride + kStatus);
    CHECK(b.read(b.host, kDmaBase + kChannelStride + kBytesDone) == one.size() + two.size());
    b.write(b.host, kDmaBase + kChannelStride + kStatus, kStatusDone);
    wait(sc_core::SC_ZERO_TIME);
  });
  CHECK(status == kStatusDone);
  std::vector<std::byte> back(one.size());
  b.dram.memory().read(0x90'0000, back);
  CHECK(back == one);
  back.resize(two.size());
  b.dram.memory().read(0xA0'0000, back);
  CHECK(back == two);
  // Two transfers, each with its own latency, plus the descriptor fetches.
  CHECK(took >= b.dma.transfer_time(0, one.size()) + b.dma.transfer_time(0, two.size()));
}

TEST_CASE("the completion interrupt follows IRQ_ENABLE and W1C acknowledgement") {
  Bench& b = bench();
  b.run_transfer(false, 1, 0x10'0000, 0x11'0000, 64);
  CHECK_FALSE(b.irq(1).read());  // acknowledged by run_transfer
}

TEST_CASE("a restricted initiator is refused outside the windows the host granted: flagged, logged, reported") {
  Bench& b = bench();
  const uint64_t region = 0x200'0000, region_size = 0x10'0000, own = 0x300'0000;
  // Nothing granted yet: the BMC can read nothing.
  auto [took, status] = b.run_transfer(true, 3, region, own, 4096);
  CHECK(status == kStatusRefused);
  b.grant(region, region_size, own, 0x10'0000, true);
  REQUIRE(b.dma.windows(b.bmc_id).size() == 2);
  CHECK(b.dma.windows_locked());
  const auto inside = pattern(8192, 4);
  b.dram.memory().write(region, inside);

  std::tie(took, status) = b.run_transfer(true, 3, region, own, 8192);
  CHECK(status == kStatusDone);
  CHECK(took == b.dma.transfer_time(b.bmc_id, 8192));  // at the BMC link's 100 MB/s

  const size_t refusals = b.dma.refusals().size();
  std::tie(took, status) = b.run_transfer(true, 3, region - 4096, own, 8192);  // starts below the window
  CHECK(status == kStatusRefused);
  REQUIRE(b.dma.refusals().size() == refusals + 1);
  CHECK(b.dma.refusals().back().reason.find("source") != std::string::npos);
  CHECK(b.dma.refusals().back().initiator == "bmc");
  CHECK(b.seen.back().refused);

  std::tie(took, status) = b.run_transfer(true, 3, region, region + 0x8000, 4096);  // writing the read-only window
  CHECK(status == kStatusRefused);
  CHECK(b.dma.refusals().back().reason.find("destination") != std::string::npos);
  // The host is not restricted by the table.
  std::tie(took, status) = b.run_transfer(false, 0, 0x10'0000, 0x11'0000, 4096);
  CHECK(status == kStatusDone);
}

TEST_CASE("only the host programs the window table, and only until it locks it") {
  Bench& b = bench();
  const uint64_t region = 0x200'0000, own = 0x300'0000;
  b.grant(region, 0x1'0000, own, 0x1'0000, false);
  const size_t refusals = b.dma.refusals().size();
  b.driver.run([&] {
    // The BMC tries to widen its read window, to add one, and to lock or
    // unlock the table: every write is refused with an error response.
    CHECK(b.try_write(b.bmc, window_entry(0) + kWindowSize, 0x4000'0000) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(b.try_write(b.bmc, window_entry(2) + kWindowAttr,
                      (uint64_t{b.bmc_id} << kAttrInitiatorShift) | kAttrEnable | kAttrRead) ==
          tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(b.try_write(b.bmc, kWindowLock, kWindowLocked) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    // It may read the table and learn its own requester id.
    CHECK(b.read(b.bmc, kRequesterId) == b.bmc_id);
    CHECK(b.read(b.host, kDmaBase + kRequesterId) == 0);
    CHECK(b.read(b.bmc, window_entry(0) + kWindowSize) == 0x1'0000);
  });
  CHECK(b.dma.windows(b.bmc_id).size() == 2);
  CHECK(b.dma.windows(b.bmc_id)[0].size == 0x1'0000);
  REQUIRE(b.dma.refusals().size() == refusals + 3);
  CHECK(b.dma.refusals().back().initiator == "bmc");
  CHECK(b.dma.refusals().back().reason.find("may not program the DMA window table") != std::string::npos);
  CHECK(b.seen.back().refused);

  // Before the lock the host may still change it; after, nobody can.
  b.driver.run([&] {
    CHECK(b.try_write(b.host, kDmaBase + window_entry(0) + kWindowSize, 0x2'0000) == tlm::TLM_OK_RESPONSE);
    CHECK(b.try_write(b.host, kDmaBase + kWindowLock, kWindowLocked) == tlm::TLM_OK_RESPONSE);
    CHECK(b.try_write(b.host, kDmaBase + window_entry(0) + kWindowSize, 0x4000'0000) ==
          tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(b.try_write(b.host, kDmaBase + kWindowLock, 0) == tlm::TLM_COMMAND_ERROR_RESPONSE);
  });
  CHECK(b.dma.windows(b.bmc_id)[0].size == 0x2'0000);
  CHECK(b.dma.windows_locked());
  // A host warm reset keeps the table and the lock (power-on clears them).
  b.dma.warm_reset();
  CHECK(b.dma.windows_locked());
  CHECK(b.dma.windows(b.bmc_id).size() == 2);
}

TEST_CASE("however a restricted initiator programs the controller, it reads no byte outside its window") {
  // Host memory outside the granted region holds a secret pattern; the BMC
  // then programs channels, descriptor chains and the window table at
  // random (seeded). Its own memory must never receive a secret byte, and no
  // byte outside its writable window may change.
  Bench& b = bench();
  const uint64_t region = 0x200'0000, region_size = 0x4'0000, own = 0x300'0000, own_size = 0x4'0000;
  constexpr auto kSecret = std::byte{0xA5};
  const uint64_t span_lo = 0x180'0000, span_hi = 0x380'0000;  // what the random addresses cover
  {
    std::vector<std::byte> fill(span_hi - span_lo, kSecret);
    b.dram.memory().write(span_lo, fill);
    std::vector<std::byte> clear(region_size, std::byte{0x11});
    b.dram.memory().write(region, clear);
    clear.assign(own_size, std::byte{0});
    b.dram.memory().write(own, clear);
  }
  b.grant(region, region_size, own, own_size, true);
  std::mt19937_64 rng(20261204);
  auto address = [&] { return span_lo + (rng() % (span_hi - span_lo)) / 8 * 8; };
  size_t refused = 0, done = 0;
  for (int i = 0; i < 300; ++i) {
    const uint32_t ch = static_cast<uint32_t>(rng() % b.dma.channels());
    const uint64_t len = 8 + rng() % 0x2000;
    switch (rng() % 4) {
      case 0:  // a direct transfer anywhere
      case 1: {
        const auto [took, status] = b.run_transfer(true, ch, address(), address(), len);
        (status & kStatusRefused ? refused : done) += 1;
        break;
      }
      case 2: {  // a chain whose descriptor may lie anywhere, even in the region it can read
        const uint64_t desc = rng() % 2 ? address() : region + (rng() % (region_size / 32)) * 32;
        const uint64_t fields[4] = {address(), own + (rng() % own_size) / 8 * 8, len, 0};
        if (desc >= region && desc + 32 <= region + region_size)
          b.dram.memory().write(desc, std::as_bytes(std::span(fields)));
        b.driver.run([&] { b.write(b.bmc, ch * kChannelStride + kDesc, desc); });
        const auto [took, status] = b.run_transfer(true, ch, 0, 0, 0, kCtrlChain);
        (status & kStatusRefused ? refused : done) += 1;
        break;
      }
      default:  // a try at the window table
        b.driver.run([&] {
          CHECK(b.try_write(b.bmc, window_entry(static_cast<uint32_t>(rng() % kWindowCount)) + (rng() % 3) * 8,
                            rng()) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        });
    }
  }
  CHECK(refused > 0);
  CHECK(done > 0);
  std::vector<std::byte> mine(own_size);
  b.dram.memory().read(own, mine);
  CHECK(std::count(mine.begin(), mine.end(), kSecret) == 0);
  std::vector<std::byte> span(span_hi - span_lo);
  b.dram.memory().read(span_lo, span);
  for (uint64_t a = span_lo; a < span_hi; ++a) {
    if ((a >= region && a < region + region_size) || (a >= own && a < own + own_size)) continue;
    if (span[a - span_lo] != kSecret) FAIL("byte at " << std::hex << a << " outside the writable window changed");
  }
  CHECK(b.dma.windows(b.bmc_id).size() == 2);
  for (const DmaTransfer& t : b.seen) {
    if (t.initiator != "bmc" || t.refused) continue;
    CHECK(t.source >= region);
    CHECK(t.source + t.bytes <= region + region_size);
  }
}

TEST_CASE("each channel raises its own interrupt, and OWNER names who started it") {
  Bench& b = bench();
  b.grant(0x200'0000, 0x1'0000, 0x300'0000, 0x1'0000, true);
  b.driver.run([&] {
    b.write(b.bmc, 2 * kChannelStride + kSrc, 0x200'0000);
    b.write(b.bmc, 2 * kChannelStride + kDst, 0x300'0000);
    b.write(b.bmc, 2 * kChannelStride + kLen, 4096);
    b.write(b.bmc, 2 * kChannelStride + kCtrl, kCtrlStart | kCtrlIrqEnable);
    CHECK(b.read(b.bmc, 2 * kChannelStride + kOwner) == b.bmc_id);
    wait(b.irq(2).posedge_event());
    CHECK_FALSE(b.irq(0).read());
    CHECK_FALSE(b.irq(1).read());
    CHECK_FALSE(b.irq(3).read());
    b.write(b.bmc, 2 * kChannelStride + kStatus, kStatusDone);
    wait(1, sc_core::SC_NS);  // the line follows the status a delta or two later
    CHECK_FALSE(b.irq(2).read());
  });
  b.run_transfer(false, 0, 0x10'0000, 0x11'0000, 64);
  b.driver.run([&] { CHECK(b.read(b.host, kDmaBase + kOwner) == 0); });
}

TEST_CASE("DMA registers: reset values, BUSY is read-only, unmapped offsets") {
  Bench& b = bench();
  b.run_transfer(false, 0, 0x10'0000, 0x11'0000, 64);
  b.driver.run([&] {
    CHECK(b.read(b.host, kDmaBase + kLen) == 64);
    CHECK(b.read(b.host, kDmaBase + kCtrl) == kCtrlIrqEnable);  // START reads back 0
    CHECK(b.read(b.host, kDmaBase + 2 * kChannelStride + kSrc) == 0);  // reset value of an unused channel
    uint64_t value = 0;
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_WRITE_COMMAND);
    tx.set_address(kDmaBase + kBytesDone);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    tx.set_data_length(8);
    tx.set_streaming_width(8);
    sc_core::sc_time d;
    b.host.out->b_transport(tx, d);
    CHECK(tx.get_response_status() == tlm::TLM_COMMAND_ERROR_RESPONSE);
  });
  CHECK(b.dma.channels() == 4);
  CHECK(b.dma.mmio_size() == window_entry(kWindowCount));
}
