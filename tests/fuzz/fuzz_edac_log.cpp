// The kernel's EDAC lines of a dmesg extract (a scenario's `replay:` with
// `format: edac`): any text is either a list of memory error events or a
// csv::InputError naming the source; an accepted event has a count of at
// least 1, a DIMM key of its controller and layers, and an address only when
// the line gave a page.
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
  try {
    events = read_edac_log(in, "fuzz.log");
  } catch (const csv::InputError& e) {
    FUZZ_CHECK(std::string(e.what()).starts_with("fuzz.log"));
    return 0;
  }
  for (const MemoryErrorEvent& e : events) {
    FUZZ_CHECK(e.count >= 1 && e.count <= 1'000'000);
    FUZZ_CHECK(e.dimm.starts_with("mc" + std::to_string(e.controller) + " "));
    FUZZ_CHECK(e.source.starts_with("fuzz.log:"));
    FUZZ_CHECK(!e.address.has_value() || *e.address != 0);
  }
  return 0;
}
