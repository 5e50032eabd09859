#include "scenarios/loader/yaml_fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "scenarios/loader/limits.h"
#include "scenarios/schema/quantity_text.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

bool is_prefix_field(std::string_view prefix, std::string_view field) {
  if (field.substr(0, prefix.size()) != prefix) return false;
  return field.size() == prefix.size() || field[prefix.size()] == '.' || field[prefix.size()] == '[';
}

}  // namespace

Location ReadContext::locate(const YAML::Node& node, std::string_view field) const {
  Location where{file_, 0, 0, {}};
  for (const std::string& o : overrides_) {
    if (is_prefix_field(o, field)) {
      where.origin = "--set " + o;
      return where;
    }
  }
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) {
      where.line = mark.line + 1;
      where.column = mark.column + 1;
    }
  }
  return where;
}

void ReadContext::error(const YAML::Node& node, std::string_view field, std::string message) {
  diags_.error(locate(node, field), std::string(field), std::move(message));
}

std::string join_field(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

std::string index_field(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

const char* node_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "a scalar";
}

MapReader::MapReader(ReadContext& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (!node.IsMap()) {
    ctx_.error(node, path_.empty() ? "(document)" : path_,
               fmt::format("expected a map of keys, got {}", node_kind(node)));
    return;
  }
  is_map_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      ctx_.error(key, path_, fmt::format("keys must be plain names, got {}", node_kind(key)));
      continue;
    }
    const std::string name = key.Scalar();
    if (!key_names_.insert(name).second) {
      ctx_.error(key, field(name), "key appears twice in the same map; keep one");
      continue;
    }
    keys_.emplace_back(name, key);
  }
}

bool MapReader::has(std::string_view key) const { return key_names_.count(std::string(key)) != 0; }

YAML::Node MapReader::get(std::string_view key, Need need) {
  asked_.emplace_back(key);
  if (!is_map_) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  if (need == Need::required) ctx_.error(node_, field(key), "is required here but missing");
  return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<std::pair<YAML::Node, std::string>> MapReader::scalar(std::string_view key, Need need,
                                                                    std::string_view expected) {
  const YAML::Node value = get(key, need);
  if (!value.IsDefined()) return std::nullopt;
  if (!value.IsScalar()) {
    ctx_.error(value, field(key), fmt::format("expected {}, got {}", expected, node_kind(value)));
    return std::nullopt;
  }
  return std::make_pair(value, value.Scalar());
}

void MapReader::bad_value(const YAML::Node& node, std::string_view key, std::string_view value,
                          std::string_view what) {
  ctx_.error(node, field(key), fmt::format("'{}' {}", value, what));
}

std::optional<std::string> MapReader::text(std::string_view key, Need need) {
  auto s = scalar(key, need, "a text");
  if (!s) return std::nullopt;
  return s->second;
}

std::optional<uint64_t> MapReader::integer(std::string_view key, Need need, uint64_t min, uint64_t max) {
  auto s = scalar(key, need, "a whole number");
  if (!s) return std::nullopt;
  const std::string& t = s->second;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size()) {
    bad_value(s->first, key, t, fmt::format("is not a whole number; expected an integer in [{}, {}]", min, max));
    return std::nullopt;
  }
  if (value < min || value > max) {
    bad_value(s->first, key, t, fmt::format("is out of range; allowed: [{}, {}]", min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::number(std::string_view key, Need need) {
  auto s = scalar(key, need, "a number");
  if (!s) return std::nullopt;
  const std::string& t = s->second;
  double value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    bad_value(s->first, key, t, "is not a number; expected a decimal number such as 0.95 or 1e-3");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> MapReader::boolean(std::string_view key, Need need) {
  auto s = scalar(key, need, "true or false");
  if (!s) return std::nullopt;
  if (s->second == "true") return true;
  if (s->second == "false") return false;
  bad_value(s->first, key, s->second, "is not a boolean; expected true or false");
  return std::nullopt;
}

std::optional<uint64_t> MapReader::duration(std::string_view key, Need need, uint64_t min_ns, uint64_t max_ns) {
  auto s = scalar(key, need, "a duration");
  if (!s) return std::nullopt;
  uint64_t ns = 0;
  const Status st = parse_duration_ns(s->second, ns);
  if (!ok(st)) {
    bad_value(s->first, key, s->second,
              fmt::format("is not a duration; expected {}", quantity_help(Quantity::duration)));
    return std::nullopt;
  }
  if (ns < min_ns || ns > max_ns) {
    bad_value(s->first, key, s->second,
              max_ns == UINT64_MAX
                  ? fmt::format("is out of range; allowed: at least {}", duration_text(min_ns))
                  : fmt::format("is out of range; allowed: {} to {}", duration_text(min_ns), duration_text(max_ns)));
    return std::nullopt;
  }
  return ns;
}

std::optional<uint64_t> MapReader::size(std::string_view key, Need need, uint64_t min_bytes, uint64_t max_bytes) {
  auto s = scalar(key, need, "a size");
  if (!s) return std::nullopt;
  uint64_t bytes = 0;
  if (!ok(parse_size_bytes(s->second, bytes))) {
    bad_value(s->first, key, s->second, fmt::format("is not a size; expected {}", quantity_help(Quantity::size)));
    return std::nullopt;
  }
  if (bytes < min_bytes || bytes > max_bytes) {
    bad_value(s->first, key, s->second,
              max_bytes == UINT64_MAX
                  ? fmt::format("is out of range; allowed: at least {}", size_text(min_bytes))
                  : fmt::format("is out of range; allowed: {} to {}", size_text(min_bytes), size_text(max_bytes)));
    return std::nullopt;
  }
  return bytes;
}

std::optional<double> MapReader::floating(std::string_view key, Need need, Quantity q, std::string_view what,
                                          Status (*parse_fn)(std::string_view, double&)) {
  auto s = scalar(key, need, what);
  if (!s) return std::nullopt;
  double value = 0;
  const Status st = parse_fn(s->second, value);
  if (st == Status::out_of_range && *quantity_limit(q) != '\0') {
    bad_value(s->first, key, s->second, fmt::format("is out of range; allowed: {}", quantity_limit(q)));
    return std::nullopt;
  }
  if (!ok(st)) {
    bad_value(s->first, key, s->second, fmt::format("is not {}; expected {}", what, quantity_help(q)));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::ratio(std::string_view key, Need need) {
  return floating(key, need, Quantity::ratio, "a ratio", parse_ratio);
}

std::optional<double> MapReader::rate(std::string_view key, Need need) {
  return floating(key, need, Quantity::rate, "a rate", parse_rate);
}

std::optional<double> MapReader::bandwidth(std::string_view key, Need need) {
  return floating(key, need, Quantity::bandwidth, "a bandwidth", parse_bandwidth);
}

std::optional<double> MapReader::temperature(std::string_view key, Need need, double min_c, double max_c) {
  const auto value = floating(key, need, Quantity::temperature, "a temperature", parse_temperature);
  if (value && (*value < min_c || *value > max_c)) {
    const YAML::Node node = get(key);
    bad_value(node, key, node.Scalar(),
              fmt::format("is out of range; allowed: {} C to {} C", number_text(min_c), number_text(max_c)));
    return std::nullopt;
  }
  return value;
}

std::optional<ComponentId> MapReader::component(std::string_view key, Need need) {
  auto s = scalar(key, need, "a component");
  if (!s) return std::nullopt;
  ComponentId id;
  if (!parse_component(s->second, id)) {
    bad_value(s->first, key, s->second,
              "is not a component; expected CLASS.INSTANCE with CLASS one of cpu, memory, disk, network "
              "(e.g. memory.1)");
    return std::nullopt;
  }
  return id;
}

std::optional<ErrorType> MapReader::error_type(std::string_view key, Need need) {
  std::vector<std::string> names;
  for (size_t i = 0; i < kErrorTypeCount; ++i) names.emplace_back(to_string(static_cast<ErrorType>(i)));
  const auto index = choice(key, need, names);
  if (!index) return std::nullopt;
  return static_cast<ErrorType>(*index);
}

std::optional<size_t> MapReader::choice(std::string_view key, Need need, const std::vector<std::string>& names) {
  auto s = scalar(key, need, "a name");
  if (!s) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == s->second) return i;
  bad_value(s->first, key, s->second, fmt::format("is not allowed here; expected one of: {}", join_names(names)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> MapReader::text_list(std::string_view key, Need need) {
  const YAML::Node value = get(key, need);
  if (!value.IsDefined()) return std::nullopt;
  std::vector<std::string> out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    ctx_.error(value, field(key), fmt::format("expected a list of names, got {}", node_kind(value)));
    return std::nullopt;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].IsScalar()) {
      ctx_.error(value[i], index_field(field(key), i), fmt::format("expected a name, got {}", node_kind(value[i])));
      return std::nullopt;
    }
    out.push_back(value[i].Scalar());
  }
  return out;
}

void MapReader::for_each(std::string_view key, Need need,
                         const std::function<void(const YAML::Node&, const std::string&)>& item) {
  const YAML::Node value = get(key, need);
  if (!value.IsDefined() || value.IsNull()) return;
  if (!value.IsSequence()) {
    ctx_.error(value, field(key), fmt::format("expected a list (items starting with '-'), got {}", node_kind(value)));
    return;
  }
  if (value.size() > kMaxListItems) {
    ctx_.error(value, field(key),
               fmt::format("has {} items; at most {} are allowed (the limit of a list)", value.size(), kMaxListItems));
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) item(value[i], index_field(field(key), i));
}

void MapReader::finish() {
  for (const auto& [name, key] : keys_) {
    if (std::find(asked_.begin(), asked_.end(), name) != asked_.end()) continue;
    std::vector<std::string> allowed;
    for (const std::string& a : asked_)
      if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) allowed.push_back(a);
    ctx_.error(key, field(name), fmt::format("unknown key; allowed here: {}", join_names(allowed)));
  }
}

}  // namespace crashtwin::scenario
