// A strict VCD reader for tests: the subset of IEEE 1364-2005 §18 that
// VcdWriter is allowed to produce, checked as a waveform viewer would need
// it. It reports the first problem in VcdDump::error instead of guessing:
//  - header: $timescale (1/10/100 with s, ms, us, ns, ps or fs), balanced
//    $scope module / $upscope, $var of type wire, reg, integer or real with
//    a positive width (64 for real), identifier codes of printable ASCII and
//    unique, $enddefinitions;
//  - body: #time strictly increasing, every change of a declared code, value
//    kind matching the variable (scalar 0/1/x/z for 1-bit wires and regs,
//    b<bits> no wider than the variable for vectors and integers, r<number>
//    for reals), and every variable given a value at time 0 ($dumpvars), so
//    no signal starts undefined by omission.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace crashtwin::test {

struct VcdVar {
  std::string type;   // wire, reg, integer, real
  int width = 0;
  std::string code;
  std::string path;   // scope.scope.name
};

struct VcdChange {
  uint64_t t = 0;
  std::string code;
  std::string value;  // "1", "x", "b101", "r0.25"
};

struct VcdDump {
  std::string timescale;
  std::vector<VcdVar> vars;
  std::vector<VcdChange> changes;  // $dumpvars values at t=0 included
  std::vector<uint64_t> times;     // every #t in file order
  std::string error;               // empty if the file parsed

  const VcdVar* var(const std::string& path) const {
    for (const auto& v : vars) {
      if (v.path == path) return &v;
    }
    return nullptr;
  }
  const VcdVar* var_of_code(const std::string& code) const {
    for (const auto& v : vars) {
      if (v.code == code) return &v;
    }
    return nullptr;
  }
  std::vector<VcdChange> changes_of(const std::string& code) const {
    std::vector<VcdChange> out;
    for (const auto& c : changes) {
      if (c.code == code) out.push_back(c);
    }
    return out;
  }
};

namespace vcd_detail {

inline bool parse_unsigned(const std::string& text, uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

inline bool valid_timescale(const std::string& ts) {
  std::string digits, unit;
  for (char c : ts) {
    if (c == ' ') continue;
    (c >= '0' && c <= '9' ? digits : unit) += c;
  }
  const std::set<std::string> units = {"s", "ms", "us", "ns", "ps", "fs"};
  return (digits == "1" || digits == "10" || digits == "100") && units.count(unit) == 1;
}

// What is wrong with `value` as a change of `v`, or empty.
inline std::string value_problem(const VcdVar& v, const std::string& value) {
  const auto scalar = [](char c) { return c == '0' || c == '1' || c == 'x' || c == 'z' || c == 'X' || c == 'Z'; };
  if (v.type == "real") {
    if (value.size() < 2 || value[0] != 'r') return "real " + v.path + " given a non-real value " + value;
    char* end = nullptr;
    const std::string number = value.substr(1);
    std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return "real " + v.path + ": '" + number + "' is not a number";
    return {};
  }
  if (value[0] == 'r') return v.type + " " + v.path + " given a real value";
  if (value[0] == 'b' || value[0] == 'B') {
    const std::string bits = value.substr(1);
    if (bits.empty()) return v.path + ": empty vector value";
    for (char c : bits)
      if (!scalar(c)) return v.path + ": '" + value + "' holds a character that is not 0, 1, x or z";
    if (static_cast<int>(bits.size()) > v.width)
      return v.path + ": " + std::to_string(bits.size()) + " bits for a " + std::to_string(v.width) + "-bit variable";
    return {};
  }
  if (value.size() != 1 || !scalar(value[0])) return v.path + ": '" + value + "' is not a scalar value";
  if (v.width != 1) return v.path + ": scalar change of a " + std::to_string(v.width) + "-bit variable";
  return {};
}

}  // namespace vcd_detail

inline VcdDump parse_vcd(const std::string& text) {
  VcdDump dump;
  std::istringstream in(text);
  std::string token;
  std::vector<std::string> scopes;
  uint64_t now = 0;
  bool definitions = true;
  bool saw_time = false;
  auto fail = [&](const std::string& why) {
    if (dump.error.empty()) dump.error = why;
  };
  auto read_until_end = [&](std::vector<std::string>& words) {
    std::string w;
    while (in >> w && w != "$end") words.push_back(w);
    if (w != "$end") fail("a header section runs to the end of the file without $end");
  };
  while (in >> token && dump.error.empty()) {
    if (definitions) {
      std::vector<std::string> words;
      if (token == "$var") {
        read_until_end(words);
        if (words.size() != 4) {
          fail("$var needs type, width, code and name");
          continue;
        }
        VcdVar v{words[0], 0, words[2], ""};
        uint64_t width = 0;
        if (!vcd_detail::parse_unsigned(words[1], width) || width == 0 || width > 4096)
          fail("$var " + words[3] + ": width '" + words[1] + "' is not a positive integer");
        v.width = static_cast<int>(width);
        if (v.type != "wire" && v.type != "reg" && v.type != "integer" && v.type != "real")
          fail("$var " + words[3] + ": type '" + v.type + "' is not wire, reg, integer or real");
        if (v.type == "real" && v.width != 64) fail("$var " + words[3] + ": a real is 64 bits wide");
        for (const auto& s : scopes) v.path += s + ".";
        v.path += words[3];
        for (char c : v.code) {
          if (c < 33 || c > 126) fail("identifier code outside printable ASCII");
        }
        if (dump.var_of_code(v.code)) fail("duplicate identifier code " + v.code);
        if (scopes.empty()) fail("$var " + words[3] + " outside any $scope");
        dump.vars.push_back(v);
      } else if (token == "$scope") {
        read_until_end(words);
        if (words.size() != 2 || words[0] != "module") fail("bad $scope");
        else scopes.push_back(words[1]);
      } else if (token == "$upscope") {
        read_until_end(words);
        if (scopes.empty()) fail("$upscope without $scope");
        else scopes.pop_back();
      } else if (token == "$timescale") {
        read_until_end(words);
        for (const auto& w : words) dump.timescale += (dump.timescale.empty() ? "" : " ") + w;
        if (!vcd_detail::valid_timescale(dump.timescale)) fail("bad $timescale '" + dump.timescale + "'");
      } else if (token == "$enddefinitions") {
        read_until_end(words);
        if (!scopes.empty()) fail("unclosed $scope");
        if (dump.timescale.empty()) fail("no $timescale before $enddefinitions");
        definitions = false;
      } else if (token == "$version" || token == "$date" || token == "$comment") {
        read_until_end(words);
      } else {
        fail("unexpected token in header: " + token);
      }
      continue;
    }
    if (token == "$dumpvars" || token == "$end") continue;
    if (token[0] == '#') {
      uint64_t t = 0;
      if (!vcd_detail::parse_unsigned(token.substr(1), t)) {
        fail("bad timestamp " + token);
        continue;
      }
      if (!dump.times.empty() && t <= dump.times.back()) fail("time not increasing at " + token);
      dump.times.push_back(t);
      now = t;
      saw_time = true;
      continue;
    }
    if (!saw_time) {
      fail("value change before the first #time: " + token);
      continue;
    }
    std::string code, value;
    if (token[0] == 'b' || token[0] == 'B' || token[0] == 'r' || token[0] == 'R') {
      value = token;
      if (!(in >> code)) fail("vector or real change without an identifier code");
    } else {
      value = token.substr(0, 1);
      code = token.substr(1);
    }
    const VcdVar* v = dump.var_of_code(code);
    if (v == nullptr) {
      fail("change of undeclared code '" + code + "'");
      continue;
    }
    if (const std::string problem = vcd_detail::value_problem(*v, value); !problem.empty()) fail(problem);
    dump.changes.push_back({now, code, value});
  }
  if (dump.error.empty() && definitions) fail("no $enddefinitions");
  if (dump.error.empty()) {
    std::set<std::string> at_zero;
    for (const auto& c : dump.changes)
      if (c.t == 0) at_zero.insert(c.code);
    for (const auto& v : dump.vars)
      if (!at_zero.count(v.code)) {
        fail(v.path + " has no value at time 0");
        break;
      }
  }
  return dump;
}

}  // namespace crashtwin::test
