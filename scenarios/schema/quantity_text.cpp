#include "scenarios/schema/quantity_text.h"

#include <array>
#include <charconv>
#include <utility>

namespace crashtwin::scenario {
namespace {

template <size_t N>
std::string exact_in_largest(uint64_t value, const std::array<std::pair<uint64_t, const char*>, N>& units) {
  for (const auto& [scale, name] : units)
    if (value != 0 && value % scale == 0) return std::to_string(value / scale) + " " + name;
  return std::to_string(value) + " " + units.back().second;
}

}  // namespace

std::string duration_text(uint64_t ns) {
  static constexpr std::array<std::pair<uint64_t, const char*>, 7> kUnits = {{{86'400'000'000'000ull, "d"},
                                                                              {3'600'000'000'000ull, "h"},
                                                                              {60'000'000'000ull, "min"},
                                                                              {1'000'000'000ull, "s"},
                                                                              {1'000'000ull, "ms"},
                                                                              {1'000ull, "us"},
                                                                              {1ull, "ns"}}};
  if (ns == 0) return "0 s";
  return exact_in_largest(ns, kUnits);
}

std::string size_text(uint64_t bytes) {
  static constexpr std::array<std::pair<uint64_t, const char*>, 5> kUnits = {
      {{1ull << 40, "TiB"}, {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}, {1ull, "B"}}};
  if (bytes == 0) return "0 B";
  return exact_in_largest(bytes, kUnits);
}

std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string("nan");
}

std::string rate_text(double per_second) { return number_text(per_second) + " /s"; }
std::string ratio_text(double fraction) { return number_text(fraction); }

}  // namespace crashtwin::scenario
