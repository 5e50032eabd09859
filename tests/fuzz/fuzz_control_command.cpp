// The firmware's control-channel parser (platform/monitor/control_command.h):
// the line a host or BMC writes, untrusted. Contract: a refusal names a
// reason and leaves the output untouched; an accepted line is at most
// kMaxControlLineBytes of text and its command obeys the verb's rules
// (a known component class, a non-zero size that does not wrap, a non-zero
// duration); the command written back canonically parses to the same
// command; ControlStats counts every line once, refused ones by reason.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "platform/monitor/control_command.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;

namespace {

bool same(const ControlCommand& a, const ControlCommand& b) {
  return a.verb == b.verb && a.component == b.component && a.address == b.address && a.size == b.size &&
         a.allocation_frequency_ns == b.allocation_frequency_ns;
}

// The command as a canonical line.
std::string canonical(const ControlCommand& c) {
  char line[kMaxControlLineBytes + 1] = {};
  switch (c.verb) {
    case ControlVerb::status: return "status";
    case ControlVerb::dump:
      std::snprintf(line, sizeof line, "dump %s.%u", to_string(c.component.cls), unsigned{c.component.instance});
      break;
    case ControlVerb::release_region:
      std::snprintf(line, sizeof line, "release_region 0x%" PRIx64 " %" PRIu64, c.address, c.size);
      break;
    case ControlVerb::set_allocation_frequency:
      std::snprintf(line, sizeof line, "set allocation_frequency %" PRIu64 " ns", c.allocation_frequency_ns);
      break;
  }
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  ControlCommand marker;
  marker.address = 0xF022;  // parse must not touch the output on refusal
  ControlCommand out = marker;
  const ControlError e = parse_control_command(line, out);
  FUZZ_CHECK(static_cast<size_t>(e) < kControlErrorCount);
  ControlStats stats;
  ControlCommand again = marker;
  FUZZ_CHECK(stats.submit(line, again) == e);  // the same answer twice, counted once
  FUZZ_CHECK(stats.accepted + stats.refused == 1);
  if (e != ControlError::none) {
    FUZZ_CHECK(same(out, marker) && same(again, marker));
    FUZZ_CHECK(stats.refused == 1 && stats.refused_by[static_cast<size_t>(e)] == 1);
    return 0;
  }
  FUZZ_CHECK(stats.accepted == 1 && same(out, again));
  FUZZ_CHECK(size <= kMaxControlLineBytes);
  for (size_t i = 0; i < size; ++i) {
    const unsigned char c = data[i];
    FUZZ_CHECK(c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7E) || (c == '\n' && i + 1 == size));
  }
  switch (out.verb) {
    case ControlVerb::dump: FUZZ_CHECK(static_cast<size_t>(out.component.cls) < kComponentClassCount); break;
    case ControlVerb::release_region: FUZZ_CHECK(out.size > 0 && out.address <= UINT64_MAX - out.size); break;
    case ControlVerb::set_allocation_frequency: FUZZ_CHECK(out.allocation_frequency_ns > 0); break;
    case ControlVerb::status: break;
  }
  const std::string written = canonical(out);
  ControlCommand reparsed;
  FUZZ_CHECK(parse_control_command(written, reparsed) == ControlError::none);
  FUZZ_CHECK(same(reparsed, out));
  return 0;
}
