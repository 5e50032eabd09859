// Peak RSS of a board with 1 TiB of DRAM after a simulated day of traffic
// (target <= 256 MiB): the cpu cluster's workload sends its bursts for 24 h
// of simulated time; the sparse store materialises only what is written.
#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include "bench/models/bench_design.h"

using namespace crashtwin;

namespace {

void BM_BoardDayOfTraffic1TiB(benchmark::State& state) {
  Board* board = bench::design().day_board.get();
  for (auto _ : state) sc_core::sc_start(sc_core::sc_time(24.0 * 3600.0, sc_core::SC_SEC));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  state.counters["materialised_MiB"] =
      static_cast<double>(board->dram().memory().materialised_bytes()) / (1024.0 * 1024.0);
  state.counters["transactions"] = static_cast<double>(board->transaction_count());
  state.counters["dram_traffic_TB"] = [&] {
    uint64_t bytes = 0;
    for (uint32_t d = 0; d < board->dram().dimms(); ++d) bytes += board->dram().metric(d, Metric::mem_traffic_bytes);
    return static_cast<double>(bytes) / 1e12;
  }();
}

}  // namespace

BENCHMARK(BM_BoardDayOfTraffic1TiB)->Iterations(1)->Unit(benchmark::kSecond);
