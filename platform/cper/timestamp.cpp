#include "platform/cper/timestamp.h"

namespace crashtwin::cper {
namespace {

constexpr uint64_t kSecondsPerDay = 86400;
constexpr uint64_t kNsPerSecond = 1000000000ull;
constexpr uint8_t kPreciseFlag = 0x01;

constexpr bool is_leap(uint32_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

constexpr uint32_t days_in_month(uint32_t year, uint32_t month) {
  constexpr uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29u : kDays[month - 1];
}

constexpr uint64_t to_bcd(uint32_t v) { return ((v / 10) << 4) | (v % 10); }

bool from_bcd(uint64_t byte, uint32_t& out) {
  const uint32_t hi = (byte >> 4) & 0xF, lo = byte & 0xF;
  if (hi > 9 || lo > 9) return false;
  out = hi * 10 + lo;
  return true;
}

}  // namespace

uint64_t timestamp_from_sim_ns(uint64_t time_ns) {
  const uint64_t total = time_ns / kNsPerSecond;
  uint64_t days = total / kSecondsPerDay;
  const uint64_t in_day = total % kSecondsPerDay;
  uint32_t year = kEpochYear;
  // Bounded loops: a 64-bit ns counter spans < 600 years.
  while (days >= (is_leap(year) ? 366u : 365u)) {
    days -= is_leap(year) ? 366u : 365u;
    ++year;
  }
  uint32_t month = 1;
  while (days >= days_in_month(year, month)) {
    days -= days_in_month(year, month);
    ++month;
  }
  const uint32_t day = static_cast<uint32_t>(days) + 1;
  return to_bcd(static_cast<uint32_t>(in_day % 60)) | to_bcd(static_cast<uint32_t>(in_day / 60 % 60)) << 8 |
         to_bcd(static_cast<uint32_t>(in_day / 3600)) << 16 | static_cast<uint64_t>(kPreciseFlag) << 24 |
         to_bcd(day) << 32 | to_bcd(month) << 40 | to_bcd(year % 100) << 48 | to_bcd(year / 100) << 56;
}

bool sim_seconds_from_timestamp(uint64_t timestamp, uint64_t& seconds) {
  uint32_t sec, min, hour, day, month, yy, cc;
  if (!from_bcd(timestamp & 0xFF, sec) || !from_bcd(timestamp >> 8 & 0xFF, min) ||
      !from_bcd(timestamp >> 16 & 0xFF, hour) || !from_bcd(timestamp >> 32 & 0xFF, day) ||
      !from_bcd(timestamp >> 40 & 0xFF, month) || !from_bcd(timestamp >> 48 & 0xFF, yy) ||
      !from_bcd(timestamp >> 56 & 0xFF, cc)) {
    return false;
  }
  const uint32_t year = cc * 100 + yy;
  if (sec > 59 || min > 59 || hour > 23 || month < 1 || month > 12 || year < kEpochYear || day < 1 ||
      day > days_in_month(year, month)) {
    return false;
  }
  uint64_t days = day - 1;
  for (uint32_t y = kEpochYear; y < year; ++y) days += is_leap(y) ? 366 : 365;
  for (uint32_t m = 1; m < month; ++m) days += days_in_month(year, m);
  seconds = days * kSecondsPerDay + hour * 3600ull + min * 60ull + sec;
  return true;
}

}  // namespace crashtwin::cper
