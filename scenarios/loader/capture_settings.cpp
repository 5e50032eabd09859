#include "scenarios/loader/capture_settings.h"

#include <string>

#include <fmt/format.h>

#include "scenarios/schema/capture_params.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

std::string known_names() {
  std::string out;
  for (const CaptureParamInfo& p : capture_param_table()) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

std::string allowed(const CaptureParamInfo& p) {
  if (p.kind == CaptureParamKind::size)
    return fmt::format("a size from {} to {} (\"{}\")", size_text(p.minimum), size_text(p.maximum), p.default_text);
  return fmt::format("a whole number from {} to {}", p.minimum, p.maximum);
}

}  // namespace

void apply_capture_settings(ReadContext& ctx, Scenario& s) {
  for (const BoardParam& p : s.capture_settings) {
    const std::string field = "capture." + p.name;
    const CaptureParamInfo* info = find_capture_param(p.name);
    if (info == nullptr) {
      ctx.diagnostics().error(p.where, field,
                              fmt::format("'{}' is not a capture parameter; expected one of: {}", p.name, known_names()));
      continue;
    }
    if (const Status st = set_capture_param(*info, p.value, s.capture_facts); !ok(st)) {
      const bool power_of_two = p.name == "kernel_stack_size" && st == Status::invalid_argument;
      ctx.diagnostics().error(p.where, field,
                              fmt::format("'{}' is not usable here ({}); expected {}{}", p.value, to_string(st),
                                          allowed(*info), power_of_two ? ", a power of two" : ""));
    }
  }
}

}  // namespace crashtwin::scenario
