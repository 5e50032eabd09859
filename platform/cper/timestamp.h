// CPER timestamps (UEFI N.2.1): 8 BCD bytes seconds, minutes, hours, flags
// (bit 0: precise), day, month, year, century. The twin has no wall clock, so
// simulated time is counted from a fixed epoch (kEpoch...) — deterministic and
// still a real date for standard tooling.
#pragma once

#include <cstdint>

namespace crashtwin::cper {

inline constexpr uint32_t kEpochYear = 2024;  // simulated time 0 = 2024-01-01 00:00:00

// Simulated ns since power-on -> CPER BCD timestamp (precise bit set).
uint64_t timestamp_from_sim_ns(uint64_t time_ns);

// BCD timestamp -> whole seconds since the epoch. false when a digit is not
// BCD or a field is out of range (month 13, hour 24...).
bool sim_seconds_from_timestamp(uint64_t timestamp, uint64_t& seconds);

}  // namespace crashtwin::cper
