#include "policies/strategies/strategy_params.h"

namespace crashtwin {
namespace {

using P = StrategyParams;

// One row per parameter; the accessor lambdas are captureless, so the table
// is constant data.
constexpr StrategyParamInfo u64(const char* name, StrategyParamKind kind, const char* def, const char* description,
                                uint64_t* (*get)(P&)) {
  return StrategyParamInfo{name, kind, def, description, get, nullptr, nullptr};
}
constexpr StrategyParamInfo ratio(const char* name, const char* def, const char* description, double* (*get)(P&)) {
  return StrategyParamInfo{name, StrategyParamKind::ratio, def, description, nullptr, get, nullptr};
}
constexpr StrategyParamInfo choice(const char* name, const char* def, const char* description, const char* const* names,
                                   uint64_t* (*get)(P&)) {
  return StrategyParamInfo{name, StrategyParamKind::choice, def, description, get, nullptr, nullptr, names};
}
constexpr StrategyParamInfo flag(const char* name, const char* def, const char* description, bool* (*get)(P&)) {
  return StrategyParamInfo{name, StrategyParamKind::boolean, def, description, nullptr, nullptr, get};
}

using K = StrategyParamKind;
constexpr const char* kRestarts[] = {"full", "warm", "kexec", nullptr};  // HostRestart order
constexpr const char* kTargets[] = {"disk", "network", nullptr};        // DumpTarget order
constexpr StrategyParamInfo kTable[] = {
    u64("host.firmware_post", K::duration, "60 s", "reset + firmware POST (memory training and clearing) on a full reboot",
        [](P& p) { return &p.host.firmware_post_ns; }),
    u64("host.os_boot", K::duration, "45 s", "kernel + services until the workload runs",
        [](P& p) { return &p.host.os_boot_ns; }),
    u64("host.warm_reset", K::duration, "20 s", "warm reset: firmware restart without memory training",
        [](P& p) { return &p.host.warm_reset_ns; }),
    choice("dump.target", "disk", "where the dump is written: the first disk, or over the first NIC", kTargets,
           [](P& p) { return reinterpret_cast<uint64_t*>(&p.dump.target); }),
    u64("dump.compress_bandwidth", K::bandwidth, "300 MB/s",
        "makedumpfile filtering + compression (-l, one core): dump bytes produced per second",
        [](P& p) { return &p.dump.compress_bandwidth_bytes_per_s; }),
    ratio("dump.filter_ratio", "10 %", "fraction of the memory in use the filtered dump keeps (makedumpfile -d 31)",
          [](P& p) { return &p.dump.filter_ratio; }),
    flag("dump.exclude_user_pages", "true", "the dump level drops user pages (DRAM rows of user data)",
         [](P& p) { return &p.dump.exclude_user_pages; }),
    u64("capture_kernel.kexec", K::duration, "500 ms", "panic to capture kernel entry (no firmware)",
        [](P& p) { return &p.capture_kernel.kexec_ns; }),
    u64("capture_kernel.boot", K::duration, "15 s", "capture kernel + initramfs until the dump starts",
        [](P& p) { return &p.capture_kernel.boot_ns; }),
    u64("capture_kernel.memory", K::size, "160 MiB", "memory the capture kernel and makedumpfile need",
        [](P& p) { return &p.capture_kernel.memory_bytes; }),
    u64("capture_kernel.memory_per_dram_gib", K::size, "64 KiB", "extra capture-kernel memory per GiB of DRAM (page bitmaps)",
        [](P& p) { return &p.capture_kernel.memory_per_dram_gib_bytes; }),
    u64("capture_kernel.image", K::size, "64 MiB", "kernel + initramfs loaded by kexec -p",
        [](P& p) { return &p.capture_kernel.image_bytes; }),
    u64("predictive_bmc.capture_bandwidth", K::bandwidth, "1 GB/s", "firmware writing records into the slice",
        [](P& p) { return &p.predictive_bmc.capture_bandwidth_bytes_per_s; }),
    u64("predictive_bmc.alert_latency", K::duration, "10 us", "interrupt to the BMC",
        [](P& p) { return &p.predictive_bmc.alert_latency_ns; }),
    u64("predictive_bmc.link_bandwidth", K::bandwidth, "250 MB/s", "BMC DMA drain of the crash region",
        [](P& p) { return &p.predictive_bmc.link_bandwidth_bytes_per_s; }),
    u64("predictive_bmc.report", K::duration, "50 ms", "BMC decode of the region and report.json",
        [](P& p) { return &p.predictive_bmc.report_ns; }),
    flag("predictive_bmc.hold_host_in_reset", "true", "hold the host in reset until the BMC has drained the region",
         [](P& p) { return &p.predictive_bmc.hold_host_in_reset; }),
    choice("predictive_bmc.restart", "full", "how the host restarts after the drain: full POST, warm reset, or kexec",
           kRestarts, [](P& p) { return reinterpret_cast<uint64_t*>(&p.predictive_bmc.restart); }),
    u64("cma.fixed", K::size, "64 MiB", "fixed crashkernel part (kernel + initramfs); the rest of the reservation is CMA",
        [](P& p) { return &p.cma.fixed_bytes; }),
    ratio("cma.lendable_fraction", "80 %", "share of the CMA area lent to the workload at the crash (lost from the dump)",
          [](P& p) { return &p.cma.lendable_fraction; }),
    u64("cma.dma_quiesce", K::duration, "10 s", "fixed wait for in-flight DMA into lent pages before reuse",
        [](P& p) { return &p.cma.dma_quiesce_ns; }),
    u64("fadump.boot_memory", K::size, "256 MiB", "memory the kernel reboots into; saved to the registered region first",
        [](P& p) { return &p.fadump.boot_memory_bytes; }),
    u64("fadump.reset", K::duration, "10 s", "reset without clearing RAM (replaces firmware POST)",
        [](P& p) { return &p.fadump.reset_ns; }),
    u64("fadump.release_chunk", K::size, "1 GiB", "memory returned per release_region write as the dump proceeds",
        [](P& p) { return &p.fadump.release_chunk_bytes; }),
};

Status parse_flag(std::string_view text, bool& out) {
  if (text == "true" || text == "yes" || text == "on") out = true;
  else if (text == "false" || text == "no" || text == "off") out = false;
  else return Status::invalid_argument;
  return Status::ok;
}

}  // namespace

std::span<const StrategyParamInfo> strategy_param_table() { return kTable; }

Status set_strategy_param(StrategyParams& params, std::string_view name, std::string_view text) {
  for (const StrategyParamInfo& info : kTable) {
    if (name != info.name) continue;
    switch (info.kind) {
      case StrategyParamKind::duration:
        return parse_duration_ns(text, *info.u64(params));
      case StrategyParamKind::size:
        return parse_size_bytes(text, *info.u64(params));
      case StrategyParamKind::bandwidth: {
        double bytes_per_s = 0;
        if (Status s = parse_bandwidth(text, bytes_per_s); !ok(s)) return s;
        if (!(bytes_per_s < 1.8e19)) return Status::out_of_range;
        *info.u64(params) = static_cast<uint64_t>(bytes_per_s + 0.5);
        return Status::ok;
      }
      case StrategyParamKind::ratio:
        return parse_ratio(text, *info.ratio(params));
      case StrategyParamKind::boolean:
        return parse_flag(text, *info.flag(params));
      case StrategyParamKind::choice:
        for (uint64_t i = 0; info.choices[i] != nullptr; ++i)
          if (text == info.choices[i]) {
            *info.u64(params) = i;
            return Status::ok;
          }
        return Status::invalid_argument;
    }
  }
  return Status::not_found;
}

uint64_t dump_write_ns(const DumpParams& dump, uint64_t bytes) {
  const auto at = [bytes](uint64_t per_s) -> uint64_t {
    if (per_s == 0) return UINT64_MAX / 4;
    __extension__ typedef unsigned __int128 u128;  // exact bytes * 1e9
    const u128 ns = (static_cast<u128>(bytes) * 1'000'000'000u + per_s - 1) / per_s;
    return ns > UINT64_MAX / 4 ? UINT64_MAX / 4 : static_cast<uint64_t>(ns);
  };
  return at(dump.compress_bandwidth_bytes_per_s) + at(dump.target_bandwidth_bytes_per_s);
}

bool restart_needs_firmware(ErrorType error) {
  switch (error) {
    case ErrorType::machine_check:
    case ErrorType::memory_uncorrectable:
    case ErrorType::thermal_shutdown:
      return true;
    default:
      return false;
  }
}

Status check_strategy_params(const StrategyParams& params, const char*& bad_name) {
  StrategyParams copy = params;  // the accessors take a mutable object
  for (const StrategyParamInfo& info : kTable) {
    bool bad = false;
    if (info.kind == StrategyParamKind::bandwidth) bad = *info.u64(copy) == 0;
    if (info.kind == StrategyParamKind::ratio) bad = !(*info.ratio(copy) >= 0.0 && *info.ratio(copy) <= 1.0);
    if (bad) {
      bad_name = info.name;
      return Status::invalid_argument;
    }
  }
  if (params.fadump.release_chunk_bytes < 4096 || params.fadump.boot_memory_bytes == 0) {
    bad_name = params.fadump.release_chunk_bytes < 4096 ? "fadump.release_chunk" : "fadump.boot_memory";
    return Status::invalid_argument;
  }
  return Status::ok;
}

}  // namespace crashtwin
