#include "policies/strategies/host_dump.h"

#include "platform/cper/record.h"

namespace crashtwin::host_dump {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC/Clang builtin: exact bytes * 1e9

enum class InDump : uint8_t { yes, no, user_data };

InDump in_memory_dump(cper::CaptureSource source) {
  switch (place_in_host(source)) {
    case HostPlace::device: return InDump::no;
    case HostPlace::user_memory: return InDump::user_data;
    case HostPlace::kernel_notes:
    case HostPlace::kernel_memory: return InDump::yes;
  }
  return InDump::no;
}

}  // namespace

HostPlace place_in_host(cper::CaptureSource source) {
  using S = cper::CaptureSource;
  switch (source) {
    // The agent's sensor windows live in its own memory; a device's error
    // log page and internal queue state stay in the device.
    case S::sensor_history:
    case S::core_power:
    case S::error_history:
    case S::io_queue_state:
      return HostPlace::device;
    case S::memory_rows:
      return HostPlace::user_memory;
    case S::kernel_log:
    case S::kernel_stacks:
    case S::page_tables:
    case S::device_queues:
    case S::stack_snapshot:
    case S::code_page:
      return HostPlace::kernel_memory;
    // Registers the panic path saves (crash notes: NT_PRSTATUS per CPU) and
    // the kernel's own error records (struct mce, AER and NVMe completion
    // status it logged): the dump's note segment.
    default:
      return HostPlace::kernel_notes;
  }
}

uint64_t transfer_ns(uint64_t bytes, uint64_t bytes_per_s) {
  if (bytes_per_s == 0) return UINT64_MAX;
  const u128 ns = (static_cast<u128>(bytes) * 1'000'000'000u + bytes_per_s - 1) / bytes_per_s;
  return ns > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(ns);
}

uint64_t transferred_bytes(uint64_t ns, uint64_t bytes_per_s) {
  const u128 bytes = static_cast<u128>(ns) * bytes_per_s / 1'000'000'000u;
  return bytes > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

DumpCoverage coverage(ErrorType error, const BoardFacts& facts, const DumpParams& dump, double user_lost_fraction) {
  const CatalogEntry& entry = catalog_entry(error);
  DumpCoverage c;
  c.needed_bytes = needed_bytes(error, facts);
  uint64_t missing = 0;
  for (uint8_t i = 0; i < entry.section_count; ++i) {
    const uint64_t bytes =
        cper::kSectionDescriptorBytes + section_body_bytes(entry.sections[i], facts, component_class_of(error));
    double lost = 0;  // fraction of this section missing
    switch (in_memory_dump(entry.sections[i].source)) {
      case InDump::yes: lost = 0; break;
      case InDump::no: lost = 1; break;
      case InDump::user_data: lost = dump.exclude_user_pages ? 1.0 : user_lost_fraction; break;
    }
    missing += static_cast<uint64_t>(static_cast<double>(bytes) * lost + 0.5);
    if (i == 0) c.identifies = lost == 0;
  }
  c.in_dump_bytes = missing < c.needed_bytes ? c.needed_bytes - missing : 0;
  return c;
}

uint64_t filtered_bytes(uint64_t used_bytes, double filter_ratio) {
  const double bytes = static_cast<double>(used_bytes) * filter_ratio;
  const auto whole = static_cast<uint64_t>(bytes);
  return static_cast<double>(whole) < bytes ? whole + 1 : whole;
}

uint64_t capture_kernel_need(const CaptureKernelParams& kernel, uint64_t dram_bytes) {
  const uint64_t gib = (dram_bytes + (1ull << 30) - 1) >> 30;
  return kernel.memory_bytes + gib * kernel.memory_per_dram_gib_bytes;
}

const char* impossible_reason(ErrorType error) {
  return error == ErrorType::thermal_shutdown ? "thermal trip powered the host off: memory contents lost, no dump path ran"
                                              : nullptr;
}

void begin(StrategyOutcome& out, const char* strategy, const CrashFacts& crash, uint64_t held_bytes) {
  out = StrategyOutcome{};
  out.strategy = strategy;
  out.failure_ns = crash.time_ns;
  out.needed_bytes = needed_bytes(crash.error, crash.capture_facts);
  (void)out.held.add(crash.time_ns, held_bytes);
}

uint64_t reboot(StrategyOutcome& out, const HostParams& host, uint64_t from_ns) {
  const uint64_t end = out.add_phase("OS boot", out.add_phase("firmware POST", from_ns, host.firmware_post_ns), host.os_boot_ns);
  out.service_ns = end;
  out.production_ns = end;
  return end;
}

void fail_with_reboot(StrategyOutcome& out, const CrashFacts& crash, const HostParams& host, uint64_t from_ns,
                      uint64_t steady_held, const char* reason) {
  out.dump_succeeded = false;
  out.failure_reason = reason;
  out.captured_bytes = 0;
  out.identified = false;
  out.report_ns = 0;
  const uint64_t end = reboot(out, host, from_ns);
  (void)out.held.add(end, steady_held);
  (void)out.available.add(end, crash.dram_bytes);
}

void run_capture_kernel(StrategyOutcome& out, const CrashFacts& crash, const CaptureKernelParams& kernel,
                        const DumpParams& dump, const HostParams& host, const CaptureKernelRun& run) {
  if (const char* reason = impossible_reason(crash.error)) {
    fail_with_reboot(out, crash, host, crash.time_ns, run.steady_held, reason);
    return;
  }
  if (run.loadable_bytes < kernel.image_bytes) {
    fail_with_reboot(out, crash, host, crash.time_ns, run.steady_held, run.image_too_big);
    return;
  }
  uint64_t t = out.add_phase("kexec", crash.time_ns, kernel.kexec_ns);
  if (run.wait_phase != nullptr) t = out.add_phase(run.wait_phase, t, run.wait_ns);
  t = out.add_phase("capture-kernel boot", t, kernel.boot_ns);
  if (run.usable_bytes < capture_kernel_need(kernel, crash.dram_bytes)) {
    fail_with_reboot(out, crash, host, t, run.steady_held, run.out_of_memory);
    return;
  }
  const DumpCoverage covered = coverage(crash.error, crash.capture_facts, dump, run.user_lost_fraction);
  out.dump_bytes = filtered_bytes(run.dumped_used_bytes, dump.filter_ratio);
  out.report_ns = out.add_phase("dump", t, dump_write_ns(dump, out.dump_bytes));
  const uint64_t end = reboot(out, host, out.report_ns);
  out.dump_succeeded = true;
  out.captured_bytes = covered.in_dump_bytes;
  out.identified = covered.identifies;
  (void)out.held.add(end, run.steady_held);
  (void)out.available.add(end, crash.dram_bytes);
}

}  // namespace crashtwin::host_dump
