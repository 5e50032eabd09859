// Parameters of the capture strategies' timing models. They live in the
// scenario under `strategy:` as dotted names ("strategy.dump.bandwidth:
// 200 MB/s"); strategy_param_table() lists every one with its unit kind,
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
#include "platform/core/units.h"

namespace crashtwin {

// The host's own restart, used by every strategy.
struct HostParams {
  uint64_t firmware_post_ns = 60'000'000'000;  // reset + firmware POST with memory training and clearing
  uint64_t os_boot_ns = 45'000'000'000;        // kernel + services until the workload runs
};

// Writing a memory dump (kdump, CMA crashkernel, fadump).
struct DumpParams {
  uint64_t bandwidth_bytes_per_s = 200'000'000;  // dump target (local disk) write bandwidth
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
  uint64_t save_bandwidth_bytes_per_s = 4'000'000'000;        // hypervisor copy of boot memory
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

enum class StrategyParamKind : uint8_t { duration, size, bandwidth, ratio, boolean };

// One scenario parameter. The accessors point into a StrategyParams.
struct StrategyParamInfo {
  const char* name;          // dotted, relative to `strategy.`: "dump.bandwidth"
  StrategyParamKind kind;
  const char* default_text;  // the default as a scenario writes it
  const char* description;   // one line
  uint64_t* (*u64)(StrategyParams&);  // duration ns, size bytes, bandwidth bytes/s
  double* (*ratio)(StrategyParams&);   // 0..1
  bool* (*flag)(StrategyParams&);
};

std::span<const StrategyParamInfo> strategy_param_table();

// Sets `name` (as in the table) from scenario text ("500 ms", "4 GiB",
// "200 MB/s", "10 %", "true"). not_found for an unknown name, else the units
// parser's status (invalid_argument / out_of_range); params untouched then.
Status set_strategy_param(StrategyParams& params, std::string_view name, std::string_view text);

// Checks values a model cannot run with: zero bandwidths, ratios outside
// [0, 1], zero release chunk. Sets `bad_name` to the first offending name.
Status check_strategy_params(const StrategyParams& params, const char*& bad_name);

}  // namespace crashtwin
