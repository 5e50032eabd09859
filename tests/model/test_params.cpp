// Durations as sc_time: param<sc_core::sc_time> of kind duration parses what
// param<uint64_t> parses ("10 ms"), checks its range, and writes the
// effective configuration exactly as the nanosecond form does (config.yaml
// stays byte-identical when a model's parameter changes type).
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

#include "models/config/params.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;
using sc_core::sc_time;

namespace {

// The message of the ConfigError `declare` throws ("" if none).
template <typename Declare>
std::string config_error(Declare declare) {
  try {
    declare();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A tree of values written in x.yaml at the given line and column.
struct Setting {
  const char* name;
  const char* text;
  uint32_t line, column;
};
ParamTree tree_of(std::initializer_list<Setting> settings) {
  use_time_resolution();
  ParamTree tree;
  for (const Setting& s : settings) tree.set(s.name, s.text, {"x.yaml", s.line, s.column});
  return tree;
}

}  // namespace

TEST_CASE("to_ns rounds to the nearest nanosecond, half up, over the whole range of sc_time") {
  const uint64_t k = kTimeUnitsPerNs;
  const uint64_t half = k - k / 2;  // the smallest remainder that rounds up
  CHECK(to_ns(sc_time::from_value(0)) == 0);
  CHECK(to_ns(sc_time::from_value(half - 1)) == 0);
  CHECK(to_ns(sc_time::from_value(half)) == 1);
  CHECK(to_ns(sc_time::from_value(7 * k + half - 1)) == 7);
  CHECK(to_ns(sc_time::from_value(7 * k + half)) == 8);
  // The largest sc_time: (value + k/2) / k wrapped to 0 here.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  CHECK(to_ns(sc_time::from_value(max)) >= max / k);
  CHECK(to_ns(sc_time::from_value(max)) - to_ns(sc_time::from_value(max - k)) == 1);
}

TEST_CASE("a duration parameter as sc_time parses the duration text in whole nanoseconds") {
  ParamTree tree = tree_of({{"board.dma.latency", "10 ms", 3, 14}, {"board.dma.register_latency", " 0.5 us ", 4, 23}});
  const ParamScope scope(tree, "board.dma");
  const param<sc_time> latency(scope, "latency", ParamKind::duration, ns(500), "setup latency");
  const param<sc_time> register_latency(scope, "register_latency", ParamKind::duration, ns(10), "access");
  const param<sc_time> unset(scope, "unset", ParamKind::duration, ns(80), "a default");
  CHECK(latency.value() == sc_time(10, sc_core::SC_MS));
  CHECK(to_ns(latency) == 10'000'000);
  CHECK_FALSE(latency.is_default());
  CHECK(register_latency.value() == sc_time(500, sc_core::SC_NS));
  CHECK(unset.value() == sc_time(80, sc_core::SC_NS));
  CHECK(unset.is_default());
}

TEST_CASE("the effective configuration of an sc_time duration is the nanosecond form's, byte for byte") {
  use_time_resolution();
  ParamTree as_time, as_ns;
  for (ParamTree* tree : {&as_time, &as_ns}) tree->set("board.bmc.alert_latency", "10 us", {"x.yaml", 6, 20});
  const uint64_t defaults_ns[] = {0, 1, 50, 1'000, 2'500, 50'000'000, 2'000'000'000, 60'000'000'000,
                                  86'400'000'000'000};
  const ParamScope time_scope(as_time, "board.bmc"), ns_scope(as_ns, "board.bmc");
  param<sc_time>(time_scope, "alert_latency", ParamKind::duration, ns(7), "set");
  param<uint64_t>(ns_scope, "alert_latency", ParamKind::duration, 7, "set");
  for (const uint64_t d : defaults_ns) {
    const std::string name = "t" + std::to_string(d);
    param<sc_time>(time_scope, name, ParamKind::duration, ns(d), "default");
    param<uint64_t>(ns_scope, name, ParamKind::duration, d, "default");
  }
  REQUIRE(as_time.effective().size() == as_ns.effective().size());
  for (size_t i = 0; i < as_ns.effective().size(); ++i) {
    CHECK(as_time.effective()[i].name == as_ns.effective()[i].name);
    CHECK(as_time.effective()[i].value == as_ns.effective()[i].value);
    CHECK(as_time.effective()[i].is_default == as_ns.effective()[i].is_default);
    CHECK(as_time.effective()[i].kind == ParamKind::duration);
  }
  CHECK(as_time.effective()[0].value == "10 us");  // as written
  CHECK(detail::format_param(ParamKind::duration, sc_time(2'000'000'000, sc_core::SC_NS)) == "2 s");
  CHECK(detail::format_param(ParamKind::duration, sc_time(90, sc_core::SC_SEC)) == "90 s");
  // A default finer than a nanosecond keeps its fraction.
  CHECK(detail::format_param(ParamKind::duration, sc_time(2.5, sc_core::SC_NS)) == "2.5 ns");
}

TEST_CASE("an sc_time duration out of its range names the path, the location and the range") {
  ParamTree tree = tree_of({{"board.quantum", "10 ns", 2, 12}, {"board.router.latency", "2 ms", 9, 14}});
  const ParamScope scope(tree, "board");
  CHECK(config_error([&] {
          param<sc_time>(scope, "quantum", ParamKind::duration, ns(1000), "quantum", ns(1000), ns(1'000'000));
        }) == "x.yaml:2:12: board.quantum: '10 ns' is out of range [1 us, 1 ms]");
  CHECK(config_error([&] {
          param<sc_time>(scope.sub("router"), "latency", ParamKind::duration, ns(2), "hop", sc_core::SC_ZERO_TIME,
                         ns(1000));
        }) == "x.yaml:9:14: board.router.latency: '2 ms' is out of range [0 ns, 1 us]");
}

TEST_CASE("an sc_time duration longer than simulated time, or not a duration, is refused with the reason") {
  // 10 ps resolution: 2^64 x 10 ps is 5.8 years; 3000 days is 8.2.
  ParamTree tree =
      tree_of({{"board.nic0.link_flap_duration", "3000 d", 5, 25}, {"board.nic0.command_timeout", "fast", 6, 22}});
  const ParamScope scope(tree, "board.nic0");
  CHECK(detail::longest_duration() == ns(184'467'440'737'095'516ull));
  const std::string too_long = config_error(
      [&] { param<sc_time>(scope, "link_flap_duration", ParamKind::duration, ns(2'000'000'000), "flap"); });
  CHECK(too_long ==
        "x.yaml:5:25: board.nic0.link_flap_duration: '3000 d' is not a valid duration: out_of_range (allowed: up to "
        "184467440737095516 ns, the longest simulated time)");
  // 2000 days fits (and would have in nanoseconds too).
  tree.set("board.nic0.link_flap_duration", "2000 d", {"x.yaml", 5, 25});
  CHECK(to_ns(param<sc_time>(scope, "link_flap_duration", ParamKind::duration, ns(1), "flap")) ==
        2000ull * 86'400'000'000'000ull);
  const std::string not_duration =
      config_error([&] { param<sc_time>(scope, "command_timeout", ParamKind::duration, ns(1), "timeout"); });
  CHECK(not_duration.rfind("x.yaml:6:22: board.nic0.command_timeout: 'fast' is not a valid duration: ", 0) == 0);
  // A programming error: a time declared as another kind.
  CHECK(config_error([&] { param<sc_time>(scope, "parallelism", ParamKind::count, ns(1), "not a time"); }) ==
        "parameter board.nic0.parallelism declared with a C++ type that cannot hold a count");
}
