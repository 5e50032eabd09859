// Router: address map forwarding, hop latency, unmapped access error naming
// initiator and address, DMI translation.
#include <array>
#include <cstring>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/config/params.h"
#include "models/core/numa.h"
#include "models/dram/dram.h"
#include "models/router/router.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> out{"out"};
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

struct Bench {
  ParamTree tree;
  Router router;
  Dram low;
  Dram high;
  Dram numa;  // two DIMMs on two NUMA nodes: [0, 8 MiB) node 0, [8, 16 MiB) node 1
  Initiator cpu{"cpu"};
  IrqLine low_irq{"irq_low"}, high_irq{"irq_high"}, numa_irq{"irq_numa"};
  test::SimThread driver;
  static constexpr uint64_t kHighBase = 0x1'0000'0000ull;
  static constexpr uint64_t kNumaBase = 0x3'0000'0000ull;
  static constexpr uint64_t kNode1 = kNumaBase + (8ull << 20);

  Bench()
      : tree(make_tree()),
        router("router", ModelContext{ParamScope(tree, "router")}),
        low("low", ModelContext{ParamScope(tree, "low")}),
        high("high", ModelContext{ParamScope(tree, "high")}),
        numa("numa", ModelContext{ParamScope(tree, "numa")}) {
    router.map("low", 0, low.size(), low.in);
    router.map("high", kHighBase, high.size(), high.in);
    router.map("low.ctrl", 0x2'0000'0000ull, 0x10'0000, low.ctrl);
    router.map("high.ctrl", 0x2'0010'0000ull, 0x10'0000, high.ctrl);
    router.map("numa", kNumaBase, numa.size(), numa.in, &numa);
    router.map("numa.ctrl", 0x2'0020'0000ull, 0x10'0000, numa.ctrl);
    low.irq.bind(low_irq);
    high.irq.bind(high_irq);
    numa.irq.bind(numa_irq);
    router.bind_initiator(cpu.out, "bench.cpu");
  }
  static ParamTree make_tree() {
    ParamTree t;
    t.set("router.latency", "5 ns");
    t.set("low.size", "16 MiB");
    t.set("high.size", "16 MiB");
    t.set("numa.size", "16 MiB");
    t.set("numa.dimms", "2");
    t.set("numa.numa_nodes", "2");
    t.set("router.remote_latency", "60 ns");
    return t;
  }
  // Transacts and returns the annotated delay.
  sc_core::sc_time transact(tlm::tlm_command cmd, uint64_t address, void* data, unsigned length,
                            tlm::tlm_response_status& status) {
    sc_core::sc_time delay;
    status = test::transact(driver, cpu.out, cmd, address, data, length, &delay);
    return delay;
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

}  // namespace

TEST_CASE("router forwards by address with the address made target-local") {
  Bench& b = bench();
  uint64_t value = 0x1122334455667788ull;
  tlm::tlm_response_status status;
  b.transact(tlm::TLM_WRITE_COMMAND, Bench::kHighBase + 0x40, &value, 8, status);
  REQUIRE(status == tlm::TLM_OK_RESPONSE);
  std::array<std::byte, 8> seen{};
  b.high.memory().read(0x40, seen);
  CHECK(std::memcmp(seen.data(), &value, 8) == 0);
  b.low.memory().read(0x40, seen);
  CHECK(seen == std::array<std::byte, 8>{});
  CHECK(b.router.decode(Bench::kHighBase + 0x40)->target == "high");
  CHECK(b.router.decode(0x2000'0000ull) == nullptr);
}

TEST_CASE("router adds its hop latency to the target's") {
  Bench& b = bench();
  uint64_t value = 0;
  tlm::tlm_response_status status;
  const sc_core::sc_time delay = b.transact(tlm::TLM_READ_COMMAND, 0x100, &value, 8, status);
  CHECK(status == tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_core::sc_time(5, sc_core::SC_NS) + b.low.access_time(false, 8));
}

TEST_CASE("unmapped access is an address error naming the initiator and the address") {
  Bench& b = bench();
  test::ExpectReport expect("unmapped address 0x20000000");
  uint64_t value = 0;
  tlm::tlm_response_status status;
  const uint64_t errors = b.router.address_errors();
  b.transact(tlm::TLM_READ_COMMAND, 0x2000'0000ull, &value, 8, status);
  CHECK(status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(expect.seen() == 1);
  CHECK(expect.last_message().find("bench.cpu") != std::string::npos);
  CHECK(b.router.address_errors() == errors + 1);
  CHECK(b.router.last_error().find("0x20000000") != std::string::npos);
}

TEST_CASE("an access running past the end of a mapping is refused") {
  Bench& b = bench();
  test::ExpectReport expect("unmapped address");
  std::array<std::byte, 16> data{};
  tlm::tlm_response_status status;
  b.transact(tlm::TLM_WRITE_COMMAND, b.low.size() - 8, data.data(), 16, status);
  CHECK(status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("DMI through the router is in global addresses and points at the right bytes") {
  Bench& b = bench();
  uint64_t value = 0xCAFEF00Dull;
  tlm::tlm_response_status status;
  b.transact(tlm::TLM_WRITE_COMMAND, Bench::kHighBase + 0x2008, &value, 8, status);
  tlm::tlm_generic_payload tx;
  tx.set_command(tlm::TLM_READ_COMMAND);
  tx.set_address(Bench::kHighBase + 0x2008);
  tlm::tlm_dmi dmi;
  REQUIRE(b.cpu.out->get_direct_mem_ptr(tx, dmi));
  CHECK(dmi.get_start_address() == Bench::kHighBase + 0x2000);
  CHECK(dmi.get_end_address() == Bench::kHighBase + 0x2FFF);
  CHECK(dmi.get_read_latency() == sc_core::sc_time(5, sc_core::SC_NS) + sc_core::sc_time(80, sc_core::SC_NS));
  uint64_t through_dmi = 0;
  std::memcpy(&through_dmi, dmi.get_dmi_ptr() + 8, 8);
  CHECK(through_dmi == value);
}

TEST_CASE("overlapping mappings are rejected naming both targets") {
  Bench& b = bench();
  try {
    // The check comes before binding, so an already-bound socket is safe here.
    b.router.map("clash", 0x80'0000, 0x1000, b.high.ctrl);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("clash") != std::string::npos);
    CHECK(std::string(e.what()).find("low") != std::string::npos);
  }
}

TEST_CASE("an access to another socket's memory pays the remote latency and is counted") {
  Bench& b = bench();
  uint64_t value = 7;
  tlm::tlm_response_status status;
  // The bench's initiator sits on node 0 (its home).
  const sc_core::sc_time local = b.transact(tlm::TLM_WRITE_COMMAND, Bench::kNumaBase + 0x100, &value, 8, status);
  REQUIRE(status == tlm::TLM_OK_RESPONSE);
  const sc_core::sc_time remote = b.transact(tlm::TLM_WRITE_COMMAND, Bench::kNode1 + 0x100, &value, 8, status);
  REQUIRE(status == tlm::TLM_OK_RESPONSE);
  CHECK(remote - local == sc_core::sc_time(60, sc_core::SC_NS));
  CHECK(b.router.node_traffic_bytes(0, 0) == 8);
  CHECK(b.router.node_traffic_bytes(0, 1) == 8);
  const Router::InitiatorTraffic mine = b.router.initiator_traffic("bench.cpu");
  CHECK(mine.memory_bytes == 16);
  CHECK(mine.remote_bytes == 8);
  CHECK(mine.remote_accesses == 1);
  // Issued from socket 1 (a handler running there): node 1 is local now.
  tlm::tlm_generic_payload tx;
  NumaOrigin origin;
  origin.node = 1;
  tx.set_extension(&origin);
  tx.set_command(tlm::TLM_WRITE_COMMAND);
  tx.set_address(Bench::kNode1 + 0x200);
  tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  tx.set_data_length(8);
  tx.set_streaming_width(8);
  sc_core::sc_time from_node1;
  b.driver.run([&] { b.cpu.out->b_transport(tx, from_node1); });
  CHECK(tx.is_response_ok());
  CHECK(from_node1 == local);
  CHECK(b.router.node_traffic_bytes(1, 1) == 8);
  // DMI grants carry the latency of the socket that asked.
  tlm::tlm_dmi dmi;
  REQUIRE(b.cpu.out->get_direct_mem_ptr(tx, dmi));
  const sc_core::sc_time granted_local = dmi.get_write_latency();
  tx.clear_extension(&origin);
  tlm::tlm_dmi far;
  REQUIRE(b.cpu.out->get_direct_mem_ptr(tx, far));
  CHECK(far.get_write_latency() - granted_local == sc_core::sc_time(60, sc_core::SC_NS));
  // Unmapped-to-NUMA targets never pay it.
  const sc_core::sc_time plain = b.transact(tlm::TLM_WRITE_COMMAND, Bench::kHighBase + 0x100, &value, 8, status);
  CHECK(plain == local);
}
