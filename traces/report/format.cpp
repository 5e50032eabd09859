#include "traces/report/format.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace crashtwin::report {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {
std::string three_digits(double v) {
  double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string binary_prefixed(double value, std::string_view unit) {
  if (!std::isfinite(value)) return "–";
  static constexpr std::array<const char*, 6> kPrefixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
  size_t p = 0;
  double v = value;
  while (std::fabs(v) >= 1024 && p + 1 < kPrefixes.size()) {
    v /= 1024;
    ++p;
  }
  if (p == 0) return fmt::format("{:.0f} {}", v, unit);
  return fmt::format("{} {}{}", three_digits(v), kPrefixes[p], unit);
}
}  // namespace

std::string format_bytes(double bytes) { return binary_prefixed(bytes, "B"); }

std::string format_byte_seconds(double byte_seconds) { return binary_prefixed(byte_seconds, "B·s"); }

std::string format_seconds(double s) {
  if (!std::isfinite(s)) return "–";
  double a = std::fabs(s);
  if (a == 0) return "0 s";
  if (a < 1e-6) return fmt::format("{} ns", three_digits(s * 1e9));
  if (a < 1e-3) return fmt::format("{} µs", three_digits(s * 1e6));
  if (a < 1) return fmt::format("{} ms", three_digits(s * 1e3));
  if (a < 120) return fmt::format("{} s", three_digits(s));
  if (a < 7200) return fmt::format("{} min", three_digits(s / 60));
  return fmt::format("{} h", three_digits(s / 3600));
}

std::string format_quantity(double v) {
  if (!std::isfinite(v)) return "–";
  double a = std::fabs(v);
  if (a >= 1e9) return three_digits(v / 1e9) + "G";
  if (a >= 1e6) return three_digits(v / 1e6) + "M";
  if (a >= 1e4) return three_digits(v / 1e3) + "k";
  if (a == std::floor(a) && a < 1e4) return fmt::format("{:.0f}", v);
  if (a >= 0.01 || a == 0) return three_digits(v);
  return fmt::format("{:.2e}", v);
}

std::string format_metric(std::string_view metric, double value) {
  if (metric.find("byte_seconds") != std::string_view::npos) return format_byte_seconds(value);
  if (metric.find("bytes") != std::string_view::npos) return format_bytes(value);
  if (metric.ends_with("_s") || metric.find("_s.") != std::string_view::npos) return format_seconds(value);
  if (metric.starts_with("capture_completeness") || metric.starts_with("failures_identified") ||
      metric.find("precision") != std::string_view::npos || metric.find("recall") != std::string_view::npos) {
    return fmt::format("{:.1f} %", value * 100);
  }
  return format_quantity(value);
}

ColumnUnit column_unit(std::string_view metric, std::span<const double> values) {
  ColumnUnit unit;
  unit.metric = std::string(metric);
  double largest = 0;
  for (double v : values) {
    if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
  }
  const bool byte_seconds = metric.find("byte_seconds") != std::string_view::npos;
  if (byte_seconds || metric.find("bytes") != std::string_view::npos) {
    static constexpr std::array<const char*, 6> kPrefixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    size_t p = 0;
    while (largest / unit.divisor >= 1024 && p + 1 < kPrefixes.size()) {
      unit.divisor *= 1024;
      ++p;
    }
    unit.suffix = fmt::format(" {}{}", kPrefixes[p], byte_seconds ? "B·s" : "B");
    unit.scaled = true;
  } else if (metric.ends_with("_s") || metric.find("_s.") != std::string_view::npos) {
    // The same steps as format_seconds.
    struct Step { double below, divisor; const char* suffix; };
    static constexpr std::array<Step, 6> kSteps = {{{1e-6, 1e-9, " ns"}, {1e-3, 1e-6, " µs"}, {1, 1e-3, " ms"},
                                                   {120, 1, " s"}, {7200, 60, " min"}, {INFINITY, 3600, " h"}}};
    const Step* step = &kSteps.back();
    for (const Step& s : kSteps) {
      if (largest < s.below) {
        step = &s;
        break;
      }
    }
    if (largest == 0) step = &kSteps[3];
    unit.divisor = step->divisor;
    unit.suffix = step->suffix;
    unit.scaled = true;
  }
  return unit;
}

std::string format_in_column(const ColumnUnit& unit, double value) {
  if (!unit.scaled) return format_metric(unit.metric, value);
  if (!std::isfinite(value)) return "–";
  const double v = value / unit.divisor;
  const double a = std::fabs(v);
  if (unit.divisor == 1 && unit.suffix == " B") return fmt::format("{:.0f}{}", v, unit.suffix);
  if (a == 0 || a >= 0.01) return three_digits(v) + unit.suffix;
  return fmt::format("{:.2g}{}", v, unit.suffix);  // far below the column's largest: two significant digits
}

}  // namespace crashtwin::report
