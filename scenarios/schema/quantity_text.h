// Quantities back to the text a person writes ("90 s", "4 GiB"): for error
// messages and config.yaml, in the largest unit that keeps the value exact,
// so the text parses back (units.h) to the same number.
#pragma once

#include <cstdint>
#include <string>

namespace crashtwin::scenario {

std::string duration_text(uint64_t ns);   // "2 h", "150 ms", "0 s"
std::string size_text(uint64_t bytes);    // "4 GiB", "12 KiB", "1000 B"
std::string rate_text(double per_second); // "0.5 /s"
std::string ratio_text(double fraction);  // "0.125" (a plain fraction reads back exactly)
std::string number_text(double value);    // shortest round-trip form

}  // namespace crashtwin::scenario
