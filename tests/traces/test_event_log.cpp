#include <catch2/catch.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/event_log.h"
#include "traces/io.h"

using namespace crashtwin;

TEST_CASE("every event kind has a name that parses back", "[traces][events]") {
  for (size_t i = 0; i < kEventKindCount; ++i) {
    auto kind = static_cast<EventKind>(i);
    EventKind back{};
    REQUIRE(parse(to_string(kind), back));
    CHECK(back == kind);
  }
  EventKind k{};
  CHECK_FALSE(parse("explosion", k));
}

TEST_CASE("an event line has t_ns, track, kind, dur_ns, then fields in order", "[traces][events]") {
  EventLog log;
  auto& e = log.add_span(1500, 250, "board.dma0", EventKind::dma_transfer);
  e.fields["bytes"] = 65536;
  e.fields["src"] = "0x80000000";
  CHECK(e.to_jsonl() ==
        R"({"t_ns":1500,"track":"board.dma0","kind":"dma_transfer","dur_ns":250,"bytes":65536,"src":"0x80000000"})");
  auto& i = log.add(7, "board.bmc", EventKind::alert);
  i.fields["t_ns"] = 99;  // a field may not override the line's own keys
  CHECK(i.to_jsonl() == R"({"t_ns":7,"track":"board.bmc","kind":"alert"})");
}

TEST_CASE("events.jsonl is sorted by time, one object per line, and reads back", "[traces][events]") {
  auto dir = test::scratch_dir("events_roundtrip");
  EventLog log;
  log.add(300, "board.bmc", EventKind::report).fields["component"] = "memory.1";
  log.add(100, "board.dimm1", EventKind::injection).fields["error"] = "memory_uncorrectable";
  log.add(100, "board.cpu0", EventKind::capture);  // same instant: keeps record order
  log.add_span(200, 50, "board.dma0", EventKind::dma_transfer);
  log.write_jsonl(dir / "events.jsonl");

  std::string text = read_file(dir / "events.jsonl");
  CHECK(std::count(text.begin(), text.end(), '\n') == 4);
  auto events = read_events_jsonl(dir / "events.jsonl");
  REQUIRE(events.size() == 4);
  CHECK(events[0].kind == EventKind::injection);
  CHECK(events[1].kind == EventKind::capture);
  CHECK(events[2].dur_ns == std::optional<uint64_t>(50));
  CHECK(events[3].fields["component"] == "memory.1");
  CHECK(events[0].fields["error"] == "memory_uncorrectable");
}

TEST_CASE("a malformed event names its line", "[traces][events]") {
  auto dir = test::scratch_dir("events_bad");
  write_file_atomically(dir / "events.jsonl",
                        "{\"t_ns\":1,\"track\":\"a\",\"kind\":\"alert\"}\n\n{\"t_ns\":-4,\"track\":\"a\",\"kind\":\"alert\"}\n");
  try {
    read_events_jsonl(dir / "events.jsonl");
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(e.line() == 3);
    CHECK(std::string(e.what()).find("t_ns") != std::string::npos);
  }
  std::string problem;
  CHECK_FALSE(parse_event_line("{\"t_ns\":1,\"track\":\"a\",\"kind\":\"boom\"}", problem));
  CHECK(problem.find("kind") != std::string::npos);
  CHECK_FALSE(parse_event_line("[1,2]", problem));
  CHECK_FALSE(parse_event_line("{\"t_ns\":1,\"track\":\"a\",\"kind\":\"alert\",\"dur_ns\":\"x\"}", problem));
}
