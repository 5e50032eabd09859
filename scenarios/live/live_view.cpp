#include "scenarios/live/live_view.h"

#include <utility>

#include <fmt/format.h>

#include "models/bmc/drain_report.h"
#include "platform/core/bmc_alert.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::live {

using std::chrono::steady_clock;

LiveView::LiveView(LiveScreen& screen, ProgressSnapshot identity) : screen_(screen) {
  snapshot_.progress = std::move(identity);
}

void LiveView::run_started(Board& board, const Agent& agent) {
  board_ = &board;
  agent_ = &agent;
  wall_start_ = steady_clock::now();
  screen_.open();
  frame(0);
}

void LiveView::scenario_ended(uint64_t end_ns) {
  frame(end_ns);  // the last look at the board and the agent
  board_ = nullptr;
  agent_ = nullptr;
}

void LiveView::on_tick(const Agent&, uint64_t time_ns) {
  // The one cost of a tick between frames: a clock read.
  if (steady_clock::now() >= next_frame_) frame(time_ns);
}

void LiveView::on_repartition(const Agent&, const RepartitionReport& r) {
  // Every tick may repartition: the overview shows the count and the latest
  // one, not a line each (and nothing is formatted here).
  last_repartition_ = r;
}

void LiveView::on_capture(const Agent&, const ErrorEvent& e, const CaptureResult& result, Status status) {
  add_event(e.time_ns, fmt::format("capture {} on {}: {} of {} needed{} ({})", to_string(e.type),
                                   scenario::to_string(e.component),
                                   bytes_text(static_cast<double>(result.captured_bytes)),
                                   bytes_text(static_cast<double>(result.needed_bytes)),
                                   result.truncated ? ", truncated" : "", to_string(status)));
}

void LiveView::on_control(const Agent&, std::string_view line, const ControlResult& result) {
  add_event(result.time_ns, fmt::format("control '{}': {}", line,
                                        result.refused() ? "refused" : to_string(result.status)));
}

void LiveView::on_rmid(const Agent&, const RmidEvent& e) {
  add_event(e.time_ns, fmt::format("rmid {}: workload {} ({}) rmid {}", to_string(e.kind), e.owner.name,
                                   e.owner.workload_id, e.rmid));
}

void LiveView::on_error_raised(const ErrorEvent& e) {
  add_event(e.time_ns, fmt::format("error raised: {} on {}", to_string(e.type), scenario::to_string(e.component)));
}

void LiveView::on_alert(uint64_t t_ns, uint64_t code) {
  BmcAlert a;
  add_event(t_ns, decode_bmc_alert(code, a) ? fmt::format("BMC alerted: {} on {}, failure {}", to_string(a.error),
                                                          scenario::to_string(a.component), a.failure_sequence)
                                            : fmt::format("BMC alerted: code {:#x}", code));
}

void LiveView::on_bmc_report(const BmcDrainReport& r) {
  add_event(r.report_t_ns,
            fmt::format("BMC report: {} {}, {} record{} drained ({}){}",
                        r.identified ? scenario::to_string(r.failed_component) : std::string("unidentified"),
                        to_string(r.error), r.records.size(), r.records.size() == 1 ? "" : "s",
                        bytes_text(static_cast<double>(r.bytes_drained)), r.record_truncated ? ", truncated" : ""));
}

void LiveView::on_firmware_log(uint64_t t_ns, LogLevel level, const char* message) {
  if (level < LogLevel::warning) return;  // info and debug would drown the list
  add_event(t_ns, fmt::format("firmware {}: {}", level == LogLevel::error ? "error" : "warning", message));
}

void LiveView::add_event(uint64_t t_ns, std::string text) {
  if (!events_.empty() && events_.back().text == text) {
    ++events_.back().repeats;
    events_.back().t_ns = t_ns;
    return;
  }
  if (events_.size() == kEventRows) events_.pop_front();
  events_.push_back({t_ns, std::move(text), 1, t_ns});
}

void LiveView::take_snapshot(uint64_t now_ns) {
  ProgressSnapshot& p = snapshot_.progress;
  const uint64_t elapsed_ns = has_snapshot_ && now_ns > p.sim_ns ? now_ns - p.sim_ns : 0;
  p.sim_ns = now_ns;
  p.wall_s = std::chrono::duration<double>(steady_clock::now() - wall_start_).count();
  snapshot_.events.assign(events_.begin(), events_.end());
  if (board_ == nullptr || agent_ == nullptr) return;
  fill_overview(*agent_, snapshot_.overview);
  snapshot_.overview.last_repartition = last_repartition_;
  fill_memory(*agent_, now_ns, snapshot_.memory);
  fill_cache(*board_, *agent_, snapshot_.cache);
  fill_stacks(*board_, snapshot_.stacks);
  const NumaTab numa_before = snapshot_.numa;
  fill_numa(*board_, *agent_, has_snapshot_ ? &numa_before : nullptr, elapsed_ns, snapshot_.numa);
  has_snapshot_ = true;
}

void LiveView::frame(uint64_t now_ns) {
  const steady_clock::time_point start = steady_clock::now();
  take_snapshot(now_ns);
  read_keys(0);
  draw();
  const steady_clock::time_point end = steady_clock::now();
  // Counted from the next frame on (this one is drawn already).
  snapshot_.progress.view_s += std::chrono::duration<double>(end - start).count();
  next_frame_ = end + kFramePeriod;
}

bool LiveView::read_keys(int timeout_ms) {
  bool changed = false;
  for (std::optional<Key> key = screen_.next_key(timeout_ms); key; key = screen_.next_key(0)) {
    if (*key == Key::quit) {
      if (snapshot_.progress.state == RunState::running && board_ != nullptr) stop_requested_ = true;
      quit_ = true;
      return true;
    }
    const Tab next = after_key(tab_, *key);
    changed = changed || next != tab_;
    tab_ = next;
  }
  return changed;
}

void LiveView::draw() { screen_.draw(render_frame(snapshot_, tab_, screen_.width(), screen_.height())); }

void LiveView::show_end(RunState state, std::string outcome) {
  snapshot_.progress.state = state;
  snapshot_.progress.outcome = std::move(outcome);
  snapshot_.events.assign(events_.begin(), events_.end());
  draw();
}

void LiveView::wait_for_quit() {
  size_t width = screen_.width(), height = screen_.height();
  while (!quit_) {
    const bool changed = read_keys(static_cast<int>(kFramePeriod.count()));
    if (changed || width != screen_.width() || height != screen_.height()) {
      width = screen_.width();
      height = screen_.height();
      draw();
    }
  }
}

}  // namespace crashtwin::live
