// Results-directory JSON readers (`crashtwin report`, `merge`, `analyze` and
// the dashboard read them back): summary.json, perf.json, bmc/report.json,
// memory_profile.json and each line of events.jsonl. Every reader gets the same text: it either
// returns a value or throws format_error naming the file (any other
// exception escapes and counts as a crash). An accepted summary or event
// writes back and reads again to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/bmc_report.h"
#include "traces/event_log.h"
#include "traces/io.h"
#include "traces/memory_profile.h"
#include "traces/summary.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;

namespace {

template <typename Read>
void expect_value_or_format_error(Read read) {
  try {
    read();
  } catch (const format_error& e) {
    FUZZ_CHECK(std::string(e.what()).starts_with("fuzz.json"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::filesystem::path path = "fuzz.json";
  expect_value_or_format_error([&] {
    const RunSummary summary = parse_summary(text, path);
    const std::string written = summary_json(summary);
    const RunSummary again = parse_summary(written, "again.json");
    FUZZ_CHECK(summary_json(again) == written);
  });
  expect_value_or_format_error([&] { (void)parse_perf(text, path); });
  expect_value_or_format_error([&] {
    const MemoryProfile profile = parse_memory_profile(text, path);
    const std::string written = memory_profile_json(profile);
    FUZZ_CHECK(memory_profile_json(parse_memory_profile(written, "again.json")) == written);
    for (const MemorySample& s : profile.samples) FUZZ_CHECK(s.largest_free_bytes <= s.free_bytes);
  });
  // No .cper directory: the fuzzer must not read files from the disk.
  expect_value_or_format_error([&] {
    const BmcReport report = parse_bmc_report(text, path, {});
    for (const BmcVerdict& v : report.verdicts) {
      for (uint32_t index : v.records) FUZZ_CHECK(index < report.records.size());
      for (uint32_t index : v.related_events) FUZZ_CHECK(index < report.event_log.size());
      if (v.alarm_asserted_t_ns) FUZZ_CHECK(*v.alarm_asserted_t_ns <= v.alert_t_ns);
    }
    for (const BmcEvent& e : report.event_log)
      if (e.probability) FUZZ_CHECK(*e.probability >= 0.0 && *e.probability <= 1.0);
  });
  // events.jsonl: line by line, as read_events_jsonl does.
  size_t lines = 0;
  for (std::string_view rest = text; !rest.empty() && lines < 64; ++lines) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    std::string problem;
    const std::optional<Event> event = parse_event_line(line, problem);
    if (!event) {
      FUZZ_CHECK(!problem.empty());
      continue;
    }
    const std::string written = event->to_jsonl();
    const std::optional<Event> again = parse_event_line(written, problem);
    FUZZ_CHECK(again.has_value() && again->to_jsonl() == written);
  }
  return 0;
}
