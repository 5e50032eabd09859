// Recovery simulated on the board, through the `crashtwin` executable: the
// dump written to the simulated target (a failed disk cuts it, a network
// target does not fail with it), the dump level deciding what it holds,
// fadump's DMA copy and memory returned through release_region, the
// predictive-bmc restart options, every strategy on one Perfetto timeline,
// and the analytic cross-check on the whole library.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/event_log.h"
#include "traces/io.h"
#include "traces/results/results.h"
#include "tests/support/library_batch.h"
#include "tests/support/run_cli.h"
#include "tests/support/vcd_reader.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kLibrary = kSource / "scenarios/library";
constexpr uint64_t MiB = 1ull << 20;

// A fresh output directory (the runs create it; `run` refuses a directory
// holding files it does not write, an empty one is fine).
fs::path scratch(const std::string& name) { return test::fresh_test_dir("recovery", name); }

// One run of a library scenario; its events.
std::vector<Event> run_events(const std::string& name, const std::string& scenario, const std::string& args) {
  const fs::path out = scratch(name);
  const CliResult r = run_cli("run " + quoted(kLibrary / scenario) + " --policy static " + args + " --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code <= 1);  // 1: an expectation of the scenario failed, the run itself is complete
  return read_events_jsonl(out / "events.jsonl");
}

std::vector<Event> with_phase(const std::vector<Event>& events, const std::string& phase) {
  std::vector<Event> out;
  for (const Event& e : events)
    if (e.track.starts_with("host.recovery") && e.kind == EventKind::phase && e.fields.value("phase", "") == phase)
      out.push_back(e);
  return out;
}

// What Perfetto needs of a trace.json (Trace Event Format): every event has
// a name, a known phase, integer pid/tid and a finite, non-negative time;
// complete events a non-negative duration; and on each (pid, tid) complete
// events nest or follow one another, never overlap partially. Returns the
// first problem, or "".
std::string trace_problem(const nlohmann::json& trace) {
  if (!trace.contains("traceEvents") || !trace["traceEvents"].is_array()) return "no traceEvents array";
  struct Span {
    double start, end;
  };
  std::map<std::pair<int, int>, std::vector<Span>> spans;
  for (const auto& e : trace["traceEvents"]) {
    if (!e.contains("name") || !e["name"].is_string()) return "an event without a name: " + e.dump();
    const std::string ph = e.value("ph", "");
    if (ph != "M" && ph != "X" && ph != "i" && ph != "C") return "unknown phase '" + ph + "': " + e.dump();
    if (!e.contains("pid") || !e["pid"].is_number_integer() || !e.contains("tid") || !e["tid"].is_number_integer())
      return "pid/tid not integers: " + e.dump();
    if (ph == "M") continue;
    if (!e.contains("ts") || !e["ts"].is_number() || !(e["ts"].get<double>() >= 0)) return "bad ts: " + e.dump();
    if (ph != "X") continue;
    if (!e.contains("dur") || !e["dur"].is_number() || !(e["dur"].get<double>() >= 0)) return "bad dur: " + e.dump();
    const double ts = e["ts"].get<double>();
    spans[{e["pid"].get<int>(), e["tid"].get<int>()}].push_back({ts, ts + e["dur"].get<double>()});
  }
  for (auto& [track, list] : spans) {
    // Outer spans first at one start; a stack of open spans must contain
    // each next one or have ended before it starts.
    std::sort(list.begin(), list.end(),
              [](const Span& a, const Span& b) { return a.start != b.start ? a.start < b.start : a.end > b.end; });
    std::vector<Span> open;
    for (const Span& s : list) {
      while (!open.empty() && open.back().end <= s.start + 1e-3) open.pop_back();  // 1 ns float slack
      if (!open.empty() && s.end > open.back().end + 1e-3)
        return "spans overlap without nesting on pid " + std::to_string(track.first) + " tid " +
               std::to_string(track.second) + " at " + std::to_string(s.start) + " us";
      open.push_back(s);
    }
  }
  return "";
}

Event the_recovery(const std::vector<Event>& events) {
  const std::vector<Event> r = with_phase(events, "recovery");
  REQUIRE(r.size() == 1);
  return r.front();
}

}  // namespace

TEST_CASE("a failing dump disk cuts kdump's dump, a network dump target still writes it", "[recovery]") {
  const Event on_disk = the_recovery(run_events("disk_kdump", "disk_timeout.yaml", "--strategy kdump"));
  CHECK_FALSE(on_disk.fields["dump_succeeded"].get<bool>());
  CHECK(on_disk.fields["failure_reason"].get<std::string>().starts_with("dump target stopped responding"));
  CHECK(on_disk.fields["captured_bytes"] == 0);
  CHECK_FALSE(on_disk.fields["identified"].get<bool>());
  // The formulas do not know the disk failed: the cross-check names why.
  CHECK(on_disk.fields["analytic_dump_succeeded"].get<bool>());
  CHECK(on_disk.fields["cross_check"] == "differs: the dump target failed during the dump");
  // The command timed out (30 s) before the host gave up and rebooted.
  CHECK(on_disk.fields["time_to_production_s"].get<double>() >
        on_disk.fields["analytic_time_to_production_s"].get<double>() + 20);

  const Event over_network = the_recovery(
      run_events("disk_kdump_network", "disk_timeout.yaml", "--strategy kdump --set strategy.dump.target=network"));
  CHECK(over_network.fields["dump_succeeded"].get<bool>());
  CHECK(over_network.fields["identified"].get<bool>());
  CHECK(over_network.fields["completeness"].get<double>() > 0.9);
  CHECK(over_network.fields["cross_check"] == "agrees");
}

TEST_CASE("the dump level decides whether the failing rows are in the dump", "[recovery]") {
  const Event filtered = the_recovery(run_events("ue_d31", "memory_uncorrectable.yaml", "--strategy kdump"));
  const Event unfiltered = the_recovery(run_events("ue_all_pages", "memory_uncorrectable.yaml",
                                                   "--strategy kdump --set strategy.dump.exclude_user_pages=false"));
  CHECK(filtered.fields["identified"].get<bool>());
  CHECK(unfiltered.fields["identified"].get<bool>());
  // The three 8 KiB rows around the failing address (and their section
  // framing) are what the user pages add.
  const auto captured = [](const Event& e) { return e.fields["captured_bytes"].get<uint64_t>(); };
  CHECK(captured(unfiltered) - captured(filtered) == 72 + 24 + 3 * 8192);
  CHECK(unfiltered.fields["completeness"].get<double>() > filtered.fields["completeness"].get<double>());
  // A dump level that keeps user pages writes the same stream size here
  // (the filter ratio stands for the page classes): the same time.
  CHECK(unfiltered.fields["time_to_production_s"].get<double>() ==
        Approx(filtered.fields["time_to_production_s"].get<double>()).epsilon(1e-6));
}

TEST_CASE("fadump: the DMA controller saves boot memory and release_region returns the rest step by step", "[recovery]") {
  const std::vector<Event> events = run_events("fadump", "memory_uncorrectable.yaml", "--strategy fadump");
  const Event recovery = the_recovery(events);
  CHECK(recovery.fields["dump_succeeded"].get<bool>());
  // The host-programmed copy: 256 MiB of boot memory, by the DMA controller.
  bool saved = false;
  for (const Event& e : events)
    if (e.kind == EventKind::dma_transfer && e.fields.value("bytes", uint64_t{0}) == 256 * MiB) saved = true;
  CHECK(saved);
  const std::vector<Event> returned = with_phase(events, "memory_returned");
  REQUIRE(returned.size() >= 3);
  for (size_t i = 1; i < returned.size(); ++i) {
    CHECK(returned[i].t_ns > returned[i - 1].t_ns);
    CHECK(returned[i].fields["available_bytes"].get<uint64_t>() > returned[i - 1].fields["available_bytes"].get<uint64_t>());
  }
  CHECK(returned.front().fields["available_bytes"] == 256 * MiB);
  CHECK(returned.back().fields["available_bytes"] == 4ull << 30);
  // The same memory as exact counter steps for the trace.
  size_t available_steps = 0;
  for (const Event& e : events)
    if (e.kind == EventKind::counter && e.fields.value("counter", "") == "available_bytes") ++available_steps;
  CHECK(available_steps >= returned.size());
}

TEST_CASE("predictive-bmc restarts: warm reset and kexec save their firmware time, not after a memory error",
          "[recovery]") {
  const auto ttp = [](const Event& e) { return e.fields["time_to_production_s"].get<double>(); };
  const Event full = the_recovery(run_events("pf_full", "cpu_page_fault.yaml", "--strategy predictive-bmc"));
  const Event warm = the_recovery(
      run_events("pf_warm", "cpu_page_fault.yaml", "--strategy predictive-bmc --set strategy.predictive_bmc.restart=warm"));
  const Event kexec = the_recovery(run_events("pf_kexec", "cpu_page_fault.yaml",
                                              "--strategy predictive-bmc --set strategy.predictive_bmc.restart=kexec"));
  // 60 s POST, 20 s warm reset, 0.5 s kexec; the drain before it is the same.
  CHECK(ttp(full) - ttp(warm) == Approx(40.0).margin(0.01));
  CHECK(ttp(full) - ttp(kexec) == Approx(59.5).margin(0.01));
  for (const Event* e : {&full, &warm, &kexec}) CHECK(e->fields["cross_check"] == "agrees");

  const Event ue_full = the_recovery(run_events("ue_full", "memory_uncorrectable.yaml", "--strategy predictive-bmc"));
  const Event ue_kexec = the_recovery(run_events(
      "ue_kexec", "memory_uncorrectable.yaml", "--strategy predictive-bmc --set strategy.predictive_bmc.restart=kexec"));
  CHECK(ttp(ue_kexec) == Approx(ttp(ue_full)).margin(0.01));
  CHECK(ue_kexec.fields["note"].get<std::string>().find("full POST") != std::string::npos);
}

TEST_CASE("run --strategy all puts the four recoveries on one Perfetto timeline", "[recovery]") {
  const fs::path out = scratch("all_strategies");
  const CliResult r = run_cli("run " + quoted(kLibrary / "memory_uncorrectable.yaml") +
                              " --policy static --strategy all --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json trace = nlohmann::json::parse(read_file(out / "trace.json"));
  std::map<int, std::string> process;
  std::map<int, std::set<std::string>> phases, counters;
  for (const auto& e : trace["traceEvents"]) {
    const int pid = e["pid"].get<int>();
    if (e["name"] == "process_name") process[pid] = e["args"]["name"].get<std::string>();
    if (e["ph"] == "X" && e["cat"] == "phase") phases[pid].insert(e["args"]["phase"].get<std::string>());
    if (e["ph"] == "C") counters[pid].insert(e["name"].get<std::string>());
  }
  REQUIRE(process.size() == 4);
  std::map<std::string, int> pid_of;
  for (const auto& [pid, name] : process) pid_of[name] = pid;
  for (const char* name : {"static · predictive-bmc", "static · kdump", "static · cma-crashkernel", "static · fadump"}) {
    INFO(name);
    REQUIRE(pid_of.count(name) == 1);
    CHECK(phases[pid_of[name]].count("recovery") == 1);
    CHECK(phases[pid_of[name]].count("OS boot") + phases[pid_of[name]].count("dump + release") >= 1);
    CHECK(counters[pid_of[name]].count("available_bytes") == 1);
  }
  for (const char* name : {"static · kdump", "static · cma-crashkernel", "static · fadump"})
    CHECK(counters[pid_of[name]].count("dump_bytes_written") == 1);
  CHECK(phases[pid_of["static · kdump"]].count("dump") == 1);
  CHECK(phases[pid_of["static · cma-crashkernel"]].count("dma quiesce") == 1);
  CHECK(phases[pid_of["static · predictive-bmc"]].count("drain") == 1);

  // The report draws slices for the predictive run only; each baseline's
  // card draws its reservation and recovery instead.
  const CliResult report = run_cli("report " + quoted(out));
  INFO(report.output);
  REQUIRE(report.exit_code == 0);
  // One scenario: its page draws the runs.
  REQUIRE(read_file(out / "report.html").find("href=\"report-scenarios/") != std::string::npos);
  std::vector<fs::path> pages;
  for (const auto& entry : fs::directory_iterator(out / "report-scenarios")) pages.push_back(entry.path());
  REQUIRE(pages.size() == 1);
  const std::string html = read_file(pages.front());
  const auto count = [&html](const std::string& what) {
    size_t n = 0;
    for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("<title>Slice sizes</title>") == 1);
  CHECK(count("<title>Reservation and recovery</title>") == 3);
  CHECK(count("<title>Dump written to the target</title>") == 3);
}

TEST_CASE("library: every simulated recovery agrees with the formulas or the simulation says why",
          "[recovery][library_batch]") {
  // The library batch's static runs (tests/support/library_batch.h): every
  // strategy runs under static, the baselines under static only. Not the
  // fleets': their machine-years have no failure to recover from.
  results::Batch batch = results::load_batch(test::library_batch_to_read("recovery"), results::RunParts::summary);
  REQUIRE(batch.problems.empty());
  std::erase_if(batch.runs, [](const results::Run& run) {
    return run.summary.policy != "static" || test::is_library_fleet_run(run.summary);
  });
  for (results::Run& run : batch.runs) run = results::load_run(run.dir, results::RunParts::summary | results::RunParts::events);
  std::map<std::string, size_t> agrees, total;
  for (const results::Run& run : batch.runs) {
    for (const Event& e : with_phase(run.events, "recovery")) {
      INFO(run.dir.filename().string() << ": " << e.fields.dump());
      const std::string strategy = e.fields["strategy"].get<std::string>();
      const std::string verdict = e.fields["cross_check"].get<std::string>();
      CHECK(e.fields["simulated"].get<bool>());
      CHECK_FALSE(verdict.starts_with("unexplained"));
      ++total[strategy];
      if (verdict != "agrees") continue;
      ++agrees[strategy];
      // "agrees": within 1 % (at least 0.1 s), same completeness.
      const double sim = e.fields["time_to_production_s"].get<double>();
      const double formula = e.fields["analytic_time_to_production_s"].get<double>();
      CHECK(std::abs(sim - formula) <= std::max(0.1, 0.01 * formula));
      CHECK(e.fields["completeness"].get<double>() ==
            Approx(e.fields["analytic_completeness"].get<double>()).margin(1e-9));
    }
  }
  for (const char* strategy : {"predictive-bmc", "kdump", "cma-crashkernel", "fadump"}) {
    INFO(strategy);
    CHECK(total[strategy] >= 15);
    CHECK(agrees[strategy] * 2 > total[strategy]);  // most recoveries agree
  }

  // Every run's traces tell the truth: trace.json follows the trace event
  // format with nested spans (close failures' recoveries included), and
  // trace.vcd passes the strict reader with its wires low, not unknown, at 0.
  size_t traces = 0;
  for (const results::Run& run : batch.runs) {
    INFO(run.dir.string());
    const nlohmann::json trace = nlohmann::json::parse(read_file(run.dir / "trace.json"));
    CHECK(trace_problem(trace) == "");
    const std::string vcd = read_file(run.dir / "trace.vcd");
    CHECK(test::parse_vcd(vcd).error == "");  // the strict reader: tests/support/vcd_reader.h
    const size_t dumpvars = vcd.find("$dumpvars");
    REQUIRE(dumpvars != std::string::npos);
    const std::string initial = vcd.substr(dumpvars, vcd.find("$end", dumpvars) - dumpvars);
    CHECK(initial.find("\nx") == std::string::npos);  // no wire unknown at time 0
    CHECK(vcd.find("$var wire 1 ") != std::string::npos);
    CHECK(vcd.find(" capturing $end") != std::string::npos);
    CHECK(vcd.find(" up $end") != std::string::npos);
    CHECK(vcd.find(" irq_dram $end") != std::string::npos);  // every interrupt line of the board
    CHECK(vcd.find(" irq_dma_ch0 $end") != std::string::npos);
    ++traces;
  }
  CHECK(traces == batch.runs.size());
}

TEST_CASE("the trace checker finds partial overlaps and accepts nesting", "[recovery]") {
  const auto trace = [](std::vector<std::pair<double, double>> spans) {
    nlohmann::json t = {{"traceEvents", nlohmann::json::array()}};
    for (const auto& [ts, dur] : spans)
      t["traceEvents"].push_back({{"name", "phase"}, {"ph", "X"}, {"pid", 1}, {"tid", 1}, {"ts", ts}, {"dur", dur}});
    return t;
  };
  CHECK(trace_problem(trace({{0, 10}, {1, 2}, {3, 4}, {10, 5}})) == "");  // nested, then following
  CHECK(trace_problem(trace({{0, 10}, {5, 10}})).find("overlap") != std::string::npos);
  CHECK(trace_problem(trace({{0, -1}})).find("dur") != std::string::npos);
  nlohmann::json bad = trace({});
  bad["traceEvents"].push_back({{"name", "x"}, {"ph", "Q"}, {"pid", 1}, {"tid", 1}});
  CHECK(trace_problem(bad).find("unknown phase") != std::string::npos);
}
