// Everything a run observes, recorded as it happens: the board's errors,
// alerts, DMA transfers and BMC reports, and the agent's ticks, repartitions
// and captures. From these (and nothing the scenario declares) the metrics
// are computed and the results files written.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "models/board/board.h"
#include "platform/agent/agent.h"
#include "traces/event_log.h"
#include "traces/timeseries_writer.h"
#include "traces/trace_level.h"
#include "traces/vcd_writer.h"

namespace crashtwin::scenario {

struct RaisedError {
  ErrorEvent event;
  // The board at the crash, for the capture strategies' models: memory the
  // workload had in use (DRAM pressure) and crash memory the agent held.
  uint64_t used_bytes = 0;
  uint64_t reserved_bytes = 0;
};

struct CaptureFact {
  ErrorEvent event;
  uint64_t record_id = 0;  // names the failure (platform/core/bmc_alert.h)
  uint64_t needed_bytes = 0;
  uint64_t captured_bytes = 0;
  bool truncated = false;
  Status status = Status::ok;
};

// One maximal run of ticks during which a component's predictive-failure
// alarm was asserted (Agent::alarmed: at its class's threshold, with the
// hysteresis of the agent's alarm settings).
struct AlertEpisode {
  ComponentId component;
  uint64_t begin_ns = 0;
  uint64_t end_ns = 0;  // last tick in alarm
  float peak_probability = 0.0f;
};

class RunRecorder final : public BoardObserver, public AgentObserver {
 public:
  // At TraceLevel::summary the recorder keeps what the metrics need (errors,
  // captures, reports, alert episodes, the reserved-memory integrals) but
  // no timeseries rows and no VCD changes.
  RunRecorder(Board& board, const Agent& agent, EventLog& events, TraceLevel traces);

  // BoardObserver
  void on_error_raised(const ErrorEvent& event) override;
  void on_alert(uint64_t t_ns, uint64_t code) override;
  void on_dma_transfer(const DmaTransfer& transfer) override;
  void on_bmc_report(const BmcDrainReport& report) override;
  // AgentObserver
  void on_tick(const Agent& agent, uint64_t time_ns) override;
  void on_repartition(const Agent& agent, const RepartitionReport& report) override;
  void on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) override;
  void on_control(const Agent& agent, std::string_view line, const ControlResult& result) override;

  // Closes open integrals and episodes at the end of the run.
  void finish(uint64_t end_ns);
  // A VCD wire per interrupt line of the board (board.irq.<line>), low from
  // time 0, following the line at every change. Call during elaboration
  // (it spawns a SystemC method per line).
  void trace_interrupt_lines();
  // From now on only DMA transfers are recorded (as events): the scenario
  // has ended, the board runs on only to finish the host's recoveries.
  void freeze() { frozen_ = true; }
  VcdWriter& vcd_writer() { return vcd_; }

  const std::vector<RaisedError>& raised() const { return raised_; }
  const std::vector<CaptureFact>& captures() const { return captures_; }
  const std::vector<BmcDrainReport>& reports() const { return reports_; }
  // The reports of failures: every report but those of control-channel
  // dumps (which are no failure and must not pair with one).
  std::vector<BmcDrainReport> failure_reports() const;
  const std::vector<AlertEpisode>& episodes() const { return episodes_; }
  uint64_t dma_refused() const { return dma_refused_; }
  double reserved_byte_seconds() const { return reserved_byte_seconds_; }
  // The host is in production until the first fatal error the board raises;
  // the crash memory held until then is the headline cost of a policy.
  uint64_t production_end_ns() const { return production_end_ns_; }
  double reserved_byte_seconds_in_production() const { return reserved_byte_seconds_in_production_; }
  uint64_t reserved_bytes_peak() const { return reserved_peak_; }
  const Timeseries& timeseries() const { return series_; }
  const VcdWriter& vcd() const { return vcd_; }
  // A column computed after the run (the capture strategy's memory held and
  // returned), one value per recorded row; timeseries.csv is written after.
  void add_column_after_run(std::string name, std::vector<double> values);

 private:
  void declare_columns();
  // Opens, extends and closes the alert episodes at a tick.
  void follow_episodes(const Agent& agent, uint64_t time_ns);
  // The tick's timeseries row and VCD changes.
  void record_row(const Agent& agent, uint64_t time_ns, uint64_t reserved);

  Board& board_;
  const Agent& agent_;
  EventLog& events_;
  Timeseries series_;
  VcdWriter vcd_;
  bool keep_rows_ = true;  // TraceLevel::full
  bool columns_declared_ = false;
  std::vector<ComponentId> instances_;
  uint32_t fragmentation_orders_ = 0;  // unusable_index columns: orders 0..n-1
  std::vector<VcdWriter::SignalId> slice_signals_;
  std::vector<VcdWriter::SignalId> probability_signals_;
  std::vector<VcdWriter::SignalId> alarm_signals_;
  // An `alarm` span for the episode (cleared: the alarm deasserted before
  // the run ended).
  void record_alarm_event(const AlertEpisode& episode, bool cleared);
  VcdWriter::SignalId alert_signal_ = 0;
  std::map<std::string, VcdWriter::SignalId> dma_signals_;  // per initiator: a transfer is moving data
  VcdWriter::SignalId capture_signal_ = 0;  // the firmware is writing a failure's record
  uint64_t firmware_busy_until_ = 0;        // end of the firmware's last recorded work
  // [start, end] of firmware work asked for at `requested_ns` (capture,
  // repartition), ending now.
  std::pair<uint64_t, uint64_t> firmware_work_since(uint64_t requested_ns);
  VcdWriter::SignalId reserved_signal_ = 0;
  std::vector<int64_t> open_episode_;  // index into episodes_, or -1
  std::vector<RaisedError> raised_;
  std::vector<CaptureFact> captures_;
  std::vector<BmcDrainReport> reports_;
  std::vector<bool> report_of_dump_;  // parallel to reports_
  // Alerts of dumps whose report has not come yet: (code, alert time).
  std::vector<std::pair<uint64_t, uint64_t>> pending_dump_alerts_;
  std::vector<AlertEpisode> episodes_;
  uint64_t dma_refused_ = 0;
  uint64_t last_tick_ns_ = 0;
  uint64_t last_reserved_ = 0;
  // Adds last_reserved_ held over [from, to), split at production_end_ns_.
  void integrate_reserved(uint64_t from, uint64_t to);
  double reserved_byte_seconds_ = 0;
  double reserved_byte_seconds_in_production_ = 0;
  uint64_t production_end_ns_ = UINT64_MAX;
  uint64_t reserved_peak_ = 0;
  bool frozen_ = false;
};

}  // namespace crashtwin::scenario
