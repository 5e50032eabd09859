// Board parameters: the scenario's `board` subtree as flat dotted names
// ("board.dram.size") with the text a person wrote and where they wrote it,
// and typed declared parameters that models read from it.
//
// Every tunable of a model is a `param<T>`: name, kind (the unit family, see
// platform/core/units.h), default, one-line description and range. A
// duration a model uses as simulated time is a `param<sc_core::sc_time>`
// (parsed in whole nanoseconds, up to the longest simulated time the
// kernel's resolution holds, models/core/tlm_types.h); one handed on as
// nanoseconds stays a `param<uint64_t>`. Declaring
// one records it in the tree's effective configuration (value, whether it is
// the default, description), which the runner dumps to config.yaml. After a
// board is built, any key of its subtree that no model declared is an error
// (`ParamTree::reject_unused`). Errors are `ConfigError`s whose message names
// the dotted path, the file:line:column and what is allowed.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sc_core {
class sc_time;
}

namespace crashtwin {

// Bad configuration (host code only; the CLI maps it to exit code 2).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a value came from: "lib/x.yaml:12:11"; empty file for defaults and
// values set by code.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // "file:line:column"; "<default>" when unknown; `file` alone when line is 0
  // (a value from the command line names its option there).
  std::string to_string() const;
};

// The unit family of a parameter, which decides its parser and value type.
enum class ParamKind : uint8_t {
  size,         // uint64_t bytes: "4 GiB"
  duration,     // sc_core::sc_time, or uint64_t nanoseconds: "10 ms"
  count,        // uint64_t: "8"
  address,      // uint64_t, shown in hex: "0x100000000"
  bandwidth,    // double bytes/s: "250 MB/s"
  rate,         // double events/s: "5 /min"
  temperature,  // double Celsius: "85 C"
  ratio,        // double 0..1: "12 %"
  frequency,    // double Hz: "2 GHz"
  real,         // double: "0.25"
  boolean,      // bool: true/false
  text,         // std::string
};
const char* to_string(ParamKind kind);

// One line of the effective configuration.
struct EffectiveParam {
  std::string name;         // dotted
  std::string value;        // as a person writes it ("4 GiB")
  bool is_default = true;   // no value was given for it
  std::string description;  // one line
  ParamKind kind = ParamKind::text;
};

class ParamTree {
 public:
  // Sets (or replaces) a value. Later sets win, as with `--set key=value`.
  void set(std::string name, std::string text, SourceLocation where = {});
  struct Entry {
    std::string name;
    std::string text;
    SourceLocation where;
    bool used = false;
  };
  const Entry* find(std::string_view name) const;
  Entry* find(std::string_view name);
  // Immediate children of `prefix` in first-set order: for "board" with keys
  // board.dram.size and board.disk0.kind, {"dram", "disk0"}.
  std::vector<std::string> children(std::string_view prefix) const;
  // Whether any key lies at or under `prefix`.
  bool has(std::string_view prefix) const;
  // Throws ConfigError naming the first key under `prefix` that no model
  // declared ("unknown parameter board.dram.sise at x.yaml:3:5").
  void reject_unused(std::string_view prefix) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const std::vector<EffectiveParam>& effective() const { return effective_; }
  void record_effective(EffectiveParam p);

 private:
  std::vector<Entry> entries_;
  std::vector<EffectiveParam> effective_;
};

// A view of the tree under one prefix ("board.dram"), handed to a model's
// constructor.
class ParamScope {
 public:
  ParamScope(ParamTree& tree, std::string prefix) : tree_(&tree), prefix_(std::move(prefix)) {}
  ParamScope sub(std::string_view child) const { return ParamScope(*tree_, path(child)); }
  std::string path(std::string_view name) const;
  const std::string& prefix() const { return prefix_; }
  ParamTree& tree() const { return *tree_; }
  std::vector<std::string> children() const { return tree_->children(prefix_); }
  bool has(std::string_view name) const { return tree_->has(path(name)); }
  // Throws ConfigError "<path> (<location>): <message>".
  [[noreturn]] void fail(std::string_view name, std::string_view message) const;

 private:
  ParamTree* tree_;
  std::string prefix_;
};

namespace detail {
// Parses `text` as `kind` into the value; returns false with `why` filled.
bool parse_param(ParamKind kind, std::string_view text, uint64_t& out, std::string& why);
bool parse_param(ParamKind kind, std::string_view text, double& out, std::string& why);
bool parse_param(ParamKind kind, std::string_view text, bool& out, std::string& why);
bool parse_param(ParamKind kind, std::string_view text, std::string& out, std::string& why);
bool parse_param(ParamKind kind, std::string_view text, sc_core::sc_time& out, std::string& why);
// Formats a value as a person writes it for its kind ("4 GiB", "10 ms").
std::string format_param(ParamKind kind, uint64_t v);
std::string format_param(ParamKind kind, double v);
std::string format_param(ParamKind kind, bool v);
std::string format_param(ParamKind kind, const std::string& v);
std::string format_param(ParamKind kind, const sc_core::sc_time& v);
// The longest duration a param<sc_time> holds: the last whole nanosecond
// of simulated time at the kernel's resolution (about 5.8 years).
sc_core::sc_time longest_duration();
// Throws ConfigError if `kind` cannot hold a T (a programming error).
void check_kind(ParamKind kind, bool is_u64, bool is_double, bool is_bool, bool is_string, bool is_time,
                std::string_view name);
}  // namespace detail

// A typed declared parameter. T is uint64_t (size, duration, count, address), double
// (bandwidth, rate, temperature, ratio, frequency, real), bool, std::string
// or sc_core::sc_time (duration; the caller includes <systemc>).
template <typename T>
class param {
 public:
  param(const ParamScope& scope, std::string_view name, ParamKind kind, T default_value,
        std::string_view description, T min = lowest(), T max = highest())
      : name_(scope.path(name)), kind_(kind), value_(std::move(default_value)) {
    detail::check_kind(kind, std::is_same_v<T, uint64_t>, std::is_same_v<T, double>, std::is_same_v<T, bool>,
                       std::is_same_v<T, std::string>, std::is_same_v<T, sc_core::sc_time>, name_);
    ParamTree::Entry* entry = scope.tree().find(name_);
    if (entry) {
      entry->used = true;
      std::string why;
      T parsed{};
      if (!detail::parse_param(kind, entry->text, parsed, why))
        scope.fail(name, "'" + entry->text + "' is not a valid " + to_string(kind) + ": " + why);
      if constexpr (kOrdered) {
        if (parsed < min || parsed > max)
          scope.fail(name, "'" + entry->text + "' is out of range [" + detail::format_param(kind, min) + ", " +
                               detail::format_param(kind, max) + "]");
      }
      value_ = std::move(parsed);
      from_default_ = false;
    }
    scope.tree().record_effective({name_, entry ? entry->text : detail::format_param(kind, value_),
                                   from_default_, std::string(description), kind});
  }

  const T& value() const { return value_; }
  operator const T&() const { return value_; }
  const std::string& name() const { return name_; }
  ParamKind kind() const { return kind_; }
  bool is_default() const { return from_default_; }

 private:
  // Whether a range applies (numbers and durations).
  static constexpr bool kOrdered =
      (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) || std::is_same_v<T, sc_core::sc_time>;
  static T lowest() {
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) return std::numeric_limits<T>::lowest();
    else return T{};  // a duration: zero
  }
  static T highest() {
    if constexpr (std::is_same_v<T, sc_core::sc_time>) return detail::longest_duration();
    else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) return std::numeric_limits<T>::max();
    else return T{};
  }
  std::string name_;
  ParamKind kind_;
  T value_;
  bool from_default_ = true;
};

}  // namespace crashtwin
