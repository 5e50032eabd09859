#include "scenarios/loader/strategy_settings.h"

#include <string>

#include <fmt/format.h>

#include "policies/strategies/strategy_params.h"

namespace crashtwin::scenario {
namespace {

const StrategyParamInfo* find_param(std::string_view name) {
  for (const StrategyParamInfo& p : strategy_param_table())
    if (name == p.name) return &p;
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const StrategyParamInfo& p : strategy_param_table()) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

std::string expected(const StrategyParamInfo& info) {
  if (info.kind == StrategyParamKind::choice) {
    std::string names;
    for (size_t i = 0; info.choices[i] != nullptr; ++i) names += (i == 0 ? "" : ", ") + std::string(info.choices[i]);
    return "one of: " + names;
  }
  switch (info.kind) {
    case StrategyParamKind::duration: return "a duration (\"500 ms\", \"15 s\")";
    case StrategyParamKind::size: return "a size (\"160 MiB\", \"1 GiB\")";
    case StrategyParamKind::bandwidth: return "a bandwidth (\"200 MB/s\")";
    case StrategyParamKind::ratio: return "a ratio (\"10 %\" or 0.1, within 0..1)";
    case StrategyParamKind::boolean: return "true or false";
    case StrategyParamKind::choice: break;
  }
  return "a value";
}

void report(ReadContext& ctx, const Location& where, std::string field, std::string message) {
  ctx.diagnostics().error(where, std::move(field), std::move(message));
}

}  // namespace

void apply_strategy_settings(ReadContext& ctx, const YAML::Node& node, Scenario& s) {
  bool all_set = true;
  for (const BoardParam& p : s.strategy_settings) {
    const std::string field = "strategy." + p.name;
    const StrategyParamInfo* info = find_param(p.name);
    if (info == nullptr) {
      report(ctx, p.where, field, fmt::format("'{}' is not a strategy parameter; expected one of: {}", p.name,
                                              known_names()));
      all_set = false;
      continue;
    }
    if (const Status st = set_strategy_param(s.strategy_params, p.name, p.value); !ok(st)) {
      report(ctx, p.where, field,
             fmt::format("'{}' is not usable here ({}); expected {}", p.value, to_string(st), expected(*info)));
      all_set = false;
    }
  }
  if (!all_set) return;  // the check below would only repeat the same fields
  const char* bad = nullptr;
  if (!ok(check_strategy_params(s.strategy_params, bad)) && bad != nullptr) {
    Location where = ctx.locate(node, "strategy");
    for (const BoardParam& p : s.strategy_settings)
      if (p.name == bad) where = p.where;
    report(ctx, where, std::string("strategy.") + bad,
           "a strategy model cannot run with this value (bandwidths and the release chunk must be above zero, "
           "ratios within 0..1)");
  }
}

}  // namespace crashtwin::scenario
