// Telemetry replay CSV (a scenario's `replay:` trace): any text is either a
// trace or a csv::InputError; an accepted trace keeps its rules (time order,
// counters never decrease) and answers value_at() for every sample it holds.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/telemetry_trace.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;
using namespace crashtwin::replay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  TelemetryTrace trace;
  try {
    trace = TelemetryTrace::read(in, "fuzz.csv");
  } catch (const csv::InputError& e) {
    FUZZ_CHECK(std::string(e.what()).starts_with("fuzz.csv"));
    return 0;
  }
  uint64_t previous = 0;
  for (const TelemetrySample& s : trace.samples()) {
    FUZZ_CHECK(s.time_ns >= previous);
    previous = s.time_ns;
    const std::optional<uint64_t> v = trace.value_at(s.component, s.metric, s.time_ns);
    FUZZ_CHECK(v.has_value());
    // Component names print and parse back.
    ComponentId back;
    FUZZ_CHECK(parse_component_name(component_name(s.component), back) && back == s.component);
  }
  FUZZ_CHECK(trace.duration_ns() == previous);
  for (ComponentId c : trace.components()) FUZZ_CHECK(!trace.metrics_of(c).empty());
  return 0;
}
