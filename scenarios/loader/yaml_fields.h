// Typed reading of YAML mappings with locations: every value the schema reads
// goes through MapReader, which parses units with platform/core/units.h,
// checks ranges, and reports problems as file:line:column + field + what is
// allowed. Keys the schema never asked for are reported by finish(), with the
// list of keys that are allowed there.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "platform/core/types.h"
#include "platform/core/units.h"
#include "scenarios/schema/diagnostics.h"

namespace crashtwin::scenario {

// Shared state of one file being read.
class ReadContext {
 public:
  ReadContext(std::string file, Diagnostics& diagnostics) : file_(std::move(file)), diags_(diagnostics) {}

  // Fields set with --set have no position in the file: their location names
  // the override instead.
  void add_override(std::string field) { overrides_.push_back(std::move(field)); }

  Location locate(const YAML::Node& node, std::string_view field) const;
  void error(const YAML::Node& node, std::string_view field, std::string message);
  Diagnostics& diagnostics() { return diags_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  Diagnostics& diags_;
  std::vector<std::string> overrides_;
};

enum class Need : uint8_t { optional, required };

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c"; "a" + index 2 -> "a[2]".
std::string join_field(std::string_view path, std::string_view key);
std::string index_field(std::string_view path, size_t index);

// "a map", "a list", "a scalar", "nothing": for "expected X, got Y" messages.
const char* node_kind(const YAML::Node& node);

class MapReader {
 public:
  // Reports an error (and reads nothing) if `node` is not a mapping; reports
  // duplicate and non-scalar keys.
  MapReader(ReadContext& ctx, const YAML::Node& node, std::string path);

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  ReadContext& context() { return ctx_; }
  std::string field(std::string_view key) const { return join_field(path_, key); }

  // The value under `key` (an undefined node if absent); marks the key known.
  // A required key that is absent is reported against the mapping.
  YAML::Node get(std::string_view key, Need need = Need::optional);
  bool has(std::string_view key) const;

  std::optional<std::string> text(std::string_view key, Need need);
  std::optional<uint64_t> integer(std::string_view key, Need need, uint64_t min, uint64_t max);
  std::optional<double> number(std::string_view key, Need need);
  std::optional<bool> boolean(std::string_view key, Need need);
  // Quantities with units (units.h); min/max are in the parsed unit and are
  // named in the message with `limit_text` ("the run's duration (2 h)").
  std::optional<uint64_t> duration(std::string_view key, Need need, uint64_t min_ns = 0,
                                   uint64_t max_ns = UINT64_MAX);
  std::optional<uint64_t> size(std::string_view key, Need need, uint64_t min_bytes = 0,
                               uint64_t max_bytes = UINT64_MAX);
  std::optional<double> ratio(std::string_view key, Need need);
  std::optional<double> rate(std::string_view key, Need need);
  std::optional<double> bandwidth(std::string_view key, Need need);
  std::optional<double> temperature(std::string_view key, Need need, double min_c, double max_c);
  std::optional<ComponentId> component(std::string_view key, Need need);
  std::optional<ErrorType> error_type(std::string_view key, Need need);
  // One of `names`; the message lists them.
  std::optional<size_t> choice(std::string_view key, Need need, const std::vector<std::string>& names);
  // A list of strings (a single string is accepted as a list of one).
  std::optional<std::vector<std::string>> text_list(std::string_view key, Need need);

  // Calls `item(node, field)` for each element of the list under `key`; a
  // list of more than kMaxListItems (limits.h) is reported and not read.
  void for_each(std::string_view key, Need need,
                const std::function<void(const YAML::Node&, const std::string&)>& item);

  // Reports every key no getter asked for, with the allowed keys.
  void finish();

 private:
  // The scalar under `key` or nullopt (reported if present but not a scalar).
  std::optional<std::pair<YAML::Node, std::string>> scalar(std::string_view key, Need need,
                                                           std::string_view expected);
  std::optional<double> floating(std::string_view key, Need need, Quantity q, std::string_view what,
                                 Status (*parse_fn)(std::string_view, double&));
  void bad_value(const YAML::Node& node, std::string_view key, std::string_view value,
                 std::string_view what);

  ReadContext& ctx_;
  YAML::Node node_;
  std::string path_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, YAML::Node>> keys_;  // key text, key node, in file order
  std::unordered_set<std::string> key_names_;             // the same names, for lookups
  std::vector<std::string> asked_;
};

}  // namespace crashtwin::scenario
