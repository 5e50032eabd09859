// trace.vcd: board signals as an IEEE 1364-2005 value change dump that
// GTKWave opens: interrupt lines (1-bit wires), slice sizes (64-bit
// integers) and per-component failure probabilities (reals).
//
// Signals are declared first, value changes are recorded in any order and
// sorted by time on write; a change to the value a signal already has is not
// written. No $date, so equal runs give equal bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace crashtwin {

enum class VcdKind : uint8_t { wire, integer, real };

class VcdWriter {
 public:
  using SignalId = uint32_t;

  // `scope` is a dotted path ("board.irq"), each part a $scope module;
  // `name` is the variable's reference. Throws std::invalid_argument on an
  // empty or whitespace-containing name, or a duplicate scope+name.
  SignalId add_wire(std::string_view scope, std::string_view name);
  SignalId add_integer(std::string_view scope, std::string_view name);
  SignalId add_real(std::string_view scope, std::string_view name);

  // Records the value of a signal from time t_ns on. Wires take 0/1
  // (anything non-zero is 1), integers are written in binary, reals as
  // shortest round-trip decimals. Throws std::out_of_range on an unknown id.
  void change(uint64_t t_ns, SignalId signal, uint64_t value);
  void change_real(uint64_t t_ns, SignalId signal, double value);
  // From now on changes are checked but not kept (a run at
  // TraceLevel::summary, whose trace.vcd is not written).
  void discard_changes() { discarding_ = true; }

  size_t signal_count() const { return signals_.size(); }
  size_t change_count() const { return changes_.size(); }

  // The whole dump: header, $dumpvars with every signal's first value (x for
  // wires and integers, 0 for reals if not set at time 0), then #t sections
  // in time order. Deterministic.
  std::string to_string() const;
  void write(const std::filesystem::path& path) const;  // atomically; io_error

  // The identifier code of the n-th signal: base-94 over printable ASCII
  // 33..126 ("!", "\"", ... "~", "!!", ...).
  static std::string identifier_code(uint32_t index);

 private:
  struct Signal {
    std::string scope;
    std::string name;
    VcdKind kind;
  };
  struct Change {
    uint64_t t_ns;
    uint32_t signal;
    uint32_t seq;  // record order: the last change at one instant wins
    uint64_t bits; // integer value, or the double's bit pattern for reals
  };
  SignalId add(std::string_view scope, std::string_view name, VcdKind kind);

  std::vector<Signal> signals_;
  std::vector<Change> changes_;
  bool discarding_ = false;
};

}  // namespace crashtwin
