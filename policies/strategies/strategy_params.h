// Parameters of the capture strategies (the recoveries simulated on the
// board and their analytic models). They live in the
// scenario under `strategy:` as dotted names ("strategy.dump.compress_bandwidth:
// 300 MB/s"); strategy_param_table() lists every one with its unit kind,
// default and description, and set_strategy_param() parses a value, so the
// scenario loader, docs/policies.md and config.yaml share one list.
//
// Facts about the same server are shared between strategies (the reboot time
// of the host, the dump disk), so a comparison never gives one strategy a
// faster disk than another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/core/units.h"

namespace crashtwin {

// The host's own restart, used by every strategy.
struct HostParams {
  uint64_t firmware_post_ns = 60'000'000'000;  // reset + firmware POST with memory training and clearing
  uint64_t os_boot_ns = 45'000'000'000;        // kernel + services until the workload runs
  // Warm reset: firmware restarts without memory training (the memory
  // controller keeps its trained settings; Intel/AMD "fast boot" paths).
  uint64_t warm_reset_ns = 20'000'000'000;
};

// How the host restarts after predictive-bmc's drain (docs/policies.md gives
// each option's cost and risk). Errors that leave hardware needing firmware
// re-initialisation (restart_needs_firmware) always take the full POST.
enum class HostRestart : uint64_t { full_post = 0, warm_reset = 1, kexec = 2 };

// Where the dump is written: the first disk (kdump's `path /var/crash`), or
// over the first NIC (an ssh/NFS dump target).
enum class DumpTarget : uint64_t { disk = 0, network = 1 };

// Writing a memory dump (kdump, CMA crashkernel, fadump).
struct DumpParams {
  DumpTarget target = DumpTarget::disk;
  // makedumpfile's filtering and compression on one core of the capture
  // kernel (-l, LZO): the rate it produces dump bytes, before the writes.
  uint64_t compress_bandwidth_bytes_per_s = 300'000'000;
  // The dump target's write bandwidth. Not a scenario parameter: the board's
  // device has it (board.disk0.write_bandwidth / board.nic0.write_bandwidth);
  // the runner copies it here for the analytic model.
  uint64_t target_bandwidth_bytes_per_s = 2'000'000'000;
  // Fraction of the memory in use that the filtered dump keeps
  // (makedumpfile -d 31 drops zero, cache, user and free pages).
  double filter_ratio = 0.1;
  // The dump level drops user pages: DRAM rows around a failing address
  // (user data) are not in the dump.
  bool exclude_user_pages = true;
};

// The capture kernel (kdump, CMA crashkernel) and the reduced-memory kernel
// of fadump.
struct CaptureKernelParams {
  uint64_t kexec_ns = 500'000'000;          // panic to capture kernel entry, no firmware
  uint64_t boot_ns = 15'000'000'000;        // capture kernel + initramfs until the dump starts
  uint64_t memory_bytes = 160ull << 20;     // memory the capture kernel and makedumpfile need
  // makedumpfile's page bitmaps grow with DRAM: 2 bits per 4 KiB page.
  uint64_t memory_per_dram_gib_bytes = 64ull << 10;
  uint64_t image_bytes = 64ull << 20;  // kernel + initramfs loaded by kexec -p
};

struct PredictiveBmcParams {
  uint64_t capture_bandwidth_bytes_per_s = 1'000'000'000;  // firmware writing records into the slice
  uint64_t alert_latency_ns = 10'000;                      // interrupt to the BMC
  uint64_t link_bandwidth_bytes_per_s = 250'000'000;       // BMC DMA drain of the crash region
  uint64_t report_ns = 50'000'000;                         // BMC decode + report.json
  // Hold the host in reset until the drain ends; otherwise it reboots at
  // once and its firmware reformats the region, cutting a slow drain short.
  bool hold_host_in_reset = true;
  HostRestart restart = HostRestart::full_post;  // after the drain
};

struct CmaCrashkernelParams {
  // crashkernel=SIZE: the fixed part (kernel + initramfs must fit); the rest
  // of the reservation is the crashkernel=SIZE,cma area.
  uint64_t fixed_bytes = 64ull << 20;
  // Share of the CMA area the workload has borrowed (movable pages) at the
  // crash: reclaimed, and missing from the dump.
  double lendable_fraction = 0.8;
  uint64_t dma_quiesce_ns = 10'000'000'000;  // fixed wait for in-flight DMA into lent pages
};

struct FadumpParams {
  uint64_t boot_memory_bytes = 256ull << 20;                  // memory the kernel reboots into
  // The DMA controller's copy of boot memory. Not a scenario parameter: the
  // board's DMA controller has it (board.dma.bandwidth); the runner copies
  // it here for the analytic model.
  uint64_t save_bandwidth_bytes_per_s = 4'000'000'000;
  uint64_t reset_ns = 10'000'000'000;                         // reset without clearing RAM
  uint64_t release_chunk_bytes = 1ull << 30;                  // memory per release_region write
};

struct StrategyParams {
  HostParams host;
  DumpParams dump;
  CaptureKernelParams capture_kernel;
  PredictiveBmcParams predictive_bmc;
  CmaCrashkernelParams cma;
  FadumpParams fadump;
};

enum class StrategyParamKind : uint8_t { duration, size, bandwidth, ratio, boolean, choice };

// One scenario parameter. The accessors point into a StrategyParams.
struct StrategyParamInfo {
  const char* name;          // dotted, relative to `strategy.`: "dump.compress_bandwidth"
  StrategyParamKind kind;
  const char* default_text;  // the default as a scenario writes it
  const char* description;   // one line
  uint64_t* (*u64)(StrategyParams&);  // duration ns, size bytes, bandwidth bytes/s
  double* (*ratio)(StrategyParams&);   // 0..1
  bool* (*flag)(StrategyParams&);
  // choice: the names, nullptr-terminated; the value is the index (u64).
  const char* const* choices = nullptr;
};

std::span<const StrategyParamInfo> strategy_param_table();

// Sets `name` (as in the table) from scenario text ("500 ms", "4 GiB",
// "200 MB/s", "10 %", "true"). not_found for an unknown name, else the units
// parser's status (invalid_argument / out_of_range); params untouched then.
Status set_strategy_param(StrategyParams& params, std::string_view name, std::string_view text);

// Seconds a dump of `bytes` takes to produce and write (analytic model):
// compression then the target's writes, one after the other.
uint64_t dump_write_ns(const DumpParams& dump, uint64_t bytes);

// Errors after which a warm reset or a kexec cannot be trusted: the failed
// part needs the firmware's re-initialisation (memory retraining and
// testing after an uncorrectable error, a CPU reset after a machine check,
// the power-on path after a thermal trip). Those restarts take the full POST.
bool restart_needs_firmware(ErrorType error);

// Checks values a model cannot run with: zero bandwidths, ratios outside
// [0, 1], zero release chunk. Sets `bad_name` to the first offending name.
Status check_strategy_params(const StrategyParams& params, const char*& bad_name);

}  // namespace crashtwin
