// RMID allocation and control-command parsing: the per-operation cost the
// collector pays (docs/PERFORMANCE.md "Monitoring and control channel").
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "platform/monitor/control_command.h"
#include "platform/monitor/rmid_allocator.h"

namespace {

using namespace crashtwin;

// One allocate + free pair on a pool of `range(0)` RMIDs kept half full, no
// limbo wait (min free time 0), as a workload start and exit.
void BM_RmidAllocateFree(benchmark::State& state) {
  const auto count = static_cast<size_t>(state.range(0));
  std::vector<RmidEntry> storage(count);
  RmidAllocator a;
  a.init(storage, 0);
  RmidOwner owner;
  owner.workload_id = 1;
  std::strcpy(owner.name, "bench");
  uint32_t rmid = 0;
  for (size_t i = 0; i < count / 2; ++i) a.allocate(owner, 0, rmid);
  uint64_t now = 0;
  for (auto _ : state) {
    a.allocate(owner, now, rmid);
    a.free(rmid, now);
    ++now;
    benchmark::DoNotOptimize(rmid);
  }
}
BENCHMARK(BM_RmidAllocateFree)->Arg(64)->Arg(256);

// Baseline in the same run: a plain free-list pop + push of the same pool.
void BM_FreeListPopPush(benchmark::State& state) {
  std::vector<uint32_t> free_list(static_cast<size_t>(state.range(0)) / 2);
  for (size_t i = 0; i < free_list.size(); ++i) free_list[i] = static_cast<uint32_t>(i + 1);
  for (auto _ : state) {
    const uint32_t r = free_list.back();
    free_list.pop_back();
    benchmark::DoNotOptimize(r);
    free_list.push_back(r);
  }
}
BENCHMARK(BM_FreeListPopPush)->Arg(64)->Arg(256);

void BM_ControlParse(benchmark::State& state) {
  const std::string lines[] = {"status", "dump memory.3", "release_region 0x7ff00000 2 MiB",
                               "set allocation_frequency 250 ms", "reboot now"};
  size_t i = 0;
  ControlCommand c;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_control_command(lines[i], c));
    i = (i + 1) % 5;
  }
}
BENCHMARK(BM_ControlParse);

// One line per benchmark: each verb's parse, a refusal at the first word and
// one that sees every byte (129 bytes: too long, refused before the scan).
const std::string kControlLines[] = {"status",
                                     "dump memory.3",
                                     "release_region 0x7ff00000 2 MiB",
                                     "set allocation_frequency 250 ms",
                                     "reboot now",
                                     std::string(kMaxControlLineBytes + 1, 'x'),
                                     "release_region 18446744073709551615 4096"};
const char* const kControlLineLabels[] = {"status", "dump", "release_region", "set", "unknown_command",
                                          "too_long", "range_wraps"};

void BM_ControlParseLine(benchmark::State& state) {
  const auto i = static_cast<size_t>(state.range(0));
  const std::string& line = kControlLines[i];
  ControlCommand c;
  for (auto _ : state) benchmark::DoNotOptimize(parse_control_command(line, c));
  state.SetLabel(kControlLineLabels[i]);
}
BENCHMARK(BM_ControlParseLine)->DenseRange(0, 6);

// The counting wrapper the agent calls, on the same mix as BM_ControlParse.
void BM_ControlSubmit(benchmark::State& state) {
  ControlStats stats;
  ControlCommand c;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(stats.submit(kControlLines[i], c));
    i = (i + 1) % 5;
  }
}
BENCHMARK(BM_ControlSubmit);

}  // namespace
