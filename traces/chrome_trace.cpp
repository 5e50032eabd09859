#include "traces/chrome_trace.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "traces/io.h"

namespace crashtwin {

namespace {
using ojson = nlohmann::ordered_json;

constexpr int kBoardPid = 1;
constexpr int kCounterTid = 0;  // counters belong to the process, not a model

// Trace-event timestamps are microseconds; a double keeps ns precision for
// runs up to ~100 days of simulated time.
double to_us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

struct CounterColumn {
  size_t column;
  std::string counter;  // "slice_bytes"
  std::string series;   // "memory.1"
};

std::vector<CounterColumn> counter_columns(const Timeseries& series, const ChromeTraceOptions& options) {
  std::vector<CounterColumn> out;
  for (size_t i = 0; i < series.columns.size(); ++i) {
    const std::string& name = series.columns[i];
    for (const auto& prefix : options.counter_prefixes) {
      if (!name.starts_with(prefix)) continue;
      size_t dot = name.find('.');
      if (dot == std::string::npos) {
        out.push_back({i, name, "value"});
      } else {
        out.push_back({i, name.substr(0, dot), name.substr(dot + 1)});
      }
      break;
    }
  }
  return out;
}

void append_event(std::string& out, const ojson& event, bool& first) {
  out += first ? "\n" : ",\n";
  first = false;
  out += event.dump(-1, ' ', false, ojson::error_handler_t::replace);
}
}  // namespace

namespace {

// One process of the document: its name row, its tracks, events and counters.
void append_process(std::string& out, bool& first, int pid, const TraceProcess& process,
                    const ChromeTraceOptions& options) {
  const std::vector<Event>& events = *process.events;
  // One thread id per model, numbered in order of first appearance (events
  // come in time order, so the numbering is deterministic).
  std::map<std::string, int> tids;
  std::vector<const std::string*> track_order;
  for (const Event& e : events) {
    if (e.kind == EventKind::counter) continue;  // process-wide, no track
    auto [it, inserted] = tids.emplace(e.track, static_cast<int>(tids.size()) + 1);
    if (inserted) track_order.push_back(&it->first);
  }

  append_event(out, ojson{{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"tid", kCounterTid},
                          {"args", {{"name", process.name}}}},
               first);
  append_event(out, ojson{{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", kCounterTid},
                          {"args", {{"sort_index", pid}}}},
               first);
  for (const std::string* track : track_order) {
    int tid = tids[*track];
    append_event(out, ojson{{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid},
                            {"args", {{"name", *track}}}},
                 first);
    append_event(out, ojson{{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", tid},
                            {"args", {{"sort_index", tid}}}},
                 first);
  }

  for (const Event& e : events) {
    if (e.kind == EventKind::counter) {
      // A counter of its own (memory over a recovery, dump bytes written):
      // its steps are exact, not sampled at the agent's ticks.
      append_event(out, ojson{{"name", e.fields.value("counter", std::string("counter"))}, {"ph", "C"},
                              {"ts", to_us(e.t_ns)}, {"pid", pid}, {"tid", kCounterTid},
                              {"args", {{"value", e.fields.value("value", 0.0)}}}},
                   first);
      continue;
    }
    ojson te = ojson::object();
    te["name"] = to_string(e.kind);
    te["cat"] = to_string(e.kind);
    if (e.dur_ns) {
      te["ph"] = "X";
      te["ts"] = to_us(e.t_ns);
      te["dur"] = to_us(*e.dur_ns);
    } else {
      te["ph"] = "i";
      te["ts"] = to_us(e.t_ns);
      te["s"] = "t";  // instant scoped to its model's track
    }
    te["pid"] = pid;
    te["tid"] = tids[e.track];
    if (e.fields.is_object() && !e.fields.empty()) te["args"] = e.fields;
    append_event(out, te, first);
  }

  const Timeseries* counters = process.counters;
  if (counters != nullptr) {
    auto columns = counter_columns(*counters, options);
    // Group columns by counter name, keeping first-seen order.
    std::vector<std::string> names;
    for (const auto& c : columns) {
      if (std::find(names.begin(), names.end(), c.counter) == names.end()) names.push_back(c.counter);
    }
    for (const auto& name : names) {
      std::vector<const CounterColumn*> group;
      for (const auto& c : columns) {
        if (c.counter == name) group.push_back(&c);
      }
      ojson previous;
      for (size_t row = 0; row < counters->row_count(); ++row) {
        ojson args = ojson::object();
        for (const CounterColumn* c : group) {
          double v = counters->values[c->column][row];
          if (std::isfinite(v)) args[c->series] = v;
        }
        if (args.empty() || args == previous) continue;
        double t = counters->t_s[row];
        if (!std::isfinite(t) || t < 0) continue;
        append_event(out, ojson{{"name", name}, {"ph", "C"}, {"ts", t * 1e6}, {"pid", pid},
                                {"tid", kCounterTid}, {"args", args}},
                     first);
        previous = std::move(args);
      }
    }
  }
}

}  // namespace

std::string chrome_trace_json(const std::vector<TraceProcess>& processes, const ChromeTraceOptions& options) {
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  bool first = true;
  for (size_t i = 0; i < processes.size(); ++i)
    append_process(out, first, kBoardPid + static_cast<int>(i), processes[i], options);
  out += "\n]}\n";
  return out;
}

std::string chrome_trace_json(const std::vector<Event>& events, const Timeseries* counters,
                              const ChromeTraceOptions& options) {
  return chrome_trace_json(std::vector<TraceProcess>{{"board", &events, counters}}, options);
}

void write_chrome_trace(const std::vector<Event>& events, const Timeseries* counters,
                        const std::filesystem::path& path, const ChromeTraceOptions& options) {
  write_file_atomically(path, chrome_trace_json(events, counters, options));
}

void write_chrome_trace(const std::vector<TraceProcess>& processes, const std::filesystem::path& path,
                        const ChromeTraceOptions& options) {
  write_file_atomically(path, chrome_trace_json(processes, options));
}

}  // namespace crashtwin
