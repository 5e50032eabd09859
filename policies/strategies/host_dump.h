// What kdump, the CMA crashkernel and fadump share: they all write a memory
// dump of the crashed kernel from the host itself. Which of a failure's
// catalog sections such a dump holds, how big the filtered dump is, what the
// capture kernel needs, and the plain reboot that ends a failed dump.
#pragma once

#include <cstdint>

#include "platform/capture/catalog.h"
#include "platform/core/types.h"
#include "policies/strategies/outcome.h"
#include "policies/strategies/strategy.h"
#include "policies/strategies/strategy_params.h"

namespace crashtwin::host_dump {

// Nanoseconds to move `bytes` at `bytes_per_s` (> 0), rounded up.
uint64_t transfer_ns(uint64_t bytes, uint64_t bytes_per_s);
// Whole bytes moved in `ns` at `bytes_per_s` (rounded down).
uint64_t transferred_bytes(uint64_t ns, uint64_t bytes_per_s);

// Where the crashed host keeps what a catalog section holds, which decides
// whether a memory dump of it can have the section (one place for the twin's
// simulated dumps and this analytic model):
//   kernel_notes   registers the panic path saves (crash notes) and the
//                  kernel's own error records: the dump's note segment
//   kernel_memory  kernel data at an address (log ring, stacks, page tables,
//                  kernel text, driver queues): in every dump level
//   user_memory    DRAM rows around a failing address: dropped by a dump
//                  level that excludes user pages
//   device         not host memory at all: the agent's sensor windows and
//                  per-core power, a device's error log and queue state
enum class HostPlace : uint8_t { kernel_notes, kernel_memory, user_memory, device };
HostPlace place_in_host(cper::CaptureSource source);

// The error's catalog bytes a memory dump of the crashed kernel holds, by
// place_in_host: user rows are missing in proportion to
// `user_lost_fraction` (CMA pages taken back from the workload) when the
// dump level keeps them.
struct DumpCoverage {
  uint64_t needed_bytes = 0;
  uint64_t in_dump_bytes = 0;
  bool identifies = false;  // the error's first section (what failed) is in the dump
};
DumpCoverage coverage(ErrorType error, const BoardFacts& facts, const DumpParams& dump, double user_lost_fraction);

// Bytes of a filtered dump of `used_bytes` of memory (rounded up).
uint64_t filtered_bytes(uint64_t used_bytes, double filter_ratio);

// Memory the capture kernel needs on a board with `dram_bytes`.
uint64_t capture_kernel_need(const CaptureKernelParams& kernel, uint64_t dram_bytes);

// Non-null when no host-side dump can start after this error: a thermal
// trip powers the host off and DRAM loses its contents.
const char* impossible_reason(ErrorType error);

// Starts an outcome: strategy name, failure time, needed bytes, the held
// curve's first step.
void begin(StrategyOutcome& out, const char* strategy, const CrashFacts& crash, uint64_t held_bytes);

// Ends a recovery that wrote no dump: a full reboot from `from_ns`, nothing
// captured, `reason` recorded.
void fail_with_reboot(StrategyOutcome& out, const CrashFacts& crash, const HostParams& host, uint64_t from_ns,
                      uint64_t steady_held, const char* reason);

// Full reboot (POST + OS) from `from_ns` into production; returns its end.
// Phases "firmware POST" and "OS boot".
uint64_t reboot(StrategyOutcome& out, const HostParams& host, uint64_t from_ns);

// The capture-kernel path kdump and the CMA crashkernel share: the kexec
// image must fit `loadable_bytes` (else no capture kernel was loaded: plain
// reboot); kexec; an optional wait (the CMA area's DMA quiesce); capture
// kernel boot; the kernel's need must fit `usable_bytes` (else out of
// memory, reboot); the filtered dump of `dumped_used_bytes`; second reboot,
// after which `steady_held` bytes are held again.
struct CaptureKernelRun {
  uint64_t loadable_bytes = 0;
  const char* image_too_big = "";
  uint64_t usable_bytes = 0;
  const char* out_of_memory = "";
  const char* wait_phase = nullptr;  // none when null
  uint64_t wait_ns = 0;
  uint64_t dumped_used_bytes = 0;
  double user_lost_fraction = 0;  // see coverage()
  uint64_t steady_held = 0;
};
void run_capture_kernel(StrategyOutcome& out, const CrashFacts& crash, const CaptureKernelParams& kernel,
                        const DumpParams& dump, const HostParams& host, const CaptureKernelRun& run);

}  // namespace crashtwin::host_dump
