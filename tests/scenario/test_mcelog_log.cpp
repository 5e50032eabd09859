// mcelog's own log read for replay: records written here in the layout
// mcelog prints (corrected and uncorrected memory-controller errors, a CPU
// error that is not a memory error, syslog prefixes, mcelog's other lines,
// a record cut short, malformed fields), a round-trip property over random
// records, ISO 8601 ticket times, the failure tickets CSV, and the scenario
// loader's `format: mcelog` and `tickets:` (errors located at file:line:column).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "scenarios/loader/loader.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/memory_error_logs.h"
#include "scenarios/replay/tickets.h"
#include "tests/support/input_error.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using namespace crashtwin::replay;

namespace {

using test::input_error_text;
using test::write_file;

fs::path scratch(const std::string& name) { return test::fresh_test_dir("mcelog_log", name); }

// One record as mcelog's dump_mce prints it.
struct Record {
  unsigned cpu = 0, bank = 7, socket = 0;
  uint64_t time_s = 1'700'000'000;
  uint64_t status = 0x8c00004000010091;  // VAL MISCV ADDRV, memory read channel 1, corrected
  std::optional<uint64_t> addr = 0x2f4a12c0;
  std::optional<unsigned> channel_line, dimm_line;  // Nehalem's decoded "Memory ... ID of error" lines
  std::string locator;                              // SMBIOS decoding
};

std::string record_text(const Record& r, int n) {
  std::string out = fmt::format("Hardware event. This is not a software error.\nMCE {}\nCPU {} BANK {} TSC 1f2e3d\n", n,
                                r.cpu, r.bank);
  out += r.addr ? fmt::format("MISC 200005c280201086 ADDR {:x}\n", *r.addr) : "MISC 200005c280201086\n";
  out += fmt::format("TIME {} Tue Nov 14 22:13:20 2023\nMCG status:\nMCi status:\n{}\nError enabled\n", r.time_s,
                     (r.status >> 61 & 1) ? "Uncorrected error" : "Corrected error");
  out += fmt::format("MCA: MEMORY CONTROLLER RD_CHANNEL{}_ERR\nTransaction: Memory read error\n", r.status & 0xf);
  if (r.dimm_line) out += fmt::format("Memory DIMM ID of error: {}\n", *r.dimm_line);
  if (r.channel_line) out += fmt::format("Memory channel ID of error: {}\n", *r.channel_line);
  out += fmt::format("STATUS {:x} MCGSTATUS 0\nMCGCAP 7000c16 APICID {:x} SOCKETID {:x}\n", r.status, r.cpu * 2,
                     r.socket);
  out += "CPUID Vendor Intel Family 6 Model 79\n";
  if (!r.locator.empty()) out += "DDR4 DIMM 2400 Mhz Synchronous Width 72 Data Width 64 Size 16 GB\nDevice Locator: " +
                                 r.locator + "\nBank Locator: NODE 1\n";
  return out;
}

// The scenario at `path`, which must load with a replay section.
scenario::Scenario load_replaying(const fs::path& path) {
  scenario::LoadResult r = scenario::load_scenario(path);
  INFO(r.diagnostics.to_string());
  REQUIRE(r.scenario.has_value());
  REQUIRE(r.scenario->replay.has_value());
  return std::move(*r.scenario);
}

std::vector<MemoryErrorEvent> parse(const std::string& text, McelogSummary* summary = nullptr) {
  std::istringstream in(text);
  return read_mcelog_log(in, "mcelog.log", summary);
}

}  // namespace

TEST_CASE("mcelog records: memory-controller errors become events, other MCEs are counted and skipped",
          "[replay][logs][mcelog]") {
  Record ce;
  Record ue;
  ue.time_s += 20;
  ue.status = 0xbe00000000800091;  // VAL UC EN MISCV ADDRV PCC
  Record other_channel;
  other_channel.time_s += 5;
  other_channel.status = 0x8c00004000010090;
  other_channel.addr = 0x10a55040;
  const std::string cache_error =  // a CPU internal parity error (MCACOD 0x0005): not memory
      "Hardware event. This is not a software error.\nMCE 3\nCPU 3 BANK 0\nTIME 1415087019 Tue Nov  4 08:43:39 2014\n"
      "MCG status:\nMCi status:\nCorrected error\nError enabled\nMCA: Internal parity error\n"
      "STATUS 90000040000f0005 MCGSTATUS 0\nMCGCAP c09 APICID 6 SOCKETID 0\nCPUID Vendor Intel Family 6 Model 60\n";
  const std::string not_valid =  // VAL clear
      "Hardware event. This is not a software error.\nCPU 0 BANK 8\nTIME 1700000001\nSTATUS 0c00004000010091\n";
  McelogSummary summary;
  const std::vector<MemoryErrorEvent> events =
      parse("mcelog: failed to prefill DIMM database from DMI data\n" + record_text(ce, 0) + cache_error +
                record_text(other_channel, 1) + not_valid + "some garbage line\n\n" + record_text(ue, 2),
            &summary);
  REQUIRE(events.size() == 3);
  CHECK(summary.records == 5);
  CHECK(summary.not_memory == 1);
  CHECK(summary.not_valid == 1);
  CHECK(events[0].time_ns == 1'700'000'000ull * 1'000'000'000ull);
  CHECK(events[0].corrected);
  CHECK(events[0].count == 1);
  CHECK(events[0].address == 0x2f4a12c0u);
  CHECK(events[0].dimm == "mc0 1:-1:-1");  // socket 0, channel 1 from MCACOD
  CHECK(events[0].source == "mcelog.log:2");
  CHECK(events[1].dimm == "mc0 0:-1:-1");
  CHECK(events[2].dimm == "mc0 1:-1:-1");
  CHECK_FALSE(events[2].corrected);
  CHECK(events[2].time_ns == 1'700'000'020ull * 1'000'000'000ull);
}

TEST_CASE("mcelog records: decoded DIMM and channel lines, SMBIOS locators, sockets and syslog prefixes",
          "[replay][logs][mcelog]") {
  Record nehalem;
  nehalem.bank = 8;
  nehalem.status = 0x8c0000400001009f;  // channel unspecified in MCACOD
  nehalem.channel_line = 2;
  nehalem.dimm_line = 1;
  nehalem.socket = 1;
  Record dmi;
  dmi.locator = "DIMM_B2";
  dmi.status = 0x880000400001009f;  // channel unspecified, no ADDRV: no address
  dmi.addr.reset();
  std::string text = record_text(nehalem, 0) + record_text(dmi, 1);
  // The same records as syslog lines ("... mcelog[pid]: ").
  std::string syslog;
  std::istringstream lines(record_text(nehalem, 0));
  for (std::string line; std::getline(lines, line);) syslog += "Mar 30 00:39:12 host mcelog[2226]: " + line + "\n";
  const std::vector<MemoryErrorEvent> events = parse(text + syslog);
  REQUIRE(events.size() == 3);
  CHECK(events[0].dimm == "mc1 2:1:-1");
  CHECK(events[0].controller == 1);
  CHECK(events[1].dimm == "mc0 -1:-1:-1");  // no channel anywhere: the socket's one key
  CHECK(events[1].label == "DIMM_B2");
  CHECK_FALSE(events[1].address.has_value());
  CHECK(events[2].dimm == events[0].dimm);
  CHECK(events[2].address == events[0].address);
}

TEST_CASE("mcelog records cut short or malformed are named by file and line", "[replay][logs][mcelog][hostile]") {
  const std::string good = record_text(Record{}, 0);
  const std::pair<std::string, std::string> bad[] = {
      // The log ends inside a record: no STATUS line.
      {good + "Hardware event. This is not a software error.\nMCE 1\nCPU 0 BANK 7\nTIME 1700000001\n",
       "mcelog.log:15: the mcelog record starting here ends without its 'STATUS"},
      // Only the disclaimer.
      {good + "Hardware event. This is not a software error.\n", "mcelog.log:15: the mcelog record starting here"},
      // A record without TIME before the next one.
      {"CPU 0 BANK 7\nSTATUS 8800004000010091 MCGSTATUS 0\n" + good, "mcelog.log:1: the mcelog record starting here "
                                                                      "ends without its 'TIME"},
      // The log's start cut off: a record body without its CPU line.
      {"TIME 1700000001\nSTATUS 8800004000010091\n" + good, "without its 'CPU n BANK n' line"},
      {"CPU x BANK 7\n", "mcelog.log:1: mcelog field CPU: 'x'"},
      {"CPU 0 BANK 7\nSTATUS 8c00004000010091 MCGSTATUS zz\n", "mcelog.log:2: mcelog field MCGSTATUS: 'zz'"},
      {"CPU 0 BANK 7\nTIME yesterday\n", "mcelog.log:2: mcelog field TIME"},
      {"CPU 0 BANK 7\nTIME 99999999999999\n", "mcelog.log:2: mcelog field TIME"},
      {"CPU 0 BANK 7\nMISC 1 ADDR\n", "mcelog.log:2: mcelog field ADDR"},
      {"CPU 0 BANK 7\nMCGCAP 1 SOCKETID 300\n", "mcelog.log:2: mcelog field SOCKETID"},
      // ADDRV without the ADDR line.
      {"CPU 0 BANK 7\nTIME 1700000001\nSTATUS 8c00004000010091 MCGSTATUS 0\n", "mcelog.log:1: the record's STATUS "
                                                                             "has ADDRV"},
  };
  for (const auto& [text, expected] : bad) {
    INFO(text);
    CHECK_THAT(input_error_text([&] { parse(text); }), Catch::Contains(expected));
  }
  CHECK(input_error_text([&] { read_mcelog_log("/nonexistent/mcelog"); }).find("cannot open") != std::string::npos);
}

TEST_CASE("random mcelog records round-trip through the reader (property)", "[replay][logs][mcelog]") {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 200; ++round) {
    std::vector<Record> records(1 + rng() % 6);
    std::string text;
    for (size_t i = 0; i < records.size(); ++i) {
      Record& r = records[i];
      r.cpu = static_cast<unsigned>(rng() % 256);
      r.bank = static_cast<unsigned>(rng() % 32);
      r.socket = static_cast<unsigned>(rng() % 4);
      r.time_s = 1'600'000'000 + rng() % 100'000'000;
      const uint64_t mmm = rng() % 5, channel = rng() % 16;
      const bool uc = rng() % 2, addrv = rng() % 2;
      r.status = (1ull << 63) | (uc ? 1ull << 61 : 0) | (addrv ? 1ull << 58 : 0) | (rng() % 2 ? 1ull << 12 : 0) |
                 0x80 | mmm << 4 | channel;
      r.addr = addrv ? std::optional<uint64_t>(1 + rng() % (1ull << 46)) : std::nullopt;
      if (rng() % 3 == 0) r.channel_line = static_cast<unsigned>(rng() % 8);
      if (rng() % 3 == 0) r.dimm_line = static_cast<unsigned>(rng() % 4);
      if (rng() % 4 == 0) r.locator = fmt::format("DIMM_{}{}", static_cast<char>('A' + rng() % 8), rng() % 3);
      text += record_text(r, static_cast<int>(i));
      if (rng() % 3 == 0) text += "Running trigger `dimm-error-trigger'\n";
    }
    INFO(text);
    McelogSummary summary;
    const std::vector<MemoryErrorEvent> events = parse(text, &summary);
    REQUIRE(events.size() == records.size());
    CHECK(summary.records == records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      const MemoryErrorEvent& e = events[i];
      CHECK(e.time_ns == r.time_s * 1'000'000'000ull);
      CHECK(e.corrected == !(r.status >> 61 & 1));
      CHECK(e.address == r.addr);
      CHECK(e.controller == int64_t(r.socket));
      const int64_t channel = r.channel_line ? *r.channel_line : (r.status & 0xf) == 0xf ? -1 : int64_t(r.status & 0xf);
      CHECK(e.layer[0] == channel);
      CHECK(e.layer[1] == (r.dimm_line ? int64_t(*r.dimm_line) : -1));
      CHECK(e.label == r.locator);
    }
  }
}

TEST_CASE("ISO 8601 ticket times: zones, fractions, and what is refused", "[replay][tickets]") {
  const uint64_t t = 1'700'000'000ull * 1'000'000'000ull;  // 2023-11-14 22:13:20 UTC
  CHECK(parse_iso8601_time("2023-11-14T22:13:20Z") == t);
  CHECK(parse_iso8601_time("2023-11-14T23:13:20+01:00") == t);
  CHECK(parse_iso8601_time("2023-11-14T17:13:20-0500") == t);
  CHECK(parse_iso8601_time("2023-11-14T22:13:20.25Z") == t + 250'000'000);
  CHECK(parse_iso8601_time("2023-11-14T22:13:20.123456789Z") == t + 123'456'789);
  for (const char* bad : {"2023-11-14 22:13:20Z", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z",
                          "2023-11-14T22:13:20.1234567890Z", "2023-11-14T22:13:20+1:00", "2023-02-30T00:00:00Z",
                          "1969-12-31T23:59:59Z", "2023-11-14T22:13:20Zulu"})
    CHECK_FALSE(parse_iso8601_time(bad).has_value());
}

TEST_CASE("failure tickets: valid rows, and malformed ones named by file, line and column", "[replay][tickets]") {
  const TicketComponentResolver resolve = [](std::string_view text) -> std::optional<ComponentId> {
    if (text == "memory.1" || text == "DIMM_A1") return ComponentId{ComponentClass::memory, 1};
    if (text == "disk.0") return ComponentId{ComponentClass::disk, 0};
    return std::nullopt;
  };
  std::istringstream good("# exported from the ticket system\ntime,component,error\n"
                          "2023-11-14T22:13:30Z,DIMM_A1,memory_uncorrectable\n"
                          "1700000005.5,disk.0,disk_timeout\n");
  const std::vector<Ticket> tickets = read_tickets(good, "t.csv", resolve);
  REQUIRE(tickets.size() == 2);
  CHECK(tickets[0].time_ns == 1'700'000'010ull * 1'000'000'000ull);
  CHECK(tickets[0].component == ComponentId{ComponentClass::memory, 1});
  CHECK(tickets[0].error == ErrorType::memory_uncorrectable);
  CHECK(tickets[0].line == 3);
  CHECK(tickets[1].time_ns == 1'700'000'005'500'000'000ull);
  CHECK(tickets[1].error == ErrorType::disk_timeout);

  const std::pair<std::string, std::string> bad[] = {
      {"when,dimm,error\n", "t.csv:1: header must be exactly 'time,component,error'"},
      {"time,component,error\nyesterday,memory.1,memory_uncorrectable\n", "t.csv:2: column 'time': 'yesterday'"},
      {"time,component,error\n1700000000,DIMM_Z9,memory_uncorrectable\n", "t.csv:2: column 'component': 'DIMM_Z9'"},
      {"time,component,error\n1700000000,memory.1,melted\n", "t.csv:2: column 'error': 'melted' is not an error type"},
      {"time,component,error\n1700000000,disk.0,memory_uncorrectable\n",
       "t.csv:2: column 'error': memory_uncorrectable is reported against a memory component, not disk0"},
      {"time,component,error\n1700000000,memory.1\n", "t.csv:2: expected 3 fields, found 2"},
      {"time,component,error\n1700000000,,memory_uncorrectable\n", "t.csv:2: column 'component': is empty"},
  };
  for (const auto& [text, expected] : bad) {
    INFO(text);
    std::istringstream in(text);
    CHECK_THAT(input_error_text([&] { read_tickets(in, "t.csv", resolve); }), Catch::Contains(expected));
  }
}

TEST_CASE("a scenario replays an mcelog log with tickets: events, failures and their times", "[replay][logs][mcelog]") {
  const fs::path dir = scratch("scenario");
  Record ce;  // channel 1 -> memory1
  Record other;
  other.status = 0x8c00004000010090;  // channel 0 -> memory0
  other.time_s += 2;
  other.locator = "DIMM_A1";
  write_file(dir / "mcelog.log", record_text(ce, 0) + record_text(other, 1));
  write_file(dir / "tickets.csv",
             "time,component,error\n"
             "2023-11-14T22:13:30Z,DIMM_A1,memory_uncorrectable\n"  // 10 s after the log's first record
             "1699999999,cpu.0,machine_check\n");                     // 1 s before it: the replay's origin
  write_file(dir / "s.yaml",
             "schema_version: 1\nname: replayed\nseed: 1\nduration: \"30 s\"\nboard: {}\n"
             "replay: {trace: mcelog.log, format: mcelog, start: \"2 s\", tickets: tickets.csv}\n");
  const scenario::Scenario s = load_replaying(dir / "s.yaml");
  REQUIRE(s.replay->steps.size() == 2);
  CHECK(s.replay->steps[0].component == ComponentId{ComponentClass::memory, 1});
  CHECK(s.replay->steps[0].time_ns == 1'000'000'000u);
  CHECK(s.replay->steps[0].address == 0x2f4a12c0u);
  CHECK(s.replay->steps[1].component == ComponentId{ComponentClass::memory, 0});
  CHECK(s.replay->trace_duration_ns == 11'000'000'000u);
  REQUIRE(s.failures.size() == 2);
  CHECK(s.failures[0].name == "ticket_line_3");
  CHECK(s.failures[0].component == ComponentId{ComponentClass::cpu, 0});
  CHECK(s.failures[0].error == ErrorType::machine_check);
  CHECK(s.failures[0].when.at_ns == 2'000'000'000u);
  CHECK(s.failures[1].name == "ticket_line_2");
  CHECK(s.failures[1].component == ComponentId{ComponentClass::memory, 0});  // the DIMM the log calls DIMM_A1
  CHECK(s.failures[1].when.at_ns == 13'000'000'000u);
  CHECK(s.replay->notes.empty());
}

TEST_CASE("replay loader errors for mcelog logs and tickets name the YAML's file:line:column and the CSV's line",
          "[replay][logs][mcelog][errors]") {
  const fs::path dir = scratch("errors");
  write_file(dir / "mcelog.log", record_text(Record{}, 0));
  write_file(dir / "cache_only.log",
             "CPU 3 BANK 0\nTIME 1415087019\nSTATUS 90000040000f0005 MCGSTATUS 0\n");
  write_file(dir / "cut.log", record_text(Record{}, 0) + "Hardware event. This is not a software error.\nCPU 1 BANK 7\n");
  write_file(dir / "bad_tickets.csv", "time,component,error\n1700000000,memory.9,memory_uncorrectable\nnoon,memory.0,"
                                  "memory_uncorrectable\n");
  write_file(dir / "dmesg.log", "[ 1.0] EDAC MC0: 1 CE memory read error on D (channel:1 slot:0 page:0x10 offset:0x0)\n");
  const std::string yaml = (dir / "s.yaml").string();
  const std::pair<std::string, std::string> cases[] = {
      {"replay:\n  trace: cut.log\n  format: mcelog\n",
       yaml + ":7:10: replay.trace: " + (dir / "cut.log").string() + ":15: the mcelog record starting here ends "
                                                                     "without its 'STATUS"},
      {"replay:\n  trace: cache_only.log\n  format: mcelog\n",
       yaml + ":7:10: replay.trace: " + (dir / "cache_only.log").string() +
           ": the mcelog log has no memory error events (1 other mcelog records)"},
      {"replay:\n  trace: mcelog.log\n  format: mcelog\n  tickets: bad_tickets.csv\n",
       yaml + ":9:12: replay.tickets: " + (dir / "bad_tickets.csv").string() + ":3: column 'time': 'noon'"},
      {"replay:\n  trace: mcelog.log\n  format: mcelog\n  tickets: missing.csv\n",
       yaml + ":9:12: replay.tickets: " + (dir / "missing.csv").string() + ": cannot open"},
      {"replay:\n  trace: mcelog.log\n  tickets: bad_tickets.csv\n", yaml + ":8:12: replay.tickets: tickets replay "
                                                                          "beside a memory error log"},
      {"replay:\n  trace: dmesg.log\n  format: edac\n  tickets: bad_tickets.csv\n",
       yaml + ":9:12: replay.tickets: an EDAC dmesg extract is timed from boot"},
      {"replay:\n  trace: mcelog.log\n  format: mcelogd\n", yaml + ":8:11: replay.format"},
  };
  for (const auto& [body, expected] : cases) {
    write_file(dir / "s.yaml", "schema_version: 1\nname: s\nseed: 1\nduration: \"30 s\"\nboard: {}\n" + body);
    const scenario::LoadResult r = scenario::load_scenario(dir / "s.yaml");
    INFO(body);
    CHECK_FALSE(r.scenario.has_value());
    CHECK_THAT(r.diagnostics.to_string(), Catch::Contains(expected));
  }
  // A ticket naming a component the board lacks (memory.9) loads: the run
  // refuses it like any injection's component.
  write_file(dir / "one.csv", "time,component,error\n1700000000,memory.9,memory_uncorrectable\n");
  write_file(dir / "s.yaml", "schema_version: 1\nname: s\nseed: 1\nduration: \"30 s\"\nboard: {}\n"
                        "replay: {trace: mcelog.log, format: mcelog, start: \"1 s\", tickets: one.csv}\n");
  const scenario::LoadResult ok = scenario::load_scenario(dir / "s.yaml");
  INFO(ok.diagnostics.to_string());
  CHECK(ok.scenario.has_value());
}
