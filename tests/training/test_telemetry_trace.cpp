#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/telemetry_trace.h"

using namespace crashtwin;
using namespace crashtwin::replay;

namespace {

const char* kTrace =
    "# corrected errors of DIMM 1 from an mcelog extract\n"
    "timestamp,component,metric,value\n"
    "1700000000.250,memory1,mem_corrected_errors,3\n"
    "1700000000.250,memory1,mem_temperature,45500\n"
    "1700000001,memory1,mem_corrected_errors,5\n"
    "1700000002.000000001,disk0,disk_media_errors,1\n"
    "1700000004.25,memory1,mem_corrected_errors,9\n";

TelemetryTrace parse_trace(const std::string& text) {
  std::istringstream in(text);
  return TelemetryTrace::read(in, "trace.csv");
}

std::string error_of(const std::string& text) {
  try {
    parse_trace(text);
  } catch (const csv::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("telemetry trace: times relative to the first row, values held until the next sample",
          "[replay]") {
  const TelemetryTrace trace = parse_trace(kTrace);
  REQUIRE(trace.samples().size() == 5);
  CHECK(trace.samples()[0].time_ns == 0);
  CHECK(trace.samples()[2].time_ns == 750'000'000);
  CHECK(trace.samples()[3].time_ns == 1'750'000'001);
  CHECK(trace.duration_ns() == 4'000'000'000);
  const ComponentId dimm{ComponentClass::memory, 1};
  CHECK(trace.components() == std::vector<ComponentId>{{ComponentClass::memory, 1}, {ComponentClass::disk, 0}});
  CHECK(trace.metrics_of(dimm) == std::vector<Metric>{Metric::mem_corrected_errors, Metric::mem_temperature});
  CHECK(trace.value_at(dimm, Metric::mem_corrected_errors, 0) == 3u);
  CHECK(trace.value_at(dimm, Metric::mem_corrected_errors, 749'999'999) == 3u);
  CHECK(trace.value_at(dimm, Metric::mem_corrected_errors, 750'000'000) == 5u);
  CHECK(trace.value_at(dimm, Metric::mem_corrected_errors, 99'000'000'000) == 9u);
  CHECK(trace.value_at(dimm, Metric::mem_temperature, 3'000'000'000) == 45500u);
  CHECK_FALSE(trace.value_at({ComponentClass::disk, 0}, Metric::disk_media_errors, 1'000'000'000));
  CHECK_FALSE(trace.value_at(dimm, Metric::mem_pressure, 1'000'000'000));
}

TEST_CASE("telemetry trace errors name file:line and the column", "[replay]") {
  const std::string header = "timestamp,component,metric,value\n";
  CHECK(error_of(header + "1.5,memory1,mem_corrected_errors,3\n1.4,memory1,mem_corrected_errors,3\n") ==
        "trace.csv:3: column 'timestamp': goes backwards (rows must be in time order)");
  CHECK(error_of(header + "1.5,memory1,mem_corrected_errors,3\n2,memory1,mem_corrected_errors,2\n") ==
        "trace.csv:3: column 'value': counter mem_corrected_errors decreases from 3 to 2");
  CHECK(error_of(header + "1,dimm1,mem_corrected_errors,3\n") ==
        "trace.csv:2: column 'component': 'dimm1' is not a component (cpu0, memory1, disk0, network0...)");
  CHECK(error_of(header + "1,memory1,disk_media_errors,3\n") ==
        "trace.csv:2: column 'metric': disk_media_errors is not a metric of a memory");
  CHECK(error_of(header + "1,memory1,mem_corrected_errors,-3\n") ==
        "trace.csv:2: column 'value': '-3' is not an unsigned integer");
  CHECK(error_of(header + "1.0000000001,memory1,mem_corrected_errors,3\n") ==
        "trace.csv:2: column 'timestamp': '1.0000000001' is not decimal seconds (e.g. 12.25, at most 9 fraction "
        "digits)");
  CHECK(error_of(header + "1,memory1,mem_corrected_errors\n") == "trace.csv:2: expected 4 fields, found 3");
  CHECK(error_of("time,component,metric,value\n") ==
        "trace.csv:1: header must be exactly 'timestamp,component,metric,value', found 'time,component,metric,value'");
  CHECK(error_of("") == "trace.csv:0: no header line (empty file?)");
}

TEST_CASE("component names and decimal seconds parse strictly", "[replay]") {
  ComponentId id;
  CHECK(parse_component_name("network12", id));
  CHECK(id == ComponentId{ComponentClass::network, 12});
  CHECK(component_name(id) == "network12");
  for (const char* bad : {"memory", "1", "memory01", "memory-1", "memory65536", "Memory1", "memory1x"})
    CHECK_FALSE(parse_component_name(bad, id));
  uint64_t ns = 0;
  CHECK(parse_decimal_seconds("18446744073.709551615", ns));
  CHECK(ns == UINT64_MAX);
  CHECK_FALSE(parse_decimal_seconds("18446744073.709551616", ns));
  for (const char* bad : {"", ".5", "5.", "1e3", "-1", "1,5", " 1"}) CHECK_FALSE(parse_decimal_seconds(bad, ns));
}

TEST_CASE("property: random corruption of a trace is a clean file:line error or a valid trace", "[replay][property]") {
  std::mt19937_64 g(7);
  const std::string good = kTrace;
  const std::string alphabet = "0123456789.,-\n#\"memorydisk_";
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = good;
    for (int e = 0; e < 1 + static_cast<int>(g() % 3); ++e) {
      const size_t at = g() % text.size();
      if (g() % 2) text[at] = alphabet[g() % alphabet.size()];
      else text.erase(at, 1 + g() % 5);
      if (text.empty()) text.push_back('x');  // (not = "x": GCC 12 -Wrestrict false positive)
    }
    try {
      const TelemetryTrace t = parse_trace(text);
      for (size_t i = 1; i < t.samples().size(); ++i) REQUIRE(t.samples()[i - 1].time_ns <= t.samples()[i].time_ns);
    } catch (const csv::InputError& e) {
      REQUIRE_THAT(e.what(), Catch::StartsWith("trace.csv:"));
    }
  }
}
