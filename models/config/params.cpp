#include "models/config/params.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include <systemc>

#include "models/core/tlm_types.h"
#include "platform/core/units.h"

namespace crashtwin {

std::string SourceLocation::to_string() const {
  if (file.empty()) return "<default>";
  if (line == 0) return file;  // not from the file's text: `file` says where ("x.yaml (--set board.dram.size)")
  return fmt::format("{}:{}:{}", file, line, column);
}

const char* to_string(ParamKind kind) {
  switch (kind) {
    case ParamKind::size: return "size";
    case ParamKind::duration: return "duration";
    case ParamKind::count: return "count";
    case ParamKind::address: return "address";
    case ParamKind::bandwidth: return "bandwidth";
    case ParamKind::rate: return "rate";
    case ParamKind::temperature: return "temperature";
    case ParamKind::ratio: return "ratio";
    case ParamKind::frequency: return "frequency";
    case ParamKind::real: return "number";
    case ParamKind::boolean: return "boolean";
    case ParamKind::text: return "text";
  }
  return "?";
}

void ParamTree::set(std::string name, std::string text, SourceLocation where) {
  if (Entry* e = find(name)) {
    e->text = std::move(text);
    e->where = std::move(where);
    return;
  }
  entries_.push_back({std::move(name), std::move(text), std::move(where), false});
}

const ParamTree::Entry* ParamTree::find(std::string_view name) const {
  for (const Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

ParamTree::Entry* ParamTree::find(std::string_view name) {
  for (Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

namespace {
// "board.dram.size" lies under "board" and "board.dram", not under "board.dr".
bool is_under(std::string_view name, std::string_view prefix) {
  if (prefix.empty()) return true;
  return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix && name[prefix.size()] == '.';
}
}  // namespace

std::vector<std::string> ParamTree::children(std::string_view prefix) const {
  std::vector<std::string> out;
  const size_t skip = prefix.empty() ? 0 : prefix.size() + 1;
  for (const Entry& e : entries_) {
    if (!is_under(e.name, prefix)) continue;
    std::string_view rest = std::string_view(e.name).substr(skip);
    std::string child(rest.substr(0, rest.find('.')));
    bool known = false;
    for (const std::string& c : out) known = known || c == child;
    if (!known) out.push_back(std::move(child));
  }
  return out;
}

bool ParamTree::has(std::string_view prefix) const {
  for (const Entry& e : entries_)
    if (e.name == prefix || is_under(e.name, prefix)) return true;
  return false;
}

void ParamTree::reject_unused(std::string_view prefix) const {
  for (const Entry& e : entries_) {
    if (e.used || !(e.name == prefix || is_under(e.name, prefix))) continue;
    throw ConfigError(fmt::format("{}: unknown parameter {} (no model declares it)", e.where.to_string(), e.name));
  }
}

void ParamTree::record_effective(EffectiveParam p) {
  for (EffectiveParam& e : effective_)
    if (e.name == p.name) {
      e = std::move(p);
      return;
    }
  effective_.push_back(std::move(p));
}

std::string ParamScope::path(std::string_view name) const {
  if (prefix_.empty()) return std::string(name);
  if (name.empty()) return prefix_;
  return prefix_ + "." + std::string(name);
}

void ParamScope::fail(std::string_view name, std::string_view message) const {
  const std::string full = path(name);
  const ParamTree::Entry* e = tree_->find(full);
  const std::string where = e ? e->where.to_string() : std::string("<default>");
  throw ConfigError(fmt::format("{}: {}: {}", where, full, message));
}

namespace detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_integer(std::string_view text, uint64_t& out) {
  text = trim(text);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_real(std::string_view text, double& out) {
  const std::string s(trim(text));
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size() && std::isfinite(out);
}

std::string why_status(Status s, Quantity q) {
  if (s == Status::out_of_range && *quantity_limit(q) != '\0')
    return fmt::format("{} (allowed: {})", to_string(s), quantity_limit(q));
  return fmt::format("{} (expected {})", to_string(s), quantity_help(q));
}

}  // namespace

bool parse_param(ParamKind kind, std::string_view text, uint64_t& out, std::string& why) {
  Status s = Status::ok;
  switch (kind) {
    case ParamKind::size:
      s = parse_size_bytes(text, out);
      if (!ok(s)) why = why_status(s, Quantity::size);
      return ok(s);
    case ParamKind::duration:
      s = parse_duration_ns(text, out);
      if (!ok(s)) why = why_status(s, Quantity::duration);
      return ok(s);
    case ParamKind::count:
    case ParamKind::address:
      if (parse_integer(text, out)) return true;
      why = "expected a non-negative integer (decimal or 0x hex)";
      return false;
    default:
      why = "not an integer kind";
      return false;
  }
}

bool parse_param(ParamKind kind, std::string_view text, double& out, std::string& why) {
  Status s = Status::ok;
  Quantity q = Quantity::ratio;
  switch (kind) {
    case ParamKind::bandwidth: q = Quantity::bandwidth, s = parse_bandwidth(text, out); break;
    case ParamKind::rate: q = Quantity::rate, s = parse_rate(text, out); break;
    case ParamKind::temperature: q = Quantity::temperature, s = parse_temperature(text, out); break;
    case ParamKind::ratio: q = Quantity::ratio, s = parse_ratio(text, out); break;
    case ParamKind::frequency: q = Quantity::frequency, s = parse_frequency(text, out); break;
    case ParamKind::real:
      if (parse_real(text, out)) return true;
      why = "expected a number";
      return false;
    default:
      why = "not a real-valued kind";
      return false;
  }
  if (!ok(s)) why = why_status(s, q);
  return ok(s);
}

bool parse_param(ParamKind, std::string_view text, bool& out, std::string& why) {
  const std::string_view t = trim(text);
  if (t == "true" || t == "yes" || t == "on" || t == "1") return out = true, true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return out = false, true;
  why = "expected true or false";
  return false;
}

bool parse_param(ParamKind, std::string_view text, std::string& out, std::string&) {
  out = std::string(text);
  return true;
}

std::string format_param(ParamKind kind, uint64_t v) {
  struct Unit {
    uint64_t scale;
    const char* name;
  };
  if (kind == ParamKind::size) {
    static constexpr Unit units[] = {{1ull << 40, "TiB"}, {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
    for (const Unit& u : units)
      if (v != 0 && v % u.scale == 0) return fmt::format("{} {}", v / u.scale, u.name);
    return fmt::format("{} B", v);
  }
  if (kind == ParamKind::duration) {
    static constexpr Unit units[] = {{86'400'000'000'000ull, "d"}, {3'600'000'000'000ull, "h"},
                                     {60'000'000'000ull, "min"},   {1'000'000'000ull, "s"},
                                     {1'000'000ull, "ms"},         {1'000ull, "us"}};
    for (const Unit& u : units)
      if (v != 0 && v % u.scale == 0) return fmt::format("{} {}", v / u.scale, u.name);
    return fmt::format("{} ns", v);
  }
  if (kind == ParamKind::address) return fmt::format("{:#x}", v);
  return fmt::format("{}", v);
}

std::string format_param(ParamKind kind, double v) {
  auto scaled = [&](const char* const* names, double step) {
    int i = 0;
    while (names[i + 1] != nullptr && std::fabs(v) >= step) v /= step, ++i;
    return fmt::format("{:g} {}", v, names[i]);
  };
  switch (kind) {
    case ParamKind::bandwidth: {
      static const char* const names[] = {"B/s", "kB/s", "MB/s", "GB/s", nullptr};
      return scaled(names, 1000.0);
    }
    case ParamKind::frequency: {
      static const char* const names[] = {"Hz", "kHz", "MHz", "GHz", nullptr};
      return scaled(names, 1000.0);
    }
    case ParamKind::rate: return fmt::format("{:g} /s", v);
    case ParamKind::temperature: return fmt::format("{:g} C", v);
    default: return fmt::format("{:g}", v);
  }
}

namespace {
// Whole nanoseconds of simulated time at the kernel's resolution.
constexpr uint64_t kLongestDurationNs = std::numeric_limits<uint64_t>::max() / kTimeUnitsPerNs;
}  // namespace

sc_core::sc_time longest_duration() { return ns(kLongestDurationNs); }

bool parse_param(ParamKind kind, std::string_view text, sc_core::sc_time& out, std::string& why) {
  uint64_t n = 0;
  if (kind != ParamKind::duration) {
    why = "not a duration kind";
    return false;
  }
  if (!parse_param(kind, text, n, why)) return false;
  // Simulated time ends sooner than a uint64 of nanoseconds does.
  if (n > kLongestDurationNs) {
    why = fmt::format("{} (allowed: up to {}, the longest simulated time)", to_string(Status::out_of_range),
                      format_param(kind, longest_duration()));
    return false;
  }
  out = ns(n);
  return true;
}

std::string format_param(ParamKind kind, const sc_core::sc_time& v) {
  // Whole nanoseconds as the uint64 form writes them; a finer time (a
  // default built from a fraction) keeps its fraction.
  if (v.value() % kTimeUnitsPerNs == 0) return format_param(kind, uint64_t{v.value() / kTimeUnitsPerNs});
  return fmt::format("{:g} ns", v.to_seconds() * 1e9);
}

std::string format_param(ParamKind, bool v) { return v ? "true" : "false"; }
std::string format_param(ParamKind, const std::string& v) { return v; }

void check_kind(ParamKind kind, bool is_u64, bool is_double, bool is_bool, bool is_string, bool is_time,
                std::string_view name) {
  bool fits = false;
  switch (kind) {
    case ParamKind::duration: fits = is_u64 || is_time; break;
    case ParamKind::size:
    case ParamKind::count:
    case ParamKind::address: fits = is_u64; break;
    case ParamKind::bandwidth:
    case ParamKind::rate:
    case ParamKind::temperature:
    case ParamKind::ratio:
    case ParamKind::frequency:
    case ParamKind::real: fits = is_double; break;
    case ParamKind::boolean: fits = is_bool; break;
    case ParamKind::text: fits = is_string; break;
  }
  if (!fits) throw ConfigError(fmt::format("parameter {} declared with a C++ type that cannot hold a {}", name, to_string(kind)));
}

}  // namespace detail
}  // namespace crashtwin
