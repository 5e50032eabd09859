#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "traces/chrome_trace.h"

using namespace crashtwin;
using nlohmann::json;

namespace {
std::vector<Event> sample_events() {
  EventLog log;
  log.add(1'000, "board.dimm1", EventKind::injection).fields["error"] = "memory_uncorrectable";
  log.add_span(2'000, 500, "board.cpu0", EventKind::capture).fields["slice"] = 3;
  log.add(2'500, "board.cpu0", EventKind::alert);
  log.add_span(3'000, 1'250, "board.dma0", EventKind::dma_transfer).fields["bytes"] = 4096;
  log.add_span(4'000, 10, "board.agent", EventKind::repartition);
  return log.events();
}
}  // namespace

TEST_CASE("trace.json is a Chrome trace-event document with a track per model", "[traces][chrome]") {
  auto events = sample_events();
  json doc = json::parse(chrome_trace_json(events, nullptr));
  CHECK(doc["displayTimeUnit"] == "ns");
  REQUIRE(doc["traceEvents"].is_array());

  std::map<int, std::string> thread_names;
  std::string process_name;
  std::vector<json> timed;
  for (const auto& e : doc["traceEvents"]) {
    REQUIRE(e.contains("ph"));
    REQUIRE(e.contains("pid"));
    REQUIRE(e.contains("tid"));
    if (e["ph"] == "M" && e["name"] == "thread_name") thread_names[e["tid"]] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "process_name") process_name = e["args"]["name"];
    if (e["ph"] != "M") timed.push_back(e);
  }
  CHECK(process_name == "board");
  std::set<std::string> tracks;
  for (auto& [tid, name] : thread_names) tracks.insert(name);
  CHECK(tracks == std::set<std::string>{"board.dimm1", "board.cpu0", "board.dma0", "board.agent"});
  CHECK(thread_names.size() == 4);  // one tid per model

  REQUIRE(timed.size() == 5);
  CHECK(timed[0]["ph"] == "i");
  CHECK(timed[0]["s"] == "t");
  CHECK(timed[0]["ts"].get<double>() == Approx(1.0));  // microseconds
  CHECK(timed[0]["args"]["error"] == "memory_uncorrectable");
  CHECK(thread_names[timed[0]["tid"]] == "board.dimm1");
  CHECK(timed[1]["ph"] == "X");
  CHECK(timed[1]["name"] == "capture");
  CHECK(timed[1]["dur"].get<double>() == Approx(0.5));
  CHECK(timed[3]["ph"] == "X");
  CHECK(timed[3]["dur"].get<double>() == Approx(1.25));
  CHECK(thread_names[timed[3]["tid"]] == "board.dma0");
  CHECK(timed[2]["ph"] == "i");
  CHECK(timed[4]["name"] == "repartition");
}

TEST_CASE("slice sizes and probabilities become counter events, written on change", "[traces][chrome]") {
  Timeseries s;
  s.add_column(slice_bytes_column({ComponentClass::cpu, 0}));
  s.add_column(slice_bytes_column({ComponentClass::memory, 1}));
  s.add_column(probability_column({ComponentClass::memory, 1}));
  s.add_column("unusable_index.order9");  // not a counter by default
  std::vector<std::vector<double>> rows = {{4096, 8192, 0.1, 0.5}, {4096, 8192, 0.1, 0.6}, {4096, 12288, 0.2, 0.6}};
  for (size_t i = 0; i < rows.size(); ++i) s.append_row(i * 0.01, rows[i]);
  json doc = json::parse(chrome_trace_json({}, &s));
  std::vector<json> counters;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "C") counters.push_back(e);
  }
  // slice_bytes: rows 0 and 2 (row 1 unchanged); probability: rows 0 and 2.
  REQUIRE(counters.size() == 4);
  CHECK(counters[0]["name"] == "slice_bytes");
  CHECK(counters[0]["args"]["cpu.0"] == 4096);
  CHECK(counters[0]["args"]["memory.1"] == 8192);
  CHECK(counters[1]["ts"].get<double>() == Approx(20000.0));
  CHECK(counters[1]["args"]["memory.1"] == 12288);
  CHECK(counters[2]["name"] == "probability");
  CHECK(counters[3]["args"]["memory.1"].get<double>() == Approx(0.2));
}
