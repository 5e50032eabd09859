// A small VCD reader for tests: enough of IEEE 1364 §18 to check what
// VcdWriter produces (declarations, scopes, timestamps, scalar, vector and
// real changes). Fails a test on anything it does not expect.
#pragma once

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace crashtwin::test {

struct VcdVar {
  std::string type;   // wire, integer, real
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
  std::vector<VcdChange> changes_of(const std::string& code) const {
    std::vector<VcdChange> out;
    for (const auto& c : changes) {
      if (c.code == code) out.push_back(c);
    }
    return out;
  }
};

inline VcdDump parse_vcd(const std::string& text) {
  VcdDump dump;
  std::istringstream in(text);
  std::string token;
  std::vector<std::string> scopes;
  uint64_t now = 0;
  bool definitions = true;
  auto fail = [&](const std::string& why) {
    if (dump.error.empty()) dump.error = why;
  };
  auto read_until_end = [&](std::vector<std::string>& words) {
    std::string w;
    while (in >> w && w != "$end") words.push_back(w);
  };
  while (in >> token) {
    if (definitions) {
      std::vector<std::string> words;
      if (token == "$var") {
        read_until_end(words);
        if (words.size() != 4) { fail("bad $var"); continue; }
        VcdVar v{words[0], std::stoi(words[1]), words[2], ""};
        for (const auto& s : scopes) v.path += s + ".";
        v.path += words[3];
        for (char c : v.code) {
          if (c < 33 || c > 126) fail("identifier code outside printable ASCII");
        }
        for (const auto& other : dump.vars) {
          if (other.code == v.code) fail("duplicate identifier code");
        }
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
      } else if (token == "$enddefinitions") {
        read_until_end(words);
        if (!scopes.empty()) fail("unclosed $scope");
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
      uint64_t t = std::stoull(token.substr(1));
      if (!dump.times.empty() && t <= dump.times.back()) fail("time not increasing");
      dump.times.push_back(t);
      now = t;
    } else if (token[0] == 'b' || token[0] == 'r') {
      std::string code;
      in >> code;
      dump.changes.push_back({now, code, token});
    } else if (token[0] == '0' || token[0] == '1' || token[0] == 'x' || token[0] == 'z') {
      dump.changes.push_back({now, token.substr(1), token.substr(0, 1)});
    } else {
      fail("unexpected token in body: " + token);
    }
  }
  for (const auto& c : dump.changes) {
    bool known = false;
    for (const auto& v : dump.vars) known = known || v.code == c.code;
    if (!known) fail("change of undeclared code " + c.code);
  }
  return dump;
}

}  // namespace crashtwin::test
