#include "models/recovery/host_recovery.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/board/host_kernel.h"
#include "models/config/params.h"
#include "models/core/model.h"
#include "models/cpu/kernel_layout.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/hal/tlm_bus.h"
#include "models/recovery/release_region.h"
#include "models/workload/io_device.h"
#include "platform/cper/record.h"
#include "policies/strategies/cma_crashkernel.h"
#include "policies/strategies/host_dump.h"
#include "policies/strategies/predictive_bmc.h"

namespace crashtwin {
namespace {

namespace kl = kernel_layout;
using host_dump::HostPlace;
__extension__ typedef unsigned __int128 u128;  // GCC/Clang builtin: exact proportions

// makedumpfile's writes as the block layer sends them: 1 MiB requests (the
// max_sectors_kb Linux gives most NVMe drives is 1280 KiB; a round figure).
constexpr uint64_t kDumpWriteBytes = 1ull << 20;
// The dump's note segment: the ELF header page, then per CPU an NT_PRSTATUS
// note (336-byte x86-64 prstatus behind a 20-byte note header) with the
// kernel's error records. Written first.
constexpr uint64_t kElfHeaderBytes = 4096;
constexpr uint64_t kPrstatusNoteBytes = 356;
// How long the host waits for the BMC's report of a failure before it
// restarts anyway (the BMC's own watchdog on a drain).
constexpr uint64_t kReportWaitNs = 60'000'000'000;
// Points of the dump-progress trace per dump (the writes are far more).
constexpr uint64_t kProgressPoints = 200;
// The channel host-side code programs (the BMC drives the last one).
constexpr uint32_t kHostDmaChannel = 0;
// How often the recovery code polls a DMA channel's STATUS.
constexpr uint64_t kDmaPollNs = 1'000'000;

sc_core::sc_time ns_time(uint64_t ns) { return sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS); }
uint64_t now_ns() { return to_ns(sc_core::sc_time_stamp()); }

// One catalog section of a failure and where the crashed host keeps it.
struct LocatedSection {
  HostPlace place = HostPlace::device;
  uint64_t bytes = 0;    // what it counts toward completeness (descriptor + body)
  uint64_t address = 0;  // kernel_memory / user_memory: physical range
  uint64_t size = 0;
};

std::vector<LocatedSection> locate(const ErrorEvent& e, const BoardFacts& f, uint64_t dram_base, uint64_t dram_size,
                                   uint32_t disks) {
  using S = cper::CaptureSource;
  const CatalogEntry& entry = catalog_entry(e.type);
  const ComponentClass cls = component_class_of(e.type);
  const uint32_t core = e.component.cls == ComponentClass::cpu ? e.component.instance : 0;
  std::vector<LocatedSection> out;
  for (uint8_t i = 0; i < entry.section_count; ++i) {
    const SectionPlan& plan = entry.sections[i];
    LocatedSection s;
    s.place = host_dump::place_in_host(plan.source);
    s.bytes = cper::kSectionDescriptorBytes + section_body_bytes(plan, f, cls);
    switch (plan.source) {
      case S::kernel_log: s.address = f.log_buf_address, s.size = f.log_buf_len; break;
      case S::kernel_stacks:
        s.address = dram_base + kl::kStackOffset, s.size = uint64_t{f.cpu_cores} * kl::kStackBytes;
        break;
      case S::stack_snapshot:
        s.address = dram_base + kl::kStackOffset + uint64_t{core} * kl::kStackBytes;
        s.size = std::min<uint64_t>(plan.bytes, kl::kStackBytes);
        break;
      case S::code_page: s.address = dram_base + kl::kCodeOffset, s.size = std::min<uint64_t>(plan.bytes, kl::kCodeBytes); break;
      case S::page_tables:
        s.address = dram_base + kl::kPageTableOffset + uint64_t{core} * kl::kPageTableBytesPerCore;
        s.size = kl::kPageTableBytesPerCore;
        break;
      case S::device_queues:
        s.address = device_queue_address(e.component, disks, f);
        s.size = device_queue_bytes(e.component.cls, f);
        break;
      case S::memory_rows: {
        // The rows around the failing address, inside DRAM.
        const uint64_t row = f.memory_row_bytes;
        const uint64_t span = uint64_t{f.memory_snapshot_rows} * row;
        const uint64_t lo = dram_base, hi = dram_base + dram_size;
        uint64_t start = e.address >= lo + row ? (e.address / row) * row - row : lo;
        if (start + span > hi) start = hi > span ? hi - span : lo;
        s.address = std::max(start, lo), s.size = std::min(span, hi - s.address);
        break;
      }
      default: break;
    }
    out.push_back(s);
  }
  return out;
}

bool inside(uint64_t a, uint64_t size, uint64_t base, uint64_t range) {
  return range != 0 && a < base + range && base < a + size;
}

}  // namespace

IoDevice* dump_target(Board& board, DumpTarget target) {
  return dynamic_cast<IoDevice*>(target == DumpTarget::network ? board.nic(0) : board.disk(0));
}

std::optional<RecoveryKind> recovery_kind(std::string_view strategy_name) {
  if (strategy_name == "predictive-bmc") return RecoveryKind::predictive_bmc;
  if (strategy_name == "kdump") return RecoveryKind::kdump;
  if (strategy_name == "cma-crashkernel") return RecoveryKind::cma_crashkernel;
  if (strategy_name == "fadump") return RecoveryKind::fadump;
  return std::nullopt;
}

// What one dump reads and where: the reservation (never the crashed
// kernel's memory: /proc/vmcore leaves it out), and for fadump the boot
// memory the DMA copy moved into the save area.
struct HostRecovery::DumpPlan {
  const char* phase_name = "dump";
  uint64_t excluded_base = 0, excluded_bytes = 0;
  uint64_t moved_from = 0, moved_bytes = 0, moved_to = 0;
  ReleaseRegion* release = nullptr;  // fadump: preserved memory handed back as the dump passes it
  uint64_t boot_bytes = 0;           // fadump: memory the kernel owns from the start
};

HostRecovery::HostRecovery(sc_core::sc_module_name name, Board& board, RecoverySetup setup)
    : sc_core::sc_module(name), board_(board), setup_(std::move(setup)), bus_(board.recovery_bus()) {
  const Dram& dram = board_.dram();
  if (setup_.kind != RecoveryKind::predictive_bmc) {
    const bool network = setup_.params.dump.target == DumpTarget::network;
    target_ = dump_target(board_, setup_.params.dump.target);
    if (target_ == nullptr)
      throw ConfigError(fmt::format("strategy.dump.target: {}: the board has no {} to write the dump to (list {} "
                                    "under board:)",
                                    network ? "network" : "disk", network ? "NIC" : "disk", network ? "nic0" : "disk0"));
    if (setup_.reservation_base < dram.physical_base() ||
        setup_.reservation_base + setup_.reservation_bytes > dram.physical_base() + dram.size())
      throw ConfigError("host recovery: the crash reservation is not inside DRAM");
  }
  SC_THREAD(run);
}

uint64_t HostRecovery::dump_target_bandwidth() const { return target_ != nullptr ? target_->write_bandwidth() : 0; }

void HostRecovery::on_error_raised(const ErrorEvent& event) {
  pending_.push_back({event, used_bytes(), setup_.predictive_reserved ? setup_.predictive_reserved() : 0});
  failure_event_.notify(sc_core::SC_ZERO_TIME);
}

void HostRecovery::on_bmc_report(const BmcDrainReport& report) {
  reports_.push_back(report);
  report_event_.notify(sc_core::SC_ZERO_TIME);
}

uint64_t HostRecovery::used_bytes() const { return board_.dram().used_bytes(); }

void HostRecovery::run() {
  for (;;) {
    while (pending_.empty()) wait(failure_event_);
    running_ = true;
    const PendingFailure failure = pending_.front();
    pending_.pop_front();
    const ErrorEvent& event = failure.event;
    SimulatedRecovery r;
    r.event = event;
    CrashFacts& c = r.crash;
    c.component = event.component;
    c.error = event.type;
    c.time_ns = event.time_ns;
    c.capture_facts = setup_.facts;
    c.dram_bytes = board_.dram().size();
    c.used_bytes = failure.used_bytes;
    c.reservation_bytes =
        setup_.kind == RecoveryKind::predictive_bmc ? failure.predictive_reserved : setup_.reservation_bytes;
    recover(r);
    done_.push_back(std::move(r));
    running_ = false;
  }
}

void HostRecovery::recover(SimulatedRecovery& r) {
  switch (setup_.kind) {
    case RecoveryKind::kdump: capture_kernel_path(r, false); break;
    case RecoveryKind::cma_crashkernel: capture_kernel_path(r, true); break;
    case RecoveryKind::fadump: fadump_path(r); break;
    case RecoveryKind::predictive_bmc: predictive_path(r); break;
  }
}

uint64_t HostRecovery::phase(SimulatedRecovery& r, const char* phase_name, uint64_t duration_ns) {
  const uint64_t end = r.outcome.add_phase(phase_name, now_ns(), duration_ns);
  wait(ns_time(duration_ns));
  return end;
}

void HostRecovery::reboot(SimulatedRecovery& r, const char* reason, uint64_t steady_held) {
  StrategyOutcome& o = r.outcome;
  if (reason != nullptr) {
    o.dump_succeeded = false;
    o.failure_reason = reason;
    o.captured_bytes = 0;
    o.identified = false;
    o.report_ns = 0;
  }
  phase(r, "firmware POST", setup_.params.host.firmware_post_ns);
  const uint64_t end = phase(r, "OS boot", setup_.params.host.os_boot_ns);
  o.service_ns = end;
  o.production_ns = end;
  (void)o.held.add(end, steady_held);
  (void)o.available.add(end, r.crash.dram_bytes);
}

void HostRecovery::capture_kernel_path(SimulatedRecovery& r, bool cma) {
  const StrategyParams& p = setup_.params;
  StrategyOutcome& o = r.outcome;
  const uint64_t reserved = setup_.reservation_bytes;
  const uint64_t fixed = cma ? std::min(p.cma.fixed_bytes, reserved) : reserved;
  // The CMA crashkernel's own accounting of what it lends (policies/strategies).
  const CmaCrashkernelStrategy cma_model(p.cma, p.capture_kernel, p.dump, p.host);
  const uint64_t lent = cma ? std::min(cma_model.lent_bytes(reserved), r.crash.used_bytes) : 0;
  const uint64_t steady = cma ? cma_model.steady_held_bytes(reserved) : reserved;
  host_dump::begin(o, cma ? "cma-crashkernel" : "kdump", r.crash, reserved);
  if (const char* reason = host_dump::impossible_reason(r.event.type)) return reboot(r, reason, steady);
  if (fixed < p.capture_kernel.image_bytes)
    return reboot(r,
                  cma ? "fixed crashkernel part smaller than the kexec image: no capture kernel loaded"
                      : "crashkernel reservation smaller than the kexec image: no capture kernel loaded",
                  steady);
  phase(r, "kexec", p.capture_kernel.kexec_ns);
  if (cma) {
    // The capture kernel's allocator takes the CMA area back: whatever the
    // workload kept in the lent pages is overwritten by the capture
    // kernel's own data (each page the workload had written).
    Dram& dram = board_.dram();
    const uint64_t lent_offset = setup_.reservation_base + fixed - dram.physical_base();
    std::vector<std::byte> capture_kernel_page(SparseMemory::kPageBytes, std::byte{0xCC});
    for (const uint64_t page : dram.memory().materialised_offsets_in(lent_offset, lent))
      dram.host_write(page, capture_kernel_page);
    o.image_lost_bytes = lent;
    phase(r, "dma quiesce", p.cma.dma_quiesce_ns);
  }
  phase(r, "capture-kernel boot", p.capture_kernel.boot_ns);
  if (reserved < host_dump::capture_kernel_need(p.capture_kernel, r.crash.dram_bytes))
    return reboot(r,
                  cma ? "capture kernel out of memory: fixed + CMA reservation smaller than it needs"
                      : "capture kernel out of memory: crashkernel reservation smaller than it needs",
                  steady);
  DumpPlan plan;
  plan.excluded_base = setup_.reservation_base;
  plan.excluded_bytes = reserved;
  const bool written = write_dump(r, plan);
  if (!written) {
    o.dump_succeeded = false;
    o.failure_reason = "dump target stopped responding: makedumpfile's write timed out (vmcore-incomplete)";
  }
  reboot(r, nullptr, steady);
}

void HostRecovery::fadump_path(SimulatedRecovery& r) {
  const StrategyParams& p = setup_.params;
  StrategyOutcome& o = r.outcome;
  const uint64_t reserved = setup_.reservation_bytes;
  const uint64_t dram = r.crash.dram_bytes;
  const uint64_t base = board_.dram().physical_base();
  const uint64_t boot = std::min(p.fadump.boot_memory_bytes, dram);
  host_dump::begin(o, "fadump", r.crash, reserved);
  if (const char* reason = host_dump::impossible_reason(r.event.type)) return reboot(r, reason, reserved);
  if (reserved < boot)
    return reboot(r, "fadump registration refused: reserved area smaller than the boot memory", reserved);
  {
    const uint64_t start = now_ns();
    copy_by_dma(base, setup_.reservation_base, boot);
    (void)o.add_phase("save boot memory", start, now_ns() - start);
  }
  phase(r, "reset (memory kept)", p.fadump.reset_ns);
  const uint64_t booted = phase(r, "boot into boot memory", p.host.os_boot_ns);
  if (boot < host_dump::capture_kernel_need(p.capture_kernel, dram))
    return reboot(r, "kernel out of memory in the fadump boot memory: smaller than the dump needs", reserved);
  o.service_ns = booted;
  const uint64_t preserved = dram - boot;
  (void)o.available.add(booted, boot);
  (void)o.held.add(booted, std::max(preserved, reserved));

  ReleaseRegion release(base + boot, preserved);
  DumpPlan plan;
  plan.phase_name = "dump + release";
  plan.excluded_base = setup_.reservation_base;
  plan.excluded_bytes = reserved;
  plan.moved_from = base;
  plan.moved_bytes = boot;
  plan.moved_to = setup_.reservation_base;
  plan.release = &release;
  plan.boot_bytes = boot;
  const bool written = write_dump(r, plan);
  if (!written) {
    o.dump_succeeded = false;
    o.failure_reason = "dump target stopped responding: the fadump dump's write timed out";
    // The kernel gives up on the dump and takes all of its memory back.
    if (release.released_bytes() < preserved)
      (void)release.release(base + boot + release.released_bytes(), preserved - release.released_bytes());
  }
  const uint64_t end = now_ns();
  (void)o.available.add(end, dram);
  (void)o.held.add(end, reserved);
  o.production_ns = end;
}

void HostRecovery::copy_by_dma(uint64_t src, uint64_t dst, uint64_t bytes) {
  DmaController& dma = board_.dma();
  const uint64_t regs = board_.base_of(dma) + kHostDmaChannel * dma_regs::kChannelStride;
  (void)write_register(bus_, regs + dma_regs::kSrc, src);
  (void)write_register(bus_, regs + dma_regs::kDst, dst);
  (void)write_register(bus_, regs + dma_regs::kLen, bytes);
  (void)write_register(bus_, regs + dma_regs::kCtrl, dma_regs::kCtrlStart);
  bus_.sync();
  wait(dma.transfer_time(0, bytes));
  for (;;) {
    uint64_t status = 0;
    if (!ok(read_register(bus_, regs + dma_regs::kStatus, status))) break;
    bus_.sync();
    if ((status & dma_regs::kStatusBusy) == 0) {
      (void)write_register(bus_, regs + dma_regs::kStatus, status);  // W1C
      bus_.sync();
      break;
    }
    wait(ns_time(kDmaPollNs));
  }
}

bool HostRecovery::write_dump(SimulatedRecovery& r, const DumpPlan& plan) {
  const StrategyParams& p = setup_.params;
  StrategyOutcome& o = r.outcome;
  const Dram& dram = board_.dram();
  const uint64_t base = dram.physical_base();
  const uint64_t dram_bytes = dram.size();
  const uint32_t disks = board_.component_count(ComponentClass::disk);
  const std::vector<LocatedSection> sections = locate(r.event, setup_.facts, base, dram_bytes, disks);

  // Which located ranges the dump tool takes: kernel memory always, user
  // memory when the dump level keeps it; never the reservation.
  std::vector<const LocatedSection*> in_memory;
  for (const LocatedSection& s : sections)
    if (s.place == HostPlace::kernel_memory || (s.place == HostPlace::user_memory && !p.dump.exclude_user_pages))
      if (s.size > 0 && !inside(s.address, s.size, plan.excluded_base, plan.excluded_bytes)) in_memory.push_back(&s);
  // Address order, the larger of two at one address first; a range inside
  // one already taken (a core's stack inside all the stacks) is read once.
  std::sort(in_memory.begin(), in_memory.end(), [](const LocatedSection* a, const LocatedSection* b) {
    return a->address != b->address ? a->address < b->address : a->size > b->size;
  });
  std::erase_if(in_memory, [last_end = uint64_t{0}](const LocatedSection* s) mutable {
    if (s->address + s->size <= last_end) return true;
    last_end = std::max(last_end, s->address + s->size);
    return false;
  });
  uint64_t located_bytes = 0;
  for (const LocatedSection* s : in_memory) located_bytes += s->size;

  // The stream: notes, then memory in address order. The located ranges sit
  // whole at their place; the rest of the filtered memory in use (counted,
  // not stored) is spread between them by address.
  DumpFile dump;
  const uint64_t notes = kElfHeaderBytes + uint64_t{setup_.facts.cpu_cores} * kPrstatusNoteBytes;
  const uint64_t filtered = host_dump::filtered_bytes(r.crash.used_bytes, p.dump.filter_ratio);
  const uint64_t filler = filtered > located_bytes ? filtered - located_bytes : 0;
  dump.set_notes(notes);
  dump.set_planned_bytes(notes + located_bytes + filler);
  const auto filler_before = [&](uint64_t address) {
    return static_cast<uint64_t>(static_cast<u128>(filler) * (address - base) / dram_bytes);
  };
  // makedumpfile reads the crashed kernel's memory (/proc/vmcore) through
  // the CPU: fadump's boot memory from where the DMA copy put it.
  uint64_t located_before = 0;
  for (const LocatedSection* s : in_memory) {
    std::vector<std::byte> bytes(s->size);
    const bool moved = inside(s->address, 1, plan.moved_from, plan.moved_bytes);
    const uint64_t from = moved ? plan.moved_to + (s->address - plan.moved_from) : s->address;
    const uint64_t offset = notes + located_before + filler_before(s->address);
    located_before += s->size;
    if (!ok(bus_.read(from, bytes))) continue;
    dump.add_memory(s->address, std::move(bytes), offset);
  }
  bus_.sync();

  // The writes, command by command: compress a request's worth, write it.
  const uint64_t start = now_ns();
  const uint64_t total = dump.planned_bytes();
  const uint64_t progress_step = std::max<uint64_t>(kDumpWriteBytes, total / kProgressPoints);
  uint64_t written = 0, next_progress = 0;
  bool target_ok = true;
  while (written < total) {
    const uint64_t n = std::min(kDumpWriteBytes, total - written);
    wait(ns_time(host_dump::transfer_ns(n, p.dump.compress_bandwidth_bytes_per_s)));
    if (!target_->bulk_write(n)) {
      target_ok = false;
      break;
    }
    written += n;
    written_total_ += n;
    dump.set_written(written);
    if (written >= next_progress || written == total) {
      progress_.push_back({now_ns(), written_total_});
      next_progress = written + progress_step;
    }
    if (plan.release != nullptr) {
      // Preserved memory the stream has passed goes back, a release chunk
      // (or the remainder) at a time.
      const uint64_t memory_stream = total - notes;
      const uint64_t memory_done = written > notes ? written - notes : 0;
      const uint64_t old_done =
          memory_stream == 0 ? dram_bytes
                             : static_cast<uint64_t>(static_cast<u128>(dram_bytes) * memory_done / memory_stream);
      ReleaseRegion& release = *plan.release;
      const uint64_t chunk = p.fadump.release_chunk_bytes / ReleaseRegion::kPageBytes * ReleaseRegion::kPageBytes;
      while (release.released_bytes() < release.preserved_bytes()) {
        const uint64_t from = plan.boot_bytes + release.released_bytes();  // old-memory offset of the next chunk
        const uint64_t size = std::min(chunk, release.preserved_bytes() - release.released_bytes());
        if (old_done < from + size && written < total) break;
        if (!ok(release.release(base + from, size))) break;
        const uint64_t owned = plan.boot_bytes + release.released_bytes();
        (void)o.available.add(now_ns(), owned);
        (void)o.held.add(now_ns(), std::max(dram_bytes - owned, setup_.reservation_bytes));
      }
    }
  }
  (void)o.add_phase(plan.phase_name, start, now_ns() - start);
  r.dump_planned_bytes = total;
  r.dump_written_bytes = written;

  // What the dump holds of the failure's needs, and what a crash tool names.
  uint64_t missing = 0;
  for (const LocatedSection& s : sections) {
    uint64_t have = 0;
    switch (s.place) {
      case HostPlace::kernel_notes: have = dump.notes_written() ? s.bytes : 0; break;
      case HostPlace::kernel_memory:
      case HostPlace::user_memory: {
        const uint64_t covered = s.size == 0 ? 0 : dump.covered_bytes(s.address, s.size);
        have = s.size == 0 ? 0 : static_cast<uint64_t>(static_cast<u128>(s.bytes) * covered / s.size);
        break;
      }
      case HostPlace::device: have = 0; break;
    }
    missing += s.bytes - have;
  }
  o.needed_bytes = needed_bytes(r.event.type, setup_.facts);
  // The record's framing counts only with a dump to frame: none written, none.
  o.captured_bytes = dump.notes_written() && missing < o.needed_bytes ? o.needed_bytes - missing : 0;
  o.dump_bytes = written;
  std::vector<std::byte> ring(setup_.facts.log_buf_len);
  o.identified = false;
  if (dump.read(setup_.facts.log_buf_address, ring)) {
    const std::string line = HostKernel::error_line(r.event);
    for (std::string_view text : printk_texts(ring)) o.identified = o.identified || text == line;
  }
  o.dump_succeeded = target_ok && written > 0;
  o.report_ns = target_ok ? now_ns() : 0;
  return target_ok;
}

void HostRecovery::predictive_path(SimulatedRecovery& r) {
  const StrategyParams& p = setup_.params;
  StrategyOutcome& o = r.outcome;
  host_dump::begin(o, "predictive-bmc", r.crash, r.crash.reservation_bytes);
  const uint64_t failure = r.event.time_ns;
  const auto find_report = [&]() -> const BmcDrainReport* {
    for (const BmcDrainReport& b : reports_)
      if (b.identified && b.failed_component == r.event.component && b.error == r.event.type && b.alert_t_ns >= failure)
        return &b;
    return nullptr;
  };
  const BmcDrainReport* report = find_report();
  while (report == nullptr && now_ns() < failure + kReportWaitNs) {
    wait(ns_time(failure + kReportWaitNs - now_ns()), report_event_);
    report = find_report();
  }
  uint64_t restart_from = now_ns();
  if (report != nullptr) {
    const uint64_t drain_end = report->report_t_ns >= p.predictive_bmc.report_ns
                                   ? std::max(report->alert_t_ns, report->report_t_ns - p.predictive_bmc.report_ns)
                                   : report->alert_t_ns;
    (void)o.add_phase("capture", failure, report->alert_t_ns - failure);
    (void)o.add_phase("drain", report->alert_t_ns, drain_end - report->alert_t_ns);
    o.report_ns = o.add_phase("report", drain_end, report->report_t_ns - drain_end);
    restart_from = p.predictive_bmc.hold_host_in_reset ? drain_end : report->alert_t_ns;
    // The record's sections as the BMC decoded them; its header, manifest
    // and descriptors count as captured with the record.
    uint64_t section_needed = 0, section_captured = 0;
    bool found = false;
    for (const DrainedRecord& rec : report->records)
      if (!found && rec.component == r.event.component && rec.error == r.event.type && rec.timestamp_ns >= failure) {
        found = true;
        for (const DrainedSection& s : rec.sections) section_needed += s.needed, section_captured += s.captured;
      }
    const uint64_t framing = o.needed_bytes > section_needed ? o.needed_bytes - section_needed : 0;
    o.captured_bytes = found ? std::min(o.needed_bytes, framing + section_captured) : 0;
    if (report->record_truncated) o.note = kTruncatedRecordNote;
    o.dump_bytes = report->bytes_drained;
    o.dump_succeeded = report->record_found;
    if (!report->record_found) o.failure_reason = "the BMC found no record of the failure in the crash region";
    o.identified = true;
  } else {
    o.failure_reason = "no BMC report of the failure";
  }
  // The restart, from the drain's end (host held in reset) or the alert.
  const uint64_t t = add_restart_phases(o, p.host, p.capture_kernel, p.predictive_bmc.restart, r.event.type,
                                        restart_from);
  if (t > now_ns()) wait(ns_time(t - now_ns()));
  (void)o.available.add(t, r.crash.dram_bytes);
}

}  // namespace crashtwin
