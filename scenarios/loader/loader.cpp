// Section by section reading of schema v1 (docs/scenarios.md). Each reader
// asks for every key its section allows, so MapReader::finish can name the
// unknown ones; cross-field rules live in checks.cpp.
#include "scenarios/loader/loader.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "platform/agent/agent.h"
#include "platform/predictor/model_blob.h"
#include "scenarios/loader/checks.h"
#include "scenarios/loader/limits.h"
#include "scenarios/loader/replay_section.h"
#include "scenarios/loader/capture_settings.h"
#include "scenarios/loader/confidentiality_section.h"
#include "scenarios/loader/strategy_settings.h"
#include "scenarios/loader/workloads_section.h"
#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

constexpr double kMinTemperatureC = -40.0;
constexpr double kMaxTemperatureC = 150.0;
// Two years: a year of a machine with room to spare, well inside what the
// kernel's 10 ps resolution reaches (5.8 years, models/core/tlm_types.h).
constexpr uint64_t kMaxDurationNs = 2 * 366ull * 86'400'000'000'000ull;

// ---------------------------------------------------------------- overrides

struct PathStep {
  std::string key;  // map key, or empty for an index
  size_t index = 0;
};

std::optional<std::vector<PathStep>> split_path(std::string_view path) {
  std::vector<PathStep> steps;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      size_t index = 0;
      for (size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9') return std::nullopt;
        index = index * 10 + static_cast<size_t>(path[k] - '0');
        // Beyond any list a scenario may hold; stopping here also keeps a
        // 20-digit index from wrapping around to a small one.
        if (index >= kMaxListItems) return std::nullopt;
      }
      steps.push_back({{}, index});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    if (end == i) return std::nullopt;
    steps.push_back({std::string(path.substr(i, end - i)), 0});
    i = end;
    if (i < path.size() && path[i] == '.') ++i;
  }
  if (steps.empty()) return std::nullopt;
  return steps;
}

YAML::Node value_node(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception&) {
    return YAML::Node(text);  // not YAML: take it as the plain text it is
  }
}

void apply_override(YAML::Node& root, const Override& o, ReadContext& ctx) {
  const auto steps = split_path(o.path);
  const Location where{ctx.file(), 0, 0, "--set " + o.path};
  if (!steps) {
    ctx.diagnostics().error(where, o.path,
                            fmt::format("is not a field path; expected names joined by '.' and [index] with an "
                                        "index below {}",
                                        kMaxListItems));
    return;
  }
  YAML::Node current;
  current.reset(root);
  for (size_t s = 0; s < steps->size(); ++s) {
    const PathStep& step = (*steps)[s];
    const bool last = s + 1 == steps->size();
    if (!step.key.empty()) {
      if (!current.IsMap() && !current.IsNull()) {
        ctx.diagnostics().error(where, o.path, fmt::format("cannot set key '{}' inside {}", step.key,
                                                           node_kind(current)));
        return;
      }
      if (last) {
        current[step.key] = value_node(o.value);
        return;
      }
      YAML::Node next = current[step.key];
      if (!next.IsDefined() || next.IsNull()) {
        current[step.key] = YAML::Node(YAML::NodeType::Map);
        next = current[step.key];
      }
      current.reset(next);
    } else {
      if (!current.IsSequence() || step.index >= current.size()) {
        ctx.diagnostics().error(where, o.path,
                                fmt::format("there is no list item [{}] to set", step.index));
        return;
      }
      if (last) {
        current[step.index] = value_node(o.value);
        return;
      }
      YAML::Node next = current[step.index];
      current.reset(next);
    }
  }
}

// Walks the document as the readers will, aliases expanded where they are
// used, and stops at kMaxYamlNodes nodes or kMaxYamlDepth levels: the
// readers would otherwise expand a "billion laughs" document into gigabytes
// or follow a recursive alias forever.
bool within_size_limits(const YAML::Node& doc, ReadContext& ctx) {
  struct Pending {
    YAML::Node node;
    size_t depth;
  };
  std::vector<Pending> stack{{doc, 1}};
  size_t nodes = 0;
  while (!stack.empty()) {
    Pending p = stack.back();
    stack.pop_back();
    if (++nodes > kMaxYamlNodes) {
      ctx.error(doc, "(document)",
                fmt::format("expands to more than {} YAML nodes (each use of an alias counts its nodes again); "
                            "that is the limit of a scenario",
                            kMaxYamlNodes));
      return false;
    }
    if (p.depth > kMaxYamlDepth) {
      ctx.error(p.node, "(document)",
                fmt::format("nests deeper than {} levels (an alias that contains itself?); that is the limit of a "
                            "scenario",
                            kMaxYamlDepth));
      return false;
    }
    if (p.node.IsMap()) {
      for (auto it = p.node.begin(); it != p.node.end(); ++it) {
        stack.push_back({it->first, p.depth + 1});
        stack.push_back({it->second, p.depth + 1});
      }
    } else if (p.node.IsSequence()) {
      for (auto it = p.node.begin(); it != p.node.end(); ++it) stack.push_back({*it, p.depth + 1});
    }
  }
  return true;
}

// Where the text's second YAML document starts, if it has one. Parsed with
// events only: yaml-cpp 0.7's LoadAll crashes on some malformed input.
std::optional<YAML::Mark> second_document(const std::string& text) {
  struct DocumentStarts final : YAML::EventHandler {
    std::vector<YAML::Mark> starts;
    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } handler;
  std::istringstream in(text);
  YAML::Parser parser(in);
  // Two documents at most: the first is the scenario, the second is the error.
  for (int i = 0; i < 2 && parser.HandleNextDocument(handler); ++i) {
  }
  if (handler.starts.size() < 2) return std::nullopt;
  return handler.starts[1];
}

Location location_of(const std::string& file_name, const YAML::Mark& mark) {
  // yaml-cpp marks are 0-based.
  return Location{file_name, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1, {}};
}

// ---------------------------------------------------------------- sections

void read_board(const YAML::Node& node, const std::string& field, ReadContext& ctx, std::vector<BoardParam>& out) {
  // Iterative walk (depth is small, but the stack keeps the order stable).
  struct Pending {
    YAML::Node node;
    std::string name;  // relative to board
  };
  std::vector<Pending> stack{{node, ""}};
  while (!stack.empty()) {
    Pending p = stack.back();
    stack.pop_back();
    const std::string full = p.name.empty() ? field : join_field(field, p.name);
    if (p.node.IsMap() && p.node.size() == 0 && !p.name.empty()) {
      // `disk0: {}` lists an instance with every default: say so with its
      // kind (the board's rule: the name without trailing digits).
      std::string kind = p.name.substr(p.name.rfind('.') + 1);
      while (!kind.empty() && kind.back() >= '0' && kind.back() <= '9') kind.pop_back();
      out.push_back({join_field(p.name, "kind"), kind, ctx.locate(p.node, full)});
    } else if (p.node.IsMap()) {
      MapReader map(ctx, p.node, full);  // reports duplicate keys
      std::vector<Pending> children;
      for (auto it = p.node.begin(); it != p.node.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        children.push_back({it->second, join_field(p.name, it->first.Scalar())});
      }
      for (auto c = children.rbegin(); c != children.rend(); ++c) stack.push_back(*c);
    } else if (p.node.IsSequence()) {
      for (size_t i = p.node.size(); i-- > 0;) stack.push_back({p.node[i], p.name + "." + std::to_string(i)});
    } else if (p.node.IsScalar()) {
      out.push_back({p.name, p.node.Scalar(), ctx.locate(p.node, full)});
    } else {
      ctx.error(p.node, full, "has no value; write a value or remove the key");
    }
  }
}

void read_phases(MapReader& workload, Scenario& s) {
  workload.for_each("phases", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(workload.context(), item, field);
    if (!m.is_map()) return;
    WorkloadPhase phase;
    phase.where = workload.context().locate(item, field);
    phase.name = m.text("name", Need::required).value_or("");
    phase.at_ns = m.duration("at", Need::required).value_or(0);
    phase.cpu_utilization = m.ratio("cpu_utilization", Need::optional);
    phase.memory_pressure = m.ratio("memory_pressure", Need::optional);
    phase.disk_iops = m.rate("disk_iops", Need::optional);
    phase.network_bytes_per_s = m.bandwidth("network", Need::optional);
    phase.interrupt_rate = m.rate("interrupt_rate", Need::optional);
    phase.irq_masked = m.ratio("irq_masked", Need::optional);
    phase.irq_masked_section_ns = m.duration("irq_masked_section", Need::optional);
    phase.lock_contention = m.ratio("lock_contention", Need::optional);
    phase.lock_hold_ns = m.duration("lock_hold", Need::optional);
    m.finish();
    s.phases.push_back(std::move(phase));
  });
}

void read_components(MapReader& root, Scenario& s) {
  root.for_each("components", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(root.context(), item, field);
    if (!m.is_map()) return;
    ComponentBaseline c;
    c.where = root.context().locate(item, field);
    c.component = m.component("id", Need::required).value_or(ComponentId{});
    c.corrected_error_rate = m.rate("corrected_error_rate", Need::optional).value_or(0.0);
    c.temperature_c = m.temperature("temperature", Need::optional, kMinTemperatureC, kMaxTemperatureC);
    m.finish();
    s.components.push_back(c);
  });
}

void read_precursors(MapReader& anchor, ComponentId anchor_component, std::vector<Precursor>& out) {
  anchor.for_each("precursors", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(anchor.context(), item, field);
    if (!m.is_map()) return;
    Precursor p;
    p.where = anchor.context().locate(item, field);
    std::vector<std::string> kinds;
    for (size_t i = 0; i < kPrecursorKindCount; ++i) kinds.emplace_back(to_string(static_cast<PrecursorKind>(i)));
    const auto kind = m.choice("kind", Need::required, kinds);
    if (kind) p.kind = static_cast<PrecursorKind>(*kind);
    p.component = m.component("component", Need::optional).value_or(anchor_component);
    p.lead_time_ns = m.duration("lead_time", Need::required, 1).value_or(0);
    const auto rate = m.rate("rate", Need::optional);
    // `level` is a temperature for heat ramps and a duration for latency.
    std::optional<double> level;
    if (kind && p.kind == PrecursorKind::temperature_ramp)
      level = m.temperature("level", Need::optional, kMinTemperatureC, kMaxTemperatureC);
    else if (kind && p.kind == PrecursorKind::io_latency)
      level = m.duration("level", Need::optional, 1);
    else if (kind && p.kind == PrecursorKind::stack_recursion)
      level = m.size("level", Need::optional, 1, uint64_t{1} << 30);
    const bool has_level = m.has("level");
    m.get("level");
    p.noise = m.ratio("noise", Need::optional).value_or(0.1);
    m.finish();
    p.rate_per_s = rate.value_or(0.0);
    p.level = level.value_or(0.0);
    if (kind) check_precursor(anchor.context(), item, field, p, rate.has_value(), has_level);
    out.push_back(p);
  });
}

void read_failure_time(MapReader& m, FailureTime& t, uint64_t duration_ns) {
  const auto at = m.duration("at", Need::optional);
  const YAML::Node dist = m.get("distribution");
  if (at.has_value() == dist.IsDefined()) {
    m.context().error(m.node(), m.field("at"),
                      "give exactly one of 'at' (a fixed time) or 'distribution' (a drawn time)");
    return;
  }
  if (at) {
    t.distribution = TimeDistribution::fixed;
    t.at_ns = *at;
    return;
  }
  MapReader d(m.context(), dist, m.field("distribution"));
  if (!d.is_map()) return;
  std::vector<std::string> names = {"uniform", "exponential", "normal"};
  const auto kind = d.choice("kind", Need::required, names);
  const auto from = d.duration("from", Need::optional);
  const auto to = d.duration("to", Need::optional);
  const auto mean = d.duration("mean", Need::optional, 1);
  const auto stddev = d.duration("stddev", Need::optional);
  d.finish();
  if (!kind) return;
  t.distribution = static_cast<TimeDistribution>(*kind + 1);
  t.from_ns = from.value_or(0);
  t.to_ns = to.value_or(duration_ns);
  t.mean_ns = mean.value_or(0);
  t.stddev_ns = stddev.value_or(0);
  check_distribution(m.context(), dist, m.field("distribution"), t, from.has_value(), to.has_value(),
                     mean.has_value(), stddev.has_value());
}

void read_injections(MapReader& root, Scenario& s) {
  const YAML::Node node = root.get("injections");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader inj(root.context(), node, "injections");
  if (!inj.is_map()) return;
  inj.for_each("failures", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(inj.context(), item, field);
    if (!m.is_map()) return;
    Failure f;
    f.where = inj.context().locate(item, field);
    f.name = m.text("name", Need::required).value_or("");
    f.component = m.component("component", Need::required).value_or(ComponentId{});
    f.error = m.error_type("error", Need::required).value_or(ErrorType::page_fault);
    read_failure_time(m, f.when, s.duration_ns);
    read_precursors(m, f.component, f.precursors);
    m.finish();
    s.failures.push_back(std::move(f));
  });
  inj.for_each("false_alarms", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(inj.context(), item, field);
    if (!m.is_map()) return;
    FalseAlarm a;
    a.where = inj.context().locate(item, field);
    a.name = m.text("name", Need::required).value_or("");
    a.component = m.component("component", Need::required).value_or(ComponentId{});
    a.at_ns = m.duration("at", Need::required).value_or(0);
    read_precursors(m, a.component, a.precursors);
    m.finish();
    if (a.precursors.empty() && m.is_map())
      inj.context().error(item, field, "a false alarm needs at least one precursor (the pattern that misleads)");
    s.false_alarms.push_back(std::move(a));
  });
  inj.finish();
}

void read_control(MapReader& root, Scenario& s) {
  root.for_each("control", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(root.context(), item, field);
    if (!m.is_map()) return;
    ControlEntry c;
    c.where = root.context().locate(item, field);
    c.at_ns = m.duration("at", Need::required).value_or(0);
    c.command = m.text("command", Need::required).value_or("");
    if (const auto from = m.choice("from", Need::optional, {"host", "bmc"})) c.from = static_cast<ControlSource>(*from);
    m.finish();
    s.control.push_back(std::move(c));
  });
}

void read_agent(MapReader& root, Scenario& s, const std::filesystem::path& base_dir) {
  AgentSettings& a = s.agent;
  ReadContext& ctx = root.context();
  const YAML::Node node = root.get("agent");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader m(root.context(), node, "agent");
  if (!m.is_map()) return;
  a.where = root.context().locate(node, "agent");
  a.allocation_frequency_ns =
      m.duration("allocation_frequency", Need::optional, kMinAllocationFrequencyNs, kMaxAllocationFrequencyNs)
          .value_or(a.allocation_frequency_ns);
  a.minimum_partition_size = m.size("minimum_partition_size", Need::optional, 4096).value_or(a.minimum_partition_size);
  a.maximum_partition_size = m.size("maximum_partition_size", Need::optional, 4096).value_or(a.maximum_partition_size);
  a.budget_bytes = m.size("budget", Need::optional, 4096).value_or(a.budget_bytes);
  a.horizon_ns = m.duration("horizon", Need::optional, 1'000'000);
  // Whole milliseconds up to 49 days: what a model blob can say it was
  // trained on (model_blob.h).
  a.feature_window_ns = m.duration("feature_window", Need::optional, kModelWindowUnitNs, kMaxModelWindowNs);
  if (a.feature_window_ns && !model_window_representable(*a.feature_window_ns)) {
    ctx.error(m.get("feature_window"), m.field("feature_window"),
              fmt::format("{} is not whole milliseconds (what a model blob holds)", duration_text(*a.feature_window_ns)));
    a.feature_window_ns.reset();
  }
  a.rmid_limbo_ns = m.duration("rmid_limbo", Need::optional, 0, kMaxAllocationFrequencyNs).value_or(a.rmid_limbo_ns);
  if (const auto ratio = m.ratio("alarm_clear_ratio", Need::optional)) {
    if (*ratio > 0.0) a.alarm_clear_ratio = *ratio;
    else ctx.error(m.get("alarm_clear_ratio"), m.field("alarm_clear_ratio"),
                   "0 would never clear an alarm; give a fraction of the threshold in (0, 1] (1: no hysteresis)");
  }
  a.alarm_clear_time_ns =
      m.duration("alarm_clear_time", Need::optional, 0, kMaxAlarmClearTimeNs).value_or(a.alarm_clear_time_ns);
  if (const auto at = m.choice("region_placement", Need::optional, {"top", "node_boundary"}))
    a.region_placement = static_cast<AgentSettings::RegionPlacement>(*at);
  if (const auto placement = m.choice("slice_placement", Need::optional, {"any", "node_local"}))
    a.slice_placement = static_cast<SlicePlacement>(*placement);
  if (const auto path = m.text("failure_prediction_model_path", Need::optional)) {
    std::filesystem::path p(*path);
    if (p.is_relative()) p = base_dir / p;
    a.failure_prediction_model_path = p.lexically_normal().string();
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec))
      ctx.error(m.get("failure_prediction_model_path"), m.field("failure_prediction_model_path"),
                fmt::format("'{}' is a directory; expected a model file (.ctpm)", a.failure_prediction_model_path));
  }
  m.finish();
  check_agent(root.context(), node, a);
}

void read_compare(MapReader& root, Scenario& s) {
  const YAML::Node node = root.get("compare");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader m(root.context(), node, "compare");
  if (!m.is_map()) return;
  s.policies = m.text_list("policies", Need::optional).value_or(std::vector<std::string>{});
  s.strategies = m.text_list("strategies", Need::optional).value_or(std::vector<std::string>{});
  m.finish();
}

void read_fleet(MapReader& root, Scenario& s) {
  const YAML::Node node = root.get("fleet");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader m(root.context(), node, "fleet");
  if (!m.is_map()) return;
  s.fleet_machines = m.integer("machines", Need::required, 1, kMaxFleetMachines).value_or(1);
  m.finish();
  // Machine i runs with seed + i: the last one's seed must stay a seed.
  if (s.seed > kMaxSeed - (s.fleet_machines - 1))
    root.context().error(m.get("machines"), m.field("machines"),
                         fmt::format("{} machines from seed {} pass the largest seed {} (machine i runs with seed + i)",
                                     s.fleet_machines, s.seed, kMaxSeed));
}

void read_expectations(MapReader& root, Scenario& s) {
  root.for_each("expectations", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(root.context(), item, field);
    if (!m.is_map()) return;
    ExpectationSpec e;
    e.where = root.context().locate(item, field);
    e.metric = m.text("metric", Need::required).value_or("");
    const auto op = m.choice("op", Need::required, {"<", "<=", ">", ">=", "==", "!="});
    if (op) e.op = static_cast<CompareOp>(*op);
    e.value = m.number("value", Need::required).value_or(0.0);
    e.policies = m.text_list("policies", Need::optional).value_or(std::vector<std::string>{});
    e.strategies = m.text_list("strategies", Need::optional).value_or(std::vector<std::string>{});
    m.finish();
    s.expectations.push_back(std::move(e));
  });
}

void read_document(const YAML::Node& doc, ReadContext& ctx, const LoadOptions& options,
                   const std::filesystem::path& base_dir, Scenario& s) {
  MapReader root(ctx, doc, "");
  if (!root.is_map()) return;
  const auto version = root.integer("schema_version", Need::required, 0, 1'000'000);
  if (version && *version != static_cast<uint64_t>(kSchemaVersion)) {
    ctx.error(root.get("schema_version"), "schema_version",
              fmt::format("'{}' is not supported; this build reads schema_version {}", *version, kSchemaVersion));
    return;  // the rest of the file follows rules this build does not know
  }
  s.name = root.text("name", Need::required).value_or("");
  s.family = root.text("family", Need::optional).value_or(s.name);
  s.description = root.text("description", Need::optional).value_or("");
  s.seed = root.integer("seed", Need::optional, 0, kMaxSeed).value_or(1);
  if (options.seed) s.seed = *options.seed;
  s.duration_ns = root.duration("duration", Need::required, 1'000'000, kMaxDurationNs).value_or(0);
  if (const YAML::Node board = root.get("board", Need::required); board.IsDefined()) {
    if (!board.IsMap())
      ctx.error(board, "board", fmt::format("expected a map of board parameters, got {}", node_kind(board)));
    else
      read_board(board, "board", ctx, s.board);
  }
  if (const YAML::Node workload = root.get("workload"); workload.IsDefined() && !workload.IsNull()) {
    MapReader w(ctx, workload, "workload");
    if (w.is_map()) {
      read_phases(w, s);
      w.finish();
    }
  }
  read_components(root, s);
  read_injections(root, s);
  read_control(root, s);
  read_workloads(root, s);
  read_agent(root, s, base_dir);
  read_replay(root, s, base_dir);
  read_compare(root, s);
  read_fleet(root, s);
  // The names in TraceLevel's order, so the index is the level.
  const std::vector<std::string> trace_levels{std::string(to_string(TraceLevel::full)),
                                              std::string(to_string(TraceLevel::summary))};
  if (const auto level = root.choice("traces", Need::optional, trace_levels)) s.traces = static_cast<TraceLevel>(*level);
  if (const YAML::Node strategy = root.get("strategy"); strategy.IsDefined() && !strategy.IsNull()) {
    if (!strategy.IsMap()) {
      ctx.error(strategy, "strategy", fmt::format("expected a map of strategy parameters, got {}", node_kind(strategy)));
    } else {
      read_board(strategy, "strategy", ctx, s.strategy_settings);
      apply_strategy_settings(ctx, strategy, s);
    }
  }
  if (const YAML::Node capture = root.get("capture"); capture.IsDefined() && !capture.IsNull()) {
    if (!capture.IsMap()) {
      ctx.error(capture, "capture", fmt::format("expected a map of capture sizes, got {}", node_kind(capture)));
    } else {
      read_board(capture, "capture", ctx, s.capture_settings);
      apply_capture_settings(ctx, s);
    }
  }
  read_confidentiality(root, s, base_dir);
  read_expectations(root, s);
  root.finish();
  // Cross-field rules only on a structurally sound file: a missing or
  // mistyped field would otherwise cascade into misleading follow-ups.
  if (ctx.diagnostics().empty()) check_scenario(ctx, doc, s, options);
}

}  // namespace

std::optional<Override> parse_override(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return Override{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

LoadResult load_scenario_text(const std::string& text, const std::string& file_name, const LoadOptions& options) {
  LoadResult result;
  ReadContext ctx(file_name, result.diagnostics);
  if (text.size() > kMaxScenarioFileBytes) {
    result.diagnostics.error(Location{file_name, 0, 0, {}}, "",
                             fmt::format("the file has {} bytes; a scenario may have at most {} bytes", text.size(),
                                         kMaxScenarioFileBytes));
    return result;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
    // A second document would be silently ignored: say so instead.
    if (const std::optional<YAML::Mark> second = second_document(text)) {
      result.diagnostics.error(location_of(file_name, *second), "",
                               "a second YAML document starts here (after '---'); a scenario is one document");
      return result;
    }
  } catch (const YAML::Exception& e) {
    result.diagnostics.error(location_of(file_name, e.mark), "", "YAML syntax error: " + e.msg);  // e.msg: the bare message
    return result;
  }
  for (const Override& o : options.overrides) {
    ctx.add_override(o.path);
    apply_override(doc, o, ctx);
  }
  if (!within_size_limits(doc, ctx)) return result;
  Scenario s;
  s.source_path = file_name;
  const std::filesystem::path base_dir = std::filesystem::path(file_name).parent_path();
  try {
    read_document(doc, ctx, options, base_dir, s);
  } catch (const YAML::Exception& e) {
    // Defensive: a node shape the readers did not anticipate.
    result.diagnostics.error(location_of(file_name, e.mark), "", "cannot read this part of the file: " + e.msg);
  }
  if (result.diagnostics.empty()) result.scenario = std::move(s);
  return result;
}

LoadResult load_scenario(const std::filesystem::path& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.diagnostics.error(Location{path.string(), 0, 0, {}}, "", "cannot open the file (missing or unreadable)");
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path.string(), options);
}

}  // namespace crashtwin::scenario
