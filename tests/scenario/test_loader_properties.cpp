// Property: whatever a mutation does to a valid scenario, the loader either
// accepts the result or rejects it with diagnostics that each carry a
// file:line:column and a message; it never throws or crashes. Mutations are
// drawn from a seeded generator, so a failure reproduces exactly.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <vector>

#include "tests/scenario/loader_fixture.h"

using namespace crashtwin::scenario;
using namespace crashtwin::scenario::test;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

const std::vector<std::string> kTokens = {
    "", "0", "-1", "1e308", "nan", "\"10 ms\"", "\"4 GiB\"", "\"250 MB/s\"", "\"85 C\"", "\"12 %\"", "true",
    "[]", "{}", "[a, b]", "{x: 1}", "~", "\"\"", "memory.9", "cpu.x", "bogus", "\"1e30 s\"", "18446744073709551616",
    "&a x", "*a", "!!binary aGk=", "\"-5 s\"", "|\n  text", "oracle", "all"};
const std::string kChars = ":{}[]-,\"' \n#&*!|>%?@`\t0123456789abc.";

std::string mutate(const std::string& text, std::mt19937_64& rng) {
  std::vector<std::string> lines = split_lines(text);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  switch (pick(7)) {
    case 0: {  // delete a character
      std::string t = text;
      if (!t.empty()) t.erase(pick(t.size()), 1);
      return t;
    }
    case 1: {  // insert a YAML-significant character
      std::string t = text;
      t.insert(pick(t.size() + 1), 1, kChars[pick(kChars.size())]);
      return t;
    }
    case 2: {  // replace a value by a token
      std::string& l = lines[pick(lines.size())];
      const size_t colon = l.find(": ");
      if (colon != std::string::npos) l = l.substr(0, colon + 2) + kTokens[pick(kTokens.size())];
      return join_lines(lines);
    }
    case 3:  // drop a line
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size())));
      return join_lines(lines);
    case 4: {  // duplicate a line
      const size_t i = pick(lines.size());
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      return join_lines(lines);
    }
    case 5: {  // swap two lines
      std::swap(lines[pick(lines.size())], lines[pick(lines.size())]);
      return join_lines(lines);
    }
    default: {  // change indentation
      std::string& l = lines[pick(lines.size())];
      if (pick(2) == 0 && l.size() >= 2 && l.rfind("  ", 0) == 0) l.erase(0, 2);
      else l.insert(0, "  ");
      return join_lines(lines);
    }
  }
}

}  // namespace

TEST_CASE("mutated scenarios load cleanly or fail with located diagnostics", "[loader][property]") {
  std::mt19937_64 rng(20240611);
  int accepted = 0;
  int rejected = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string text = kValidScenario;
    const int mutations = 1 + static_cast<int>(rng() % 3);
    for (int m = 0; m < mutations; ++m) text = mutate(text, rng);
    LoadResult r;
    REQUIRE_NOTHROW(r = load_text(text));
    if (r.diagnostics.empty()) {
      REQUIRE(r.scenario.has_value());
      ++accepted;
      continue;
    }
    ++rejected;
    REQUIRE_FALSE(r.scenario.has_value());
    for (const Diagnostic& d : r.diagnostics.list()) {
      INFO("mutation " << i << ":\n" << text << "\n=> " << d.to_string());
      REQUIRE(d.where.file == "fixture.yaml");
      REQUIRE(d.where.line > 0);
      REQUIRE(d.where.column > 0);
      REQUIRE_FALSE(d.message.empty());
    }
  }
  // Both outcomes must actually be exercised for the property to mean much.
  CHECK(accepted > 50);
  CHECK(rejected > 500);
}

TEST_CASE("random bytes never crash the loader", "[loader][property]") {
  std::mt19937_64 rng(77);
  for (int i = 0; i < 500; ++i) {
    std::string text(rng() % 200, ' ');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    LoadResult r;
    REQUIRE_NOTHROW(r = load_text(text));
    REQUIRE((r.scenario.has_value() || !r.diagnostics.empty()));
  }
}
