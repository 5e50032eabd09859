// Error handling for portable firmware code: every fallible call returns a
// Status (no exceptions in platform/ and policies/).
#pragma once

#include <cstdint>

namespace crashtwin {

enum class Status : int32_t {
  ok = 0,
  invalid_argument,  // caller broke the contract (bad size, misaligned, foreign)
  no_memory,         // allocator or buffer exhausted
  out_of_range,      // address or index outside what the object manages
  not_found,         // lookup failed (no such slice, component, section)
  corrupt,           // untrusted bytes failed a check (CRC, length, magic)
  unsupported,       // version or kind this code does not know
  truncated,         // operation completed partially (capture ran out of space)
  busy,              // resource held (e.g. DMA window open)
  io_error,          // Hal access failed
  double_free,       // free of a block that is not allocated
};

constexpr bool ok(Status s) { return s == Status::ok; }

// Stable lower-case name, used in logs and JSON ("no_memory").
const char* to_string(Status s);

}  // namespace crashtwin
