#include "platform/core/units.h"

namespace crashtwin {
namespace {

// A decimal number as mantissa x 10^exponent, so that "1.5 s" becomes
// exactly 1500000000 ns without binary floating-point rounding.
struct Decimal {
  bool negative = false;
  uint64_t mantissa = 0;
  int32_t exponent = 0;
};

// mantissa x unit factor needs up to 108 bits (1e19 x 8.64e13 ns per day):
// an unsigned 128-bit integer as two 64-bit halves. Not unsigned __int128,
// which GCC and Clang offer on 64-bit targets only; the firmware also runs on
// 32-bit cores (docs/porting.md).
struct Wide {
  uint64_t high = 0;
  uint64_t low = 0;
};

constexpr uint64_t kLow32 = 0xFFFF'FFFFu;

// The exact product a x b.
Wide multiply(uint64_t a, uint64_t b) {
  const uint64_t a0 = a & kLow32, a1 = a >> 32, b0 = b & kLow32, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p10 = a1 * b0, p01 = a0 * b1, p11 = a1 * b1;
  // At most (2^32 - 1) * 2 + (2^32 - 1)^2 = 2^64 - 1: no carry is lost.
  const uint64_t middle = (p00 >> 32) + (p10 & kLow32) + p01;
  return {p11 + (p10 >> 32) + (middle >> 32), (middle << 32) | (p00 & kLow32)};
}

// floor(v / 10): long division over 32-bit digits, most significant first.
Wide divide_by_10(Wide v) {
  uint64_t digits[4] = {v.high >> 32, v.high & kLow32, v.low >> 32, v.low & kLow32};
  uint64_t remainder = 0;
  for (uint64_t& digit : digits) {
    const uint64_t current = (remainder << 32) | digit;  // remainder < 10: fits
    digit = current / 10;
    remainder = current % 10;
  }
  return {(digits[0] << 32) | digits[1], (digits[2] << 32) | digits[3]};
}

constexpr uint64_t kMaxMantissa = 1'000'000'000'000'000'000ull;  // 1e18: room to add a digit

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses the leading number of `text`; `rest` receives what follows it.
Status parse_decimal(std::string_view text, Decimal& out, std::string_view& rest) {
  text = trim(text);
  size_t i = 0;
  Decimal d;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    d.negative = text[i] == '-';
    ++i;
  }
  bool any_digit = false;
  auto take_digit = [&](char c, bool fractional) {
    any_digit = true;
    if (d.mantissa < kMaxMantissa) {
      d.mantissa = d.mantissa * 10 + static_cast<uint64_t>(c - '0');
      if (fractional) --d.exponent;
    } else if (!fractional) {
      ++d.exponent;  // precision beyond 18 digits is dropped; integer digits still scale
    }
  };
  while (i < text.size() && is_digit(text[i])) take_digit(text[i++], false);
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) take_digit(text[i++], true);
  }
  if (!any_digit) return Status::invalid_argument;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E') && i + 1 < text.size() &&
      (is_digit(text[i + 1]) || ((text[i + 1] == '-' || text[i + 1] == '+') && i + 2 < text.size() &&
                                 is_digit(text[i + 2])))) {
    ++i;
    bool neg = false;
    if (text[i] == '-' || text[i] == '+') neg = text[i++] == '-';
    int32_t e = 0;
    while (i < text.size() && is_digit(text[i])) {
      if (e > 10000) return Status::out_of_range;
      e = e * 10 + (text[i++] - '0');
    }
    d.exponent += neg ? -e : e;
  }
  out = d;
  rest = trim(std::string_view(text.data() + i, text.size() - i));  // i <= size; substr could throw
  return Status::ok;
}

double to_double(const Decimal& d) {
  double v = static_cast<double>(d.mantissa);
  int32_t e = d.exponent;
  // Scale by powers of ten in steps to stay exact for the common small cases.
  while (e > 0) {
    v *= 10.0;
    --e;
  }
  while (e < 0) {
    v /= 10.0;
    ++e;
  }
  return d.negative ? -v : v;
}

// mantissa x 10^exponent x factor, rounded to the nearest integer (half up).
Status to_integer(const Decimal& d, uint64_t factor, uint64_t& out) {
  if (d.negative && d.mantissa != 0) return Status::out_of_range;
  Wide v = multiply(d.mantissa, factor);
  int32_t e = d.exponent;
  for (; e > 0; --e) {
    if (v.high != 0) return Status::out_of_range;
    v = multiply(v.low, 10);
  }
  if (e < 0) {
    // round(v / 10^k) = floor((floor(v / 10^(k-1)) + 5) / 10): divide by ten
    // k - 1 times (floor of floors is exact), then once more rounding half up.
    for (; e < -1 && (v.high | v.low) != 0; ++e) v = divide_by_10(v);
    v.low += 5;
    if (v.low < 5) ++v.high;
    v = divide_by_10(v);
  }
  if (v.high != 0) return Status::out_of_range;
  out = v.low;
  return Status::ok;
}

struct Unit {
  std::string_view name;
  uint64_t factor;  // integer quantities
  double scale;     // floating quantities
};

template <size_t N>
const Unit* find_unit(const Unit (&units)[N], std::string_view name) {
  for (const Unit& u : units)
    if (u.name == name) return &u;
  return nullptr;
}

constexpr uint64_t kNsPerS = 1'000'000'000ull;
constexpr Unit kDurationUnits[] = {
    {"ns", 1, 1}, {"us", 1000, 1}, {"µs", 1000, 1}, {"ms", 1'000'000, 1}, {"s", kNsPerS, 1},
    {"min", 60 * kNsPerS, 1}, {"h", 3600 * kNsPerS, 1}, {"d", 86400 * kNsPerS, 1},
};
constexpr uint64_t kKi = 1024;
constexpr Unit kSizeUnits[] = {
    {"B", 1, 1},          {"KiB", kKi, 1},         {"MiB", kKi * kKi, 1}, {"GiB", kKi * kKi * kKi, 1},
    {"TiB", kKi * kKi * kKi * kKi, 1}, {"kB", 1000, 1}, {"KB", 1000, 1}, {"MB", 1'000'000, 1},
    {"GB", 1'000'000'000, 1}, {"TB", 1'000'000'000'000, 1},
};
constexpr Unit kBandwidthUnits[] = {
    {"B/s", 0, 1},         {"kB/s", 0, 1e3},      {"MB/s", 0, 1e6},          {"GB/s", 0, 1e9},
    {"KiB/s", 0, 1024.0},  {"MiB/s", 0, 1048576.0}, {"GiB/s", 0, 1073741824.0}, {"bit/s", 0, 0.125},
    {"kbit/s", 0, 125.0},  {"Mbit/s", 0, 125e3},   {"Gbit/s", 0, 125e6},
};
constexpr Unit kRateUnits[] = {
    {"/s", 0, 1.0},           {"/min", 0, 1.0 / 60},     {"/h", 0, 1.0 / 3600},  {"/d", 0, 1.0 / 86400},
    {"per s", 0, 1.0},        {"per second", 0, 1.0},    {"per min", 0, 1.0 / 60}, {"per minute", 0, 1.0 / 60},
    {"per h", 0, 1.0 / 3600}, {"per hour", 0, 1.0 / 3600}, {"per day", 0, 1.0 / 86400}, {"Hz", 0, 1.0},
};
constexpr Unit kFrequencyUnits[] = {
    {"Hz", 0, 1.0}, {"kHz", 0, 1e3}, {"MHz", 0, 1e6}, {"GHz", 0, 1e9},
};

// Parses "NUMBER UNIT" for a floating quantity; a bare number is accepted when
// `bare_ok` (its unit is then the first of the table).
// Finite and not above `max` (a NaN fails both comparisons).
bool within(double v, double max) { return v <= max && v >= -max; }

template <size_t N>
Status parse_scaled(std::string_view text, const Unit (&units)[N], bool bare_ok, double max, double& out) {
  Decimal d;
  std::string_view unit;
  if (Status s = parse_decimal(text, d, unit); s != Status::ok) return s;
  if (d.negative) return Status::out_of_range;
  double scale = 1.0;
  if (unit.empty()) {
    if (!bare_ok) return Status::invalid_argument;
    scale = units[0].scale;
  } else {
    const Unit* u = find_unit(units, unit);
    if (u == nullptr) return Status::invalid_argument;
    scale = u->scale;
  }
  const double v = to_double(d) * scale;
  if (!within(v, max)) return Status::out_of_range;
  out = v;
  return Status::ok;
}

}  // namespace

Status parse_duration_ns(std::string_view text, uint64_t& nanoseconds) {
  Decimal d;
  std::string_view unit;
  if (Status s = parse_decimal(text, d, unit); s != Status::ok) return s;
  if (unit.empty()) {
    if (d.mantissa != 0) return Status::invalid_argument;  // "10" is ambiguous: say "10 s"
    nanoseconds = 0;
    return Status::ok;
  }
  const Unit* u = find_unit(kDurationUnits, unit);
  if (u == nullptr) return Status::invalid_argument;
  return to_integer(d, u->factor, nanoseconds);
}

Status parse_size_bytes(std::string_view text, uint64_t& bytes) {
  Decimal d;
  std::string_view unit;
  if (Status s = parse_decimal(text, d, unit); s != Status::ok) return s;
  uint64_t factor = 1;
  if (!unit.empty()) {
    const Unit* u = find_unit(kSizeUnits, unit);
    if (u == nullptr) return Status::invalid_argument;
    factor = u->factor;
  }
  return to_integer(d, factor, bytes);
}

Status parse_bandwidth(std::string_view text, double& bytes_per_second) {
  return parse_scaled(text, kBandwidthUnits, false, kMaxBandwidthBytesPerSecond, bytes_per_second);
}

Status parse_rate(std::string_view text, double& per_second) {
  return parse_scaled(text, kRateUnits, false, kMaxRatePerSecond, per_second);
}

Status parse_frequency(std::string_view text, double& hertz) {
  return parse_scaled(text, kFrequencyUnits, false, kMaxFrequencyHz, hertz);
}

Status parse_temperature(std::string_view text, double& celsius) {
  Decimal d;
  std::string_view unit;
  if (Status s = parse_decimal(text, d, unit); s != Status::ok) return s;
  double v = to_double(d);
  if (unit == "C" || unit == "°C") {
    celsius = v;
  } else if (unit == "K") {
    if (v < 0) return Status::out_of_range;
    celsius = v - 273.15;
  } else {
    return Status::invalid_argument;
  }
  if (!(celsius >= kMinTemperatureCelsius && celsius <= kMaxTemperatureCelsius)) return Status::out_of_range;
  return Status::ok;
}

Status parse_ratio(std::string_view text, double& fraction) {
  Decimal d;
  std::string_view unit;
  if (Status s = parse_decimal(text, d, unit); s != Status::ok) return s;
  if (d.negative && d.mantissa != 0) return Status::out_of_range;
  double v = to_double(d);
  if (unit == "%") {
    v /= 100.0;
  } else if (!unit.empty()) {
    return Status::invalid_argument;
  }
  if (!(v >= 0.0 && v <= 1.0)) return Status::out_of_range;
  fraction = v;
  return Status::ok;
}

const char* quantity_help(Quantity q) {
  switch (q) {
    case Quantity::duration: return "a duration such as \"10 ms\" (units: ns, us, ms, s, min, h, d)";
    case Quantity::size: return "a size such as \"4 GiB\" (units: B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)";
    case Quantity::bandwidth:
      return "a bandwidth such as \"250 MB/s\" (units: B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, "
             "bit/s, kbit/s, Mbit/s, Gbit/s)";
    case Quantity::rate: return "a rate such as \"5 /min\" (units: /s, /min, /h, /d)";
    case Quantity::temperature: return "a temperature such as \"85 C\" (units: C, K)";
    case Quantity::ratio: return "a ratio such as \"12 %\" or 0.12 (between 0 and 1)";
    case Quantity::frequency: return "a frequency such as \"2 GHz\" (units: Hz, kHz, MHz, GHz)";
  }
  return "a quantity";
}

const char* quantity_limit(Quantity q) {
  switch (q) {
    case Quantity::bandwidth: return "at most 1e15 B/s (1 PB/s)";
    case Quantity::rate: return "at most 1e9 /s (one per simulated nanosecond)";
    case Quantity::temperature: return "-273.15 C to 1000 C";
    case Quantity::ratio: return "0 to 1";
    case Quantity::frequency: return "at most 1e15 Hz (1 PHz)";
    case Quantity::duration:
    case Quantity::size: return "";
  }
  return "";
}

}  // namespace crashtwin
