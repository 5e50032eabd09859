// Text for people in report.html: HTML escaping and numbers with units.
#pragma once

#include <string>
#include <string_view>

namespace crashtwin::report {

std::string html_escape(std::string_view text);
// "512 B", "4 KiB", "1.5 MiB", "64 GiB" (3 significant digits).
std::string format_bytes(double bytes);
// Byte-seconds with binary prefixes: "12.3 MiB·s".
std::string format_byte_seconds(double byte_seconds);
// Seconds: "850 ns", "1.2 µs", "3.4 ms", "2.5 s", "4.2 min", "1.3 h".
std::string format_seconds(double seconds);
// Plain quantity, 3 significant digits, SI suffix for large values ("1.2M").
std::string format_quantity(double value);
// A metric value in its natural unit, chosen from the metric's name
// (…_bytes…, …_byte_seconds, …_s, ratios as %).
std::string format_metric(std::string_view metric, double value);

}  // namespace crashtwin::report
