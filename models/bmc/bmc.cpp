#include "models/bmc/bmc.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "models/core/tlm_types.h"
#include "models/dma/dma_controller.h"
#include "platform/cper/capture_manifest.h"
#include "platform/region/crash_dump_reader.h"

namespace crashtwin {

Bmc::Bmc(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      dma_out("dma_out"),
      dma_irq("dma_irq"),
      link_bandwidth_(param<double>(context.params, "link_bandwidth", ParamKind::bandwidth, 100e6,
                                    "bandwidth of the host-to-BMC link its DMA reads use", 1.0)),
      region_base_(param<uint64_t>(context.params, "crash_region_base", ParamKind::address, 0,
                                   "physical base of the crash region (its DMA window)")),
      region_size_(param<uint64_t>(context.params, "crash_region_size", ParamKind::size, 0,
                                   "size of the crash region (0: set by the runner)")),
      decode_time_(ns(param<uint64_t>(context.params, "decode_time", ParamKind::duration, 20'000,
                                      "firmware time to decode one record"))),
      regs_(std::string(name) + ".regs") {
  ModelContext memory_context{context.params.sub("memory"), context.board_seed, 0, 0, 0};
  memory_ = std::make_unique<Dram>("memory", memory_context);
  memory_->irq.bind(memory_irq_);
  memory_ctrl_.bind(memory_->ctrl);
  in.register_b_transport(this, &Bmc::mailbox_b_transport);
  regs_.add("mailbox", bmc_regs::kMailbox, 8, 0, Access::rw).on_write([this](uint64_t code) {
    pending_alerts_.push_back(static_cast<uint32_t>(code));
    alert_event_.notify(sc_core::SC_ZERO_TIME);
  });
  regs_.add("state", bmc_regs::kState, 8, 0, Access::ro).on_read([this] { return uint64_t{draining_}; });
  regs_.add("reports", bmc_regs::kReports, 8, 0, Access::ro).on_read([this] { return uint64_t{reports_.size()}; });
  SC_THREAD(firmware_thread);
}

std::vector<Model::MmioRegion> Bmc::mmio_regions() {
  return {{&in, 0x1000, "base"}, {&memory_->in, memory_->size(), "memory_base"}};
}

void Bmc::attach_dma(DmaController& dma, uint32_t initiator, uint64_t memory_base_in_host_map) {
  dma_ = &dma;
  dma_initiator_ = initiator;
  memory_base_ = memory_base_in_host_map;
}

void Bmc::set_crash_region(uint64_t base, uint64_t size) {
  region_base_ = base;
  region_size_ = size;
}

void Bmc::warm_reset() {
  // The BMC is on standby power: a host warm reset does not touch it.
}

void Bmc::mailbox_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  regs_.transport(tx);
  delay += sc_core::sc_time(50, sc_core::SC_NS);
}

uint64_t Bmc::register_access(tlm::tlm_command cmd, uint64_t address, uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  tx_.set_command(cmd);
  tx_.set_address(address);
  tx_.set_data_ptr(bytes);
  tx_.set_data_length(8);
  tx_.set_streaming_width(8);
  tx_.set_byte_enable_ptr(nullptr);
  tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  dma_out->b_transport(tx_, delay);
  wait(delay);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{bytes[i]} << (8 * i);
  return v;
}

void Bmc::write_reg(uint64_t address, uint64_t value) { register_access(tlm::TLM_WRITE_COMMAND, address, value); }

uint64_t Bmc::read_reg(uint64_t address) { return register_access(tlm::TLM_READ_COMMAND, address, 0); }

bool Bmc::dma_copy(uint64_t src, uint64_t dst_offset, uint64_t bytes, BmcDrainReport& report) {
  using namespace dma_regs;
  const uint64_t ch = 0;  // the BMC firmware drives one channel, one transfer at a time
  write_reg(ch * kChannelStride + kStatus, kStatusDone | kStatusRefused | kStatusError);
  write_reg(ch * kChannelStride + kSrc, src);
  write_reg(ch * kChannelStride + kDst, memory_base_ + dst_offset);
  write_reg(ch * kChannelStride + kLen, bytes);
  write_reg(ch * kChannelStride + kCtrl, kCtrlStart | kCtrlIrqEnable);
  uint64_t status = read_reg(ch * kChannelStride + kStatus);
  while (status & kStatusBusy) {
    wait(dma_irq.posedge_event());
    status = read_reg(ch * kChannelStride + kStatus);
  }
  write_reg(ch * kChannelStride + kStatus, kStatusDone | kStatusRefused | kStatusError);
  if (status & kStatusRefused) {
    ++report.refused_accesses;
    report.diagnostics.push_back(fmt::format("DMA of [{:#x}, {:#x}) refused", src, src + bytes));
    return false;
  }
  if (status & kStatusError) {
    report.diagnostics.push_back(fmt::format("DMA of [{:#x}, {:#x}) failed on the bus", src, src + bytes));
    return false;
  }
  report.bytes_drained += bytes;
  return true;
}

void Bmc::firmware_thread() {
  for (;;) {
    while (pending_alerts_.empty()) wait(alert_event_);
    const uint32_t code = pending_alerts_.front();
    pending_alerts_.erase(pending_alerts_.begin());
    if (on_alert) on_alert(to_ns(sc_core::sc_time_stamp()), code);
    BmcDrainReport report = drain(code);
    reports_.push_back(report);
    if (on_report) on_report(reports_.back());
  }
}

BmcDrainReport Bmc::drain(uint32_t code) {
  BmcDrainReport report;
  report.alert_code = code;
  report.alert_t_ns = to_ns(sc_core::sc_time_stamp());
  draining_ = true;
  if (dma_ == nullptr || region_size_ < kHeaderAreaBytes || region_size_ > memory_->size()) {
    report.diagnostics.push_back(
        fmt::format("no usable crash region (base {:#x}, size {}) or no DMA controller", region_base_, region_size_));
    report.report_t_ns = to_ns(sc_core::sc_time_stamp());
    draining_ = false;
    return report;
  }
  const uint32_t window =
      dma_->open_window(dma_initiator_, AccessWindow{region_base_, region_size_, true, false});
  const uint32_t own_memory = dma_->open_window(dma_initiator_, AccessWindow{memory_base_, memory_->size(), false, true});

  // The region image in BMC firmware memory: uninitialised except for what
  // is copied in, so a large mostly-empty region costs little host memory.
  std::unique_ptr<std::byte[]> image(new std::byte[region_size_]);
  PartitionTable table;
  bool have_table = false;
  if (dma_copy(region_base_, 0, kHeaderAreaBytes, report)) {
    memory_->memory().read(0, std::span<std::byte>(image.get(), kHeaderAreaBytes));
    PartitionTableDiagnostics diagnostics;
    const Status s = decode_partition_table(std::span<const std::byte>(image.get(), kHeaderAreaBytes), table,
                                            &diagnostics);
    have_table = ok(s);
    if (!have_table) report.diagnostics.push_back(fmt::format("partition table: {}", to_string(s)));
  }
  if (have_table) {
    for (uint32_t i = 0; i < table.slice_count; ++i) {
      const SliceEntry& slice = table.slices[i];
      if (slice.used_bytes == 0) continue;
      // No bounds check of our own: the DMA window is the authority, so a
      // table pointing outside the region (or a window configured smaller
      // than the region) shows up as a refused transfer.
      const uint64_t offset = slice.base - region_base_;
      if (dma_copy(slice.base, offset, slice.used_bytes, report) && slice.base >= region_base_ &&
          offset + slice.used_bytes <= region_size_)
        memory_->memory().read(offset, std::span<std::byte>(image.get() + offset, slice.used_bytes));
    }
    CrashDumpReader reader;
    const Status opened = reader.open(std::span<const std::byte>(image.get(), region_size_));
    if (!ok(opened)) report.diagnostics.push_back(fmt::format("crash dump reader: {}", to_string(opened)));
    for (uint32_t i = 0; ok(opened) && i < reader.table().slice_count; ++i) {
      SliceRecordCursor cursor = reader.records(i);
      DumpRecord record;
      cper::Diagnostic diagnostic;
      Status s;
      while (ok(s = cursor.next(record, &diagnostic))) {
        wait(decode_time_);
        DrainedRecord out;
        out.slice = i;
        out.component = reader.table().slices[i].component;
        out.severity = cper::to_string(record.record.header().severity);
        out.cper.assign(record.record.bytes().begin(), record.record.bytes().end());
        if (record.has_manifest) {
          const cper::CaptureManifest& m = record.manifest;
          out.component = m.component;
          out.error = m.error_type;
          out.timestamp_ns = m.time_ns;
          out.truncated = m.truncated;
          for (uint16_t e = 0; e < m.entry_count; ++e)
            out.sections.push_back({cper::to_string(m.entries[e].source), m.entries[e].captured_bytes,
                                    m.entries[e].needed_bytes, m.entries[e].captured_bytes});
        }
        report.records.push_back(std::move(out));
      }
      if (s != Status::not_found)
        report.diagnostics.push_back(fmt::format("slice {}: {} ({})", i, to_string(s), diagnostic.what ? diagnostic.what : ""));
    }
    DumpScan scan;
    if (ok(opened) && ok(reader.scan(scan)) && scan.found_failure) {
      report.identified = true;
      report.failed_component = scan.latest_failure.manifest.component;
      report.error = scan.latest_failure.manifest.error_type;
    }
  }
  dma_->close_window(dma_initiator_, window);
  dma_->close_window(dma_initiator_, own_memory);
  draining_ = false;
  report.report_t_ns = to_ns(sc_core::sc_time_stamp());
  return report;
}

CRASHTWIN_REGISTER_MODEL("bmc", std::nullopt, "BMC: mailbox, own memory, drains the crash region by DMA", Bmc);

}  // namespace crashtwin
