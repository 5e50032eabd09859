// The loader accepts the documented schema v1 and rejects everything else
// with file:line:column, the field and what is allowed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "scenarios/schema/capture_params.h"
#include <fmt/format.h>

#include "scenarios/loader/limits.h"
#include "scenarios/schema/quantity_text.h"
#include "tests/scenario/loader_fixture.h"

using namespace crashtwin;
using namespace crashtwin::scenario;
using namespace crashtwin::scenario::test;

namespace {

bool mentions(const LoadResult& r, const std::string& text) {
  return r.diagnostics.to_string().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a complete scenario loads with every unit parsed", "[loader]") {
  const LoadResult r = load_text(kValidScenario);
  INFO(r.diagnostics.to_string());
  REQUIRE(r.diagnostics.empty());
  const Scenario& s = *r.scenario;
  CHECK(s.name == "fixture");
  CHECK(s.seed == 7);
  CHECK(s.duration_ns == 120'000'000'000ull);
  REQUIRE(s.board.size() == 2);
  CHECK(s.board[0].name == "dram.size");
  CHECK(s.board[0].value == "2 GiB");
  CHECK(s.board[0].where.line == 7);
  CHECK(s.board[1].name == "disk0.kind");
  REQUIRE(s.phases.size() == 2);
  CHECK(s.phases[1].at_ns == 30'000'000'000ull);
  CHECK(*s.phases[1].cpu_utilization == Approx(0.9));
  CHECK(*s.phases[1].memory_pressure == Approx(0.7));
  CHECK(*s.phases[1].disk_iops == Approx(2000));
  CHECK(*s.phases[1].network_bytes_per_s == Approx(250e6));
  REQUIRE(s.components.size() == 1);
  CHECK(s.components[0].corrected_error_rate == Approx(2.0 / 3600));
  REQUIRE(s.failures.size() == 2);
  const Failure& ue = s.failures[0];
  CHECK(ue.component == ComponentId{ComponentClass::memory, 0});
  CHECK(ue.error == ErrorType::memory_uncorrectable);
  CHECK(ue.when.distribution == TimeDistribution::fixed);
  CHECK(ue.when.at_ns == 90'000'000'000ull);
  REQUIRE(ue.precursors.size() == 2);
  CHECK(ue.precursors[0].kind == PrecursorKind::corrected_error_burst);
  CHECK(ue.precursors[0].component == ue.component);
  CHECK(ue.precursors[0].rate_per_s == Approx(5));
  CHECK(ue.precursors[0].noise == Approx(0.2));
  CHECK(ue.precursors[1].level == Approx(85));
  CHECK(ue.precursors[1].noise == Approx(0.1));  // the documented default
  CHECK(s.failures[1].when.distribution == TimeDistribution::uniform);
  CHECK(s.failures[1].when.from_ns == 60'000'000'000ull);
  CHECK(s.failures[1].when.to_ns == 110'000'000'000ull);
  REQUIRE(s.false_alarms.size() == 1);
  CHECK(s.false_alarms[0].component == ComponentId{ComponentClass::cpu, 0});
  CHECK(s.agent.minimum_partition_size == (1u << 20));
  CHECK(s.agent.maximum_partition_size == (64u << 20));
  CHECK(s.agent.budget_bytes == (256u << 20));
  CHECK(*s.agent.horizon_ns == 10'000'000'000ull);
  CHECK(s.policies == std::vector<std::string>{"proportional", "static"});
  REQUIRE(s.expectations.size() == 2);
  CHECK(s.expectations[1].op == CompareOp::ge);
  CHECK(s.expectations[1].value == Approx(0.9));
  CHECK(s.expectations[1].policies == std::vector<std::string>{"proportional"});
}

TEST_CASE("an unknown key is reported at its line and column with the allowed keys", "[loader]") {
  const LoadResult r = load_text(with("  budget: \"256 MiB\"", "  budegt: \"256 MiB\""));
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.list()[0];
  CHECK(d.where.file == "fixture.yaml");
  CHECK(d.where.line == 38);
  CHECK(d.where.column == 3);
  CHECK(d.field == "agent.budegt");
  CHECK(d.message.find("unknown key") != std::string::npos);
  CHECK(d.message.find("budget") != std::string::npos);
  CHECK(d.to_string().rfind("fixture.yaml:38:3: agent.budegt: unknown key", 0) == 0);
}

TEST_CASE("bad units name the value and what a valid one looks like", "[loader]") {
  const LoadResult r = load_text(with("budget: \"256 MiB\"", "budget: \"256 parsecs\""));
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.list()[0];
  CHECK(d.where.line == 38);
  CHECK(d.where.column == 11);
  CHECK(d.message.find("'256 parsecs' is not a size") != std::string::npos);
  CHECK(d.message.find("GiB") != std::string::npos);
}

TEST_CASE("wrong types are rejected", "[loader]") {
  SECTION("a map where a duration belongs") {
    const LoadResult r = load_text(with("duration: \"2 min\"", "duration: {a: 1}"));
    REQUIRE(r.diagnostics.size() >= 1);
    CHECK(mentions(r, "fixture.yaml:5:11: duration: expected a duration, got a map"));
  }
  SECTION("a scalar where a list belongs") {
    const LoadResult r = load_text(with("  phases:\n    - {name: idle", "  phases: 3\n  x:\n    - {name: idle"));
    CHECK(mentions(r, "workload.phases: expected a list"));
  }
  SECTION("a number where an integer seed belongs") {
    const LoadResult r = load_text(with("seed: 7", "seed: 7.5"));
    CHECK(mentions(r, "fixture.yaml:4:7: seed: '7.5' is not a whole number"));
  }
}

TEST_CASE("out-of-range values say what range is allowed", "[loader]") {
  SECTION("a failure after the end of the run") {
    const LoadResult r = load_text(with("at: \"90 s\"", "at: \"3 min\""));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(mentions(r, "injections.failures[0].at: 3 min is outside the run"));
    CHECK(mentions(r, "before the duration (2 min)"));
  }
  SECTION("a temperature beyond physics") {
    const LoadResult r = load_text(with("temperature: \"45 C\"", "temperature: \"900 C\""));
    CHECK(mentions(r, "'900 C' is out of range; allowed: -40 C to 150 C"));
  }
  SECTION("minimum above maximum") {
    const LoadResult r = load_text(with("minimum_partition_size: \"1 MiB\"", "minimum_partition_size: \"128 MiB\""));
    CHECK(mentions(r, "agent.minimum_partition_size: 128 MiB is above maximum_partition_size 64 MiB"));
  }
  SECTION("a precursor that would start before power-on") {
    const LoadResult r = load_text(with("lead_time: \"10 s\", level: \"80 C\"", "lead_time: \"60 s\", level: \"80 C\""));
    CHECK(mentions(r, "false_alarms[0].precursors[0].lead_time: lead_time 1 min would start the precursor before power-on"));
  }
}

TEST_CASE("agent.feature_window: a span in whole milliseconds a model can carry", "[loader][window]") {
  const LoadResult absent = load_text(kValidScenario);
  REQUIRE(absent.scenario);
  CHECK_FALSE(absent.scenario->agent.feature_window_ns.has_value());  // the model's
  const LoadResult hour = load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  feature_window: \"1 h\""));
  INFO(hour.diagnostics.to_string());
  REQUIRE(hour.scenario);
  CHECK(*hour.scenario->agent.feature_window_ns == 3'600'000'000'000ull);
  const LoadResult fraction =
      load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  feature_window: \"1500 us\""));
  CHECK(mentions(fraction, "agent.feature_window: 1500 us is not whole milliseconds"));
  const LoadResult long_window =
      load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  feature_window: \"60 d\""));
  CHECK_FALSE(long_window.scenario);
  CHECK(mentions(long_window, "agent.feature_window"));
}

TEST_CASE("agent.alarm_clear_ratio and alarm_clear_time: the alarm's hysteresis", "[loader][alarm]") {
  const LoadResult absent = load_text(kValidScenario);
  REQUIRE(absent.scenario);
  CHECK(absent.scenario->agent.alarm_clear_ratio == Approx(0.5));
  CHECK(absent.scenario->agent.alarm_clear_time_ns == 0);
  const LoadResult set = load_text(
      with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  alarm_clear_ratio: \"80 %\"\n  alarm_clear_time: \"2 s\""));
  INFO(set.diagnostics.to_string());
  REQUIRE(set.scenario);
  CHECK(set.scenario->agent.alarm_clear_ratio == Approx(0.8));
  CHECK(set.scenario->agent.alarm_clear_time_ns == 2'000'000'000ull);
  const LoadResult zero = load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  alarm_clear_ratio: 0"));
  CHECK_FALSE(zero.scenario);
  CHECK(mentions(zero, "fixture.yaml:"));
  CHECK(mentions(zero, "agent.alarm_clear_ratio: 0 would never clear an alarm"));
  const LoadResult above = load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  alarm_clear_ratio: 1.5"));
  CHECK_FALSE(above.scenario);
  CHECK(mentions(above, "agent.alarm_clear_ratio"));
  const LoadResult month = load_text(with("  horizon: \"10 s\"", "  horizon: \"10 s\"\n  alarm_clear_time: \"60 d\""));
  CHECK_FALSE(month.scenario);
  CHECK(mentions(month, "agent.alarm_clear_time"));
}

TEST_CASE("missing required fields are named", "[loader]") {
  const LoadResult r = load_text(with("      error: memory_uncorrectable\n", ""));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.list()[0].field == "injections.failures[0].error");
  CHECK(mentions(r, "is required here but missing"));
}

TEST_CASE("every problem of a file is reported, not just the first", "[loader]") {
  std::string text = with("seed: 7", "seed: minus one");
  text = with("budget: \"256 MiB\"", "budget: lots", text);
  text = with("op: \">=\", value: 1}", "op: \"=>\", value: 1}", text);
  const LoadResult r = load_text(text);
  CHECK(r.diagnostics.size() == 3);
  CHECK_FALSE(r.scenario.has_value());
}

TEST_CASE("semantic rules name the field to fix", "[loader]") {
  SECTION("an error type on the wrong component class") {
    const LoadResult r = load_text(with("component: memory.0\n      error", "component: cpu.0\n      error"));
    CHECK(mentions(r, "memory_uncorrectable is reported against a memory component, not cpu.0"));
  }
  SECTION("a precursor kind the component cannot show") {
    const LoadResult r =
        load_text(with("{kind: corrected_error_burst, lead_time", "{kind: link_flap, lead_time"));
    CHECK(mentions(r, "link_flap cannot act on a memory component (memory.0)"));
  }
  SECTION("an unknown policy lists the known ones") {
    const LoadResult r = load_text(with("[proportional, static]", "[proportional, statik]"));
    CHECK(mentions(r, "'statik' is not a known policy; expected one of: static, uniform, proportional"));
  }
  SECTION("an expectation on a metric that does not exist") {
    const LoadResult r = load_text(with("metric: failures_identified", "metric: failures_identifed"));
    CHECK(mentions(r, "'failures_identifed' is not a metric"));
  }
  SECTION("an expectation for a policy the scenario does not compare") {
    const LoadResult r = load_text(with("policies: [proportional]}", "policies: [oracle]}"));
    CHECK(mentions(r, "'oracle' is not among the policies this scenario compares"));
  }
  SECTION("a fixed time and a distribution at once") {
    const LoadResult r = load_text(with("      at: \"90 s\"\n", "      at: \"90 s\"\n      distribution: {kind: exponential, mean: \"1 min\"}\n"));
    CHECK(mentions(r, "give exactly one of 'at'"));
  }
  SECTION("a newer schema version") {
    const LoadResult r = load_text(with("schema_version: 1", "schema_version: 2"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(mentions(r, "fixture.yaml:1:17: schema_version: '2' is not supported; this build reads schema_version 1"));
  }
  SECTION("duplicate keys") {
    const LoadResult r = load_text(with("seed: 7", "seed: 7\nseed: 8"));
    CHECK(mentions(r, "fixture.yaml:5:1: seed: key appears twice"));
  }
}

TEST_CASE("YAML syntax errors carry the parser's position", "[loader]") {
  const LoadResult r = load_text(with("name: fixture", "name: [unclosed"));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.list()[0].where.line > 0);
  CHECK(mentions(r, "YAML syntax error"));
}

TEST_CASE("set overrides (--set) replace values before checking and are named in errors", "[loader]") {
  LoadOptions o = fixture_options();
  o.overrides = {{"agent.budget", "1 GiB"}, {"injections.failures[0].at", "45 s"}, {"board.dram.size", "8 GiB"}};
  o.seed = 99;
  LoadResult r = load_text(kValidScenario, o);
  INFO(r.diagnostics.to_string());
  REQUIRE(r.diagnostics.empty());
  CHECK(r.scenario->agent.budget_bytes == (1ull << 30));
  CHECK(r.scenario->failures[0].when.at_ns == 45'000'000'000ull);
  CHECK(r.scenario->board[0].value == "8 GiB");
  CHECK(r.scenario->seed == 99);

  o.overrides = {{"agent.budget", "huge"}};
  r = load_text(kValidScenario, o);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.list()[0].to_string() ==
        "fixture.yaml (--set agent.budget): agent.budget: 'huge' is not a size; expected " +
            std::string(r.diagnostics.list()[0].message.substr(r.diagnostics.list()[0].message.find("expected ") + 9)));

  o.overrides = {{"injections.failures[5].at", "1 s"}};
  r = load_text(kValidScenario, o);
  CHECK(mentions(r, "there is no list item [5] to set"));
}

TEST_CASE("parse_override splits key=value", "[loader]") {
  CHECK(parse_override("agent.budget=1 GiB")->path == "agent.budget");
  CHECK(parse_override("agent.budget=1 GiB")->value == "1 GiB");
  CHECK(parse_override("a=b=c")->value == "b=c");
  CHECK_FALSE(parse_override("novalue").has_value());
  CHECK_FALSE(parse_override("=x").has_value());
}

TEST_CASE("missing files are a diagnostic, not an exception", "[loader]") {
  const LoadResult r = load_scenario("/nonexistent/scenario.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(mentions(r, "/nonexistent/scenario.yaml: cannot open the file"));
}

TEST_CASE("relative model paths resolve against the scenario's directory", "[loader]") {
  LoadResult r = load_scenario_text(with("  horizon: \"10 s\"", "  failure_prediction_model_path: ../models/m.ctpm"),
                                    "/lib/scenarios/x.yaml", fixture_options());
  INFO(r.diagnostics.to_string());
  REQUIRE(r.scenario);
  CHECK(r.scenario->agent.failure_prediction_model_path == "/lib/models/m.ctpm");
}

TEST_CASE("an empty board instance is listed with its default kind", "[loader]") {
  const LoadResult r = load_text(with("  disk0: {kind: disk}", "  disk0: {}\n  nic1: {}"));
  INFO(r.diagnostics.to_string());
  REQUIRE(r.scenario);
  REQUIRE(r.scenario->board.size() == 3);
  CHECK(r.scenario->board[1].name == "disk0.kind");
  CHECK(r.scenario->board[1].value == "disk");
  CHECK(r.scenario->board[2].name == "nic1.kind");
  CHECK(r.scenario->board[2].value == "nic");
}

TEST_CASE("capture: sizes override the documented defaults", "[loader][capture]") {
  const LoadResult r = load_text(with("compare:", "capture:\n  log_buf_len: \"4 MiB\"\n  nvme_queues: 16\n  "
                                                  "memory_snapshot_rows: 5\ncompare:"));
  REQUIRE(r.diagnostics.empty());
  const BoardFacts& f = r.scenario->capture_facts;
  CHECK(f.log_buf_len == (4ull << 20));
  CHECK(f.nvme_queues == 16);
  CHECK(f.memory_snapshot_rows == 5);
  CHECK(f.nvme_queue_depth == BoardFacts{}.nvme_queue_depth);
  REQUIRE(r.scenario->capture_settings.size() == 3);
  CHECK(r.scenario->capture_settings[0].name == "log_buf_len");
}

TEST_CASE("capture: every default text is the built-in default", "[loader][capture]") {
  for (const CaptureParamInfo& p : capture_param_table()) {
    INFO(p.name);
    BoardFacts f;
    const uint64_t before = p.get(f);
    REQUIRE(set_capture_param(p, p.default_text, f) == Status::ok);
    CHECK(p.get(f) == before);
    CHECK(capture_param_text(p, f) == p.default_text);
  }
}

TEST_CASE("capture: bad values are errors at their line and column naming the field", "[loader][capture]") {
  SECTION("unknown name") {
    const LoadResult r = load_text(with("compare:", "capture:\n  log_buffer: \"1 MiB\"\ncompare:"));
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics.list()[0];
    CHECK(d.field == "capture.log_buffer");
    CHECK(d.where.line == 41);
    CHECK(d.where.column == 15);
    CHECK(mentions(r, "log_buf_len"));
  }
  SECTION("a size that does not parse") {
    const LoadResult r = load_text(with("compare:", "capture:\n  log_buf_len: \"lots\"\ncompare:"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "capture.log_buf_len");
    CHECK(r.diagnostics.list()[0].where.line == 41);
    CHECK(mentions(r, "'lots' is not usable here"));
  }
  SECTION("out of bounds") {
    const LoadResult r = load_text(with("compare:", "capture:\n  nvme_queue_depth: 100000\ncompare:"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "capture.nvme_queue_depth");
    CHECK(mentions(r, "from 2 to 65536"));
  }
  SECTION("a stack size that is not a power of two") {
    const LoadResult r = load_text(with("compare:", "capture:\n  kernel_stack_size: \"12 KiB\"\ncompare:"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(mentions(r, "power of two"));
  }
  SECTION("not a map") {
    const LoadResult r = load_text(with("compare:", "capture: 3\ncompare:"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "capture");
  }
}

// ---------------------------------------------------------------- hostile input

TEST_CASE("a billion-laughs document is refused at the node limit, not expanded", "[loader][hostile]") {
  std::string text = "schema_version: 1\nname: laughs\nduration: \"1 s\"\nl0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i <= 9; ++i)
    text += fmt::format("l{0}: &l{0} [*l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}]\n", i, i - 1);
  text += "board: {dram: *l9}\n";
  const LoadResult r = load_text(text);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(mentions(r, "fixture.yaml:1:1: (document): expands to more than 100000 YAML nodes"));
}

TEST_CASE("an alias inside its own anchor is refused, not followed forever", "[loader][hostile]") {
  const LoadResult r = load_text(with("board:\n", "loop: &loop [*loop]\nboard:\n"));
  REQUIRE_FALSE(r.scenario);
  // yaml-cpp either rejects the alias or builds a cycle the limits stop.
  CHECK((mentions(r, "nests deeper than 64 levels") || mentions(r, "expands to more than") ||
         mentions(r, "YAML syntax error")));
}

TEST_CASE("a second YAML document is an error, not ignored", "[loader][hostile]") {
  const LoadResult r = load_text(kValidScenario + "---\nname: second\n");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(mentions(r, "a second YAML document starts here"));
  CHECK(r.diagnostics.list()[0].where.line > 40);  // the second document
}

TEST_CASE("a file over the size limit is refused with the limit named", "[loader][hostile]") {
  const LoadResult r = load_text(kValidScenario + "# " + std::string(kMaxScenarioFileBytes, 'x') + "\n");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(mentions(r, fmt::format("a scenario may have at most {} bytes", kMaxScenarioFileBytes)));
}

TEST_CASE("lists over the item limit are refused once, not checked pair by pair", "[loader][hostile]") {
  std::string components = "components:\n";
  for (int i = 0; i < 20'000; ++i) components += "  - {id: memory.0}\n";
  const LoadResult r = load_text(with("components:\n  - {id: memory.0, corrected_error_rate: \"2 /h\", temperature: \"45 C\"}\n",
                                      components));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(mentions(r, "components: has 20000 items; at most 10000 are allowed"));

  // Below the limit each repeat is one error against the first description.
  components = "components:\n";
  for (int i = 0; i < 1000; ++i) components += "  - {id: memory.0}\n";
  const LoadResult dup = load_text(with("components:\n  - {id: memory.0, corrected_error_rate: \"2 /h\", temperature: \"45 C\"}\n",
                                        components));
  CHECK(dup.diagnostics.size() == 999);
  CHECK(mentions(dup, "components[999].id: memory.0 is already described by components[0]"));
}

TEST_CASE("a map with tens of thousands of keys is read in one pass", "[loader][hostile]") {
  // Duplicate-key detection was quadratic in the keys of a map.
  std::string keys;
  for (int i = 0; i < 40'000; ++i) keys += fmt::format("  k{}: 1\n", i);
  keys += "  k0: 2\n";
  const LoadResult r = load_text(with("agent:\n", "agent:\n" + keys));
  CHECK(mentions(r, "agent.k0: key appears twice in the same map"));
  CHECK(mentions(r, "agent.k39999: unknown key"));
}

TEST_CASE("numbers beyond physical bounds name the limit", "[loader][hostile]") {
  LoadResult r = load_text(with("corrected_error_rate: \"2 /h\"", "corrected_error_rate: \"1e400 /s\""));
  CHECK(mentions(r, "components[0].corrected_error_rate: '1e400 /s' is out of range; allowed: at most 1e9 /s"));
  r = load_text(with("corrected_error_rate: \"2 /h\"", "corrected_error_rate: \"1e15 /s\""));
  CHECK(mentions(r, "'1e15 /s' is out of range"));
  r = load_text(with("network: \"250 MB/s\"", "network: \"1e400 MB/s\""));
  CHECK(mentions(r, "workload.phases[1].network: '1e400 MB/s' is out of range; allowed: at most 1e15 B/s"));
  r = load_text(with("temperature: \"45 C\"", "temperature: \"1e300 C\""));
  CHECK(mentions(r, "'1e300 C' is out of range"));
  // A year of a machine loads; the kernel's clock (10 ps) ends at 5.8 years,
  // the loader at two.
  r = load_text(with("duration: \"2 min\"", "duration: \"365 d\""));
  REQUIRE(r.scenario.has_value());
  CHECK(r.scenario->duration_ns == 365ull * 86'400'000'000'000ull);
  r = load_text(with("duration: \"2 min\"", "duration: \"733 d\""));
  CHECK(mentions(r, "duration: '733 d' is out of range"));
  r = load_text(with("seed: 7", "seed: 18446744073709551615"));
  CHECK(mentions(r, "seed: '18446744073709551615' is out of range; allowed: [0, 9007199254740991]"));
}

TEST_CASE("a --set index beyond any list is refused, not wrapped", "[loader][hostile]") {
  LoadOptions o = fixture_options();
  o.overrides = {{"injections.failures[18446744073709551616].at", "1 s"}};  // 2^64 wrapped to [0]
  const LoadResult r = load_text(kValidScenario, o);
  REQUIRE_FALSE(r.scenario);
  CHECK(mentions(r, "fixture.yaml (--set injections.failures[18446744073709551616].at)"));
  CHECK(mentions(r, "with an index below 10000"));
}

TEST_CASE("errors in values written by --set name the option, not line 1 of the file", "[loader][hostile]") {
  LoadOptions o = fixture_options();
  o.overrides = {{"name", "bad name!"}};
  LoadResult r = load_text(kValidScenario, o);
  CHECK(mentions(r, "fixture.yaml (--set name): name: 'bad name!' is not a valid name"));
  o.overrides = {{"compare.policies", "[nope]"}};
  r = load_text(kValidScenario, o);
  CHECK(mentions(r, "fixture.yaml (--set compare.policies): compare.policies: 'nope' is not a known policy"));
  CHECK_FALSE(mentions(r, "fixture.yaml:1:1"));
}

TEST_CASE("family: defaults to the name, and a bad one is named with its line and column", "[loader]") {
  LoadResult r = load_text(kValidScenario);
  REQUIRE(r.scenario);
  CHECK(r.scenario->family == "fixture");
  std::string text = kValidScenario;
  text.replace(text.find("name: fixture\n"), 14, "name: fixture\nfamily: ramps\n");
  r = load_text(text);
  REQUIRE(r.scenario);
  CHECK(r.scenario->family == "ramps");
  text.replace(text.find("family: ramps"), 13, "family: a/b");
  r = load_text(text);
  REQUIRE_FALSE(r.scenario);
  CHECK(mentions(r, "fixture.yaml:3:9: family: 'a/b' is not a valid name"));
}

TEST_CASE("traces: full by default, summary on request, anything else named at its line and column",
          "[loader][traces]") {
  LoadResult r = load_text(kValidScenario);
  REQUIRE(r.scenario);
  CHECK(r.scenario->traces == TraceLevel::full);
  r = load_text(kValidScenario + "traces: summary\n");
  REQUIRE(r.scenario);
  CHECK(r.scenario->traces == TraceLevel::summary);
  const std::string line = std::to_string(std::count(kValidScenario.begin(), kValidScenario.end(), '\n') + 1);
  r = load_text(kValidScenario + "traces: none\n");
  INFO(r.diagnostics.to_string());
  CHECK_FALSE(r.scenario);
  CHECK(mentions(r, "fixture.yaml:" + line + ":9: traces: 'none'"));
  CHECK(mentions(r, "full, summary"));
  r = load_text(kValidScenario + "traces: [full]\n");
  CHECK_FALSE(r.scenario);
  CHECK(mentions(r, "fixture.yaml:" + line + ":9: traces"));
  LoadOptions o = fixture_options();
  o.overrides.push_back({"traces", "summary"});  // --set traces=summary
  r = load_text(kValidScenario, o);
  REQUIRE(r.scenario);
  CHECK(r.scenario->traces == TraceLevel::summary);
}

// What the project ships must load: the library and every example (the
// year-long one among them: runs past 30 days are allowed since the kernel
// keeps time at 10 ps).
TEST_CASE("every shipped scenario loads", "[loader]") {
  size_t loaded = 0;
  for (const char* dir : {"scenarios/library", "scenarios/examples"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(CRASHTWIN_SOURCE_DIR) / dir)) {
      if (entry.path().extension() != ".yaml") continue;
      const LoadResult r = load_scenario(entry.path());
      INFO(entry.path().string());
      CHECK(r.diagnostics.empty());
      loaded += r.scenario ? 1 : 0;
    }
  }
  CHECK(loaded >= 25);
}

TEST_CASE("control entries load as written, from the host unless they say bmc", "[loader][control]") {
  const LoadResult r = load_text(kValidScenario +
                                 "control:\n"
                                 "  - {at: \"5 s\", command: \"dump memory.0\"}\n"
                                 "  - {at: \"1 s\", command: \"  reboot\\tnow \", from: bmc}\n"
                                 "  - {at: \"1 min\", command: \"\", from: host}\n");
  INFO(r.diagnostics.to_string());
  REQUIRE(r.diagnostics.empty());
  const std::vector<ControlEntry>& c = r.scenario->control;
  REQUIRE(c.size() == 3);
  CHECK(c[0].at_ns == 5'000'000'000);
  CHECK(c[0].command == "dump memory.0");
  CHECK(c[0].from == ControlSource::host);
  // The firmware judges the line, not the loader: it is kept byte for byte.
  CHECK(c[1].command == "  reboot\tnow ");
  CHECK(c[1].from == ControlSource::bmc);
  CHECK(c[2].command.empty());
  CHECK(c[0].where.line == 47);
}

TEST_CASE("bad control entries name the field at its line and column", "[loader][control]") {
  const LoadResult r = load_text(kValidScenario +
                                 "control:\n"
                                 "  - {at: \"5 s\", command: \"status\", from: ipmi}\n"
                                 "  - {at: \"1 s\", commands: \"status\"}\n");
  CHECK(mentions(r, "fixture.yaml:47:42: control[0].from: 'ipmi' is not allowed here; expected one of: host, bmc"));
  CHECK(mentions(r, "fixture.yaml:48:5: control[1].command: is required"));
  CHECK(mentions(r, "control[1].commands: unknown key"));
  CHECK_FALSE(r.scenario.has_value());
  // Cross-field rules run on a structurally sound file.
  const LoadResult late = load_text(kValidScenario + "control:\n  - {at: \"3 min\", command: \"status\"}\n");
  CHECK(mentions(late, "fixture.yaml:47:5: control[0].at: 3 min is not before the end of the run (2 min)"));
  CHECK_FALSE(late.scenario.has_value());
}

TEST_CASE("bad workloads entries name the field at its line and column", "[loader][workloads]") {
  const LoadResult r = load_text(kValidScenario +
                                 "workloads:\n"
                                 "  - {name: db, id: 0, cores: [0, x], start: \"1 s\", memory_bandwidth: \"fast\"}\n"
                                 "  - {name: web, cores: 1, start: \"2 s\", llc_working_sets: \"1 MiB\"}\n");
  INFO(r.diagnostics.to_string());
  CHECK(mentions(r, "fixture.yaml:47:20: workloads[0].id: '0' is out of range; allowed: [1, 4294967295]"));
  CHECK(mentions(r, "fixture.yaml:47:34: workloads[0].cores[1]: 'x' is not a core index; expected a whole number in [0, 255]"));
  CHECK(mentions(r, "fixture.yaml:47:70: workloads[0].memory_bandwidth: 'fast'"));
  CHECK(mentions(r, "fixture.yaml:48:5: workloads[1].id: is required here but missing"));
  CHECK(mentions(r, "fixture.yaml:48:24: workloads[1].cores: expected a non-empty list of core indices"));
  CHECK(mentions(r, "workloads[1].llc_working_sets: unknown key"));
  CHECK_FALSE(r.scenario.has_value());
}

TEST_CASE("workloads must run inside the run, have their own names, ids and cores while they run together",
          "[loader][workloads]") {
  const LoadResult r = load_text(
      kValidScenario +
      "workloads:\n"
      "  - {name: db, id: 1, cores: [0, 1], start: \"10 s\", stop: \"60 s\"}\n"
      "  - {name: db, id: 1, cores: [1, 2], start: \"30 s\"}\n"
      "  - {name: late, id: 3, cores: [3], start: \"3 min\"}\n"
      "  - {name: backwards, id: 4, cores: [3, 3], start: \"20 s\", stop: \"10 s\"}\n"
      "  - {name: after, id: 5, cores: [0], start: \"60 s\", stop: \"5 min\"}\n");
  INFO(r.diagnostics.to_string());
  CHECK(mentions(r, "fixture.yaml:48:5: workloads[1].name: 'db' is used twice"));
  CHECK(mentions(r, "fixture.yaml:48:5: workloads[1].id: 1 is the id of workloads[0] already"));
  CHECK(mentions(r, "fixture.yaml:48:5: workloads[1].cores: core 1 runs workloads[0] ('db') at the same time"));
  CHECK(mentions(r, "fixture.yaml:49:5: workloads[2].start: 3 min is not before the end of the run (2 min)"));
  CHECK(mentions(r, "fixture.yaml:50:5: workloads[3].stop: 10 s is not after start (20 s)"));
  CHECK(mentions(r, "fixture.yaml:50:5: workloads[3].cores: core 3 is listed twice"));
  CHECK(mentions(r, "fixture.yaml:51:5: workloads[4].stop: 5 min is after the end of the run (2 min)"));
  // Core 0 again after db stopped (60 s) is fine: no error names workloads[4].cores.
  CHECK_FALSE(mentions(r, "workloads[4].cores"));
  CHECK_FALSE(r.scenario.has_value());

  const LoadResult fine = load_text(kValidScenario +
                                    "workloads:\n"
                                    "  - {name: web, id: 9, cores: [0], start: \"1 s\", memory_bandwidth: \"2 GB/s\", "
                                    "llc_working_set: \"6 MiB\"}\n");
  REQUIRE(fine.scenario.has_value());
  const NamedWorkload& w = fine.scenario->workloads.at(0);
  CHECK(w.id == 9);
  CHECK(w.cores == std::vector<uint32_t>{0});
  CHECK(w.start_ns == 1'000'000'000);
  CHECK_FALSE(w.stops);
  CHECK(w.stop_ns == 120'000'000'000);
  CHECK(w.memory_bandwidth_bps == 2e9);
  CHECK(w.llc_working_set_bytes == 6ull << 20);
}

TEST_CASE("a stack_recursion precursor needs a size as its level and a core", "[loader]") {
  std::ifstream in(std::string(CRASHTWIN_SOURCE_DIR) + "/scenarios/library/cpu_stack_overflow.yaml");
  const std::string library((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const LoadResult fine = load_text(library);
  REQUIRE(fine.scenario.has_value());
  const Precursor& p = fine.scenario->failures[0].precursors[0];
  CHECK(p.kind == PrecursorKind::stack_recursion);
  CHECK(p.level == Approx(16384));
  SECTION("no level") {
    const LoadResult r = load_text(with("level: \"16 KiB\", ", "", library));
    CHECK(mentions(r, "precursors[0].level: stack_recursion needs a level to ramp to (a stack depth, e.g. \"16 KiB\")"));
  }
  SECTION("not a size") {
    const LoadResult r = load_text(with("level: \"16 KiB\"", "level: \"hot\"", library));
    CHECK(mentions(r, "precursors[0].level: 'hot' is not a size"));
  }
  SECTION("not a core") {
    const LoadResult r = load_text(with("component: cpu.2", "component: disk.0", library));
    CHECK(mentions(r, "stack_recursion cannot act on a disk component (disk.0)"));
  }
}

TEST_CASE("fleet: machines of one kind, each its own seed, within the limits", "[loader][fleet]") {
  LoadResult r = load_text(kValidScenario);
  REQUIRE(r.scenario);
  CHECK(r.scenario->fleet_machines == 1);

  r = load_text(kValidScenario + "fleet: {machines: 40}\n");
  INFO(r.diagnostics.to_string());
  REQUIRE(r.scenario);
  CHECK(r.scenario->fleet_machines == 40);

  SECTION("zero machines, too many, a missing count and an unknown key name the field") {
    r = load_text(kValidScenario + "fleet: {machines: 0}\n");
    CHECK_FALSE(r.scenario);
    CHECK(mentions(r, "fleet.machines"));
    CHECK(mentions(r, ":" + std::to_string(std::count(kValidScenario.begin(), kValidScenario.end(), '\n') + 1) + ":"));
    r = load_text(kValidScenario + fmt::format("fleet: {{machines: {}}}\n", kMaxFleetMachines + 1));
    CHECK(mentions(r, "fleet.machines"));
    r = load_text(kValidScenario + "fleet: {}\n");
    CHECK(mentions(r, "machines"));
    r = load_text(kValidScenario + "fleet: {machines: 2, racks: 3}\n");
    CHECK(mentions(r, "racks"));
  }
  SECTION("the last machine's seed must stay a seed") {
    LoadOptions o = fixture_options();
    o.seed = kMaxSeed - 1;
    r = load_text(kValidScenario + "fleet: {machines: 2}\n", o);
    CHECK(r.scenario);
    r = load_text(kValidScenario + "fleet: {machines: 3}\n", o);
    CHECK_FALSE(r.scenario);
    CHECK(mentions(r, "fleet.machines: 3 machines from seed 9007199254740990 pass the largest seed"));
  }
  SECTION("--set fleet.machines replaces the count") {
    LoadOptions o = fixture_options();
    o.overrides = {{"fleet.machines", "5"}};
    r = load_text(kValidScenario + "fleet: {machines: 40}\n", o);
    REQUIRE(r.scenario);
    CHECK(r.scenario->fleet_machines == 5);
  }
}
