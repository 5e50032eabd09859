#include "platform/monitor/control_command.h"

#include "platform/core/units.h"

namespace crashtwin {
namespace {

constexpr size_t kMaxWords = 5;  // "set allocation_frequency 100 ms" has 4

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// [from, from + length) of `text`, both within it: string_view::substr
// checks and throws, which portable code must not even link.
std::string_view slice(std::string_view text, size_t from, size_t length) {
  return std::string_view(text.data() + from, length);
}

// Splits on blanks into at most kMaxWords words; false when there are more.
bool split(std::string_view line, std::string_view (&words)[kMaxWords], size_t& count) {
  count = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    size_t end = i;
    while (end < line.size() && !is_blank(line[end])) ++end;
    if (count == kMaxWords) return false;
    words[count++] = slice(line, i, end - i);
    i = end;
  }
  return true;
}

// Decimal or 0x-hex, no sign, no overflow.
bool parse_u64(std::string_view text, uint64_t& out) {
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    unsigned d = 0;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else return false;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  out = v;
  return true;
}

bool parse_component(std::string_view text, ComponentId& out) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  ComponentClass cls{};
  uint64_t instance = 0;
  if (!parse(slice(text, 0, dot), cls)) return false;
  const std::string_view number = slice(text, dot + 1, text.size() - dot - 1);
  if (number.size() > 1 && number[0] == '0') return false;  // one spelling per component
  if (!parse_u64(number, instance) || number.starts_with("0x") || instance > UINT16_MAX) return false;
  out = ComponentId{cls, static_cast<uint16_t>(instance)};
  return true;
}

// The text of words [first, count) as written (units may be a separate word).
std::string_view rest(std::string_view line, const std::string_view (&words)[kMaxWords], size_t first, size_t count) {
  const char* begin = words[first].data();
  const char* end = words[count - 1].data() + words[count - 1].size();
  return slice(line, static_cast<size_t>(begin - line.data()), static_cast<size_t>(end - begin));
}

}  // namespace

const char* to_string(ControlVerb v) {
  switch (v) {
    case ControlVerb::dump: return "dump";
    case ControlVerb::status: return "status";
    case ControlVerb::release_region: return "release_region";
    case ControlVerb::set_allocation_frequency: return "set_allocation_frequency";
  }
  return "unknown";
}

const char* to_string(ControlSource s) { return s == ControlSource::bmc ? "bmc" : "host"; }

const char* to_string(ControlError e) {
  switch (e) {
    case ControlError::none: return "none";
    case ControlError::empty: return "empty";
    case ControlError::too_long: return "too_long";
    case ControlError::not_text: return "not_text";
    case ControlError::unknown_command: return "unknown_command";
    case ControlError::wrong_arguments: return "wrong_arguments";
    case ControlError::bad_component: return "bad_component";
    case ControlError::bad_number: return "bad_number";
    case ControlError::bad_size: return "bad_size";
    case ControlError::bad_duration: return "bad_duration";
    case ControlError::unknown_setting: return "unknown_setting";
    case ControlError::range_wraps: return "range_wraps";
  }
  return "unknown";
}

ControlError parse_control_command(std::string_view line, ControlCommand& out) {
  if (line.size() > kMaxControlLineBytes) return ControlError::too_long;
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  for (char c : line)
    if (!(is_blank(c) || (c >= 0x21 && c <= 0x7E))) return ControlError::not_text;
  std::string_view words[kMaxWords];
  size_t n = 0;
  if (!split(line, words, n)) return ControlError::wrong_arguments;
  if (n == 0) return ControlError::empty;
  ControlCommand cmd;
  const std::string_view verb = words[0];
  if (verb == "status") {
    if (n != 1) return ControlError::wrong_arguments;
    cmd.verb = ControlVerb::status;
  } else if (verb == "dump") {
    if (n != 2) return ControlError::wrong_arguments;
    cmd.verb = ControlVerb::dump;
    if (!parse_component(words[1], cmd.component)) return ControlError::bad_component;
  } else if (verb == "release_region") {
    if (n < 3 || n > 4) return ControlError::wrong_arguments;
    cmd.verb = ControlVerb::release_region;
    if (!parse_u64(words[1], cmd.address)) return ControlError::bad_number;
    const std::string_view size = rest(line, words, 2, n);
    if (!parse_u64(size, cmd.size) && !ok(parse_size_bytes(size, cmd.size))) return ControlError::bad_size;
    if (cmd.size == 0) return ControlError::bad_size;
    if (cmd.address > UINT64_MAX - cmd.size) return ControlError::range_wraps;
  } else if (verb == "set") {
    if (n < 3 || n > 4) return ControlError::wrong_arguments;
    if (words[1] != "allocation_frequency") return ControlError::unknown_setting;
    cmd.verb = ControlVerb::set_allocation_frequency;
    if (!ok(parse_duration_ns(rest(line, words, 2, n), cmd.allocation_frequency_ns)) ||
        cmd.allocation_frequency_ns == 0)
      return ControlError::bad_duration;
  } else {
    return ControlError::unknown_command;
  }
  out = cmd;
  return ControlError::none;
}

ControlError ControlStats::submit(std::string_view line, ControlCommand& out) {
  const ControlError e = parse_control_command(line, out);
  if (e == ControlError::none) {
    ++accepted;
  } else {
    ++refused;
    ++refused_by[static_cast<size_t>(e)];
  }
  return e;
}

}  // namespace crashtwin
