#include "scenarios/loader/workloads_section.h"

#include <charconv>

#include <fmt/format.h>

namespace crashtwin::scenario {
namespace {

// `cores`: a non-empty list of core indices.
std::vector<uint32_t> read_cores(MapReader& m) {
  std::vector<uint32_t> cores;
  const YAML::Node node = m.get("cores", Need::required);
  if (!node.IsDefined()) return cores;
  const std::string field = m.field("cores");
  ReadContext& ctx = m.context();
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(node, field, fmt::format("expected a non-empty list of core indices such as [0, 1], got {}", node_kind(node)));
    return cores;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_field = index_field(field, i);
    const std::string text = item.IsScalar() ? item.Scalar() : std::string();
    uint64_t core = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), core);
    if (!item.IsScalar() || ec != std::errc() || end != text.data() + text.size() || core > kMaxWorkloadCore) {
      ctx.error(item, item_field,
                fmt::format("'{}' is not a core index; expected a whole number in [0, {}]",
                            item.IsScalar() ? text : node_kind(item), kMaxWorkloadCore));
      continue;
    }
    cores.push_back(static_cast<uint32_t>(core));
  }
  return cores;
}

}  // namespace

void read_workloads(MapReader& root, Scenario& s) {
  root.for_each("workloads", Need::optional, [&](const YAML::Node& item, const std::string& field) {
    MapReader m(root.context(), item, field);
    if (!m.is_map()) return;
    NamedWorkload w;
    w.where = root.context().locate(item, field);
    w.name = m.text("name", Need::required).value_or("");
    w.id = static_cast<uint32_t>(m.integer("id", Need::required, 1, UINT32_MAX).value_or(0));
    w.cores = read_cores(m);
    w.start_ns = m.duration("start", Need::required).value_or(0);
    if (const auto stop = m.duration("stop", Need::optional)) {
      w.stop_ns = *stop;
      w.stops = true;
    } else {
      w.stop_ns = s.duration_ns;
    }
    w.memory_bandwidth_bps = m.bandwidth("memory_bandwidth", Need::optional).value_or(0.0);
    w.llc_working_set_bytes = m.size("llc_working_set", Need::optional, 0, 1ull << 40).value_or(0);
    m.finish();
    s.workloads.push_back(std::move(w));
  });
}

}  // namespace crashtwin::scenario
