// Text for people in report.html: HTML escaping and numbers with units.
#pragma once

#include <span>
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

// The unit every cell of one table column is written in, picked by the
// column's largest magnitude: a column of byte-seconds reads "0.09 TiB·s"
// beside "90.9 TiB·s", never "95.4 MiB·s" beside it, so cells compare digit
// by digit and agree with the chart axes. Metrics without a scalable unit
// (ratios, counts) keep format_metric's per-value form.
struct ColumnUnit {
  std::string metric;
  double divisor = 1;  // value / divisor is written, followed by suffix
  std::string suffix;  // " MiB·s", " ms"; empty when not scaled
  bool scaled = false;
};
ColumnUnit column_unit(std::string_view metric, std::span<const double> values);
std::string format_in_column(const ColumnUnit& unit, double value);

}  // namespace crashtwin::report
