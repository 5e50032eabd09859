#include "models/dram/fault_process.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

constexpr double kFitPerSecond = 1.0 / (1e9 * 3600.0);  // one FIT, in events per device-second
constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace

std::string_view to_string(DramFaultMode mode) {
  static constexpr std::array<std::string_view, kDramFaultModeCount> kNames = {
      "single_bit", "single_word", "single_column", "single_row", "single_bank", "multi_bank", "multi_rank",
      "dimm_lane",  "multi_device"};
  return kNames[static_cast<size_t>(mode)];
}

DramFaultProcess::DramFaultProcess(const DramGeometry& geometry, const DramFaultSettings& settings, uint32_t dimms,
                                   RngStream rng, RngStream dimm_rng)
    : geometry_(geometry), settings_(settings), dimms_(dimms), rng_(rng), dimm_rng_(dimm_rng),
      retired_(dimms, false) {
  double fit = 0.0;
  for (const DramFaultFit& f : kFieldFaultFit) fit += f.transient + f.permanent;
  const double devices = static_cast<double>(dimms_) * geometry_.ranks * geometry_.devices;
  arrival_rate_ = fit * kFitPerSecond * devices * settings_.acceleration;
  draw_next_dimm_arrival();
}

double DramFaultProcess::dimm_fault_rate_per_s() const {
  const auto in_service = static_cast<double>(std::count(retired_.begin(), retired_.end(), false));
  return settings_.dimm.rate_per_s * settings_.acceleration * in_service;
}

void DramFaultProcess::draw_next_dimm_arrival() {
  const double rate = dimm_fault_rate_per_s();
  next_dimm_arrival_s_ = rate > 0.0 && geometry_.devices >= 2 ? now_s_ + dimm_rng_.exponential(rate) : kNever;
}

double DramFaultProcess::draw_next_delay() {
  // The device draw first, as it always was: the device modes' stream does
  // not depend on whether DIMM-level faults are on.
  const double total = arrival_rate_ + settings_.activation_rate * static_cast<double>(permanent_.size());
  device_delay_s_ = total > 0.0 ? rng_.exponential(total) : kNever;
  dimm_event_at_s_ = next_dimm_arrival_s_;
  for (const Escalation& e : escalations_) dimm_event_at_s_ = std::min(dimm_event_at_s_, e.at_s);
  // A DIMM-level event that comes first wins; the device delay drawn is
  // then dropped and drawn anew after it (the process is memoryless).
  dimm_event_next_ = dimm_event_at_s_ - now_s_ < device_delay_s_;
  return dimm_event_next_ ? std::max(0.0, dimm_event_at_s_ - now_s_) : device_delay_s_;
}

DramFault DramFaultProcess::draw_fault() {
  // Mode and persistence in proportion to their FIT rates.
  double total = 0.0;
  for (const DramFaultFit& f : kFieldFaultFit) total += f.transient + f.permanent;
  double pick = rng_.uniform() * total;
  DramFault fault;
  for (size_t m = 0; m < kDeviceFaultModeCount; ++m) {
    fault.mode = static_cast<DramFaultMode>(m);
    if (pick < kFieldFaultFit[m].transient) {
      fault.transient = true;
      break;
    }
    pick -= kFieldFaultFit[m].transient;
    if (pick < kFieldFaultFit[m].permanent || m + 1 == kDeviceFaultModeCount) {
      fault.transient = false;
      break;
    }
    pick -= kFieldFaultFit[m].permanent;
  }
  fault.dimm = static_cast<uint32_t>(rng_.below(dimms_));
  fault.device = static_cast<uint32_t>(rng_.below(geometry_.devices));
  fault.rank = static_cast<uint32_t>(rng_.below(geometry_.ranks));
  fault.bank = static_cast<uint32_t>(rng_.below(geometry_.banks));
  fault.row = static_cast<uint32_t>(rng_.below(geometry_.rows));
  fault.column = static_cast<uint32_t>(rng_.below(geometry_.columns));
  const uint32_t bit = static_cast<uint32_t>(rng_.below(geometry_.bits_per_device));
  fault.bits = static_cast<uint8_t>(1u << bit);
  switch (fault.mode) {
    case DramFaultMode::single_bit: break;
    case DramFaultMode::single_word:
      // Several bits of the device's part of one word.
      fault.bits = static_cast<uint8_t>(fault.bits | (1u << ((bit + 1) % geometry_.bits_per_device)));
      break;
    case DramFaultMode::single_column: fault.any_row = true; break;
    case DramFaultMode::single_row: fault.any_column = true; break;
    case DramFaultMode::single_bank: fault.any_row = fault.any_column = true; break;
    case DramFaultMode::multi_bank: fault.any_bank = fault.any_row = fault.any_column = true; break;
    case DramFaultMode::multi_rank:
      fault.any_rank = fault.any_bank = fault.any_row = fault.any_column = true;
      break;
    case DramFaultMode::dimm_lane:
    case DramFaultMode::multi_device: break;  // DIMM-level: fire_dimm_event's, never drawn here
  }
  return fault;
}

DramFaultError DramFaultProcess::activate(const DramFault& fault, uint32_t index, bool new_fault) {
  DramFaultError e;
  e.fault = index;
  e.dimm = fault.dimm;
  e.mode = fault.mode;
  e.new_fault = new_fault;
  e.rank = fault.any_rank ? static_cast<uint32_t>(rng_.below(geometry_.ranks)) : fault.rank;
  e.bank = fault.any_bank ? static_cast<uint32_t>(rng_.below(geometry_.banks)) : fault.bank;
  e.row = fault.any_row ? static_cast<uint32_t>(rng_.below(geometry_.rows)) : fault.row;
  e.column = fault.any_column ? static_cast<uint32_t>(rng_.below(geometry_.columns)) : fault.column;
  // The burst read: the beats' columns, from the burst-aligned column on.
  const uint32_t burst = std::max<uint32_t>(1, geometry_.burst_length);
  const uint32_t first_column = e.column / burst * burst;
  const uint32_t beats = std::min(burst, geometry_.columns - first_column);
  // Each beat's word: this fault's bits, and every present fault's covering it.
  std::vector<uint8_t> bits(size_t{beats} * geometry_.devices, 0);  // [beat][device]
  const auto add = [&](const DramFault& f) {
    for (uint32_t beat = 0; beat < beats; ++beat)
      if (f.covers(e.rank, e.bank, e.row, first_column + beat)) {
        uint8_t& b = bits[size_t{beat} * geometry_.devices + f.device];
        b = static_cast<uint8_t>(b | f.bits);
      }
  };
  add(fault);
  for (const DramFault& other : permanent_)
    if (&other != &fault && other.dimm == fault.dimm) add(other);

  // Each beat's word as the ECC sees it.
  struct Word {
    uint32_t bad_bits = 0, bad_devices = 0, device = DramFaultError::kUnknown;
    bool fails = false;
  };
  std::vector<Word> words(beats);
  for (uint32_t beat = 0; beat < beats; ++beat) {
    Word& w = words[beat];
    for (uint32_t d = 0; d < geometry_.devices; ++d) {
      const uint8_t b = bits[size_t{beat} * geometry_.devices + d];
      w.bad_bits += static_cast<uint32_t>(std::popcount(b));
      w.bad_devices += b != 0 ? 1 : 0;
      if (b != 0) w.device = d;
    }
    if (w.bad_devices != 1) w.device = DramFaultError::kUnknown;
    w.fails = settings_.ecc == DramEcc::secded ? w.bad_bits >= 2 : w.bad_devices >= 2;
    e.error_beats += w.bad_bits != 0 ? 1 : 0;
  }
  // The word named: the activated cell's, unless another beat failed where
  // it did not (the read fails on that codeword).
  uint32_t named_beat = e.column - first_column;
  if (!words[named_beat].fails)
    for (uint32_t beat = 0; beat < beats; ++beat)
      if (words[beat].fails) {
        named_beat = beat;
        break;
      }
  const Word& named = words[named_beat];
  e.column = first_column + named_beat;
  e.bad_bits = named.bad_bits;
  e.bad_devices = named.bad_devices;
  e.device = named.device;
  e.uncorrectable = named.fails;
  if (e.bad_bits == 1)
    e.bit_position = e.device * geometry_.bits_per_device +
                     static_cast<uint32_t>(std::countr_zero(bits[size_t{named_beat} * geometry_.devices + e.device]));
  // The DQ lanes bad in some beat of the burst.
  for (uint32_t d = 0; d < geometry_.devices; ++d) {
    uint8_t lanes = 0;
    for (uint32_t beat = 0; beat < beats; ++beat) lanes = static_cast<uint8_t>(lanes | bits[size_t{beat} * geometry_.devices + d]);
    e.error_dqs += static_cast<uint32_t>(std::popcount(lanes));
  }
  return e;
}

void DramFaultProcess::retire_dimm(uint32_t dimm) {
  if (dimm >= dimms_ || retired_[dimm]) return;
  retired_[dimm] = true;
  std::erase_if(permanent_, [dimm](const DramFault& f) { return f.dimm == dimm; });
  std::erase_if(escalations_, [dimm](const Escalation& e) { return e.dimm == dimm; });
  // One DIMM fewer to arrive in: the next arrival is drawn again from now.
  if (next_dimm_arrival_s_ != kNever) draw_next_dimm_arrival();
}

DramFault DramFaultProcess::dimm_lane(uint32_t dimm, uint32_t device, DramFaultMode mode) {
  DramFault lane;
  lane.mode = mode;
  lane.dimm = dimm;
  lane.device = device;
  lane.any_rank = lane.any_bank = lane.any_row = lane.any_column = true;
  lane.bits = static_cast<uint8_t>(1u << dimm_rng_.below(geometry_.bits_per_device));
  return lane;
}

DramFaultError DramFaultProcess::add_and_activate(const DramFault& fault) {
  permanent_.push_back(fault);
  return activate(permanent_.back(), static_cast<uint32_t>(permanent_.size() - 1), true);
}

std::optional<DramFaultError> DramFaultProcess::fire_dimm_event() {
  auto due = std::min_element(escalations_.begin(), escalations_.end(),
                              [](const Escalation& a, const Escalation& b) { return a.at_s < b.at_s; });
  if (due != escalations_.end() && due->at_s <= next_dimm_arrival_s_) {
    // A warned lane spreads to a second device of its DIMM.
    const Escalation e = *due;
    escalations_.erase(due);
    auto second = static_cast<uint32_t>(dimm_rng_.below(geometry_.devices - 1));
    if (second >= e.device) ++second;
    return add_and_activate(dimm_lane(e.dimm, second, DramFaultMode::multi_device));
  }
  // An arrival, in one of the DIMMs in service.
  uint64_t pick = dimm_rng_.below(static_cast<uint64_t>(std::count(retired_.begin(), retired_.end(), false)));
  uint32_t dimm = 0;
  while (retired_[dimm] || pick-- != 0) ++dimm;
  const bool warned = dimm_rng_.uniform() < settings_.dimm.warned_fraction;
  const auto device = static_cast<uint32_t>(dimm_rng_.below(geometry_.devices));
  std::optional<DramFaultError> error;
  if (warned) {
    // Log-uniform lead: as likely an hour to a day as a day to a month.
    const double lo = exact::log(settings_.dimm.lead_min_s), hi = exact::log(settings_.dimm.lead_max_s);
    escalations_.push_back({now_s_ + exact::exp(lo + (hi - lo) * dimm_rng_.uniform()), dimm, device});
    error = add_and_activate(dimm_lane(dimm, device, DramFaultMode::dimm_lane));
  } else {
    auto second = static_cast<uint32_t>(dimm_rng_.below(geometry_.devices - 1));
    if (second >= device) ++second;
    permanent_.push_back(dimm_lane(dimm, device, DramFaultMode::multi_device));
    error = add_and_activate(dimm_lane(dimm, second, DramFaultMode::multi_device));
  }
  draw_next_dimm_arrival();
  return error;
}

std::optional<DramFaultError> DramFaultProcess::fire() {
  if (dimm_event_next_) {
    now_s_ = std::max(now_s_, dimm_event_at_s_);
    dimm_event_next_ = false;
    return fire_dimm_event();
  }
  now_s_ += device_delay_s_;
  const double activations = settings_.activation_rate * static_cast<double>(permanent_.size());
  const bool arrival = rng_.uniform() * (arrival_rate_ + activations) < arrival_rate_;
  if (!arrival) {
    const auto index = static_cast<uint32_t>(rng_.below(permanent_.size()));
    return activate(permanent_[index], index, false);
  }
  const DramFault fault = draw_fault();
  if (retired_[fault.dimm]) return std::nullopt;
  if (fault.transient) return activate(fault, DramFaultError::kTransient, true);
  permanent_.push_back(fault);
  return activate(permanent_.back(), static_cast<uint32_t>(permanent_.size() - 1), true);
}

}  // namespace crashtwin
