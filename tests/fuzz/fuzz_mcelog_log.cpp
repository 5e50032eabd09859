// mcelog's text log (a scenario's `replay:` with `format: mcelog`): any text
// is either a list of memory error events or a csv::InputError naming the
// source; an accepted event is one memory-controller record: count 1, a DIMM
// key of its socket, an address only when non-zero, a time that fits 64-bit
// nanoseconds, and the summary counts every record it skipped.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/memory_error_logs.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;
using namespace crashtwin::replay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<MemoryErrorEvent> events;
  McelogSummary summary;
  try {
    events = read_mcelog_log(in, "fuzz.log", &summary);
  } catch (const csv::InputError& e) {
    FUZZ_CHECK(std::string(e.what()).starts_with("fuzz.log"));
    return 0;
  }
  FUZZ_CHECK(summary.records == events.size() + summary.not_memory + summary.not_valid);
  for (const MemoryErrorEvent& e : events) {
    FUZZ_CHECK(e.count == 1);
    FUZZ_CHECK(e.controller >= 0 && e.controller <= 255);
    FUZZ_CHECK(e.dimm.starts_with("mc" + std::to_string(e.controller) + " "));
    FUZZ_CHECK(e.source.starts_with("fuzz.log:"));
    FUZZ_CHECK(!e.address.has_value() || *e.address != 0);
    FUZZ_CHECK(e.time_ns % 1'000'000'000ull == 0);
  }
  return 0;
}
