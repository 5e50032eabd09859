// Scenario YAML loader: any text gives either a Scenario or diagnostics,
// never both, never an exception, and the same answer twice. Leading
// "#set key=value" lines (YAML comments, so the document is unchanged) become
// --set overrides, which walk and rewrite the parsed document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/loader/loader.h"
#include "scenarios/schema/choices.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin::scenario;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const LoadOptions base = [] {
    LoadOptions o;
    o.known_policies = known_policies();
    o.known_strategies = known_strategies();
    return o;
  }();
  LoadOptions options = base;
  std::string_view rest = text;
  while (rest.starts_with("#set ") && options.overrides.size() < 4) {
    const size_t end = rest.find('\n');
    if (auto o = parse_override(rest.substr(5, end == std::string_view::npos ? rest.npos : end - 5))) {
      options.overrides.push_back(*o);
    }
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  // A directory that does not exist: a replay section's trace path cannot
  // reach the files of the machine the fuzzer runs on (absolute paths aside).
  const std::string name = "/nonexistent-fuzz-dir/scenario.yaml";
  const LoadResult first = load_scenario_text(text, name, options);
  FUZZ_CHECK(first.scenario.has_value() == first.diagnostics.empty());
  for (const Diagnostic& d : first.diagnostics.list()) FUZZ_CHECK(!d.message.empty());
  const LoadResult second = load_scenario_text(text, name, options);
  FUZZ_CHECK(second.diagnostics.to_string() == first.diagnostics.to_string());
  return 0;
}
