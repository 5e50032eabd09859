#include "policies/strategies/fadump.h"

#include "policies/strategies/host_dump.h"

namespace crashtwin {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC/Clang builtin: exact proportions

constexpr uint64_t kPage = 4096;

// Dump bytes written once the first `old_bytes` of old memory are dumped
// (memory in use is spread evenly over DRAM).
uint64_t dump_bytes_through(uint64_t total_dump, uint64_t old_bytes, uint64_t dram) {
  return static_cast<uint64_t>(static_cast<u128>(total_dump) * old_bytes / dram);
}

}  // namespace

Status FadumpStrategy::recover(const CrashFacts& crash, StrategyOutcome& out) const {
  if (Status s = check_crash_facts(crash); !ok(s)) return s;
  const uint64_t reserved = crash.reservation_bytes;
  const uint64_t dram = crash.dram_bytes;
  const uint64_t boot = fadump_.boot_memory_bytes < dram ? fadump_.boot_memory_bytes : dram;
  host_dump::begin(out, name(), crash, reserved);
  if (const char* reason = host_dump::impossible_reason(crash.error)) {
    host_dump::fail_with_reboot(out, crash, host_, crash.time_ns, reserved, reason);
    return Status::ok;
  }
  if (reserved < boot) {
    host_dump::fail_with_reboot(out, crash, host_, crash.time_ns, reserved,
                                "fadump registration refused: reserved area smaller than the boot memory");
    return Status::ok;
  }
  uint64_t t = out.add_phase("save boot memory", crash.time_ns,
                             host_dump::transfer_ns(boot, fadump_.save_bandwidth_bytes_per_s));
  t = out.add_phase("reset (memory kept)", t, fadump_.reset_ns);
  t = out.add_phase("boot into boot memory", t, host_.os_boot_ns);
  if (boot < host_dump::capture_kernel_need(kernel_, dram)) {
    // Booted, but too small to run the dump: the kernel gives up and reboots.
    host_dump::fail_with_reboot(out, crash, host_, t, reserved,
                                "kernel out of memory in the fadump boot memory: smaller than the dump needs");
    return Status::ok;
  }
  out.service_ns = t;
  const uint64_t preserved = dram - boot;
  (void)out.available.add(t, boot);
  (void)out.held.add(t, preserved > reserved ? preserved : reserved);

  const uint64_t total_dump = host_dump::filtered_bytes(crash.used_bytes, dump_.filter_ratio);
  // Release steps are coarsened so the curve fits kMaxMemorySteps (two kept
  // for the boot step and the final one).
  const uint64_t fit = ((preserved + (kMaxMemorySteps - 2) - 1) / (kMaxMemorySteps - 2) + kPage - 1) / kPage * kPage;
  const uint64_t chunk = fadump_.release_chunk_bytes > fit ? fadump_.release_chunk_bytes : fit;
  for (uint64_t released = 0; released < preserved;) {
    released = preserved - released > chunk ? released + chunk : preserved;
    const uint64_t owned = boot + released;
    const uint64_t at = t + dump_write_ns(dump_, dump_bytes_through(total_dump, owned, dram));
    (void)out.available.add(at, owned);
    (void)out.held.add(at, dram - owned > reserved ? dram - owned : reserved);
  }
  const uint64_t end = out.add_phase("dump + release", t, dump_write_ns(dump_, total_dump));
  (void)out.available.add(end, dram);
  (void)out.held.add(end, reserved);

  const host_dump::DumpCoverage covered = host_dump::coverage(crash.error, crash.capture_facts, dump_, 0.0);
  out.dump_bytes = total_dump;
  out.report_ns = end;
  out.production_ns = end;
  out.dump_succeeded = true;
  out.captured_bytes = covered.in_dump_bytes;
  out.identified = covered.identifies;
  return Status::ok;
}

}  // namespace crashtwin
