// Transactions per second through the router to DRAM, with and without DMI,
// against a bare initiator-memory pair measured in the same run
// (docs/PERFORMANCE.md, "Models: TLM throughput and memory").
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>

#include "bench/models/bench_design.h"

using namespace crashtwin;
using crashtwin::bench::design;
using crashtwin::bench::Design;
using crashtwin::bench::Initiator;

namespace {

constexpr unsigned kAccessBytes = 64;
constexpr uint64_t kWorkingSet = 1 << 20;  // 256 pages, materialised by the first pass

void run_b_transport(benchmark::State& state, tlm_utils::simple_initiator_socket<Initiator>& socket) {
  unsigned char data[kAccessBytes] = {1};
  tlm::tlm_generic_payload tx;  // reused, as initiators should
  tx.set_data_ptr(data);
  tx.set_data_length(kAccessBytes);
  tx.set_streaming_width(kAccessBytes);
  uint64_t address = 0;
  uint64_t n = 0;
  for (auto _ : state) {
    tx.set_command((n & 3) == 0 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    tx.set_address(address);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(tx, delay);
    benchmark::DoNotOptimize(delay);
    address = (address + 4096 + kAccessBytes) % kWorkingSet;
    ++n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_BareInitiatorMemory(benchmark::State& state) { run_b_transport(state, design().bare.out); }
void BM_RouterToDram(benchmark::State& state) { run_b_transport(state, design().routed.out); }

// DMI through the router: one grant per page, then plain memory accesses
// with the annotated latency, as the Hal over TLM does.
void BM_RouterToDramDmi(benchmark::State& state) {
  Design& d = design();
  unsigned char data[kAccessBytes] = {1};
  std::unique_ptr<tlm::tlm_dmi[]> grants(new tlm::tlm_dmi[kWorkingSet / 4096]);
  std::unique_ptr<bool[]> granted(new bool[kWorkingSet / 4096]());
  tlm::tlm_generic_payload tx;
  uint64_t address = 0;
  uint64_t n = 0;
  sc_core::sc_time local = sc_core::SC_ZERO_TIME;
  for (auto _ : state) {
    const uint64_t page = address / 4096;
    if (!granted[page]) {
      tx.set_command(tlm::TLM_WRITE_COMMAND);
      tx.set_address(address);
      granted[page] = d.routed.out->get_direct_mem_ptr(tx, grants[page]);
    }
    const tlm::tlm_dmi& g = grants[page];
    unsigned char* p = g.get_dmi_ptr() + (address - g.get_start_address());
    if ((n & 3) == 0) {
      std::memcpy(p, data, kAccessBytes);
      local += g.get_write_latency();
    } else {
      std::memcpy(data, p, kAccessBytes);
      local += g.get_read_latency();
    }
    benchmark::DoNotOptimize(data);
    address = (address + 4096 + kAccessBytes) % kWorkingSet;
    ++n;
  }
  benchmark::DoNotOptimize(local);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_BareInitiatorMemory);
BENCHMARK(BM_RouterToDram);
BENCHMARK(BM_RouterToDramDmi);
