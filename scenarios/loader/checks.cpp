#include "scenarios/loader/checks.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "scenarios/schema/metrics.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

bool is_event_kind(PrecursorKind k) {
  return k != PrecursorKind::temperature_ramp && k != PrecursorKind::io_latency && k != PrecursorKind::stack_recursion;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void check_name(Diagnostics& d, const Location& where, const std::string& field, const std::string& name) {
  const bool fine = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
  if (!fine)
    d.error(where, field,
            fmt::format("'{}' is not a valid name; use letters, digits, '_', '-' and '.' (it names directories)",
                        name));
}

// Names and ids are unique; each runs inside the run; two workloads that
// run at the same time share no core (a core tags its traffic with one RMID).
void check_workloads(Diagnostics& d, const Scenario& s) {
  std::set<std::string> names;
  std::map<uint32_t, size_t> ids;
  const uint64_t end = s.duration_ns;
  for (size_t i = 0; i < s.workloads.size(); ++i) {
    const NamedWorkload& w = s.workloads[i];
    const std::string field = fmt::format("workloads[{}]", i);
    check_name(d, w.where, field + ".name", w.name);
    if (!names.insert(w.name).second) d.error(w.where, field + ".name", fmt::format("'{}' is used twice", w.name));
    if (const auto [first, inserted] = ids.emplace(w.id, i); !inserted)
      d.error(w.where, field + ".id", fmt::format("{} is the id of workloads[{}] already", w.id, first->second));
    if (end && w.start_ns >= end)
      d.error(w.where, field + ".start", fmt::format("{} is not before the end of the run ({})",
                                                     duration_text(w.start_ns), duration_text(end)));
    if (w.stops && w.stop_ns <= w.start_ns)
      d.error(w.where, field + ".stop", fmt::format("{} is not after start ({})", duration_text(w.stop_ns),
                                                    duration_text(w.start_ns)));
    if (w.stops && end && w.stop_ns > end)
      d.error(w.where, field + ".stop", fmt::format("{} is after the end of the run ({})", duration_text(w.stop_ns),
                                                    duration_text(end)));
    std::set<uint32_t> cores;
    for (uint32_t c : w.cores)
      if (!cores.insert(c).second) d.error(w.where, field + ".cores", fmt::format("core {} is listed twice", c));
    for (size_t k = 0; k < i; ++k) {
      const NamedWorkload& o = s.workloads[k];
      if (o.start_ns >= w.stop_ns || w.start_ns >= o.stop_ns) continue;  // never run at the same time
      for (uint32_t c : w.cores)
        if (std::find(o.cores.begin(), o.cores.end(), c) != o.cores.end()) {
          d.error(w.where, field + ".cores",
                  fmt::format("core {} runs workloads[{}] ('{}') at the same time; a core tags its traffic with "
                              "one RMID, so workloads running at once need cores of their own",
                              c, k, o.name));
          break;
        }
    }
  }
}

void check_precursor_anchor(Diagnostics& d, const std::vector<Precursor>& precursors, const std::string& field,
                            std::optional<uint64_t> anchor_ns) {
  for (size_t i = 0; i < precursors.size(); ++i) {
    const Precursor& p = precursors[i];
    const std::string pf = fmt::format("{}.precursors[{}]", field, i);
    if (!applies_to(p.kind, p.component.cls))
      d.error(p.where, pf + ".kind",
              fmt::format("{} cannot act on a {} component ({})", to_string(p.kind), crashtwin::to_string(p.component.cls),
                          to_string(p.component)));
    if (anchor_ns && p.lead_time_ns > *anchor_ns)
      d.error(p.where, pf + ".lead_time",
              fmt::format("lead_time {} would start the precursor before power-on (its anchor is at {})",
                          duration_text(p.lead_time_ns), duration_text(*anchor_ns)));
  }
}

}  // namespace

void check_precursor(ReadContext& ctx, const YAML::Node& node, const std::string& field, const Precursor& p,
                     bool has_rate, bool has_level) {
  if (is_event_kind(p.kind)) {
    if (!has_rate)
      ctx.error(node, field + ".rate", fmt::format("{} needs a rate (events per time, e.g. \"5 /s\")", to_string(p.kind)));
    else if (p.rate_per_s <= 0)
      ctx.error(node, field + ".rate", "must be above 0 /s");
    if (has_level)
      ctx.error(node, field + ".level", fmt::format("{} has no level; use rate", to_string(p.kind)));
  } else {
    if (!has_level)
      ctx.error(node, field + ".level",
                fmt::format("{} needs a level to ramp to ({})", to_string(p.kind),
                            p.kind == PrecursorKind::temperature_ramp  ? "a temperature, e.g. \"95 C\""
                            : p.kind == PrecursorKind::stack_recursion ? "a stack depth, e.g. \"16 KiB\""
                                                                       : "a latency, e.g. \"20 ms\""));
    if (has_rate)
      ctx.error(node, field + ".rate", fmt::format("{} ramps to a level; it has no rate", to_string(p.kind)));
  }
}

void check_distribution(ReadContext& ctx, const YAML::Node& node, const std::string& field, const FailureTime& t,
                        bool has_from, bool has_to, bool has_mean, bool has_stddev) {
  switch (t.distribution) {
    case TimeDistribution::fixed:
      break;
    case TimeDistribution::uniform:
      if (!has_from || !has_to) ctx.error(node, field, "uniform needs 'from' and 'to'");
      if (has_mean || has_stddev) ctx.error(node, field, "uniform takes only 'from' and 'to'");
      if (has_from && has_to && t.from_ns >= t.to_ns) ctx.error(node, field + ".to", "must be after 'from'");
      break;
    case TimeDistribution::exponential:
      if (!has_mean) ctx.error(node, field + ".mean", "exponential needs a mean time to failure (after 'from')");
      if (has_stddev) ctx.error(node, field + ".stddev", "exponential has no stddev");
      break;
    case TimeDistribution::normal:
      if (!has_mean || !has_stddev) ctx.error(node, field, "normal needs 'mean' and 'stddev'");
      break;
  }
}

void check_agent(ReadContext& ctx, const YAML::Node& node, const AgentSettings& a) {
  if (a.minimum_partition_size > a.maximum_partition_size)
    ctx.error(node, "agent.minimum_partition_size",
              fmt::format("{} is above maximum_partition_size {}", size_text(a.minimum_partition_size),
                          size_text(a.maximum_partition_size)));
  if (a.minimum_partition_size > a.budget_bytes)
    ctx.error(node, "agent.budget",
              fmt::format("{} cannot hold even one partition of minimum_partition_size {}", size_text(a.budget_bytes),
                          size_text(a.minimum_partition_size)));
}

void check_scenario(ReadContext& ctx, const YAML::Node& doc, const Scenario& s, const LoadOptions& options) {
  Diagnostics& d = ctx.diagnostics();
  // Top-level values are located at their own node, or at the --set that
  // wrote them.
  if (!s.name.empty()) check_name(d, ctx.locate(doc["name"], "name"), "name", s.name);
  if (doc["family"]) check_name(d, ctx.locate(doc["family"], "family"), "family", s.family);
  const uint64_t end = s.duration_ns;

  std::set<std::string> phase_names;
  for (size_t i = 0; i < s.phases.size(); ++i) {
    const WorkloadPhase& p = s.phases[i];
    const std::string f = fmt::format("workload.phases[{}]", i);
    if (!phase_names.insert(p.name).second) d.error(p.where, f + ".name", fmt::format("'{}' is used twice", p.name));
    if (end && p.at_ns >= end)
      d.error(p.where, f + ".at", fmt::format("{} is not before the end of the run ({})", duration_text(p.at_ns),
                                              duration_text(end)));
    if (i > 0 && p.at_ns <= s.phases[i - 1].at_ns)
      d.error(p.where, f + ".at", "phases must be listed in order of their start time");
  }

  for (size_t i = 0; i < s.control.size(); ++i) {
    const ControlEntry& c = s.control[i];
    if (end && c.at_ns >= end)
      d.error(c.where, fmt::format("control[{}].at", i),
              fmt::format("{} is not before the end of the run ({})", duration_text(c.at_ns), duration_text(end)));
  }

  check_workloads(d, s);

  // Each repeat is reported once, against the first description.
  std::map<std::pair<ComponentClass, uint16_t>, size_t> first_description;
  for (size_t i = 0; i < s.components.size(); ++i) {
    const ComponentId c = s.components[i].component;
    const auto [first, inserted] = first_description.emplace(std::make_pair(c.cls, c.instance), i);
    if (!inserted)
      d.error(s.components[i].where, fmt::format("components[{}].id", i),
              fmt::format("{} is already described by components[{}]", to_string(c), first->second));
  }

  std::set<std::string> injection_names;
  for (size_t i = 0; i < s.failures.size(); ++i) {
    const Failure& f = s.failures[i];
    const std::string field = fmt::format("injections.failures[{}]", i);
    check_name(d, f.where, field + ".name", f.name);
    if (!injection_names.insert(f.name).second)
      d.error(f.where, field + ".name", fmt::format("'{}' names another injection already", f.name));
    if (component_class_of(f.error) != f.component.cls)
      d.error(f.where, field + ".error",
              fmt::format("{} is reported against a {} component, not {}", crashtwin::to_string(f.error),
                          crashtwin::to_string(component_class_of(f.error)), to_string(f.component)));
    std::optional<uint64_t> anchor;
    const FailureTime& t = f.when;
    if (t.distribution == TimeDistribution::fixed) {
      anchor = t.at_ns;
      if (end && (t.at_ns == 0 || t.at_ns >= end))
        d.error(f.where, field + ".at",
                fmt::format("{} is outside the run; allowed: after 0 s and before the duration ({})",
                            duration_text(t.at_ns), duration_text(end)));
    } else {
      if (end && t.from_ns >= end)
        d.error(f.where, field + ".distribution.from",
                fmt::format("{} is not before the end of the run ({})", duration_text(t.from_ns), duration_text(end)));
      if (end && t.to_ns > end)
        d.error(f.where, field + ".distribution.to",
                fmt::format("{} is after the end of the run ({})", duration_text(t.to_ns), duration_text(end)));
      if (t.distribution == TimeDistribution::normal && end && t.mean_ns >= end)
        d.error(f.where, field + ".distribution.mean",
                fmt::format("{} is not before the end of the run ({})", duration_text(t.mean_ns), duration_text(end)));
    }
    check_precursor_anchor(d, f.precursors, field, anchor);
  }
  for (size_t i = 0; i < s.false_alarms.size(); ++i) {
    const FalseAlarm& a = s.false_alarms[i];
    const std::string field = fmt::format("injections.false_alarms[{}]", i);
    check_name(d, a.where, field + ".name", a.name);
    if (!injection_names.insert(a.name).second)
      d.error(a.where, field + ".name", fmt::format("'{}' names another injection already", a.name));
    if (end && a.at_ns >= end)
      d.error(a.where, field + ".at",
              fmt::format("{} is not before the end of the run ({})", duration_text(a.at_ns), duration_text(end)));
    check_precursor_anchor(d, a.precursors, field, a.at_ns);
  }

  const auto check_names = [&](const std::vector<std::string>& names, const std::vector<std::string>& known,
                               const char* key, const char* what) {
    const std::string field = join_field("compare", key);
    const YAML::Node compare = doc["compare"];
    const Location top = ctx.locate(compare.IsDefined() && compare.IsMap() ? compare[key] : compare, field);
    std::set<std::string> seen;
    for (const std::string& n : names) {
      if (!known.empty() && !contains(known, n) && n != "all")
        d.error(top, field, fmt::format("'{}' is not a known {}; expected one of: {} (or all)", n, what, join(known)));
      if (!seen.insert(n).second) d.error(top, field, fmt::format("'{}' is listed twice", n));
    }
  };
  check_names(s.policies, options.known_policies, "policies", "policy");
  check_names(s.strategies, options.known_strategies, "strategies", "capture strategy");

  for (size_t i = 0; i < s.expectations.size(); ++i) {
    const ExpectationSpec& e = s.expectations[i];
    const std::string field = fmt::format("expectations[{}]", i);
    if (!e.metric.empty() && !is_known_metric(e.metric))
      d.error(e.where, field + ".metric",
              fmt::format("'{}' is not a metric; expected one of: {}", e.metric, known_metric_list()));
    for (const std::string& p : e.policies) {
      const bool compared = s.policies.empty() || contains(s.policies, "all") || contains(s.policies, p);
      const bool known = options.known_policies.empty() || contains(options.known_policies, p);
      if (!known || !compared)
        d.error(e.where, field + ".policies",
                fmt::format("'{}' is not among the policies this scenario compares ({})", p,
                            s.policies.empty() ? join(options.known_policies) : join(s.policies)));
    }
    for (const std::string& st : e.strategies)
      if (!options.known_strategies.empty() && !contains(options.known_strategies, st) && st != "all")
        d.error(e.where, field + ".strategies",
                fmt::format("'{}' is not a known capture strategy; expected one of: {} (or all)", st,
                            join(options.known_strategies)));
  }
}

}  // namespace crashtwin::scenario
