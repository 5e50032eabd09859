// Field memory error logs read for replay: a rasdaemon database built here
// with rasdaemon's own mc_event schema, a dmesg extract with the kernel's
// EDAC lines, their timestamps, DIMM keys and addresses; bad input named by
// file and row or line; and a scenario replaying each (steps at the logged
// address, uncorrected errors as failures).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/memory_error_logs.h"
#include "tests/support/input_error.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using namespace crashtwin::replay;

namespace {

using test::input_error_text;
using test::write_file;

fs::path scratch(const std::string& name) { return test::fresh_test_dir("memory_error_logs", name); }

// A database as rasdaemon creates it (ras-record.c's mc_event fields), with
// `rows` as SQL value tuples after the id.
fs::path rasdaemon_db(const fs::path& dir, const std::vector<std::string>& rows) {
  const fs::path path = dir / "ras-mc_event.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::string sql =
      "CREATE TABLE mc_event (id INTEGER PRIMARY KEY, timestamp TEXT, err_count INTEGER, err_type TEXT, "
      "err_msg TEXT, label TEXT, mc INTEGER, top_layer INTEGER, middle_layer INTEGER, lower_layer INTEGER, "
      "address INTEGER, grain INTEGER, syndrome INTEGER, driver_detail TEXT);";
  for (const std::string& r : rows) sql += "INSERT INTO mc_event VALUES (NULL, " + r + ");";
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  return path;
}

std::string ce_row(const std::string& time, int count, const std::string& type, int channel, int slot,
                   long long address) {
  return "'" + time + "', " + std::to_string(count) + ", '" + type + "', 'memory read error', " +
         "'CPU_SrcID#0_Ha#0_Chan#" + std::to_string(channel) + "_DIMM#" + std::to_string(slot) + "', 0, " +
         std::to_string(channel) + ", " + std::to_string(slot) + ", -1, " + std::to_string(address) +
         ", 32, 0, 'area:DRAM'";
}

}  // namespace

TEST_CASE("rasdaemon's mc_event rows become timed, located memory error events", "[replay][logs]") {
  const fs::path dir = scratch("rasdaemon");
  const fs::path db = rasdaemon_db(dir, {ce_row("2023-11-14 22:13:20 +0000", 1, "Corrected", 1, 0, 0x2f4a12c0),
                                         ce_row("2023-11-14 23:13:20 +0100", 3, "Corrected", 1, 0, 0x2f4a12c0),
                                         ce_row("2023-11-15 01:00:00 +0000", 1, "Corrected", 0, 0, 0),
                                         ce_row("2023-11-15 02:30:00 +0000", 1, "Uncorrected", 1, 0, 0x2f4a1300)});
  const std::vector<MemoryErrorEvent> events = read_rasdaemon_db(db.string());
  REQUIRE(events.size() == 4);
  CHECK(events[0].time_ns == 1'700'000'000ull * 1'000'000'000ull);  // 2023-11-14 22:13:20 UTC
  CHECK(events[1].time_ns == events[0].time_ns);                     // the same instant at +0100
  CHECK(events[1].count == 3);
  CHECK(events[0].dimm == "mc0 1:0:-1");
  CHECK(events[2].dimm == "mc0 0:0:-1");
  CHECK(events[0].address == 0x2f4a12c0u);
  CHECK_FALSE(events[2].address.has_value());  // rasdaemon stores 0: no address
  CHECK(events[0].corrected);
  CHECK_FALSE(events[3].corrected);
  CHECK(events[3].source.find("mc_event row id 4") != std::string::npos);
}

TEST_CASE("a bad rasdaemon database is named: not a database, no table, bad row", "[replay][logs][hostile]") {
  const fs::path dir = scratch("rasdaemon_bad");
  write_file(dir / "text.db", "timestamp,component\n");
  CHECK(input_error_text([&] { read_rasdaemon_db((dir / "text.db").string()); }).find("mc_event") != std::string::npos);
  CHECK(input_error_text([&] { read_rasdaemon_db((dir / "missing.db").string()); }).find("cannot open") !=
        std::string::npos);
  const fs::path bad_time = rasdaemon_db(dir, {ce_row("2023-11-14 22:13:20 +0000", 1, "Corrected", 1, 0, 64),
                                               ce_row("14/11/2023 22:13", 1, "Corrected", 1, 0, 64)});
  const std::string message = input_error_text([&] { read_rasdaemon_db(bad_time.string()); });
  CHECK(message.find("mc_event row id 2") != std::string::npos);
  CHECK(message.find("timestamp") != std::string::npos);
  fs::remove(bad_time);
  const fs::path bad_type = rasdaemon_db(dir, {ce_row("2023-11-14 22:13:20 +0000", 1, "Sometimes", 1, 0, 64)});
  CHECK(input_error_text([&] { read_rasdaemon_db(bad_type.string()); }).find("err_type") != std::string::npos);
  fs::remove(bad_type);
  const fs::path bad_count = rasdaemon_db(dir, {ce_row("2023-11-14 22:13:20 +0000", 0, "Corrected", 1, 0, 64)});
  CHECK(input_error_text([&] { read_rasdaemon_db(bad_count.string()); }).find("err_count") != std::string::npos);
}

TEST_CASE("rasdaemon timestamps agree with the calendar for any date and zone (property)", "[replay][logs]") {
  using namespace std::chrono;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    const int y = 1971 + static_cast<int>(rng() % 120);
    const unsigned m = 1 + static_cast<unsigned>(rng() % 12);
    const unsigned d = 1 + static_cast<unsigned>(rng() % 28);
    const unsigned hh = static_cast<unsigned>(rng() % 24), mm = static_cast<unsigned>(rng() % 60),
                   ss = static_cast<unsigned>(rng() % 60);
    const int zone_minutes = static_cast<int>(rng() % (14 * 60)) * (rng() % 2 ? 1 : -1);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02u:%02u:%02u %c%02d%02d", y, m, d, hh, mm, ss,
                  zone_minutes < 0 ? '-' : '+', std::abs(zone_minutes) / 60, std::abs(zone_minutes) % 60);
    const auto local = sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
    const int64_t expected = (local - minutes{zone_minutes}).time_since_epoch() / seconds{1};
    INFO(text);
    const std::optional<uint64_t> parsed = parse_rasdaemon_time(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == static_cast<uint64_t>(expected) * 1'000'000'000ull);
  }
  for (const char* bad : {"", "2023-13-01 00:00:00 +0000", "2023-02-30 00:00:00 +0000", "2023-01-01 24:00:00 +0000",
                          "2023-01-01 00:00:00 0000", "1969-12-31 23:59:59 +0000", "2023-01-01T00:00:00 +0000",
                          "2600-01-01 00:00:00 +0000", "9999-12-31 23:59:59 +0000"})
    CHECK_FALSE(parse_rasdaemon_time(bad).has_value());
}

TEST_CASE("the kernel's EDAC lines give the same DIMM keys as rasdaemon, with their page and offset",
          "[replay][logs]") {
  const fs::path dir = scratch("edac");
  write_file(dir / "dmesg.log",
             "[    4.120433] EDAC MC0: Giving out device to module sb_edac controller Broadwell SrcID#0_Ha#0\n"
             "[   11.500000] EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 "
             "page:0x2f4a1 offset:0x2c0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0090 socket:0 ha:0 "
             "channel_mask:2 rank:0)\n"
             "[   12.25] some other line\n"
             "[   13.000001] EDAC MC1: 2 UE memory read error on CPU_SrcID#1_Ha#0_Chan#0_DIMM#1 (channel:0 slot:1 "
             "page:0x0 offset:0x0 grain:32 syndrome:0x0)\n");
  const std::vector<MemoryErrorEvent> events = read_edac_log((dir / "dmesg.log").string());
  REQUIRE(events.size() == 2);
  CHECK(events[0].time_ns == 11'500'000'000ull);
  CHECK(events[0].dimm == "mc0 1:0:-1");  // as rasdaemon keys channel 1 slot 0
  CHECK(events[0].address == (0x2f4a1ull << 12) + 0x2c0);
  CHECK(events[0].corrected);
  CHECK(events[1].time_ns == 13'000'001'000ull);
  CHECK(events[1].dimm == "mc1 0:1:-1");
  CHECK(events[1].count == 2);
  CHECK_FALSE(events[1].corrected);
  CHECK_FALSE(events[1].address.has_value());  // page 0: no address

  // Uptime beyond what 64-bit nanoseconds hold is refused, not wrapped.
  write_file(dir / "far.log", "[99999999999.0] EDAC MC0: 1 CE memory read error on X (channel:1 slot:0)\n");
  CHECK(input_error_text([&] { read_edac_log((dir / "far.log").string()); }).find("far.log:1") != std::string::npos);
  write_file(dir / "broken.log", "[ 1.0] EDAC MC0: 1 CE memory read error on X channel:1 slot:0 no parentheses\n");
  const std::string message = input_error_text([&] { read_edac_log((dir / "broken.log").string()); });
  CHECK(message.find("broken.log:1") != std::string::npos);
}

TEST_CASE("a scenario replays an EDAC log: corrected errors at their address, uncorrected ones as failures",
          "[replay][logs]") {
  const fs::path dir = scratch("scenario");
  write_file(dir / "dmesg.log",
             "[  100.000000] EDAC MC0: 1 CE memory read error on D (channel:1 slot:0 page:0x10 offset:0x40 grain:32)\n"
             "[  100.500000] EDAC MC0: 3 CE memory read error on D (channel:0 slot:0 page:0x20 offset:0x0 grain:32)\n"
             "[  105.000000] EDAC MC0: 1 UE memory read error on D (channel:1 slot:0 page:0x10 offset:0x40 grain:32)\n");
  write_file(dir / "s.yaml",
             "schema_version: 1\nname: replayed\nseed: 1\nduration: \"20 s\"\nboard: {}\n"
             "replay: {trace: dmesg.log, format: edac, start: \"2 s\"}\n");
  const scenario::LoadResult r = scenario::load_scenario(dir / "s.yaml");
  INFO(r.diagnostics.to_string());
  REQUIRE(r.scenario.has_value());
  const scenario::Scenario& s = *r.scenario;
  REQUIRE(s.replay.has_value());
  REQUIRE(s.replay->steps.size() == 2);
  // DIMMs in key order: channel 0 is memory0, channel 1 memory1.
  CHECK(s.replay->steps[0].component == ComponentId{ComponentClass::memory, 1});
  CHECK(s.replay->steps[0].address == 0x10040u);
  CHECK(s.replay->steps[0].value == 1);
  CHECK(s.replay->steps[1].component == ComponentId{ComponentClass::memory, 0});
  CHECK(s.replay->steps[1].time_ns == 500'000'000u);
  CHECK(s.replay->steps[1].value == 3);
  REQUIRE(s.failures.size() == 1);
  CHECK(s.failures[0].component == ComponentId{ComponentClass::memory, 1});
  CHECK(s.failures[0].error == ErrorType::memory_uncorrectable);
  CHECK(s.failures[0].when.at_ns == 7'000'000'000u);  // 2 s start + 5 s into the log
  CHECK(s.failures[0].logged_address == 0x10040u);

  // Refused, with the field named: a format nobody reads, a log longer
  // than the run.
  const std::pair<const char*, const char*> refused[] = {
      {"duration: \"20 s\"\nboard: {}\nreplay: {trace: dmesg.log, format: syslog}\n", "replay.format"},
      {"duration: \"4 s\"\nboard: {}\nreplay: {trace: dmesg.log, format: edac}\n", "past the scenario's duration"}};
  for (const auto& [body, expected] : refused) {
    write_file(dir / "bad.yaml", std::string("schema_version: 1\nname: replayed\nseed: 1\n") + body);
    const scenario::LoadResult bad = scenario::load_scenario(dir / "bad.yaml");
    CHECK_FALSE(bad.scenario.has_value());
    CHECK(bad.diagnostics.to_string().find(expected) != std::string::npos);
  }
}
