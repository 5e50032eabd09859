#include "traces/vcd_writer.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include <fmt/format.h>

#include "traces/io.h"

namespace crashtwin {

namespace {
bool is_vcd_name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 32 && c < 127 && c != '$'; });
}

std::vector<std::string_view> scope_parts(std::string_view scope) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (begin <= scope.size() && !scope.empty()) {
    size_t dot = scope.find('.', begin);
    if (dot == std::string_view::npos) dot = scope.size();
    parts.push_back(scope.substr(begin, dot - begin));
    begin = dot + 1;
  }
  return parts;
}

std::string binary(uint64_t v) {
  if (v == 0) return "0";
  std::string s;
  for (int bit = 63 - std::countl_zero(v); bit >= 0; --bit) s += ((v >> bit) & 1) ? '1' : '0';
  return s;
}
}  // namespace

std::string VcdWriter::identifier_code(uint32_t index) {
  // Bijective base 94: every code is distinct and codes grow only as needed.
  std::string code;
  uint64_t n = uint64_t{index} + 1;
  while (n > 0) {
    n -= 1;
    code += static_cast<char>(33 + n % 94);
    n /= 94;
  }
  return code;
}

VcdWriter::SignalId VcdWriter::add(std::string_view scope, std::string_view name, VcdKind kind) {
  if (!is_vcd_name(name)) throw std::invalid_argument(fmt::format("vcd: bad signal name '{}'", name));
  for (auto part : scope_parts(scope)) {
    if (!is_vcd_name(part)) throw std::invalid_argument(fmt::format("vcd: bad scope '{}'", scope));
  }
  for (const Signal& s : signals_) {
    if (s.scope == scope && s.name == name) {
      throw std::invalid_argument(fmt::format("vcd: signal {}.{} declared twice", scope, name));
    }
  }
  signals_.push_back(Signal{std::string(scope), std::string(name), kind});
  return static_cast<SignalId>(signals_.size() - 1);
}

VcdWriter::SignalId VcdWriter::add_wire(std::string_view scope, std::string_view name) {
  return add(scope, name, VcdKind::wire);
}
VcdWriter::SignalId VcdWriter::add_integer(std::string_view scope, std::string_view name) {
  return add(scope, name, VcdKind::integer);
}
VcdWriter::SignalId VcdWriter::add_real(std::string_view scope, std::string_view name) {
  return add(scope, name, VcdKind::real);
}

void VcdWriter::change(uint64_t t_ns, SignalId signal, uint64_t value) {
  if (signal >= signals_.size()) throw std::out_of_range("vcd: unknown signal id");
  if (signals_[signal].kind == VcdKind::real) {
    change_real(t_ns, signal, static_cast<double>(value));
    return;
  }
  if (signals_[signal].kind == VcdKind::wire) value = value != 0 ? 1 : 0;
  if (discarding_) return;
  changes_.push_back(Change{t_ns, signal, static_cast<uint32_t>(changes_.size()), value});
}

void VcdWriter::change_real(uint64_t t_ns, SignalId signal, double value) {
  if (signal >= signals_.size()) throw std::out_of_range("vcd: unknown signal id");
  if (signals_[signal].kind != VcdKind::real) {
    change(t_ns, signal, value <= 0 ? 0 : static_cast<uint64_t>(value));
    return;
  }
  if (value == 0) value = 0;  // -0 and 0 are the same value on a waveform
  if (discarding_) return;
  changes_.push_back(Change{t_ns, signal, static_cast<uint32_t>(changes_.size()), std::bit_cast<uint64_t>(value)});
}

std::string VcdWriter::to_string() const {
  std::string out;
  out += "$version crashtwin $end\n";
  out += "$timescale 1 ns $end\n";

  // Signals sorted by scope path (part by part, stable), so each $scope
  // block opens and closes exactly once.
  std::vector<uint32_t> order(signals_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return scope_parts(signals_[a].scope) < scope_parts(signals_[b].scope);
  });
  std::vector<std::string_view> open;
  for (uint32_t i : order) {
    auto parts = scope_parts(signals_[i].scope);
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      out += "$upscope $end\n";
      open.pop_back();
    }
    for (size_t p = common; p < parts.size(); ++p) {
      out += fmt::format("$scope module {} $end\n", parts[p]);
      open.push_back(parts[p]);
    }
    const Signal& s = signals_[i];
    const char* type = s.kind == VcdKind::wire ? "wire 1" : s.kind == VcdKind::integer ? "integer 64" : "real 64";
    out += fmt::format("$var {} {} {} $end\n", type, identifier_code(i), s.name);
  }
  while (!open.empty()) {
    out += "$upscope $end\n";
    open.pop_back();
  }
  out += "$enddefinitions $end\n";

  std::vector<Change> sorted = changes_;
  std::sort(sorted.begin(), sorted.end(), [](const Change& a, const Change& b) {
    return a.t_ns != b.t_ns ? a.t_ns < b.t_ns : a.signal != b.signal ? a.signal < b.signal : a.seq < b.seq;
  });

  auto value_text = [&](uint32_t signal, uint64_t bits) {
    const std::string id = identifier_code(signal);
    switch (signals_[signal].kind) {
      case VcdKind::wire: return fmt::format("{}{}", bits, id);
      case VcdKind::integer: return fmt::format("b{} {}", binary(bits), id);
      case VcdKind::real: return fmt::format("r{} {}", format_number(std::bit_cast<double>(bits)), id);
    }
    return std::string();
  };

  // Last value written per signal, to drop changes that change nothing.
  std::vector<bool> known(signals_.size(), false);
  std::vector<uint64_t> current(signals_.size(), 0);

  // Values at time 0 go into $dumpvars; a signal not set at 0 starts unknown.
  out += "#0\n$dumpvars\n";
  size_t next = 0;
  std::vector<uint64_t> initial(signals_.size(), 0);
  std::vector<bool> set_at_zero(signals_.size(), false);
  for (; next < sorted.size() && sorted[next].t_ns == 0; ++next) {
    initial[sorted[next].signal] = sorted[next].bits;  // the last one at t=0 wins
    set_at_zero[sorted[next].signal] = true;
  }
  for (uint32_t i = 0; i < signals_.size(); ++i) {
    if (set_at_zero[i]) {
      out += value_text(i, initial[i]);
      known[i] = true;
      current[i] = initial[i];
    } else if (signals_[i].kind == VcdKind::real) {
      out += fmt::format("r0 {}", identifier_code(i));
      known[i] = true;
      current[i] = std::bit_cast<uint64_t>(0.0);
    } else {
      out += signals_[i].kind == VcdKind::wire ? "x" + identifier_code(i) : "bx " + identifier_code(i);
    }
    out += '\n';
  }
  out += "$end\n";

  while (next < sorted.size()) {
    const uint64_t t = sorted[next].t_ns;
    // Within one instant only the last recorded change of a signal counts.
    std::string block;
    while (next < sorted.size() && sorted[next].t_ns == t) {
      size_t last = next;
      while (last + 1 < sorted.size() && sorted[last + 1].t_ns == t && sorted[last + 1].signal == sorted[next].signal) ++last;
      const Change& c = sorted[last];
      if (!known[c.signal] || current[c.signal] != c.bits) {
        block += value_text(c.signal, c.bits);
        block += '\n';
        known[c.signal] = true;
        current[c.signal] = c.bits;
      }
      next = last + 1;
    }
    if (!block.empty()) {
      out += fmt::format("#{}\n", t);
      out += block;
    }
  }
  return out;
}

void VcdWriter::write(const std::filesystem::path& path) const { write_file_atomically(path, to_string()); }

}  // namespace crashtwin
