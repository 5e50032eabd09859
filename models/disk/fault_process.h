// Disk drive faults as field studies measure them, for the disk model: the
// SMART attributes a degrading drive shows before it fails, drives that show
// them and never fail, and drives that fail with no warning at all.
//
// A drive in service meets two kinds of onsets, Poisson processes while it
// is not already failing:
//   - a failure onset, at the annualized failure rate `annual_failure_rate`
//     (Backblaze's drive stats: 1.57 % for 2024, 1.36 % and 1.55 % in the
//     second and third quarters of 2025; Schroeder and Gibson, "Disk failures
//     in the real world", FAST 2007: 2-4 % replacement rates common). Of
//     these a fraction `silent_failure_fraction` fails at once with none of
//     the five attributes above zero: 23.3 %, the complement of the 76.7 %
//     of failed drives Backblaze found with one or more of them ("What SMART
//     stats tell us about hard drives", 2016); Pinheiro, Weber and Barroso
//     ("Failure trends in a large disk drive population", FAST 2007) found a
//     large fraction of failed drives with no SMART error signal whatsoever,
//     over a third with their wider set of signals. The others degrade: the
//     drive fails a lead time later, drawn log-uniform between
//     `lead_time_min` and `lead_time_max` (1 hour and 60 days: Pinheiro et
//     al. measured failures within 60 days of a drive's first scan error,
//     reallocation, offline reallocation or probational count, 39 times as
//     likely after a first scan error as without one; the spread over
//     hours to days is a modelling choice);
//   - a look-alike onset, at `annual_lookalike_rate` (default 1.07 % a
//     year): the drive logs a few counts (reallocated or pending sectors,
//     a timeout) and goes on working. The rate is a modelling choice that
//     gives Backblaze's 4.2 % of operational drives with one or more of the
//     five attributes above zero at a mean drive age of four years
//     (1 - exp(-4 x 0.0107) = 0.042).
// A degrading drive's attributes (5 Reallocated Sectors Count, 187 Reported
// Uncorrectable Errors, 188 Command Timeout, 197 Current Pending Sector
// Count, 198 Offline Uncorrectable) each show with probability one half, at
// least one of them (a modelling choice: Backblaze gives the attributes'
// shares in failed drives only per drive model). Each attribute that shows
// gets 1 + Poisson(`smart_count_mean` - 1) increments whose times crowd
// toward the failure (density rising linearly from the onset: the growth
// of a degrading drive's defects accelerates), and its extra service time
// per command (rereads of marginal sectors) climbs linearly from 0 to
// `degraded_latency` at the failure. A look-alike's attributes are drawn
// the same way with `lookalike_count_mean`, spread uniformly over one lead
// time, and its latency does not move. Counters only grow: the model does
// not move pending sectors into reallocated ones.
//
// The failure is what the drive does at the end: a drive with unreadable
// sectors (197 or 198 shown) fails with an unrecovered read (disk
// media error); any other, and every silent one, stops responding (disk
// timeout). After its failure a drive is out of the process: it would be
// replaced.
//
// Field rates give a drive one failure in about 60 years, so scenarios of
// minutes run them accelerated: `acceleration` multiplies both onset rates
// and `time_compression` divides the lead times (by default the same
// factor: the whole life runs faster; counts per degradation stay what
// they are). A fleet at field time accelerates the rates only
// (time_compression 1), as the NIC's and the cores' processes do.
//
// Plain C++ without SystemC: the disk model asks for the time to the next
// event and fires it; the process draws from its own seeded stream.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/core/rng.h"
#include "platform/core/units.h"

namespace crashtwin {

// The five attributes Backblaze watches, in the order the disk's metrics
// list them.
enum class SmartAttribute : uint8_t {
  reallocated_sectors,     // SMART 5
  reported_uncorrectable,  // SMART 187
  command_timeouts,        // SMART 188
  pending_sectors,         // SMART 197
  offline_uncorrectable,   // SMART 198
};
inline constexpr size_t kSmartAttributeCount = 5;
inline constexpr std::array<uint8_t, kSmartAttributeCount> kSmartAttributeIds = {5, 187, 188, 197, 198};

struct DiskFaultSettings {
  double acceleration = 1.0;             // multiplies the onset rates (> 0)
  double time_compression = 1.0;         // divides the lead times (> 0)
  double annual_failure_rate = 0.0157;   // fraction of drives failing per year
  double silent_failure_fraction = 0.233;
  double annual_lookalike_rate = 0.0107;  // fraction of drives per year gaining counts they survive
  double lead_time_min_s = 3600.0;
  double lead_time_max_s = 60.0 * 86400.0;
  double smart_count_mean = 20.0;      // increments per attribute a degrading drive shows (>= 1)
  double lookalike_count_mean = 2.0;   // ... a look-alike shows (>= 1)
  double degraded_latency_s = 0.002;   // extra service time per command at the failure
};

// Per-year fraction to a rate per second: 1 - exp(-rate x year) = fraction.
double annual_fraction_to_rate(double fraction);

enum class DiskFaultKind : uint8_t {
  degrading_onset,   // a drive starts to fail; its counts and its failure are scheduled
  lookalike_onset,   // a drive starts to log counts it survives
  smart_increment,   // one attribute counts one more
  latency_step,      // the extra service time changes
  failure,           // the drive fails
};

struct DiskFaultEvent {
  DiskFaultKind kind = DiskFaultKind::smart_increment;
  SmartAttribute attribute = SmartAttribute::reallocated_sectors;  // smart_increment
  double latency_s = 0.0;      // latency_step: the extra service time from now on
  bool media_error = false;    // failure: an unrecovered read (else the drive stops responding)
  bool warned = false;         // failure: preceded by SMART counts of its degradation
};

class DiskFaultProcess {
 public:
  DiskFaultProcess(const DiskFaultSettings& settings, RngStream rng);

  // Seconds from the previous event to the next one; +infinity when nothing
  // can happen any more (the drive failed, or every rate is zero).
  double draw_next_delay();
  // The event after that delay (called without a finite delay drawn first:
  // a latency step to the present latency, which changes nothing).
  DiskFaultEvent fire();

  double failure_rate_per_s() const { return failure_rate_; }
  double lookalike_rate_per_s() const { return lookalike_rate_; }
  const std::array<uint64_t, kSmartAttributeCount>& counts() const { return counts_; }
  double latency_s() const { return latency_s_; }
  bool degrading() const { return degrading_; }
  bool failed() const { return failed_; }
  double now_s() const { return now_s_; }

 private:
  struct Scheduled {
    double at_s;
    uint64_t order;  // ties fire in the order scheduled
    DiskFaultEvent event;
  };
  void schedule(double at_s, const DiskFaultEvent& event);
  DiskFaultEvent start_degrading();
  DiskFaultEvent start_lookalike();
  // The attributes one onset shows: each with probability one half, at least one.
  std::array<bool, kSmartAttributeCount> draw_shown();
  double draw_lead_time();
  // Increments of the attributes one onset shows, 1 + Poisson(mean - 1)
  // each, over `span_s` from now: uniform, or crowding toward its end.
  std::array<bool, kSmartAttributeCount> schedule_counts(double span_s, double mean, bool crowd_late);

  DiskFaultSettings settings_;
  RngStream rng_;
  double failure_rate_ = 0.0;    // per second, accelerated
  double lookalike_rate_ = 0.0;  // per second, accelerated
  double now_s_ = 0.0;
  std::vector<Scheduled> scheduled_;  // a min-heap on (at_s, order)
  uint64_t next_order_ = 0;
  enum class Next : uint8_t { none, scheduled, onset } next_ = Next::none;
  std::array<uint64_t, kSmartAttributeCount> counts_{};
  double latency_s_ = 0.0;
  bool degrading_ = false;
  bool failed_ = false;
};

}  // namespace crashtwin
