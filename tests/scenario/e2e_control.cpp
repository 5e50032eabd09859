// The control channel end to end: a scenario's `control:` lines reach the
// firmware from the host and through the BMC's mailbox at their times; a
// dump lands in the named component's slice and the BMC reports it; refused
// lines are counted by reason; every line is a documented `control` event;
// bad `control:` entries exit 2 naming file:line:column.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"
#include "tests/support/vcd_reader.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kExample = kSource / "scenarios/examples/control_channel.yaml";

std::vector<nlohmann::json> events_of(const fs::path& run, const std::string& kind) {
  std::ifstream in(run / "events.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e.at("kind") == kind) out.push_back(std::move(e));
  }
  return out;
}

// The skeleton's scenario with `control_yaml` appended.
fs::path scenario_with(const fs::path& dir, const std::string& control_yaml) {
  fs::create_directories(dir);
  const fs::path path = dir / "scenario.yaml";
  std::ofstream out(path);
  out << crashtwin::read_file(kSource / "scenarios/examples/skeleton.yaml") << control_yaml;
  return path;
}

}  // namespace

TEST_CASE("control: host and BMC lines run on the firmware, each an event", "[e2e][control]") {
  const fs::path out = crashtwin::test::fresh_test_dir("control", "example");
  const CliResult r = run_cli("run " + quoted(kExample) + " --policy proportional --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);

  const std::vector<nlohmann::json> control = events_of(out, "control");
  REQUIRE(control.size() == 9);
  // In the scenario's order, at (or just after) the scenario's times: the
  // BMC's lines wait for the host CPU's interrupt handler.
  const uint64_t at_s[] = {1, 2, 3, 4, 5, 6, 6, 7, 8};
  for (size_t i = 0; i < control.size(); ++i) {
    INFO(control[i].dump());
    const uint64_t t = control[i].at("t_ns");
    CHECK(t >= at_s[i] * 1'000'000'000ull);
    CHECK(t < at_s[i] * 1'000'000'000ull + 600'000'000ull);
    CHECK(control[i].at("track") == "board.agent");
  }
  CHECK(control[0].at("source") == "host");
  CHECK(control[3].at("source") == "bmc");

  // The BMC's lines raise its command interrupt, a wire in trace.vcd: high
  // from the BMC's write until the host's handler has read every waiting
  // line, once for each BMC line here (they are seconds apart).
  const crashtwin::test::VcdDump vcd = crashtwin::test::parse_vcd(crashtwin::read_file(out / "trace.vcd"));
  REQUIRE(vcd.error.empty());
  const crashtwin::test::VcdVar* irq = vcd.var("board.irq.irq_bmc_command");
  REQUIRE(irq != nullptr);
  std::vector<uint64_t> rises;
  for (const auto& c : vcd.changes)
    if (c.code == irq->code && c.value == "1") rises.push_back(c.t);
  size_t bmc_lines = 0;
  for (const nlohmann::json& c : control) bmc_lines += c.at("source") == "bmc" ? 1 : 0;
  CHECK(bmc_lines > 0);
  CHECK(rises.size() == bmc_lines);

  // release_region: the top 4 MiB given back.
  CHECK(control[0].at("verb") == "release_region");
  CHECK(control[0].at("result") == "done");
  CHECK(control[0].at("address") == 0xffc00000ull);
  // status reports the release and the region.
  CHECK(control[1].at("verb") == "status");
  CHECK(control[1].at("released_bytes") == 4ull << 20);
  CHECK(control[1].at("region_base") == 0xefe00000ull);
  // The budget shrank to the slice area left: the region less its headers and the release.
  CHECK(control[1].at("budget_bytes") == control[1].at("region_size").get<uint64_t>() - 16384 - (4ull << 20));

  // The dumps: captured into the named slice, the BMC alerted and its report
  // naming the component with the record found in that slice.
  const std::vector<nlohmann::json> reports = events_of(out, "report");
  const std::vector<nlohmann::json> alerts = events_of(out, "alert");
  for (const auto& [index, component] : std::map<size_t, std::string>{{2, "memory.1"}, {3, "disk.0"}}) {
    const nlohmann::json& dump = control[index];
    INFO(dump.dump());
    CHECK(dump.at("verb") == "dump");
    CHECK(dump.at("result") == "done");
    CHECK((dump.at("status") == "ok" || dump.at("status") == "truncated"));
    CHECK(dump.at("component") == component);
    CHECK(dump.at("captured_bytes").get<uint64_t>() > 0);
    const uint64_t code = dump.at("alert_code");
    bool alerted = false;
    for (const nlohmann::json& a : alerts) alerted = alerted || a.at("code") == code;
    CHECK(alerted);
    const uint64_t sequence = dump.at("record_id").get<uint64_t>() & 0xFFFF'FFFFull;
    bool reported = false;
    for (const nlohmann::json& rep : reports) {
      if (rep.at("identified") != true || rep.at("failure_sequence") != sequence) continue;
      reported = true;
      CHECK(rep.at("component") == component);
      CHECK(rep.at("slice_found") == true);
      CHECK(rep.at("record_found") == true);
    }
    CHECK(reported);
  }

  CHECK(control[4].at("verb") == "set_allocation_frequency");
  CHECK(control[4].at("result") == "done");
  CHECK(control[4].at("allocation_frequency_ns") == 50'000'000);
  CHECK(control[5].at("result") == "refused");
  CHECK(control[5].at("reason") == "unknown_command");
  CHECK(control[6].at("reason") == "no_such_component");
  CHECK(control[7].at("reason") == "bad_duration");
  CHECK(control[8].at("allocation_frequency_ns") == 50'000'000);
  CHECK(control[8].at("lines_refused") == 3);
  CHECK(control[8].at("lines_accepted") == 7);

  // The refused lines by reason, in summary.json.
  const nlohmann::json summary = nlohmann::json::parse(crashtwin::read_file(out / "summary.json"));
  const nlohmann::json& lines = summary.at("metrics").at("control_lines");
  CHECK(lines.at("sent") == 9);
  CHECK(lines.at("executed") == 6);
  CHECK(lines.at("refused") == 3);
  CHECK(lines.at("refused_unknown_command") == 1);
  CHECK(lines.at("refused_bad_duration") == 1);
  CHECK(lines.at("refused_no_such_component") == 1);
  // A dump is no failure.
  CHECK(summary.at("metrics").at("failures_injected") == 0);

  // Every field of the event and part of the metric is documented.
  const std::string doc = crashtwin::read_file(kSource / "docs/results.md");
  CHECK(doc.find("`control`") != std::string::npos);
  for (const nlohmann::json& e : control)
    for (const auto& [key, value] : e.items()) {
      INFO("control event field " << key);
      CHECK(doc.find("`" + key + "`") != std::string::npos);
    }
  CHECK(doc.find("`control_lines`") != std::string::npos);
  for (const auto& [part, value] : lines.items()) {
    INFO("control_lines part " << part);
    CHECK(doc.find(part.rfind("refused_", 0) == 0 ? std::string("`refused_<reason>`") : "`" + part + "`") !=
          std::string::npos);
  }
}

TEST_CASE("control: bad entries are refused with file:line:column and exit 2", "[e2e][control][errors]") {
  const fs::path dir = crashtwin::test::fresh_test_dir("control", "bad");
  struct Case {
    std::string yaml;
    std::string message;  // after "scenario.yaml:"
  };
  const Case cases[] = {
      {"control:\n  - {at: \"2 s\", command: \"status\", from: console}\n",
       "41:42: control[0].from: 'console' is not allowed here; expected one of: host, bmc"},
      {"control:\n  - {at: \"2 s\", command: \"status\", when: now}\n", "41:36: control[0].when: unknown key"},
      {"control:\n  - {command: \"status\"}\n", "41:5: control[0].at: is required"},
      {"control:\n  - {at: \"2 s\"}\n", "41:5: control[0].command: is required"},
      {"control:\n  - {at: \"30 s\", command: \"status\"}\n", "41:5: control[0].at: 30 s is not before the end"},
      {"control: status\n", "40:10: control: expected a list"},
      {"control:\n  - {at: \"2 s\", command: [a, b]}\n", "41:26: control[0].command: expected a text"},
  };
  for (const Case& c : cases) {
    const fs::path scenario = scenario_with(dir, c.yaml);
    const CliResult r = run_cli("run " + quoted(scenario) + " --out " + quoted(dir / "out"));
    INFO(c.yaml << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("scenario.yaml:" + c.message) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "summary.json"));
  }
}

TEST_CASE("control: a dump before a failure of the same component is no failure", "[e2e][control]") {
  const fs::path dir = crashtwin::test::fresh_test_dir("control", "dump_then_failure");
  // The skeleton's DIMM fails at 10 s; the operator dumped it at 5 s.
  const fs::path scenario = scenario_with(dir, "control:\n  - {at: \"5 s\", command: \"dump memory.0\", from: bmc}\n");
  const CliResult r = run_cli("run " + quoted(scenario) + " --policy proportional --out " + quoted(dir / "out"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::vector<nlohmann::json> reports = events_of(dir / "out", "report");
  REQUIRE(reports.size() == 2);  // the dump's and the failure's
  CHECK(reports[0].at("failure_sequence") == 1);
  CHECK(reports[1].at("failure_sequence") == 2);
  const nlohmann::json summary = nlohmann::json::parse(crashtwin::read_file(dir / "out" / "summary.json"));
  const nlohmann::json& m = summary.at("metrics");
  CHECK(m.at("failures") == 1);
  CHECK(m.at("failures_reported") == 1);
  CHECK(m.at("failures_identified") == 1);
  CHECK(m.at("control_lines").at("executed") == 1);
  // The BMC's report file keeps the dump's record, in DIMM 0's slice.
  const uint64_t dump_record = events_of(dir / "out", "control").at(0).at("record_id");
  const nlohmann::json bmc = nlohmann::json::parse(crashtwin::read_file(dir / "out" / "bmc" / "report.json"));
  bool found = false;
  for (const nlohmann::json& rec : bmc.at("records"))
    if (rec.at("record_id") == dump_record) {
      found = true;
      CHECK(rec.at("component").at("class") == "memory");
      CHECK(rec.at("component").at("instance") == 0);
      CHECK(rec.at("severity") == "informational");
    }
  CHECK(found);
  // The dump took the slice's room: the failure's own record is cut short.
  CHECK(m.at("records_truncated") == 1);
  CHECK(m.at("capture_completeness").get<double>() < 0.5);
}

TEST_CASE("control: expectations judge the control lines' counts", "[e2e][control]") {
  const fs::path dir = crashtwin::test::fresh_test_dir("control", "expectations");
  // The skeleton ends with its expectations list: two more items continue it.
  const std::string control =
      "control:\n"
      "  - {at: \"2 s\", command: \"status\", from: host}\n"
      "  - {at: \"3 s\", command: \"reboot now\", from: bmc}\n";
  const fs::path met = scenario_with(dir / "met",
                                     "  - {metric: control_lines.executed, op: \"==\", value: 1}\n"
                                     "  - {metric: control_lines.refused, op: \"==\", value: 1}\n" + control);
  const CliResult ok = run_cli("run " + quoted(met) + " --policy proportional --out " + quoted(dir / "met" / "out"));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);

  const fs::path unmet = scenario_with(dir / "unmet", "  - {metric: control_lines.refused, op: \"==\", value: 0}\n" +
                                                          control);
  const CliResult bad =
      run_cli("run " + quoted(unmet) + " --policy proportional --out " + quoted(dir / "unmet" / "out"));
  INFO(bad.output);
  CHECK(bad.exit_code == 1);
  const nlohmann::json summary =
      nlohmann::json::parse(crashtwin::read_file(dir / "unmet" / "out" / "summary.json"));
  bool judged = false;
  for (const nlohmann::json& e : summary.at("expectations"))
    if (e.at("metric") == "control_lines.refused") {
      judged = true;
      CHECK(e.at("actual") == 1);
      CHECK(e.at("passed") == false);
    }
  CHECK(judged);

  // A misspelt one is refused at load, listing the known metrics.
  const fs::path typo = scenario_with(dir / "typo", "  - {metric: control_lines.run, op: \"==\", value: 1}\n" +
                                                         control);
  const CliResult refused = run_cli("run " + quoted(typo) + " --out " + quoted(dir / "typo" / "out"));
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("control_lines.executed") != std::string::npos);
}
