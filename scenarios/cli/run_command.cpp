#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "scenarios/batch/batch.h"
#include "scenarios/batch/child_process.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/out_paths.h"
#include "scenarios/cli/run_plan.h"
#include "scenarios/live/curses_screen.h"
#include "scenarios/live/live_view.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/run.h"
#include "scenarios/schema/choices.h"
#include "traces/chrome_trace.h"
#include "traces/event_log.h"
#include "traces/io.h"
#include "traces/timeseries_writer.h"
#include "traces/run_directory.h"

namespace crashtwin::cli {
namespace {

using namespace crashtwin::scenario;

bool known(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

const char* verdict(const RunSummary& s) {
  return !s.valid ? "INVALID" : (s.expectations_passed() ? "passed" : "expectations FAILED");
}

void print_outcome(const RunOutcome& o, const std::filesystem::path& out) {
  const RunSummary& s = o.summary;
  std::printf("%s [%s/%s seed %llu]: %s -> %s\n", s.scenario.c_str(), s.policy.c_str(), s.strategy.c_str(),
              static_cast<unsigned long long>(s.seed), verdict(s), out.c_str());
  if (!s.valid) std::printf("  invalid: %s\n", s.invalid_reason.c_str());
  // The headline figures, so a run answers without opening its files.
  const auto figure = [&s](const char* name) { return s.metric(name).value_or(std::nan("")); };
  std::printf("  completeness %.3f, identified %.3f, reserved %.1f MiB in production, time to production %.1f s\n",
              figure("capture_completeness"), figure("failures_identified"),
              figure("reserved_bytes_mean_in_production") / (1024.0 * 1024.0), figure("time_to_production_s.mean"));
  for (const Expectation& e : s.expectations)
    std::printf("  %s %s %s %g (measured %g)\n", e.passed ? "ok  " : "FAIL", e.metric.c_str(), e.op.c_str(), e.value,
                e.actual);
}

// Removes the run's temporary directory unless the run put it in place.
struct TemporaryGuard {
  std::filesystem::path dir;
  ~TemporaryGuard() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

// `run --live` draws on stdout's terminal and reads keys from stdin's, for
// one run in this process. Prints why not and returns false.
bool live_view_possible(const RunPlan& plan) {
  if (plan.pairs.size() != 1) {
    std::string pairs;
    for (const auto& [p, st] : plan.pairs) pairs += (pairs.empty() ? "" : ", ") + p + "/" + st;
    std::fprintf(stderr, "--live: the view shows one run, and this would run %zu (%s); name one with --policy P "
                 "--strategy S\n", plan.pairs.size(), pairs.c_str());
    return false;
  }
  if (isatty(STDOUT_FILENO) == 0) {
    std::fprintf(stderr, "--live: stdout is not a terminal: the live view draws on one (run it in a terminal, "
                 "or drop --live and read the results directory)\n");
    return false;
  }
  if (isatty(STDIN_FILENO) == 0) {
    std::fprintf(stderr, "--live: stdin is not a terminal: the live view reads its keys from it\n");
    return false;
  }
  if (const std::string why = live::CursesScreen::unusable_terminal(); !why.empty()) {
    std::fprintf(stderr, "--live: %s: the live view cannot draw on this terminal\n", why.c_str());
    return false;
  }
  return true;
}

// One policy x strategy in this process, into `out`: written into a
// temporary sibling, renamed onto `out` when complete, so a killed or
// stopped run leaves the previous directory, never half of a new one.
int run_in_this_process(const RunPlan& plan, const RunArgs& args, const std::filesystem::path& out) {
  const Scenario& s = plan.scenario;
  TemporaryGuard partial{run_directory_temporary(out, "--out")};
  if (partial.dir.empty()) return kExitBadInput;
  RunRequest request;
  request.scenario = s;
  request.policy = plan.pairs.front().first;
  request.strategy = plan.pairs.front().second;
  request.out_dir = partial.dir;
  // The view and its terminal (opened when the simulation starts, closed
  // before anything is printed).
  std::optional<live::CursesScreen> screen;
  std::optional<live::LiveView> view;
  if (args.live) {
    screen.emplace();
    live::ProgressSnapshot identity;
    identity.scenario = s.name;
    identity.policy = request.policy;
    identity.strategy = request.strategy;
    identity.seed = s.seed;
    identity.duration_ns = s.duration_ns;
    view.emplace(*screen, identity);
    request.watcher = &*view;
    request.agent_observers.push_back(&*view);
    request.board_observers.push_back(&*view);
  }
  const std::string run_name = fmt::format("{} [{}/{} seed {}]", s.name, request.policy, request.strategy, s.seed);
  try {
    const RunOutcome outcome = run_scenario(request);
    replace_directory(partial.dir, run_directory_target(out));
    partial.dir.clear();
    if (view) {
      view->show_end(live::RunState::finished,
                     fmt::format("finished: {} -> {}", verdict(outcome.summary), out.string()));
      view->wait_for_quit();
      screen->close();
    }
    print_outcome(outcome, out);
    return outcome.exit_code;
  } catch (const RunStopped& e) {
    if (screen) screen->close();
    const std::string kept = std::filesystem::exists(out) ? fmt::format(" ({} is as it was)", out.string()) : "";
    std::fprintf(stderr, "%s: %s%s\n", run_name.c_str(), e.what(), kept.c_str());
    return kExitStoppedByUser;
  } catch (const ScenarioError& e) {
    if (screen) screen->close();
    std::fprintf(stderr, "%s\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace

std::optional<RunPlan> plan_run(const std::string& file, const RunArgs& args) {
  LoadOptions options = default_load_options();
  options.seed = args.seed;
  for (const std::string& s : args.sets) {
    const auto o = parse_override(s);
    if (!o) {
      std::fprintf(stderr, "--set %s: expected key=value (e.g. --set agent.budget=\"1 GiB\")\n", s.c_str());
      return std::nullopt;
    }
    options.overrides.push_back(*o);
  }
  LoadResult loaded = load_scenario(file, options);
  if (!loaded.diagnostics.empty()) {
    std::fputs(loaded.diagnostics.to_string().c_str(), stderr);
    return std::nullopt;
  }
  RunPlan plan{std::move(*loaded.scenario), {}};
  const Scenario& s = plan.scenario;
  if (s.replay)
    for (const std::string& note : s.replay->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  const std::vector<std::string> policies = expand_policies(args.policies.empty() ? s.policies : args.policies, s.policies);
  for (const std::string& p : policies) {
    if (!known(known_policies(), p)) {
      std::fprintf(stderr, "--policy: '%s' is not a known policy; expected %s or all\n", p.c_str(),
                   joined_names(compared_policies()).c_str());
      return std::nullopt;
    }
  }
  const std::vector<std::string> strategies =
      !args.strategies.empty() ? expand_strategies(args.strategies)
      : s.strategies.empty()   ? std::vector<std::string>{kPredictiveStrategy}
                               : expand_strategies(s.strategies);
  for (const std::string& st : strategies) {
    if (!known(known_strategies(), st)) {
      std::fprintf(stderr, "--strategy: '%s' is not a capture strategy; expected predictive-bmc, kdump, "
                   "cma-crashkernel, fadump or all\n", st.c_str());
      return std::nullopt;
    }
  }
  for (const std::string& p : policies)
    for (const std::string& st : strategies) plan.pairs.emplace_back(p, st);
  // A single pair the user named runs whatever it is; a comparison keeps the
  // pairs that mean something (baselines with static only).
  if (plan.pairs.size() > 1)
    std::erase_if(plan.pairs, [](const auto& pair) { return !compared_pair(pair.first, pair.second); });
  if (plan.pairs.empty()) {
    std::fprintf(stderr, "--strategy: the baselines (kdump, cma-crashkernel, fadump) are compared under the static "
                 "policy only; add --policy static or name a single policy and strategy\n");
    return std::nullopt;
  }
  return plan;
}

namespace {

// The runs of one scenario on one timeline: DIR/trace.json with a Perfetto
// process per run, so their recoveries (phases, dump traffic, memory
// returned) line up against the same failure. A run whose files cannot be
// read is left out with a warning; the runs' own directories are complete
// either way.
void write_shared_timeline(const std::vector<std::pair<std::string, std::filesystem::path>>& runs,
                           const std::filesystem::path& path) {
  if (runs.size() < 2) return;
  std::vector<std::vector<Event>> events;
  std::vector<Timeseries> series;
  std::vector<std::string> names;
  for (const auto& [name, dir] : runs) {
    try {
      events.push_back(read_events_jsonl(dir / "events.jsonl"));
      series.push_back(read_timeseries_csv(dir / "timeseries.csv"));
      names.push_back(name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "warning: %s left out of %s: %s\n", name.c_str(), path.c_str(), e.what());
    }
  }
  std::vector<TraceProcess> processes;
  for (size_t i = 0; i < names.size(); ++i) processes.push_back({names[i], &events[i], &series[i]});
  try {
    write_chrome_trace(processes, path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warning: %s not written: %s\n", path.c_str(), e.what());
  }
}

}  // namespace

int run_command(const RunArgs& args) {
  std::optional<RunPlan> plan = plan_run(args.scenario, args);
  if (!plan) return kExitBadInput;
  const Scenario& s = plan->scenario;
  const auto& pairs = plan->pairs;
  const std::filesystem::path out = args.out.empty() ? std::filesystem::path("results") / s.name : std::filesystem::path(args.out);

  if (args.live && !live_view_possible(*plan)) return kExitBadInput;
  if (pairs.size() == 1) return run_in_this_process(*plan, args, out);

  // SystemC elaborates once per process: one child per policy x strategy.
  if (!writable_directory(out, "--out")) return kExitBadInput;
  int worst = kExitOk;
  std::vector<std::pair<std::string, std::filesystem::path>> finished;  // runs for the shared timeline
  for (const auto& [p, strategy] : pairs) {
    const std::filesystem::path dir = out / run_directory_name(s.name, p, strategy, s.seed);
    std::vector<std::string> argv = {self_executable(), "run", args.scenario, "--policy", p, "--strategy", strategy,
                                     "--seed", std::to_string(s.seed), "--out", dir.string()};
    for (const std::string& set : args.sets) {
      argv.push_back("--set");
      argv.push_back(set);
    }
    const ChildExit e = start_run_child(argv, dir, std::chrono::hours(24 * 365))->wait();
    settle_run_child(dir, e);
    std::fputs(file_tail(dir / kStdoutLog, 1 << 16).c_str(), stdout);
    if (e.signalled || e.code > kExitExpectationsFailed) {
      std::fprintf(stderr, "policy %s, strategy %s: run failed (%s):\n%s", p.c_str(), strategy.c_str(),
                   describe_exit(e).c_str(), file_tail(dir / kStderrLog, 4000).c_str());
      worst = std::max(worst, e.signalled ? kExitInternalError : e.code);
    } else {
      worst = std::max(worst, e.code);
      finished.emplace_back(p + " · " + strategy, dir);
    }
  }
  // At the summary level the runs kept no events or series to line up.
  if (s.traces == TraceLevel::full) write_shared_timeline(finished, out / kSharedTraceFile);
  return worst;
}

}  // namespace crashtwin::cli
