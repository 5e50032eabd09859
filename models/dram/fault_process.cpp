#include "models/dram/fault_process.h"

#include <bit>
#include <limits>

namespace crashtwin {
namespace {

constexpr double kFitPerSecond = 1.0 / (1e9 * 3600.0);  // one FIT, in events per device-second

}  // namespace

std::string_view to_string(DramFaultMode mode) {
  static constexpr std::array<std::string_view, kDramFaultModeCount> kNames = {
      "single_bit", "single_word", "single_column", "single_row", "single_bank", "multi_bank", "multi_rank"};
  return kNames[static_cast<size_t>(mode)];
}

DramFaultProcess::DramFaultProcess(const DramGeometry& geometry, const DramFaultSettings& settings, uint32_t dimms,
                                   RngStream rng)
    : geometry_(geometry), settings_(settings), dimms_(dimms), rng_(rng), retired_(dimms, false) {
  double fit = 0.0;
  for (const DramFaultFit& f : kFieldFaultFit) fit += f.transient + f.permanent;
  const double devices = static_cast<double>(dimms_) * geometry_.ranks * geometry_.devices;
  arrival_rate_ = fit * kFitPerSecond * devices * settings_.acceleration;
}

double DramFaultProcess::draw_next_delay() {
  const double total = arrival_rate_ + settings_.activation_rate * static_cast<double>(permanent_.size());
  if (!(total > 0.0)) return std::numeric_limits<double>::infinity();
  return rng_.exponential(total);
}

DramFault DramFaultProcess::draw_fault() {
  // Mode and persistence in proportion to their FIT rates.
  double total = 0.0;
  for (const DramFaultFit& f : kFieldFaultFit) total += f.transient + f.permanent;
  double pick = rng_.uniform() * total;
  DramFault fault;
  for (size_t m = 0; m < kDramFaultModeCount; ++m) {
    fault.mode = static_cast<DramFaultMode>(m);
    if (pick < kFieldFaultFit[m].transient) {
      fault.transient = true;
      break;
    }
    pick -= kFieldFaultFit[m].transient;
    if (pick < kFieldFaultFit[m].permanent || m + 1 == kDramFaultModeCount) {
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
  // The word read: this fault's bits, and every present fault's covering it.
  std::vector<uint8_t> device_bits(geometry_.devices, 0);
  device_bits[fault.device] = fault.bits;
  for (const DramFault& other : permanent_)
    if (&other != &fault && other.dimm == fault.dimm && other.covers(e.rank, e.bank, e.row, e.column))
      device_bits[other.device] = static_cast<uint8_t>(device_bits[other.device] | other.bits);
  for (uint32_t d = 0; d < geometry_.devices; ++d) {
    const uint8_t bits = device_bits[d];
    e.bad_bits += static_cast<uint32_t>(std::popcount(bits));
    e.bad_devices += bits != 0 ? 1 : 0;
    if (bits != 0) e.device = d;
  }
  if (e.bad_devices != 1) e.device = DramFaultError::kUnknown;
  if (e.bad_bits == 1)
    e.bit_position = e.device * geometry_.bits_per_device + static_cast<uint32_t>(std::countr_zero(device_bits[e.device]));
  e.uncorrectable = settings_.ecc == DramEcc::secded ? e.bad_bits >= 2 : e.bad_devices >= 2;
  return e;
}

void DramFaultProcess::retire_dimm(uint32_t dimm) {
  if (dimm >= dimms_) return;
  retired_[dimm] = true;
  std::erase_if(permanent_, [dimm](const DramFault& f) { return f.dimm == dimm; });
}

std::optional<DramFaultError> DramFaultProcess::fire() {
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
