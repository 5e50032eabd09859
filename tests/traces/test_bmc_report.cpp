#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/bmc_report.h"
#include "traces/io.h"

using namespace crashtwin;

TEST_CASE("bmc/report.json holds decoded records and verdicts, .cper files hold the bytes", "[traces][bmc]") {
  auto dir = test::scratch_dir("bmc") / "bmc";
  BmcReport report;
  BmcRecord r;
  r.slice = 2;
  r.component = {ComponentClass::cpu, 3};
  r.error = ErrorType::invalid_opcode;
  r.severity = "fatal";
  r.timestamp_ns = 123456789;
  r.sections = {{"processor_generic", 192, 192, 192}, {"vendor.stack_snapshot", 4096, 8192, 4096}};
  r.truncated = true;
  r.cper = {std::byte{'C'}, std::byte{'P'}, std::byte{'E'}, std::byte{'R'}, std::byte{0}, std::byte{0xff}};
  report.records.push_back(r);
  BmcVerdict v;
  v.alert_t_ns = 1000;
  v.report_t_ns = 2501000;
  v.identified = true;
  v.failed_component = {ComponentClass::cpu, 3};
  v.error = ErrorType::invalid_opcode;
  v.alert_to_report_s = 0.0025;
  v.records = {0};
  v.refused_accesses = 1;
  v.bytes_drained = 8192;
  v.diagnostics = {"slice 4: bad CRC"};
  v.related_events = {1};
  report.verdicts.push_back(v);
  const auto event = [](uint64_t t, std::string sensor, std::string what) {
    BmcEvent e;
    e.t_ns = t;
    e.sensor = std::move(sensor);
    e.event = std::move(what);
    return e;
  };
  report.event_log = {event(400, "fan0", "stopped"), event(900, "fan3", "stopped")};
  report.event_log.push_back(event(950, "board.cpu.core1", "upper critical going high"));
  report.event_log.back().reading_c = 91.25;
  report.event_log.back().threshold_c = 90.0;
  report.event_log.push_back(event(960, "memory.1", "predictive failure asserted"));
  report.event_log.back().component = ComponentId{ComponentClass::memory, 1};
  report.event_log.back().probability = 0.882845;
  report.verdicts[0].alarm_asserted_t_ns = 960;
  report.verdicts[0].alert_t_ns = std::max<uint64_t>(report.verdicts[0].alert_t_ns, 960);
  write_bmc_report(report, dir);

  auto j = nlohmann::json::parse(read_file(dir / "report.json"));
  CHECK(j["records"][0]["component"]["class"] == "cpu");
  CHECK(j["records"][0]["component"]["instance"] == 3);
  CHECK(j["records"][0]["error"] == "invalid_opcode");
  CHECK(j["records"][0]["file"] == "record-0.cper");
  CHECK(j["records"][0]["sections"][1]["needed"] == 8192);
  CHECK(j["verdicts"][0]["alert_to_report_s"] == 0.0025);
  CHECK(std::filesystem::file_size(dir / "record-0.cper") == 6);

  BmcReport back = read_bmc_report(dir);
  REQUIRE(back.records.size() == 1);
  CHECK(back.records[0].cper == r.cper);
  CHECK(back.records[0].component == r.component);
  CHECK(back.records[0].truncated);
  CHECK(back.records[0].sections[1].captured == 4096);
  REQUIRE(back.verdicts.size() == 1);
  CHECK(back.verdicts[0].failed_component == ComponentId{ComponentClass::cpu, 3});
  CHECK(back.verdicts[0].refused_accesses == 1);
  CHECK(back.verdicts[0].identified);
  CHECK(back.verdicts[0].bytes_drained == 8192);
  CHECK(back.verdicts[0].diagnostics == std::vector<std::string>{"slice 4: bad CRC"});
  CHECK(back.verdicts[0].related_events == std::vector<uint32_t>{1});
  REQUIRE(back.event_log.size() == 4);
  CHECK(back.event_log[3].component == ComponentId{ComponentClass::memory, 1});
  CHECK(back.event_log[3].probability == 0.882845);
  CHECK_FALSE(back.event_log[2].component.has_value());
  CHECK_FALSE(j["event_log"][2].contains("component"));
  CHECK(j["event_log"][3]["component"]["class"] == "memory");
  CHECK(back.verdicts[0].alarm_asserted_t_ns == 960);
  // A threshold event carries its reading and threshold; a fan's has none.
  CHECK_FALSE(back.event_log[1].reading_c.has_value());
  CHECK_FALSE(j["event_log"][1].contains("reading_c"));
  CHECK(back.event_log[2].sensor == "board.cpu.core1");
  CHECK(back.event_log[2].reading_c == 91.25);
  CHECK(back.event_log[2].threshold_c == 90.0);
  CHECK(back.event_log[1].t_ns == 900);
  CHECK(back.event_log[1].sensor == "fan3");
  CHECK(back.event_log[1].event == "stopped");
  CHECK(j["event_log"][0]["sensor"] == "fan0");
}

TEST_CASE("bmc report reader names the bad field", "[traces][bmc]") {
  auto dir = test::scratch_dir("bmc_bad");
  write_file_atomically(dir / "report.json",
                        R"({"records":[{"slice":0,"component":{"class":"gpu","instance":0},"error":"nic_fatal",)"
                        R"("severity":"fatal","timestamp_ns":1,"truncated":false,"sections":[]}],"verdicts":[]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("records[0].component") != std::string::npos);
  }
  write_file_atomically(dir / "report.json",
                        R"({"records":[],"verdicts":[{"alert_t_ns":1,"report_t_ns":2,"failed_component":)"
                        R"({"class":"cpu","instance":0},"error":"nic_fatal","alert_to_report_s":1,"records":[4],"refused_accesses":0,"identified":true,)"
                        R"("bytes_drained":0,"diagnostics":[]}]})");
  CHECK_THROWS_AS(read_bmc_report(dir), format_error);
  // A verdict's related event must be an entry of the event log.
  write_file_atomically(dir / "report.json",
                        R"({"records":[],"event_log":[{"t_ns":5,"sensor":"fan0","event":"stopped"}],)"
                        R"("verdicts":[{"alert_t_ns":1,"report_t_ns":2,"failed_component":)"
                        R"({"class":"cpu","instance":0},"error":"thermal_shutdown","alert_to_report_s":1,"records":[],)"
                        R"("refused_accesses":0,"identified":true,"bytes_drained":0,"diagnostics":[],"related_events":[1]}]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("related_events") != std::string::npos);
  }
  write_file_atomically(dir / "report.json", R"({"records":[],"verdicts":[],"event_log":[{"t_ns":"soon","sensor":"fan0","event":"stopped"}]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("event_log[0]") != std::string::npos);
  }
  // A predictive-failure event's probability is 0 to 1; an alarm cannot
  // have asserted after the alert it announced.
  write_file_atomically(dir / "report.json",
                        R"({"records":[],"verdicts":[],"event_log":[{"t_ns":5,"sensor":"memory.1",)"
                        R"("event":"predictive failure asserted","component":{"class":"memory","instance":1},)"
                        R"("probability":1.5}]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("probability") != std::string::npos);
  }
  write_file_atomically(dir / "report.json",
                        R"({"records":[],"verdicts":[{"alert_t_ns":1,"report_t_ns":2,"failed_component":)"
                        R"({"class":"cpu","instance":0},"error":"nic_fatal","alert_to_report_s":1,"records":[],)"
                        R"("refused_accesses":0,"identified":true,"bytes_drained":0,"diagnostics":[],)"
                        R"("alarm_asserted_t_ns":7}]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("alarm_asserted_t_ns") != std::string::npos);
  }
  // A threshold event's reading must be a number.
  write_file_atomically(dir / "report.json",
                        R"({"records":[],"verdicts":[],"event_log":[{"t_ns":5,"sensor":"board.cpu.core0",)"
                        R"("event":"upper critical going high","reading_c":"hot","threshold_c":90}]})");
  try {
    read_bmc_report(dir);
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("reading_c") != std::string::npos);
  }
}
