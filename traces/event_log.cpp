#include "traces/event_log.h"

#include <algorithm>
#include <array>

#include "traces/io.h"

namespace crashtwin {

namespace {
constexpr std::array<const char*, kEventKindCount> kKindNames = {
    "injection", "precursor", "phase",      "capture", "alert", "dma_transfer",
    "dma_refused", "repartition", "report", "verdict", "log", "counter", "control",
    "workload", "rmid", "stack_overflow", "alarm"};
// Keys the line format owns; fields may not reuse them.
constexpr std::array<const char*, 4> kReservedKeys = {"t_ns", "track", "kind", "dur_ns"};
}  // namespace

const char* to_string(EventKind k) {
  auto i = static_cast<size_t>(k);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

bool parse(std::string_view text, EventKind& out) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (text == kKindNames[i]) {
      out = static_cast<EventKind>(i);
      return true;
    }
  }
  return false;
}

std::string Event::to_jsonl() const {
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["t_ns"] = t_ns;
  line["track"] = track;
  line["kind"] = to_string(kind);
  if (dur_ns) line["dur_ns"] = *dur_ns;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (std::find(kReservedKeys.begin(), kReservedKeys.end(), key) != kReservedKeys.end()) continue;
      line[key] = value;
    }
  }
  // Replace invalid UTF-8 rather than throw: a firmware log line may hold raw bytes.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<Event> parse_event_line(std::string_view line, std::string& problem) {
  auto json = nlohmann::ordered_json::parse(line, nullptr, false);
  if (json.is_discarded()) {
    problem = "not valid JSON";
    return std::nullopt;
  }
  if (!json.is_object()) {
    problem = "an event must be a JSON object";
    return std::nullopt;
  }
  Event event;
  auto t = json.find("t_ns");
  if (t == json.end() || !t->is_number_unsigned()) {
    problem = "missing or non-integer \"t_ns\"";
    return std::nullopt;
  }
  event.t_ns = t->get<uint64_t>();
  auto track = json.find("track");
  if (track == json.end() || !track->is_string()) {
    problem = "missing or non-string \"track\"";
    return std::nullopt;
  }
  event.track = track->get<std::string>();
  auto kind = json.find("kind");
  if (kind == json.end() || !kind->is_string() || !parse(kind->get<std::string>(), event.kind)) {
    problem = "missing or unknown \"kind\"";
    return std::nullopt;
  }
  auto dur = json.find("dur_ns");
  if (dur != json.end()) {
    if (!dur->is_number_unsigned()) {
      problem = "non-integer \"dur_ns\"";
      return std::nullopt;
    }
    event.dur_ns = dur->get<uint64_t>();
  }
  for (const auto& [key, value] : json.items()) {
    if (std::find(kReservedKeys.begin(), kReservedKeys.end(), key) == kReservedKeys.end()) {
      event.fields[key] = value;
    }
  }
  return event;
}

Event& EventLog::add(uint64_t t_ns, std::string track, EventKind kind) {
  Event& e = discarding_ ? (scratch_ = Event{}) : events_.emplace_back();
  e.t_ns = t_ns;
  e.track = std::move(track);
  e.kind = kind;
  return e;
}

Event& EventLog::add_span(uint64_t t_ns, uint64_t dur_ns, std::string track, EventKind kind) {
  Event& e = add(t_ns, std::move(track), kind);
  e.dur_ns = dur_ns;
  return e;
}

void EventLog::write_jsonl(const std::filesystem::path& path) const {
  std::vector<const Event*> order;
  order.reserve(events_.size());
  for (const Event& e : events_) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [](const Event* a, const Event* b) { return a->t_ns < b->t_ns; });
  std::string text;
  for (const Event* e : order) {
    text += e->to_jsonl();
    text += '\n';
  }
  write_file_atomically(path, text);
}

std::vector<Event> read_events_jsonl(const std::filesystem::path& path) {
  std::string text = read_file(path);
  std::vector<Event> events;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::string problem;
    auto event = parse_event_line(line, problem);
    if (!event) throw format_error(path, line_number, problem);
    events.push_back(std::move(*event));
  }
  return events;
}

}  // namespace crashtwin
