#include "models/bmc/bmc.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "models/core/tlm_types.h"
#include "models/dma/dma_controller.h"
#include "platform/core/bmc_alert.h"
#include "platform/cper/capture_manifest.h"
#include "platform/region/crash_dump_reader.h"

namespace crashtwin {
namespace {

// "memory.1": the name results and diagnostics use for a component.
std::string component_name(ComponentId c) { return fmt::format("{}.{}", crashtwin::to_string(c.cls), c.instance); }

// One 64-bit register access through `socket` with the BMC's payload
// `tx`, waiting out what the target charges; the value read (or written).
template <typename Socket>
uint64_t access64(Socket& socket, tlm::tlm_generic_payload& tx, tlm::tlm_command cmd, uint64_t address,
                  uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  tx.set_command(cmd);
  tx.set_address(address);
  tx.set_data_ptr(bytes);
  tx.set_data_length(8);
  tx.set_streaming_width(8);
  tx.set_byte_enable_ptr(nullptr);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(tx, delay);
  sc_core::wait(delay);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{bytes[i]} << (8 * i);
  return v;
}

}  // namespace

Bmc::Bmc(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      dma_out("dma_out"),
      dma_irq("dma_irq"),
      mem("mem"),
      sensor_bus("sensor_bus"),
      // The runner sets link_bandwidth, alert_latency and report_time from
      // the predictive-bmc strategy's parameters (policies/strategies/
      // strategy_params.h), so the simulated BMC and the strategy's timing
      // share one value; the defaults here serve boards built without a run.
      link_bandwidth_(param<double>(context.params, "link_bandwidth", ParamKind::bandwidth, 250e6,
                                    "bandwidth of the host-to-BMC link its DMA reads use", 1.0)),
      register_latency_(param<sc_core::sc_time>(context.params, "register_latency", ParamKind::duration, ns(50),
                                                "simulated cost of one host access to the mailbox registers")),
      alert_latency_(param<sc_core::sc_time>(context.params, "alert_latency", ParamKind::duration, ns(10'000),
                                             "host interrupt to the BMC firmware handling it")),
      report_time_(param<sc_core::sc_time>(context.params, "report_time", ParamKind::duration, ns(50'000'000),
                                           "BMC decode of the drained region and writing its report")),
      // 10 s: a fan stop is in the event log within seconds, and a year of
      // polling costs a fleet run little (a modelling choice; BMC sensor
      // daemons poll about every second).
      sensor_poll_period_(param<sc_core::sc_time>(context.params, "sensor_poll_period", ParamKind::duration,
                                                  sc_core::sc_time(10, sc_core::SC_SEC),
                                                  "how often the BMC polls the fans over its sensor bus (0 s: never)")),
      regs_(std::string(name) + ".regs") {
  ModelContext memory_context{context.params.sub("memory"), context.board_seed, 0, 0, 0};
  memory_ = std::make_unique<Dram>("memory", memory_context);
  memory_->irq.bind(memory_irq_);
  memory_ctrl_.bind(memory_->ctrl);
  mem.bind(memory_->in);
  mem.register_invalidate_direct_mem_ptr(this, &Bmc::invalidate_memory_dmi);
  in.register_b_transport(this, &Bmc::mailbox_b_transport);
  in.register_transport_dbg(this, &Bmc::mailbox_transport_dbg);
  mailbox_regs_.mailbox.on_write([this](uint64_t code) {
    pending_alerts_.push_back({code, sc_core::sc_time_stamp() + alert_latency_});
    alert_event_.notify(alert_latency_);
  });
  mailbox_regs_.pfa.on_write([this](uint64_t value) { log_predictive_failure(value); });
  mailbox_regs_.state.on_read([this] { return uint64_t{draining_}; });
  mailbox_regs_.reports.on_read([this] { return uint64_t{reports_.size()}; });
  mailbox_regs_.cmd_status.on_write([this](uint64_t v) {
    if ((v & bmc_regs::kCommandPending) != 0 || presented_ >= commands_.size()) return;
    commands_[presented_].taken = true;
    commands_[presented_].taken_t_ns = to_ns(sc_core::sc_time_stamp());
    ++presented_;
    present_next_command();
  });
  mailbox_regs_.cmd_result.on_write([this](uint64_t v) {
    if (presented_ < commands_.size()) commands_[presented_].result = v;
  });
  regs_.add_window("cmd_data", bmc_regs::kCommandData, bmc_regs::kCommandDataBytes,
                   [this](uint64_t offset, std::span<std::byte> out) {
                     const std::string empty;
                     const std::string& line = presented_ < commands_.size() ? commands_[presented_].line : empty;
                     for (size_t i = 0; i < out.size(); ++i)
                       out[i] = offset + i < line.size() ? static_cast<std::byte>(line[offset + i]) : std::byte{0};
                   });
  SC_THREAD(firmware_thread);
  SC_THREAD(sensor_poll_thread);
  // One writer of the command line: this method, woken by every change.
  SC_METHOD(drive_command_irq);
  sensitive << command_irq_update_;
  dont_initialize();
}

std::vector<Model::MmioRegion> Bmc::mmio_regions() {
  return {{&in, 0x1000, "base"}, {&memory_->in, memory_->size(), "memory_base"}};
}

void Bmc::attach_dma(uint32_t channel, uint64_t memory_base_in_host_map) {
  dma_attached_ = true;
  dma_channel_ = channel;
  memory_base_ = memory_base_in_host_map;
}

void Bmc::warm_reset() {
  // The BMC is on standby power: a host warm reset does not touch it. The
  // host's alarms do not survive it: the rebooted firmware raises again
  // what it still predicts.
  alarms_up_.clear();
}

void Bmc::log_predictive_failure(uint64_t value) {
  const uint64_t t = to_ns(access_time_);
  PredictiveFailure change;
  if (!decode_predictive_failure(value, change)) {
    event_log_.push_back({t, kMalformedPfaSensor, fmt::format("malformed predictive-failure report {:#x}", value)});
    return;
  }
  BmcLogEntry e{t, fmt::format("{}.{}", to_string(change.component.cls), change.component.instance),
                change.asserted ? kPredictiveFailureAsserted : kPredictiveFailureDeasserted};
  e.component = change.component;
  e.probability = static_cast<double>(change.probability_ppm) / kPpm;
  event_log_.push_back(std::move(e));
  const auto up = std::find_if(alarms_up_.begin(), alarms_up_.end(),
                               [&](const auto& a) { return a.first == change.component; });
  if (change.asserted && up == alarms_up_.end()) alarms_up_.emplace_back(change.component, t);
  if (!change.asserted && up != alarms_up_.end()) alarms_up_.erase(up);
}

void Bmc::send_command(std::string line) {
  commands_.push_back({std::move(line), to_ns(sc_core::sc_time_stamp())});
  if (presented_ + 1 == commands_.size()) present_next_command();
}

void Bmc::present_next_command() {
  const bool waiting = presented_ < commands_.size();
  mailbox_regs_.cmd_length.set(waiting ? commands_[presented_].line.size() : 0);
  mailbox_regs_.cmd_status.set(waiting ? bmc_regs::kCommandPending : 0);
  command_irq_update_.notify(sc_core::SC_ZERO_TIME);
}

void Bmc::drive_command_irq() { command_irq_.write(presented_ < commands_.size()); }

void Bmc::mailbox_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  access_time_ = sc_core::sc_time_stamp() + delay;
  regs_.transport(tx);
  delay += register_latency_;
}

uint64_t Bmc::register_access(tlm::tlm_command cmd, uint64_t address, uint64_t value) {
  return access64(dma_out, tx_, cmd, address, value);
}

uint64_t Bmc::read_sensor(uint64_t address) {
  const uint64_t v = access64(sensor_bus, sensor_tx_, tlm::TLM_READ_COMMAND, address, 0);
  return sensor_tx_.is_response_ok() ? v : 0;
}

// The BMC's sensor daemon, every poll period: which fans have stopped (a
// fan once seen stopped stays stopped: the model has no repair), and which
// temperature comparators changed since the last poll.
void Bmc::sensor_poll_thread() {
  if (!sensors_attached_ || sensor_poll_period_ == sc_core::SC_ZERO_TIME) return;
  const uint64_t fans = read_sensor(CT_SENSORS_REGS + CT_SENSORS_FANS);
  // TEMP_ALERTS holds the first 64 channels.
  const uint64_t channels = std::min<uint64_t>(read_sensor(CT_SENSORS_REGS + CT_SENSORS_CHANNELS), 64);
  if (fans == 0 && channels == 0) return;  // nothing to watch
  uint64_t seen_stopped = 0, alerts = 0;
  for (;;) {
    wait(sensor_poll_period_);
    const uint64_t now = to_ns(sc_core::sc_time_stamp());
    if (fans > 0) {
      const uint64_t stopped = read_sensor(CT_SENSORS_REGS + CT_SENSORS_FANS_STOPPED);
      const uint64_t newly = stopped & ~seen_stopped;
      for (uint32_t fan = 0; fan < fans && fan < 64; ++fan)
        if ((newly >> fan) & 1u) event_log_.push_back({now, fmt::format("fan{}", fan), "stopped"});
      seen_stopped |= stopped;
    }
    if (channels == 0) continue;
    // A channel whose comparator changed: the reading it changed at
    // (latched) and the threshold go with the entry, as a threshold
    // sensor's SEL record carries them. Neither read moves the part's model.
    const uint64_t present = read_sensor(CT_SENSORS_REGS + CT_SENSORS_TEMP_ALERTS);
    const uint64_t changed = present ^ alerts;
    for (uint32_t c = 0; c < channels; ++c) {
      if (((changed >> c) & 1u) == 0) continue;
      const uint64_t block = CT_SENSORS_REGS + CT_SENSORS_SENSOR_CHANNEL(c);
      BmcLogEntry e{now, channel_name_ ? channel_name_(c) : fmt::format("temp{}", c),
                    (present >> c) & 1u ? "upper critical going high" : "upper critical going low"};
      e.reading_c = static_cast<double>(read_sensor(block + CT_SENSOR_CHANNEL_ALERT_READING)) / 1000.0;
      e.threshold_c = static_cast<double>(read_sensor(block + CT_SENSOR_CHANNEL_CRITICAL)) / 1000.0;
      event_log_.push_back(std::move(e));
    }
    alerts = present;
  }
}

void Bmc::write_reg(uint64_t address, uint64_t value) { register_access(tlm::TLM_WRITE_COMMAND, address, value); }

uint64_t Bmc::read_reg(uint64_t address) { return register_access(tlm::TLM_READ_COMMAND, address, 0); }

bool Bmc::dma_copy(uint64_t src, uint64_t dst_offset, uint64_t bytes, BmcDrainReport& report) {
  using namespace dma_regs;
  // The BMC firmware drives its one channel, one transfer at a time.
  const uint64_t ch = uint64_t{dma_channel_} * kChannelStride;
  write_reg(ch + kStatus, kStatusDone | kStatusRefused | kStatusError);
  write_reg(ch + kSrc, src);
  write_reg(ch + kDst, memory_base_ + dst_offset);
  write_reg(ch + kLen, bytes);
  write_reg(ch + kCtrl, kCtrlStart | kCtrlIrqEnable);
  // START is ignored while someone else's transfer runs on the channel: the
  // status would then be theirs.
  if (read_reg(ch + kOwner) != read_reg(kRequesterId)) {
    report.diagnostics.push_back(
        fmt::format("DMA channel {} is in use by another initiator: [{:#x}, {:#x}) not read", dma_channel_, src,
                    src + bytes));
    return false;
  }
  uint64_t status = read_reg(ch + kStatus);
  while (status & kStatusBusy) {
    wait(dma_irq.posedge_event());
    status = read_reg(ch + kStatus);
  }
  write_reg(ch + kStatus, kStatusDone | kStatusRefused | kStatusError);
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
    const PendingAlert alert = pending_alerts_.front();
    pending_alerts_.erase(pending_alerts_.begin());
    if (alert.due > sc_core::sc_time_stamp()) wait(alert.due - sc_core::sc_time_stamp());
    const uint64_t code = alert.code;
    if (on_alert) on_alert(to_ns(sc_core::sc_time_stamp()), code);
    BmcDrainReport report = drain(code);
    reports_.push_back(report);
    if (on_report) on_report(reports_.back());
  }
}

BmcDrainReport Bmc::drain(uint64_t code) {
  BmcDrainReport report;
  report.alert_code = code;
  report.alert_t_ns = to_ns(sc_core::sc_time_stamp());
  draining_ = true;
  // The alert names the failure; the region is read to find its record.
  BmcAlert alert;
  if (decode_bmc_alert(code, alert)) {
    report.identified = true;
    report.failed_component = alert.component;
    report.error = alert.error;
    report.failure_sequence = alert.failure_sequence;
    // Was it predicted? Its alarm as the BMC holds it when the alert comes
    // (the reset that follows a fatal error clears it).
    for (const auto& [component, since] : alarms_up_)
      if (component == alert.component) report.alarm_asserted_t_ns = since;
  } else {
    report.diagnostics.push_back(fmt::format("alert code {:#x} names no component class or error type", code));
  }
  uint64_t region_base = 0, region_size = 0;
  if (!find_granted_region(region_base, region_size, report)) {
    finish_report(report);
    return report;
  }

  // The region image in BMC firmware memory: only what was copied in is
  // decoded, so a large mostly-empty region costs little host memory.
  std::unique_ptr<std::byte[]> image(new std::byte[region_size]);
  PartitionTable table;
  bool have_table = false;
  // Time model of the reads of BMC memory (through `mem`): the header's
  // read is on the drain's path (the partition table decides which slices
  // to fetch), so it is charged at once, before the slices' DMA; the
  // slices' reads are part of decoding the drained region, which
  // report_time covers (finish_report), so they are not charged twice.
  sc_core::sc_time header_read = sc_core::SC_ZERO_TIME, decode_reads = sc_core::SC_ZERO_TIME;
  if (dma_copy(region_base, 0, kHeaderAreaBytes, report) &&
      read_drained(0, std::span<std::byte>(image.get(), kHeaderAreaBytes), header_read, report)) {
    wait(header_read);
    PartitionTableDiagnostics diagnostics;
    const Status s = decode_partition_table(std::span<const std::byte>(image.get(), kHeaderAreaBytes), table,
                                            &diagnostics);
    have_table = ok(s);
    if (!have_table) report.diagnostics.push_back(fmt::format("partition table: {}", to_string(s)));
  }
  if (have_table) {
    uint32_t alerted_slice = 0;
    report.slice_found = report.identified && ok(table.find_slice(report.failed_component, alerted_slice));
    if (report.identified && !report.slice_found)
      report.diagnostics.push_back(fmt::format("{} has no slice in the partition table: nothing was captured",
                                               component_name(report.failed_component)));
    std::vector<bool> read(table.slice_count, false);
    for (uint32_t i = 0; i < table.slice_count; ++i) {
      const SliceEntry& slice = table.slices[i];
      if (slice.used_bytes == 0) continue;
      // No bounds check of our own: the DMA window is the authority, so a
      // table pointing outside the region (or a window configured smaller
      // than the region) shows up as a refused transfer.
      const uint64_t offset = slice.base - region_base;
      if (dma_copy(slice.base, offset, slice.used_bytes, report) && slice.base >= region_base &&
          offset + slice.used_bytes <= region_size)
        read[i] = read_drained(offset, std::span<std::byte>(image.get() + offset, slice.used_bytes), decode_reads,
                               report);
    }
    CrashDumpReader reader;
    const Status opened = reader.open(std::span<const std::byte>(image.get(), region_size));
    if (!ok(opened)) report.diagnostics.push_back(fmt::format("crash dump reader: {}", to_string(opened)));
    for (uint32_t i = 0; ok(opened) && i < reader.table().slice_count; ++i) {
      if (i < read.size() && !read[i]) continue;  // a slice that could not be read is reported, never decoded
      SliceRecordCursor cursor = reader.records(i);
      DumpRecord record;
      cper::Diagnostic diagnostic;
      Status s;
      while (ok(s = cursor.next(record, &diagnostic))) {
        DrainedRecord out;
        out.slice = i;
        out.record_id = record.record.header().record_id;
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
                                    m.entries[e].needed_bytes, m.entries[e].captured_bytes,
                                    cper::to_string(m.entries[e].protection)});
        }
        if (report.slice_found && i == alerted_slice && failure_sequence_of(out.record_id) == report.failure_sequence) {
          report.record_found = true;
          report.record_truncated = out.truncated;
          if (!(out.component == report.failed_component) || out.error != report.error)
            report.diagnostics.push_back(fmt::format("record {:#x} describes {} on {}, the alert {} on {}",
                                                     out.record_id, crashtwin::to_string(out.error),
                                                     component_name(out.component), crashtwin::to_string(report.error),
                                                     component_name(report.failed_component)));
        }
        report.records.push_back(std::move(out));
      }
      if (s != Status::not_found)
        report.diagnostics.push_back(fmt::format("slice {}: {} ({})", i, to_string(s), diagnostic.what ? diagnostic.what : ""));
    }
    if (report.slice_found && !report.record_found)
      report.diagnostics.push_back(fmt::format("the slice of {} holds no record of failure {}: it did not fit",
                                               component_name(report.failed_component), report.failure_sequence));
    if (report.record_truncated)
      report.diagnostics.push_back(fmt::format("the record of failure {} is truncated: the slice was too small",
                                               report.failure_sequence));
  }
  finish_report(report, decode_reads);
  return report;
}

bool Bmc::read_drained(uint64_t offset, std::span<std::byte> out, sc_core::sc_time& cost, BmcDrainReport& report) {
  if (read_memory(offset, out, cost)) return true;
  report.diagnostics.push_back(
      fmt::format("BMC memory [{:#x}, +{}) could not be read: not decoded", offset, out.size()));
  return false;
}

bool Bmc::read_memory(uint64_t offset, std::span<std::byte> out, sc_core::sc_time& cost) {
  while (!out.empty()) {
    const bool granted = memory_dmi_valid_ && offset >= memory_dmi_.get_start_address() &&
                         offset <= memory_dmi_.get_end_address();
    if (!granted) {
      memory_tx_.set_command(tlm::TLM_READ_COMMAND);
      memory_tx_.set_address(offset);
      memory_dmi_.init();
      memory_dmi_valid_ = mem->get_direct_mem_ptr(memory_tx_, memory_dmi_) && memory_dmi_.is_read_allowed() &&
                          offset >= memory_dmi_.get_start_address() && offset <= memory_dmi_.get_end_address();
    }
    if (memory_dmi_valid_) {
      // One access per grant: the grant's latency, then the bytes at the
      // memory's bandwidth (what DMI users add themselves, dram.h).
      const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), memory_dmi_.get_end_address() - offset + 1));
      std::memcpy(out.data(), memory_dmi_.get_dmi_ptr() + (offset - memory_dmi_.get_start_address()), n);
      cost += memory_dmi_.get_read_latency() + memory_->transfer_time(n);
      offset += n;
      out = out.subspan(n);
      continue;
    }
    // No grant: the rest in one transaction, timed by the memory.
    memory_tx_.set_command(tlm::TLM_READ_COMMAND);
    memory_tx_.set_address(offset);
    memory_tx_.set_data_ptr(reinterpret_cast<unsigned char*>(out.data()));
    memory_tx_.set_data_length(static_cast<unsigned>(out.size()));
    memory_tx_.set_streaming_width(static_cast<unsigned>(out.size()));
    memory_tx_.set_byte_enable_ptr(nullptr);
    memory_tx_.set_dmi_allowed(false);
    memory_tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    mem->b_transport(memory_tx_, cost);
    return memory_tx_.is_response_ok();
  }
  return true;
}

void Bmc::invalidate_memory_dmi(sc_dt::uint64 start, sc_dt::uint64 end) {
  if (memory_dmi_valid_ && start <= memory_dmi_.get_end_address() && memory_dmi_.get_start_address() <= end)
    memory_dmi_valid_ = false;
}

bool Bmc::find_granted_region(uint64_t& base, uint64_t& size, BmcDrainReport& report) {
  using namespace dma_regs;
  if (!dma_attached_) {
    report.diagnostics.push_back("no DMA controller: the crash region cannot be read");
    return false;
  }
  const uint64_t me = read_reg(kRequesterId);
  bool found = false;
  for (uint32_t w = 0; w < kWindowCount && !found; ++w) {
    const uint64_t attr = read_reg(window_entry(w) + kWindowAttr);
    if ((attr & (kAttrEnable | kAttrRead)) != (kAttrEnable | kAttrRead) || ((attr >> kAttrInitiatorShift) & 0xFF) != me)
      continue;
    base = read_reg(window_entry(w) + kWindowBase);
    size = read_reg(window_entry(w) + kWindowSize);
    found = true;
  }
  if (!found) {
    report.diagnostics.push_back("no DMA window grants the BMC a crash region: host firmware did not program it");
    return false;
  }
  // The image of the region is kept in BMC memory, offset for offset.
  if (size < kHeaderAreaBytes || size > memory_->size()) {
    report.diagnostics.push_back(fmt::format("the granted window [{:#x}, +{}) is no usable crash region for a BMC "
                                             "with {} bytes of memory",
                                             base, size, memory_->size()));
    return false;
  }
  return true;
}

void Bmc::finish_report(BmcDrainReport& report, sc_core::sc_time decode_reads) {
  wait(std::max(report_time_, decode_reads));
  draining_ = false;
  report.report_t_ns = to_ns(sc_core::sc_time_stamp());
  if (!report.identified) return;
  // The failed component's own predictive-failure events before the alert;
  // a part that overheated may have done so because the air stopped: the
  // fan stops and threshold crossings go with it too.
  for (uint32_t i = 0; i < event_log_.size(); ++i) {
    const BmcLogEntry& e = event_log_[i];
    if (e.t_ns > report.alert_t_ns) continue;
    const bool predicted = e.component && *e.component == report.failed_component;
    const bool thermal =
        !e.component && report.error == ErrorType::thermal_shutdown && e.sensor != kMalformedPfaSensor;
    if (predicted || thermal) report.related_events.push_back(i);
  }
}

CRASHTWIN_REGISTER_MODEL("bmc", std::nullopt, "BMC: mailbox, own memory, drains the crash region by DMA", Bmc);

}  // namespace crashtwin
