#include "scenarios/schema/sweep_grid.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

constexpr size_t kMaxRangePoints = 1000;
constexpr int kFirstSignificantDigits = 3;
constexpr int kMaxSignificantDigits = 9;
constexpr size_t kMaxPointIdLength = 180;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_point_count(std::string_view token) {
  token = trim(token);
  if (token.size() < 2 || token[0] != 'x') return false;
  for (char c : token.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

std::string sanitized(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '=' || c == ',' || c == '+' || c == '-';
    out += kept ? c : '_';
  }
  return out;
}

enum class RangeKind { number, size, duration };

struct Endpoint {
  RangeKind kind = RangeKind::number;
  double value = 0;  // bytes, nanoseconds or the number
  std::string text;  // how the endpoint is passed to --set
};

std::optional<double> plain_number(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<Endpoint> endpoint(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (auto v = plain_number(text)) return Endpoint{RangeKind::number, *v, std::string(text)};
  uint64_t n = 0;
  if (ok(parse_size_bytes(text, n))) return Endpoint{RangeKind::size, static_cast<double>(n), size_text(n)};
  if (ok(parse_duration_ns(text, n))) return Endpoint{RangeKind::duration, static_cast<double>(n), duration_text(n)};
  return std::nullopt;
}

const char* kind_name(RangeKind k) {
  switch (k) {
    case RangeKind::size: return "a size";
    case RangeKind::duration: return "a duration";
    case RangeKind::number: break;
  }
  return "a plain number";
}

struct Unit {
  double scale;
  const char* name;
};
constexpr std::array<Unit, 5> kSizeUnits = {{{1099511627776.0, "TiB"}, {1073741824.0, "GiB"}, {1048576.0, "MiB"},
                                             {1024.0, "KiB"}, {1.0, "B"}}};
constexpr std::array<Unit, 7> kDurationUnits = {{{86400e9, "d"}, {3600e9, "h"}, {60e9, "min"}, {1e9, "s"},
                                                 {1e6, "ms"}, {1e3, "us"}, {1.0, "ns"}}};

// `value` to `digits` significant digits, trailing zeros dropped.
std::string significant(double value, int digits) {
  const int magnitude = value > 0 ? static_cast<int>(std::floor(std::log10(value))) : 0;
  const int decimals = std::max(0, digits - 1 - magnitude);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

// A geometric point in the largest unit not above it; the base unit (bytes,
// nanoseconds) is whole.
template <size_t N>
std::string in_largest_unit(double value, const std::array<Unit, N>& units, int digits) {
  for (const Unit& u : units) {
    if (value >= u.scale || u.scale == 1.0) {
      if (u.scale == 1.0) return fmt::format("{} {}", std::llround(value), u.name);
      return significant(value / u.scale, digits) + " " + u.name;
    }
  }
  return {};
}

std::string point_text(RangeKind kind, double value, int digits, bool integers) {
  switch (kind) {
    case RangeKind::size: return in_largest_unit(value, kSizeUnits, digits);
    case RangeKind::duration: return in_largest_unit(value, kDurationUnits, digits);
    case RangeKind::number: break;
  }
  return integers ? std::to_string(std::llround(value)) : significant(value, digits);
}

// The value a point's text stands for, as the loader will read it.
double read_back(RangeKind kind, const std::string& text) {
  uint64_t n = 0;
  if (kind == RangeKind::size && ok(parse_size_bytes(text, n))) return static_cast<double>(n);
  if (kind == RangeKind::duration && ok(parse_duration_ns(text, n))) return static_cast<double>(n);
  return plain_number(text).value_or(NAN);
}

bool integer_text(std::string_view text) { return text.find_first_of(".eE") == std::string_view::npos; }

std::optional<SweepAxis> parse_range(const std::string& key, std::string_view spec, std::string& problem) {
  const std::string where = fmt::format("--vary {}={}", key, spec);
  const size_t space = spec.find_last_of(" \t");
  if (space == std::string_view::npos || !is_point_count(spec.substr(space + 1))) {
    problem = where + ": a range needs a point count, e.g. " + key + "=4MiB..1GiB x8";
    return std::nullopt;
  }
  size_t count = 0;
  const std::string_view count_text = trim(spec.substr(space + 1)).substr(1);
  const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (ec != std::errc() || count < 2 || count > kMaxRangePoints) {
    problem = fmt::format("{}: the point count must be between 2 and {}", where, kMaxRangePoints);
    return std::nullopt;
  }
  const std::string_view range = trim(spec.substr(0, space));
  const size_t dots = range.find("..");
  const auto lo = endpoint(range.substr(0, dots));
  const auto hi = endpoint(range.substr(dots + 2));
  if (!lo || !hi) {
    problem = where + ": LO..HI must be sizes (4MiB), durations (10s) or plain numbers";
    return std::nullopt;
  }
  if (lo->kind != hi->kind) {
    problem = fmt::format("{}: LO is {} but HI is {}", where, kind_name(lo->kind), kind_name(hi->kind));
    return std::nullopt;
  }
  if (!(lo->value > 0)) {
    problem = where + ": a geometric range needs LO above zero";
    return std::nullopt;
  }
  if (lo->value > hi->value) {
    problem = fmt::format("{}: LO ({}) is larger than HI ({})", where, lo->text, hi->text);
    return std::nullopt;
  }
  const bool integers =
      lo->kind == RangeKind::number && integer_text(range.substr(0, dots)) && integer_text(range.substr(dots + 2));
  const double ratio = hi->value / lo->value;
  for (int digits = kFirstSignificantDigits; digits <= kMaxSignificantDigits; ++digits) {
    SweepAxis axis{key, {lo->text}};
    for (size_t i = 1; i + 1 < count; ++i) {
      const double v = lo->value * std::pow(ratio, static_cast<double>(i) / static_cast<double>(count - 1));
      axis.values.push_back(point_text(lo->kind, v, digits, integers));
    }
    axis.values.push_back(hi->text);
    bool increasing = true;
    for (size_t i = 1; i < axis.values.size() && increasing; ++i)
      increasing = read_back(lo->kind, axis.values[i - 1]) < read_back(lo->kind, axis.values[i]);
    if (increasing) return axis;
  }
  problem = fmt::format("{}: {} points between {} and {} would repeat values; use fewer points", where, count,
                        lo->text, hi->text);
  return std::nullopt;
}

std::optional<SweepAxis> parse_list(const std::string& key, std::string_view spec, std::string& problem) {
  SweepAxis axis{key, {}};
  std::set<std::string> seen;
  size_t from = 0;
  for (;;) {
    const size_t comma = spec.find(',', from);
    const std::string_view item = trim(spec.substr(from, comma == std::string_view::npos ? spec.npos : comma - from));
    if (item.empty()) {
      problem = fmt::format("--vary {}={}: empty value in the list", key, spec);
      return std::nullopt;
    }
    if (!seen.insert(sanitized(item)).second) {
      problem = fmt::format("--vary {}={}: '{}' is listed twice", key, spec, item);
      return std::nullopt;
    }
    axis.values.emplace_back(item);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return axis;
}

uint32_t fnv1a(std::string_view text) {
  uint32_t h = 2166136261u;
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::optional<std::vector<SweepAxis>> parse_vary(const std::vector<std::string>& arguments, std::string& problem) {
  std::vector<std::string> specs;
  for (const std::string& a : arguments) {
    if (is_point_count(a)) {
      if (specs.empty() || specs.back().find("..") == std::string::npos) {
        problem = fmt::format("--vary: '{}' must follow a range KEY=LO..HI", a);
        return std::nullopt;
      }
      specs.back() += " " + std::string(trim(a));
    } else {
      specs.push_back(a);
    }
  }
  if (specs.empty()) {
    problem = "--vary: no grid; give at least one --vary KEY=LIST or KEY=LO..HI xN";
    return std::nullopt;
  }
  std::vector<SweepAxis> axes;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    const std::string key(eq == std::string::npos ? std::string_view{} : trim(std::string_view(spec).substr(0, eq)));
    if (key.empty()) {
      problem = fmt::format("--vary '{}': expected KEY=LIST (a,b,c) or KEY=LO..HI xN (scenario paths go before "
                            "the options)", spec);
      return std::nullopt;
    }
    for (const SweepAxis& a : axes) {
      if (a.key == key) {
        problem = fmt::format("--vary {}: the key is varied twice", key);
        return std::nullopt;
      }
    }
    const std::string_view values = trim(std::string_view(spec).substr(eq + 1));
    if (values.empty()) {
      problem = fmt::format("--vary {}=: no values", key);
      return std::nullopt;
    }
    auto axis = values.find("..") != std::string_view::npos ? parse_range(key, values, problem)
                                                            : parse_list(key, values, problem);
    if (!axis) return std::nullopt;
    axes.push_back(std::move(*axis));
  }
  return axes;
}

std::string point_id(const std::vector<std::pair<std::string, std::string>>& settings) {
  std::string whole;
  for (const auto& [key, value] : settings) {
    if (!whole.empty()) whole += ',';
    whole += key + "=" + value;
  }
  std::string id = sanitized(whole);
  if (id.size() > kMaxPointIdLength) id = fmt::format("{}~{:08x}", id.substr(0, kMaxPointIdLength - 9), fnv1a(whole));
  return id;
}

std::vector<SweepPoint> expand_grid(const std::vector<SweepAxis>& axes) {
  std::vector<SweepPoint> points(1);
  for (const SweepAxis& axis : axes) {
    std::vector<SweepPoint> next;
    next.reserve(points.size() * axis.values.size());
    for (const SweepPoint& p : points) {
      for (const std::string& v : axis.values) {
        SweepPoint q = p;
        q.settings.emplace_back(axis.key, v);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  if (axes.empty()) return {};
  for (SweepPoint& p : points) p.id = point_id(p.settings);
  return points;
}

}  // namespace crashtwin::scenario
