// trace.json: the run in Chrome trace-event format, opened by Perfetto
// (ui.perfetto.dev) and chrome://tracing. One process ("board"), one thread
// track per model (the event's track, e.g. board.dma0), complete events
// ("ph":"X") for spans (captures, DMA transfers, repartitions), instant
// events ("ph":"i") for the rest, and counter tracks ("ph":"C") drawn from
// the time series (slice sizes, probabilities, reserved bytes).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "traces/event_log.h"
#include "traces/timeseries_writer.h"

namespace crashtwin {

struct ChromeTraceOptions {
  // Time-series columns drawn as counters, by prefix. A column "a.b.c" is
  // series "b.c" of counter "a"; a column without a dot is its own counter.
  std::vector<std::string> counter_prefixes = {"slice_bytes.", "probability.",
                                               "reserved_bytes", "free_bytes"};
};

// One process of a trace document: a run's events and counters under a name.
struct TraceProcess {
  std::string name;  // "board", or "static · kdump" when runs share a timeline
  const std::vector<Event>* events = nullptr;
  const Timeseries* counters = nullptr;  // may be null
};

// Several runs of one scenario on one timeline (`run` with several policy x
// strategy pairs): one process each, in order, pid 1 first.
std::string chrome_trace_json(const std::vector<TraceProcess>& processes, const ChromeTraceOptions& options = {});
void write_chrome_trace(const std::vector<TraceProcess>& processes, const std::filesystem::path& path,
                        const ChromeTraceOptions& options = {});

// The trace document. Timestamps are microseconds (floats, ns precision).
// Counter samples are written only when a counter's value changed.
std::string chrome_trace_json(const std::vector<Event>& events, const Timeseries* counters,
                              const ChromeTraceOptions& options = {});

// Writes trace.json atomically; throws io_error.
void write_chrome_trace(const std::vector<Event>& events, const Timeseries* counters,
                        const std::filesystem::path& path, const ChromeTraceOptions& options = {});

}  // namespace crashtwin
