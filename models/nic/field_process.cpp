#include "models/nic/field_process.h"

#include <array>
#include <cmath>

#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

std::array<double, 2> healthy_rates(const NicFieldSettings& s) { return {s.crc_burst_rate, s.link_flap_rate}; }

}  // namespace

NicFieldProcess::NicFieldProcess(const NicFieldSettings& settings, RngStream rng)
    : burst_errors_(settings.crc_burst_errors), process_(settings.degradation, healthy_rates(settings), rng) {}

NicFieldEvent NicFieldProcess::next() {
  const DegradationProcess::Event e = process_.next();
  NicFieldEvent out;
  out.time_s = e.time_s;
  out.precursor = e.precursor;
  if (e.failure()) {
    out.kind = NicFieldEventKind::failure;
  } else if (!std::isfinite(e.time_s)) {
    out.kind = NicFieldEventKind::none;
  } else if (e.channel == kLinkFlap) {
    out.kind = NicFieldEventKind::link_flap;
  } else {
    out.kind = NicFieldEventKind::crc_burst;
    // Geometric on {1, 2, ...} with mean m: success probability 1 / m.
    out.crc_errors = 1;
    if (burst_errors_ > 1.0) {
      const double u = process_.rng().uniform();
      out.crc_errors += static_cast<uint64_t>(exact::log1p(-u) / exact::log1p(-1.0 / burst_errors_));
    }
  }
  return out;
}

}  // namespace crashtwin
