#include "models/cpu/mca_field_process.h"

#include <cmath>

namespace crashtwin {

McaFieldProcess::McaFieldProcess(const McaFieldSettings& settings, RngStream rng)
    : process_(settings.degradation, std::array<double, 1>{settings.corrected_error_rate}, rng),
      failing_role_(draw_role()) {}

McaBankRole McaFieldProcess::draw_role() {
  double total = 0.0;
  for (const McaBankRoleInfo& b : kMcaBankRoles) total += b.weight;
  double pick = process_.rng().uniform() * total;
  for (const McaBankRoleInfo& b : kMcaBankRoles) {
    if (pick < b.weight) return b.role;
    pick -= b.weight;
  }
  return kMcaBankRoles.back().role;
}

McaFieldEvent McaFieldProcess::next() {
  const DegradationProcess::Event e = process_.next();
  McaFieldEvent out;
  out.time_s = e.time_s;
  out.precursor = e.precursor;
  if (e.failure()) {
    out.kind = McaFieldEventKind::uncorrected;
    out.role = failing_role_;
  } else if (std::isfinite(e.time_s)) {
    out.kind = McaFieldEventKind::corrected;
    out.role = e.precursor ? failing_role_ : draw_role();
  }
  return out;
}

}  // namespace crashtwin
