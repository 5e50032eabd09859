// The firmware's control channel: a write-only, line-based command interface
// (as a kernel collector's procfs entry), reachable from the host and from
// the BMC mailbox. One write is one command line:
//
//   dump COMPONENT                       capture now into COMPONENT's slice and alert the BMC
//   status                               report the agent's state
//   release_region ADDRESS SIZE          return [ADDRESS, ADDRESS + SIZE) to the running kernel
//   set allocation_frequency DURATION    change how often the agent repartitions
//
// COMPONENT is `class.instance` (`memory.1`); ADDRESS a decimal or 0x-hex
// integer; SIZE bytes, decimal or 0x-hex, or with a unit (`2 MiB`); DURATION
// with a unit (`100 ms`). Tokens are separated by spaces or tabs; a trailing
// newline is allowed. The parser is strict: anything else is refused with the
// reason, and ControlStats counts accepted and refused lines by reason.
// Portable firmware code (no heap, no exceptions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/core/types.h"

namespace crashtwin {

// Longest command line accepted, newline included (procfs writes are small).
inline constexpr size_t kMaxControlLineBytes = 128;

enum class ControlVerb : uint8_t { dump, status, release_region, set_allocation_frequency };
const char* to_string(ControlVerb v);  // "dump", "status", "release_region", "set_allocation_frequency"

// Where a line came from: the host (the collector's procfs entry, written by
// the running kernel's user space) or the BMC (its command mailbox).
enum class ControlSource : uint8_t { host, bmc };
const char* to_string(ControlSource s);  // "host", "bmc"

struct ControlCommand {
  ControlVerb verb = ControlVerb::status;
  ComponentId component;           // dump
  uint64_t address = 0;            // release_region
  uint64_t size = 0;               // release_region
  uint64_t allocation_frequency_ns = 0;  // set allocation_frequency
};

enum class ControlError : uint8_t {
  none = 0,
  empty,             // nothing but white space
  too_long,          // longer than kMaxControlLineBytes
  not_text,          // a byte that is not printable ASCII, space or tab (or an inner newline)
  unknown_command,   // first word is no verb
  wrong_arguments,   // missing or extra words for the verb
  bad_component,     // not class.instance of a known class
  bad_number,        // not a decimal or 0x-hex integer that fits 64 bits
  bad_size,          // not a size, or 0
  bad_duration,      // not a duration, or 0
  unknown_setting,   // set of something other than allocation_frequency
  range_wraps,       // ADDRESS + SIZE overflows 64 bits
};
inline constexpr size_t kControlErrorCount = 12;

const char* to_string(ControlError e);

// Parses one line. ControlError::none with `out` filled, or the reason.
ControlError parse_control_command(std::string_view line, ControlCommand& out);

// Accepted and refused lines, the refused ones by reason.
struct ControlStats {
  uint64_t accepted = 0;
  uint64_t refused = 0;
  uint64_t refused_by[kControlErrorCount] = {};

  // Parses and counts.
  ControlError submit(std::string_view line, ControlCommand& out);
};

}  // namespace crashtwin
