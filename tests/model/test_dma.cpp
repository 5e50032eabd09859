// DMA controller: transfer time = latency + bytes / bandwidth, descriptor
// chains, completion interrupt, per-initiator windows (refusal flagged,
// logged, reported), register access rules.
#include <array>
#include <cstring>

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
  IrqLine irq{"irq_dma"};
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
    dma.irq.bind(irq);
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
  void write(Initiator& who, uint64_t address, uint64_t value) {
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_WRITE_COMMAND);
    tx.set_address(address);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    tx.set_data_length(8);
    tx.set_streaming_width(8);
    sc_core::sc_time d;
    who.out->b_transport(tx, d);
    REQUIRE(tx.is_response_ok());
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
      wait(irq.posedge_event());
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
    wait(b.irq.posedge_event());
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
  CHECK_FALSE(b.irq.read());  // acknowledged by run_transfer
}

TEST_CASE("a restricted initiator is refused outside its windows: flagged, logged, reported") {
  Bench& b = bench();
  const uint64_t region = 0x200'0000, region_size = 0x10'0000, own = 0x300'0000;
  const uint32_t read_window = b.dma.open_window(b.bmc_id, {region, region_size, true, false});
  const uint32_t write_window = b.dma.open_window(b.bmc_id, {own, 0x10'0000, false, true});
  const auto inside = pattern(8192, 4);
  b.dram.memory().write(region, inside);

  auto [took, status] = b.run_transfer(true, 3, region, own, 8192);
  CHECK(status == kStatusDone);
  CHECK(took == b.dma.transfer_time(b.bmc_id, 8192));  // at the BMC link's 100 MB/s

  const size_t refusals = b.dma.refusals().size();
  const std::vector<std::byte> before(16, std::byte{0});
  std::tie(took, status) = b.run_transfer(true, 3, region - 4096, own, 8192);  // starts below the window
  CHECK(status == kStatusRefused);
  REQUIRE(b.dma.refusals().size() == refusals + 1);
  CHECK(b.dma.refusals().back().reason.find("source") != std::string::npos);
  CHECK(b.dma.refusals().back().initiator == "bmc");
  CHECK(b.seen.back().refused);

  std::tie(took, status) = b.run_transfer(true, 3, region, region + 0x8000, 4096);  // writing the read-only window
  CHECK(status == kStatusRefused);
  CHECK(b.dma.refusals().back().reason.find("destination") != std::string::npos);

  b.dma.close_window(b.bmc_id, read_window);
  std::tie(took, status) = b.run_transfer(true, 3, region, own, 4096);  // window closed after the drain
  CHECK(status == kStatusRefused);
  b.dma.close_window(b.bmc_id, write_window);
  CHECK(b.dma.windows(b.bmc_id).empty());
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
  CHECK(b.dma.mmio_size() == 4 * kChannelStride);
}
