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

std::string chrome_trace_json(const std::vector<Event>& events, const Timeseries* counters,
                              const ChromeTraceOptions& options) {
  // One thread id per model, numbered in order of first appearance (events
  // come in time order, so the numbering is deterministic).
  std::map<std::string, int> tids;
  std::vector<const std::string*> track_order;
  for (const Event& e : events) {
    auto [it, inserted] = tids.emplace(e.track, static_cast<int>(tids.size()) + 1);
    if (inserted) track_order.push_back(&it->first);
  }

  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  bool first = true;
  append_event(out, ojson{{"name", "process_name"}, {"ph", "M"}, {"pid", kBoardPid}, {"tid", kCounterTid},
                          {"args", {{"name", "board"}}}},
               first);
  for (const std::string* track : track_order) {
    int tid = tids[*track];
    append_event(out, ojson{{"name", "thread_name"}, {"ph", "M"}, {"pid", kBoardPid}, {"tid", tid},
                            {"args", {{"name", *track}}}},
                 first);
    append_event(out, ojson{{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", kBoardPid}, {"tid", tid},
                            {"args", {{"sort_index", tid}}}},
                 first);
  }

  for (const Event& e : events) {
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
    te["pid"] = kBoardPid;
    te["tid"] = tids[e.track];
    if (e.fields.is_object() && !e.fields.empty()) te["args"] = e.fields;
    append_event(out, te, first);
  }

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
        append_event(out, ojson{{"name", name}, {"ph", "C"}, {"ts", t * 1e6}, {"pid", kBoardPid},
                                {"tid", kCounterTid}, {"args", args}},
                     first);
        previous = std::move(args);
      }
    }
  }
  out += "\n]}\n";
  return out;
}

void write_chrome_trace(const std::vector<Event>& events, const Timeseries* counters,
                        const std::filesystem::path& path, const ChromeTraceOptions& options) {
  write_file_atomically(path, chrome_trace_json(events, counters, options));
}

}  // namespace crashtwin
