#include "scenarios/runner/run_recorder.h"

#include <algorithm>

#include <cmath>
#include <limits>

#include "models/core/model.h"
#include "models/dram/dram.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {
namespace {

std::string vcd_name(ComponentId c) { return std::string(crashtwin::to_string(c.cls)) + std::to_string(c.instance); }

// A control line as events.jsonl shows it: printable ASCII as is, any other
// byte as \xNN (JSON strings must be UTF-8), at most kMaxShown bytes of it.
std::string shown_line(std::string_view line) {
  constexpr size_t kMaxShown = 200;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < line.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x20 && c <= 0x7E) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (line.size() > kMaxShown) out += "...";
  return out;
}

}  // namespace

RunRecorder::RunRecorder(Board& board, const Agent& agent, EventLog& events, TraceLevel traces)
    : board_(board), agent_(agent), events_(events), keep_rows_(traces == TraceLevel::full) {
  if (traces == TraceLevel::summary) vcd_.discard_changes();
  alert_signal_ = vcd_.add_wire("board.irq", "bmc_alert");
  vcd_.change(0, alert_signal_, 0);  // low from power-on, not unknown until the first alert
  capture_signal_ = vcd_.add_wire("board.agent", "capturing");
  vcd_.change(0, capture_signal_, 0);
  reserved_signal_ = vcd_.add_integer("board.crash_region", "reserved_bytes");
}

void RunRecorder::declare_columns() {
  // The agent knows its instances only after init; columns are fixed at the
  // first tick (the header of timeseries.csv cannot grow).
  for (size_t i = 0; i < agent_.instance_count(); ++i) instances_.push_back(agent_.instance(i));
  for (ComponentId c : instances_) {
    series_.add_column(slice_bytes_column(c));
    slice_signals_.push_back(vcd_.add_integer("board.crash_region.slices", vcd_name(c)));
  }
  for (ComponentId c : instances_) {
    series_.add_column(probability_column(c));
    probability_signals_.push_back(vcd_.add_real("board.agent.probability", vcd_name(c)));
  }
  for (ComponentId c : instances_) {
    alarm_signals_.push_back(vcd_.add_wire("board.agent.alarm", vcd_name(c)));
    vcd_.change(last_tick_ns_, alarm_signals_.back(), 0);
  }
  series_.add_column(std::string(kReservedBytesColumn));
  series_.add_column(std::string(kFreeBytesColumn));
  // Where each slice is and how fragmented the free space is, so the
  // dashboard's memory map shows the real layout rather than inferring it.
  for (ComponentId c : instances_) series_.add_column(slice_base_column(c));
  const uint64_t pages = agent_.buddy().page_count();
  while (fragmentation_orders_ < alloc::kOrderCount && (uint64_t{1} << fragmentation_orders_) <= pages) {
    series_.add_column(unusable_index_column(fragmentation_orders_++));
  }
  open_episode_.assign(instances_.size(), -1);
  columns_declared_ = true;
}

void RunRecorder::trace_interrupt_lines() {
  for (const auto& [name, line] : board_.interrupt_lines()) {
    const VcdWriter::SignalId id = vcd_.add_wire("board.irq", name);
    vcd_.change(0, id, 0);
    sc_core::sc_spawn_options options;
    options.spawn_method();
    options.dont_initialize();
    options.set_sensitivity(&line->value_changed_event());
    sc_core::sc_spawn([this, id, irq = line] { vcd_.change(to_ns(sc_core::sc_time_stamp()), id, irq->read() ? 1 : 0); },
                      sc_core::sc_gen_unique_name("irq_trace"), &options);
  }
}

void RunRecorder::on_error_raised(const ErrorEvent& event) {
  if (frozen_) return;
  raised_.push_back({event, board_.dram().used_bytes(), agent_.stats().reserved_bytes});
  production_end_ns_ = std::min(production_end_ns_, event.time_ns);
  Event& e = events_.add(event.time_ns, "board.host", EventKind::log);
  e.fields["message"] = "error raised";
  e.fields["component"] = to_string(event.component);
  e.fields["error"] = crashtwin::to_string(event.type);
}

void RunRecorder::on_alert(uint64_t t_ns, uint64_t code) {
  if (frozen_) return;
  Event& e = events_.add(t_ns, "board.host", EventKind::alert);
  e.fields["code"] = code;
  vcd_.change(t_ns, alert_signal_, 1);
  vcd_.change(t_ns + 1000, alert_signal_, 0);  // a 1 us pulse, visible in GTKWave
}

void RunRecorder::on_dma_transfer(const DmaTransfer& t) {
  if (t.refused) {
    ++dma_refused_;
    Event& e = events_.add(t.start_ns, "board.dma", EventKind::dma_refused);
    e.fields["initiator"] = t.initiator;
    e.fields["reason"] = t.reason;
    return;
  }
  // A track per initiator: the BMC's drain and host-programmed copies run at
  // once on different channels, each initiator's one after another.
  Event& e = events_.add_span(t.start_ns, t.end_ns - t.start_ns, "board.dma." + t.initiator, EventKind::dma_transfer);
  // One wire per initiator: a DMA initiator runs one transfer at a time, so
  // its wire is exact (a shared "busy" would drop while another still runs).
  auto [it, added] = dma_signals_.try_emplace(t.initiator, 0);
  if (added) {
    std::string name = t.initiator;
    std::replace(name.begin(), name.end(), '.', '_');
    it->second = vcd_.add_wire("board.dma.busy", name);
    vcd_.change(0, it->second, 0);
  }
  vcd_.change(t.start_ns, it->second, 1);
  vcd_.change(t.end_ns, it->second, 0);
  e.fields["initiator"] = t.initiator;
  e.fields["source"] = t.source;
  e.fields["destination"] = t.destination;
  e.fields["bytes"] = t.bytes;
}

void RunRecorder::on_bmc_report(const BmcDrainReport& r) {
  if (frozen_) return;
  reports_.push_back(r);
  // A report answers the first pending dump alert with its code raised before it.
  const auto dump = std::find_if(pending_dump_alerts_.begin(), pending_dump_alerts_.end(), [&r](const auto& d) {
    return d.first == r.alert_code && d.second <= r.alert_t_ns;
  });
  report_of_dump_.push_back(dump != pending_dump_alerts_.end());
  if (dump != pending_dump_alerts_.end()) pending_dump_alerts_.erase(dump);
  Event& e = events_.add(r.report_t_ns, "board.bmc", EventKind::report);
  e.fields["alert_t_ns"] = r.alert_t_ns;
  e.fields["identified"] = r.identified;
  if (r.identified) {
    e.fields["component"] = to_string(r.failed_component);
    e.fields["error"] = crashtwin::to_string(r.error);
    e.fields["failure_sequence"] = r.failure_sequence;
    e.fields["slice_found"] = r.slice_found;
    e.fields["record_found"] = r.record_found;
    e.fields["record_truncated"] = r.record_truncated;
  }
  e.fields["records"] = r.records.size();
  e.fields["bytes_drained"] = r.bytes_drained;
}

void RunRecorder::on_tick(const Agent& agent, uint64_t time_ns) {
  if (frozen_) return;
  if (!columns_declared_) declare_columns();
  const uint64_t reserved = agent.stats().reserved_bytes;
  integrate_reserved(last_tick_ns_, time_ns);
  last_tick_ns_ = time_ns;
  last_reserved_ = reserved;
  reserved_peak_ = std::max(reserved_peak_, reserved);
  follow_episodes(agent, time_ns);
  if (keep_rows_) record_row(agent, time_ns, reserved);
}

void RunRecorder::follow_episodes(const Agent& agent, uint64_t time_ns) {
  for (size_t i = 0; i < instances_.size(); ++i) {
    const ComponentId c = instances_[i];
    const float p = agent.probability(c);
    const bool alarmed = agent.alarmed(c);
    if (alarmed && open_episode_[i] < 0) {
      open_episode_[i] = static_cast<int64_t>(episodes_.size());
      episodes_.push_back({c, time_ns, time_ns, p});
      vcd_.change(time_ns, alarm_signals_[i], 1);
    } else if (alarmed) {
      AlertEpisode& e = episodes_[static_cast<size_t>(open_episode_[i])];
      e.end_ns = time_ns;
      e.peak_probability = std::max(e.peak_probability, p);
    } else if (open_episode_[i] >= 0) {
      record_alarm_event(episodes_[static_cast<size_t>(open_episode_[i])], true);
      open_episode_[i] = -1;
      vcd_.change(time_ns, alarm_signals_[i], 0);
    }
  }
}

void RunRecorder::record_alarm_event(const AlertEpisode& episode, bool cleared) {
  // A track per component: alarms of different parts overlap in time, and
  // a trace viewer's spans on one track must nest.
  const std::string component = to_string(episode.component);
  Event& e = events_.add_span(episode.begin_ns, episode.end_ns - episode.begin_ns, "board.agent.alarm." + component,
                              EventKind::alarm);
  e.fields["component"] = component;
  e.fields["threshold"] = agent_.has_model() ? agent_.model().of(episode.component.cls).threshold : 0.0f;
  e.fields["peak_probability"] = episode.peak_probability;
  e.fields["cleared"] = cleared;
}

void RunRecorder::record_row(const Agent& agent, uint64_t time_ns, uint64_t reserved) {
  std::vector<double> row;
  row.reserve(instances_.size() * 3 + 2 + fragmentation_orders_);
  const PartitionTable& table = agent.partition_table();
  for (size_t i = 0; i < instances_.size(); ++i) {
    uint32_t index = 0;
    const uint64_t size = ok(table.find_slice(instances_[i], index)) ? table.slices[index].size : 0;
    row.push_back(static_cast<double>(size));
    vcd_.change(time_ns, slice_signals_[i], size);
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    const double p = agent.probability(instances_[i]);
    row.push_back(p);
    vcd_.change_real(time_ns, probability_signals_[i], p);
  }
  row.push_back(static_cast<double>(reserved));
  row.push_back(static_cast<double>(agent.config().budget_bytes - std::min(agent.config().budget_bytes, reserved)));
  for (ComponentId c : instances_) {
    uint32_t index = 0;
    row.push_back(ok(table.find_slice(c, index)) ? static_cast<double>(table.slices[index].base - table.region_base)
                                                 : std::numeric_limits<double>::quiet_NaN());
  }
  for (uint32_t order = 0; order < fragmentation_orders_; ++order) {
    row.push_back(static_cast<double>(agent.buddy().unusable_index(order)) / 1000.0);
  }
  vcd_.change(time_ns, reserved_signal_, reserved);
  series_.append_row(static_cast<double>(time_ns) * 1e-9, row);
}

std::pair<uint64_t, uint64_t> RunRecorder::firmware_work_since(uint64_t requested_ns) {
  // The firmware is one thread: a piece of work starts when it was asked for
  // or when the previous one ended, and ends now on the firmware's clock
  // (its quantum keeper's local time).
  const uint64_t now = board_.host_hal().now_ns();
  const uint64_t start = std::min(now, std::max(requested_ns, firmware_busy_until_));
  firmware_busy_until_ = now;
  return {start, now};
}

void RunRecorder::on_repartition(const Agent&, const RepartitionReport& r) {
  if (frozen_) return;
  // From the tick to the table written: the firmware's own clock (its
  // quantum keeper's local time) says how long the repartition took.
  const auto [start, now] = firmware_work_since(r.time_ns);
  Event& e = events_.add_span(start, now - start, "board.agent", EventKind::repartition);
  e.fields["slices_changed"] = r.slices_changed;
  e.fields["slices_moved"] = r.slices_moved;
  e.fields["bytes_moved"] = r.bytes_moved;
  e.fields["reserved_bytes"] = r.reserved_bytes;
}

void RunRecorder::on_capture(const Agent&, const ErrorEvent& event, const CaptureResult& result, Status status) {
  if (frozen_) return;
  captures_.push_back({event, result.record_id, result.needed_bytes, result.captured_bytes, result.truncated, status});
  const auto [start, now] = firmware_work_since(event.time_ns);
  Event& e = events_.add_span(start, now - start, "board.agent", EventKind::capture);
  vcd_.change(start, capture_signal_, 1);
  vcd_.change(now, capture_signal_, 0);
  e.fields["component"] = to_string(event.component);
  e.fields["error"] = crashtwin::to_string(event.type);
  e.fields["record_id"] = result.record_id;
  e.fields["needed_bytes"] = result.needed_bytes;
  e.fields["captured_bytes"] = result.captured_bytes;
  e.fields["truncated"] = result.truncated;
  e.fields["status"] = crashtwin::to_string(status);
}

void RunRecorder::on_control(const Agent&, std::string_view line, const ControlResult& r) {
  if (frozen_) return;
  Event& e = events_.add(r.time_ns, "board.agent", EventKind::control);
  e.fields["source"] = crashtwin::to_string(r.source);
  e.fields["command"] = shown_line(line);
  e.fields["bytes"] = line.size();
  e.fields["result"] = r.refused() ? "refused" : "done";
  if (r.refusal == ControlRefusal::parse) e.fields["reason"] = crashtwin::to_string(r.parse_error);
  else if (r.refused()) e.fields["reason"] = crashtwin::to_string(r.refusal);
  e.fields["status"] = crashtwin::to_string(r.status);
  if (r.refusal != ControlRefusal::parse) {
    const ControlCommand& c = r.command;
    e.fields["verb"] = crashtwin::to_string(c.verb);
    switch (c.verb) {
      case ControlVerb::dump:
        e.fields["component"] = to_string(c.component);
        if (r.refused()) break;
        e.fields["error"] = crashtwin::to_string(r.dump_event.type);
        e.fields["record_id"] = r.capture.record_id;
        e.fields["needed_bytes"] = r.capture.needed_bytes;
        e.fields["captured_bytes"] = r.capture.captured_bytes;
        e.fields["truncated"] = r.capture.truncated;
        e.fields["alert_code"] = r.alert_code;
        pending_dump_alerts_.emplace_back(r.alert_code, r.time_ns);
        break;
      case ControlVerb::release_region:
        e.fields["address"] = c.address;
        e.fields["size"] = c.size;
        if (!r.refused()) e.fields["slices_dropped"] = r.slices_dropped;
        break;
      case ControlVerb::set_allocation_frequency:
        e.fields["allocation_frequency_ns"] = c.allocation_frequency_ns;
        e.fields["previous_allocation_frequency_ns"] = r.previous_allocation_frequency_ns;
        break;
      case ControlVerb::status: {
        const AgentStatusReport& s = r.report;
        e.fields["ticks"] = s.ticks;
        e.fields["repartitions"] = s.repartitions;
        e.fields["captures"] = s.captures;
        e.fields["failed_captures"] = s.failed_captures;
        e.fields["reserved_bytes"] = s.reserved_bytes;
        e.fields["slices"] = s.slices;
        e.fields["allocation_frequency_ns"] = s.allocation_frequency_ns;
        e.fields["budget_bytes"] = s.budget_bytes;
        e.fields["released_bytes"] = s.released_bytes;
        e.fields["region_base"] = s.region_base;
        e.fields["region_size"] = s.region_size;
        e.fields["model_generation"] = s.model_generation;
        break;
      }
    }
  }
  e.fields["lines_accepted"] = r.report.control_accepted;
  e.fields["lines_refused"] = r.report.control_refused;
}

std::vector<BmcDrainReport> RunRecorder::failure_reports() const {
  std::vector<BmcDrainReport> out;
  for (size_t i = 0; i < reports_.size(); ++i)
    if (!report_of_dump_[i]) out.push_back(reports_[i]);
  return out;
}

void RunRecorder::add_column_after_run(std::string name, std::vector<double> values) {
  values.resize(series_.row_count(), std::numeric_limits<double>::quiet_NaN());
  series_.columns.push_back(std::move(name));
  series_.values.push_back(std::move(values));
}

void RunRecorder::integrate_reserved(uint64_t from, uint64_t to) {
  if (to <= from) return;
  const auto held = static_cast<double>(last_reserved_);
  reserved_byte_seconds_ += held * static_cast<double>(to - from) * 1e-9;
  const uint64_t production_to = std::min(to, production_end_ns_);
  if (production_to > from) reserved_byte_seconds_in_production_ += held * static_cast<double>(production_to - from) * 1e-9;
}

void RunRecorder::finish(uint64_t end_ns) {
  integrate_reserved(last_tick_ns_, end_ns);
  last_tick_ns_ = std::max(last_tick_ns_, end_ns);
  for (int64_t& open : open_episode_) {
    if (open >= 0) record_alarm_event(episodes_[static_cast<size_t>(open)], false);
    open = -1;
  }
}

}  // namespace crashtwin::scenario
