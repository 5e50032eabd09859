// events.jsonl: what happened during a run, one JSON object per line, in the
// order the simulation produced it (time order). The same events feed the
// Chrome trace (chrome_trace.h), the report's failure markers and the
// dashboard, so they are kept in memory as a list of Event.
//
// Line format: {"t_ns":<uint>,"track":"board.dma0","kind":"dma_transfer",
//               ["dur_ns":<uint>,] <fields...>}
// Fields are the kind's own keys, in insertion order (docs/results.md lists
// them per kind).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crashtwin {

enum class EventKind : uint8_t {
  injection,     // a failure fired (component, error type)
  precursor,     // a precursor pattern started (rising corrected errors, heat)
  phase,         // a workload phase began
  capture,       // firmware wrote the records of a failure (span)
  alert,         // firmware raised the BMC alert interrupt
  dma_transfer,  // a DMA burst (span)
  dma_refused,   // the DMA controller refused an access outside the window
  repartition,   // the agent changed slice sizes (span)
  report,        // the BMC finished its report of a failure
  verdict,       // an expectation was evaluated at the end of the run
  log,           // firmware log line worth keeping (warnings, errors)
  counter,       // a value of the board from now on: fields "counter" (name) and "value"
  control,       // a line on the firmware's control channel and what became of it
  workload,      // a named workload started or stopped (scenario workloads:)
  rmid,          // the firmware assigned, freed or could not find an RMID for a workload
  stack_overflow,  // a core's kernel stack overflowed (STACK_END_MAGIC overwritten, guard page hit)
  alarm,           // a component's predictive-failure alarm, asserted to deasserted (span)
};
inline constexpr size_t kEventKindCount = 17;

const char* to_string(EventKind k);
bool parse(std::string_view text, EventKind& out);

struct Event {
  uint64_t t_ns = 0;
  std::string track;               // SystemC-style path of the model: "board.dma0"
  EventKind kind = EventKind::log;
  std::optional<uint64_t> dur_ns;  // spans (capture, dma_transfer, repartition)
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();  // kind's own keys

  // The event as one JSON line (no trailing newline). Key order is fixed:
  // t_ns, track, kind, dur_ns, then fields; so equal events give equal bytes.
  std::string to_jsonl() const;
};

// Parses one line of events.jsonl. Returns std::nullopt and sets `problem`
// if the line is not an event (bad JSON, missing or mistyped key).
std::optional<Event> parse_event_line(std::string_view line, std::string& problem);

// Collects events in the order the simulation reports them.
class EventLog {
 public:
  // Appends and returns the event so callers can add fields:
  //   log.add(t, "board.bmc", EventKind::alert).fields["slice"] = 2;
  Event& add(uint64_t t_ns, std::string track, EventKind kind);
  Event& add_span(uint64_t t_ns, uint64_t dur_ns, std::string track, EventKind kind);
  // From now on add() keeps nothing: it hands out one scratch event, cleared
  // each time, for callers to fill in vain (a run at TraceLevel::summary,
  // whose events.jsonl is not written, holds no event of a year in memory).
  void discard_from_now() { discarding_ = true; }

  const std::vector<Event>& events() const { return events_; }
  std::vector<Event>& events() { return events_; }

  // Writes events.jsonl atomically, events stably sorted by t_ns (models of
  // one quantum may report slightly out of order). Throws io_error.
  void write_jsonl(const std::filesystem::path& path) const;

 private:
  std::vector<Event> events_;
  bool discarding_ = false;
  Event scratch_;
};

// Reads events.jsonl; throws format_error naming the line of the first
// malformed event.
std::vector<Event> read_events_jsonl(const std::filesystem::path& path);

}  // namespace crashtwin
