// Quantities written the way a person reads them: "10 ms", "4 GiB",
// "250 MB/s", "5 /min", "85 C", "12 %". One parser for the scenario loader,
// the board parameters and any firmware configuration string.
//
// Grammar: NUMBER [space] UNIT, NUMBER = digits [. digits] [e|E [+|-] digits].
// Integer-valued quantities (durations, sizes) are computed exactly in integer
// arithmetic and rounded to the nearest unit; anything that overflows 64 bits
// is out_of_range. Negative numbers are rejected except for temperatures.
//
// Physical bounds: every floating quantity is finite and at most its limit
// below (out_of_range beyond it), so no model is asked to schedule an event
// closer than a nanosecond or to convert an absurd value to an integer.
// These limits are the one place the scenario loader and the board
// parameters take them from; docs/scenarios.md lists them.
#pragma once

#include <cstdint>
#include <string_view>

#include "platform/core/status.h"

namespace crashtwin {

enum class Quantity : uint8_t {
  duration,     // -> nanoseconds (uint64)
  size,         // -> bytes (uint64)
  bandwidth,    // -> bytes per second (double)
  rate,         // -> events per second (double)
  temperature,  // -> degrees Celsius (double)
  ratio,        // -> fraction 0..1 (double): "12 %", "0.12"
  frequency,    // -> hertz (double)
};

// Largest accepted value of each floating quantity.
inline constexpr double kMaxRatePerSecond = 1e9;              // one event per simulated nanosecond
inline constexpr double kMaxBandwidthBytesPerSecond = 1e15;   // 1 PB/s, far beyond any link or bus
inline constexpr double kMaxFrequencyHz = 1e15;               // 1 PHz
inline constexpr double kMinTemperatureCelsius = -273.15;     // absolute zero
inline constexpr double kMaxTemperatureCelsius = 1000.0;      // no part of a server survives this

// A Julian year (365.25 days), the year field studies' annual rates and a
// fleet's machine-years are counted in.
inline constexpr double kSecondsPerYear = 365.25 * 86400.0;

// Durations: ns, us, ms, s, min, h, d (a bare 0 is allowed).
Status parse_duration_ns(std::string_view text, uint64_t& nanoseconds);
// Sizes: B, KiB, MiB, GiB, TiB (binary) and kB, MB, GB, TB (decimal); a bare
// integer is bytes.
Status parse_size_bytes(std::string_view text, uint64_t& bytes);
// Bandwidths: B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, bit/s, kbit/s,
// Mbit/s, Gbit/s.
Status parse_bandwidth(std::string_view text, double& bytes_per_second);
// Rates: "5 /s", "10 /min", "2 /h", "1 /d" (also "per s", "per hour"...).
Status parse_rate(std::string_view text, double& per_second);
// Temperatures: "85 C" (Celsius), "358 K".
Status parse_temperature(std::string_view text, double& celsius);
// Ratios: "12 %" or a plain number in [0, 1].
Status parse_ratio(std::string_view text, double& fraction);
// Frequencies: Hz, kHz, MHz, GHz.
Status parse_frequency(std::string_view text, double& hertz);

// What a valid value of the quantity looks like, for error messages.
const char* quantity_help(Quantity q);
// The bound a value beyond which parse_* returns out_of_range, for error
// messages ("at most 1e9 /s"); empty for integer quantities (64-bit limit).
const char* quantity_limit(Quantity q);

}  // namespace crashtwin
