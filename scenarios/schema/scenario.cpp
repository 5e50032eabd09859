#include "scenarios/schema/scenario.h"

#include <array>
#include <charconv>

namespace crashtwin::scenario {
namespace {

constexpr std::array<const char*, kPrecursorKindCount> kPrecursorNames = {
    "corrected_error_burst", "temperature_ramp", "exception_rate_rise", "io_latency", "io_errors", "link_flap", "stack_recursion"};
constexpr std::array<const char*, 4> kDistributionNames = {"fixed", "uniform", "exponential", "normal"};
constexpr std::array<const char*, 6> kOpNames = {"<", "<=", ">", ">=", "==", "!="};

template <typename Enum, size_t N>
bool parse_name(std::string_view text, const std::array<const char*, N>& names, Enum& out) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) {
      out = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

const char* to_string(PrecursorKind k) { return kPrecursorNames[static_cast<size_t>(k)]; }
bool parse(std::string_view text, PrecursorKind& out) { return parse_name(text, kPrecursorNames, out); }

bool applies_to(PrecursorKind k, ComponentClass c) {
  switch (k) {
    case PrecursorKind::corrected_error_burst:
      return c == ComponentClass::memory || c == ComponentClass::cpu;
    case PrecursorKind::temperature_ramp:
      return true;
    case PrecursorKind::exception_rate_rise:
      return c == ComponentClass::cpu;
    case PrecursorKind::io_latency:
    case PrecursorKind::io_errors:
      return c == ComponentClass::disk || c == ComponentClass::network;
    case PrecursorKind::link_flap:
      return c == ComponentClass::network;
    case PrecursorKind::stack_recursion:
      return c == ComponentClass::cpu;
  }
  return false;
}

const char* to_string(TimeDistribution d) { return kDistributionNames[static_cast<size_t>(d)]; }
bool parse(std::string_view text, TimeDistribution& out) { return parse_name(text, kDistributionNames, out); }

const char* to_string(CompareOp op) { return kOpNames[static_cast<size_t>(op)]; }
bool parse(std::string_view text, CompareOp& out) { return parse_name(text, kOpNames, out); }

bool holds(double actual, CompareOp op, double bound) {
  switch (op) {
    case CompareOp::lt: return actual < bound;
    case CompareOp::le: return actual <= bound;
    case CompareOp::gt: return actual > bound;
    case CompareOp::ge: return actual >= bound;
    case CompareOp::eq: return actual == bound;
    case CompareOp::ne: return actual != bound;
  }
  return false;
}

std::string to_string(ComponentId c) {
  return std::string(crashtwin::to_string(c.cls)) + "." + std::to_string(c.instance);
}

bool parse_component(std::string_view text, ComponentId& out) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot + 1 >= text.size()) return false;
  ComponentClass cls{};
  if (!crashtwin::parse(text.substr(0, dot), cls)) return false;
  const std::string_view digits = text.substr(dot + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value > 0xFFFF) return false;
  out = ComponentId{cls, static_cast<uint16_t>(value)};
  return true;
}

}  // namespace crashtwin::scenario
