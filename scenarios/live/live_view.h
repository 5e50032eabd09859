// The live terminal view of one run (`crashtwin run --live`,
// docs/live-view.md): an observer in the simulation's process that, at most
// ten times a second of wall-clock time, takes a snapshot of the board and
// the agent (live_snapshot.h), draws the selected tab (live_text.h) and reads
// the keys pressed since. q during the run asks the runner to stop
// (RunWatcher::stop_requested); after the run the view stays, marked
// finished, until q.
//
// Between frames an agent tick costs one clock read. Events (errors,
// captures, alerts, BMC reports, control lines, RMIDs, firmware warnings)
// are kept as they come, the newest kEventRows, a repeat of the newest
// counted on it; repartitions, which may come every tick, only as the latest.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/board/board.h"
#include "platform/agent/agent.h"
#include "scenarios/live/live_snapshot.h"
#include "scenarios/live/live_text.h"
#include "scenarios/runner/run.h"

namespace crashtwin::live {

// A terminal the view draws on (curses_screen.h).
class LiveScreen {
 public:
  // Takes the terminal over (the view does when the simulation starts, so a
  // run refused before it never touches the terminal); idempotent.
  virtual void open() = 0;
  virtual size_t width() const = 0;
  virtual size_t height() const = 0;
  virtual void draw(const std::vector<std::string>& lines) = 0;
  // The next key pressed, waiting at most `timeout_ms` (0: do not wait).
  virtual std::optional<Key> next_key(int timeout_ms) = 0;

 protected:
  ~LiveScreen() = default;
};

class LiveView final : public AgentObserver, public BoardObserver, public scenario::RunWatcher {
 public:
  static constexpr auto kFramePeriod = std::chrono::milliseconds(100);
  static constexpr size_t kEventRows = 64;

  // `identity`: the run's scenario, policy, strategy, seed and duration.
  LiveView(LiveScreen& screen, ProgressSnapshot identity);

  // RunWatcher
  void run_started(Board& board, const Agent& agent) override;
  bool stop_requested() override { return stop_requested_; }
  void scenario_ended(uint64_t end_ns) override;

  // AgentObserver
  void on_tick(const Agent& agent, uint64_t time_ns) override;
  void on_repartition(const Agent& agent, const RepartitionReport& report) override;
  void on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) override;
  void on_control(const Agent& agent, std::string_view line, const ControlResult& result) override;
  void on_rmid(const Agent& agent, const RmidEvent& event) override;
  // BoardObserver
  void on_error_raised(const ErrorEvent& event) override;
  void on_alert(uint64_t t_ns, uint64_t code) override;
  void on_bmc_report(const BmcDrainReport& report) override;
  void on_firmware_log(uint64_t t_ns, LogLevel level, const char* message) override;

  // After the run: the view shows `state` and `outcome` (the verdict and
  // where the results are); wait_for_quit then lets the tabs be browsed
  // until q.
  void show_end(RunState state, std::string outcome);
  void wait_for_quit();

  const LiveSnapshot& snapshot() const { return snapshot_; }
  Tab tab() const { return tab_; }

 private:
  void add_event(uint64_t t_ns, std::string text);
  // A new snapshot at simulated time `now_ns`, the keys read, the frame drawn.
  void frame(uint64_t now_ns);
  void take_snapshot(uint64_t now_ns);
  // Reads pending keys (waiting up to `timeout_ms` for the first); true
  // when one changed what is shown.
  bool read_keys(int timeout_ms);
  void draw();

  LiveScreen& screen_;
  LiveSnapshot snapshot_;
  Tab tab_ = Tab::overview;
  Board* board_ = nullptr;  // while the scenario runs
  const Agent* agent_ = nullptr;
  std::deque<EventRow> events_;
  RepartitionReport last_repartition_{};
  std::chrono::steady_clock::time_point wall_start_{};
  std::chrono::steady_clock::time_point next_frame_{};
  bool has_snapshot_ = false;
  bool stop_requested_ = false;
  bool quit_ = false;
};

}  // namespace crashtwin::live
