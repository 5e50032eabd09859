#include "scenarios/cli/dataset_command.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "models/board/board.h"
#include "platform/agent/agent.h"
#include "platform/predictor/model_blob.h"
#include "scenarios/batch/child_process.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/cli/training_commands.h"
#include "scenarios/loader/loader.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/telemetry_trace.h"
#include "scenarios/runner/run.h"
#include "scenarios/schema/choices.h"
#include "scenarios/training/dataset.h"
#include "scenarios/training/dataset_builder.h"

namespace crashtwin::cli {
namespace {

namespace fs = std::filesystem;
using namespace crashtwin::training;

struct DatasetArgs {
  std::vector<std::string> paths;
  uint64_t seeds = 1;
  std::optional<uint64_t> first_seed;  // default: each scenario's own seed
  std::string horizon = "10";          // seconds
  std::string window;                  // seconds; empty: the last kWindowCapacity samples
  uint32_t stride = 1;
  // Default: static, or the scenario's first compared policy when it does
  // not compare static (a scenario may refuse static: a budget below the
  // crashkernel table). The telemetry recorded does not depend on it.
  std::optional<std::string> policy;
  unsigned jobs = 0;
  unsigned timeout_s = 900;
  std::string out;
  bool keep_runs = false;
};

// One (scenario, seed) run, recorded by a child process.
struct RecordArgs {
  std::string scenario;
  uint64_t seed = 0;
  std::string policy;
  uint64_t horizon_ns = 0;
  uint64_t window_ns = 0;
  uint32_t stride = 1;
  std::string out;      // the partial dataset CSV
  std::string results;  // the run's results directory
};

// Feeds the agent's own per-tick windows and the board's raised errors into
// the builder. Exceptions must not unwind through the SystemC kernel, so the
// first one is kept and rethrown after the run.
class DatasetRecorder final : public BoardObserver, public AgentObserver {
 public:
  explicit DatasetRecorder(DatasetBuilder& builder) : builder_(builder) {}

  void on_error_raised(const ErrorEvent& event) override {
    guarded([&] { builder_.failure(event.component, event.time_ns); });
  }
  void on_tick(const Agent& agent, uint64_t) override {
    guarded([&] {
      for (size_t c = 0; c < kComponentClassCount; ++c) {
        for (uint16_t i = 0;; ++i) {
          const ComponentId id{static_cast<ComponentClass>(c), i};
          const MetricWindow* window = agent.window(id);
          if (window == nullptr) break;
          builder_.observe_window(id, *window);
        }
      }
    });
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  template <class F>
  void guarded(F&& f) {
    if (error_) return;
    try {
      f();
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  DatasetBuilder& builder_;
  std::exception_ptr error_;
};

uint64_t parse_horizon(const std::string& text) {
  uint64_t ns = 0;
  if (!replay::parse_decimal_seconds(text, ns) || ns == 0)
    throw csv::InputError("--horizon: '" + text + "' is not a positive number of seconds (e.g. 10 or 2.5)");
  return ns;
}

// A feature window the model blob can carry: whole milliseconds up to 49 days.
uint64_t parse_window(const std::string& text) {
  if (text.empty()) return 0;
  uint64_t ns = 0;
  if (!replay::parse_decimal_seconds(text, ns) || ns == 0 || !model_window_representable(ns))
    throw csv::InputError("--window: '" + text + "' is not a window a model can carry: whole milliseconds in seconds, "
                          "from 0.001 to " + std::to_string(kMaxModelWindowNs / 1'000'000'000) + " (e.g. 3600)");
  return ns;
}

scenario::Scenario load_or_throw(const std::string& path, std::optional<uint64_t> seed) {
  scenario::LoadOptions options = scenario::default_load_options();
  options.seed = seed;
  scenario::LoadResult loaded = scenario::load_scenario(path, options);
  if (!loaded.diagnostics.empty()) {
    std::string text = loaded.diagnostics.to_string();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    throw csv::InputError(text);
  }
  return std::move(*loaded.scenario);
}

void record(const RecordArgs& args) {
  scenario::Scenario s = load_or_throw(args.scenario, args.seed);
  // One window for every run of a dataset: the agent's and the builder's.
  s.agent.feature_window_ns = args.window_ns;
  DatasetBuilderOptions options;
  options.horizon_ns = args.horizon_ns;
  options.window_ns = args.window_ns;
  options.stride = args.stride;
  options.ewma_alpha = AgentConfig{}.feature_ewma_alpha;  // the runner keeps the agent's default
  DatasetBuilder builder(s.name, s.family, s.seed, options);
  DatasetRecorder recorder(builder);

  scenario::RunRequest request;  // the default capture strategy: it does not change telemetry
  request.scenario = s;
  request.policy = args.policy;
  request.out_dir = args.results;
  request.board_observers.push_back(&recorder);
  request.agent_observers.push_back(&recorder);
  request.provision_model = false;
  try {
    (void)scenario::run_scenario(request);  // expectations do not matter here
  } catch (const scenario::ScenarioError& e) {
    throw csv::InputError(e.what());
  }
  recorder.rethrow();
  Dataset dataset;
  dataset.horizon_ns = args.horizon_ns;
  dataset.window_ns = args.window_ns;
  builder.finish(dataset);
  write_dataset_file(args.out, dataset);
}

struct PlannedRecording {
  std::string file;
  std::string scenario;
  std::string policy;
  uint64_t seed = 0;
  fs::path dir;
};

// Runs the recordings as child processes, `jobs` at a time; a failed child
// fails the dataset (a dataset with a silently missing run would bias the
// model), with its stderr.
void record_all(const std::vector<PlannedRecording>& plan, const DatasetArgs& args, uint64_t horizon_ns,
                uint64_t window_ns) {
  const std::string self = scenario::self_executable();
  const unsigned jobs = args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::deque<size_t> pending;
  for (size_t i = 0; i < plan.size(); ++i) pending.push_back(i);
  scenario::ChildPool pool(jobs);
  std::string failures;
  int worst = kExitOk;
  while (!pending.empty() || !pool.empty()) {
    while (!pending.empty() && pool.has_room()) {
      const PlannedRecording& r = plan[pending.front()];
      fs::create_directories(r.dir);
      const std::vector<std::string> argv = {
          self, "dataset-run", r.file, "--seed", std::to_string(r.seed), "--policy", r.policy,
          "--horizon-ns", std::to_string(horizon_ns), "--window-ns", std::to_string(window_ns),
          "--stride", std::to_string(args.stride),
          "--out", (r.dir / "partial.csv").string(), "--results", (r.dir / "run").string()};
      pool.start(pending.front(), std::make_unique<scenario::ChildProcess>(argv, r.dir / "stdout.log",
                                                                           r.dir / "stderr.log",
                                                                           std::chrono::seconds(args.timeout_s)));
      pending.pop_front();
    }
    for (const scenario::ChildPool::Ended& ended : pool.wait_some()) {
      const PlannedRecording& r = plan[ended.tag];
      const scenario::ChildExit& exit = ended.exit;
      if (exit.timed_out || exit.signalled || exit.code != 0) {
        const std::string why = exit.timed_out ? "timed out"
                                : exit.signalled ? "killed by signal " + std::to_string(exit.code)
                                                 : "exited with " + std::to_string(exit.code);
        failures += r.scenario + " seed " + std::to_string(r.seed) + ": " + why + "\n" +
                    scenario::file_tail(r.dir / "stderr.log", 2000);
        worst = std::max(worst, exit.code == kExitBadInput && !exit.signalled ? kExitBadInput : kExitInternalError);
      } else {
        std::fprintf(stderr, "recorded %s seed %llu\n", r.scenario.c_str(), static_cast<unsigned long long>(r.seed));
      }
    }
  }
  if (!failures.empty()) {
    if (worst == kExitBadInput) throw csv::InputError("dataset runs failed:\n" + failures);
    throw std::runtime_error("dataset runs failed:\n" + failures);
  }
}

// Rows of every run in one stable order, whatever order the children ended in.
Dataset merge_partials(const std::vector<PlannedRecording>& plan, uint64_t horizon_ns, uint64_t window_ns) {
  Dataset merged;
  merged.horizon_ns = horizon_ns;
  merged.window_ns = window_ns;
  for (const PlannedRecording& r : plan) {
    Dataset part = read_dataset_file((r.dir / "partial.csv").string());
    if (part.horizon_ns != horizon_ns || part.window_ns != window_ns)
      throw std::logic_error("a partial dataset has another horizon or window");
    for (DatasetRow& row : part.rows) merged.rows.push_back(std::move(row));
  }
  const auto key = [](const DatasetRow& row) {
    return std::make_tuple(std::cref(row.scenario), row.seed, static_cast<int>(row.component.cls),
                           row.component.instance, row.time_ns);
  };
  std::stable_sort(merged.rows.begin(), merged.rows.end(),
                   [&](const DatasetRow& a, const DatasetRow& b) { return key(a) < key(b); });
  return merged;
}

void dataset(const DatasetArgs& args) {
  const uint64_t horizon_ns = parse_horizon(args.horizon);
  const uint64_t window_ns = parse_window(args.window);
  const auto policies = scenario::known_policies();
  if (args.policy && std::find(policies.begin(), policies.end(), *args.policy) == policies.end())
    throw csv::InputError("--policy: '" + *args.policy + "' is not a known policy");
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.paths, problems);
  std::string bad;
  for (const std::string& p : problems) bad += p + "\n";
  const fs::path work = fs::path(args.out + ".runs");
  std::vector<PlannedRecording> plan;
  std::set<std::string> names;
  for (const std::string& f : files) {
    try {
      const scenario::Scenario s = load_or_throw(f, std::nullopt);
      if (!names.insert(s.name).second) {
        bad += f + ": scenario name '" + s.name + "' is used by another scenario of this dataset\n";
        continue;
      }
      const uint64_t first = args.first_seed.value_or(s.seed);
      std::string policy = args.policy.value_or("static");
      const auto compares = [&](const std::string& p) {
        return std::find(s.policies.begin(), s.policies.end(), p) != s.policies.end();
      };
      if (!args.policy && !s.policies.empty() && !compares(policy) && !compares("all"))
        policy = s.policies.front();
      for (uint64_t k = 0; k < args.seeds * s.fleet_machines; ++k)  // a fleet's machines are seeds
        plan.push_back({f, s.name, policy, first + k, work / (s.name + ".seed" + std::to_string(first + k))});
    } catch (const csv::InputError& e) {
      bad += std::string(e.what()) + "\n";
    }
  }
  if (!bad.empty()) {
    bad.pop_back();
    throw csv::InputError(bad);
  }
  std::fprintf(stderr, "dataset: %zu scenarios x %llu seeds (x their fleets' machines) = %zu runs\n", names.size(),
               static_cast<unsigned long long>(args.seeds), plan.size());
  record_all(plan, args, horizon_ns, window_ns);
  const Dataset merged = merge_partials(plan, horizon_ns, window_ns);
  write_dataset_file(args.out, merged);
  if (!args.keep_runs) fs::remove_all(work);
  size_t failing = 0;
  for (const DatasetRow& row : merged.rows) failing += row.label ? 1 : 0;
  std::printf("wrote %s: %zu rows (%zu labelled failing) from %zu runs\n", args.out.c_str(), merged.rows.size(),
              failing, plan.size());
}

}  // namespace

void add_dataset_commands(CLI::App& app) {
  auto args = std::make_shared<DatasetArgs>();
  CLI::App* d = app.add_subcommand("dataset", "run scenarios across seeds and write labelled feature windows (CSV)");
  d->add_option("paths", args->paths, "scenario files or directories of *.yaml")->required();
  d->add_option("--seeds", args->seeds, "seeds per scenario")->capture_default_str()->check(CLI::Range(1, 10000));
  d->add_option("--first-seed", args->first_seed, "first seed of every scenario (default: the scenario's own)");
  d->add_option("--horizon", args->horizon, "label horizon in seconds: label = fails within it")->capture_default_str();
  d->add_option("--window", args->window,
                "span of the feature windows in seconds, carried into the model (default: the last 16 samples, "
                "whatever time they cover); every run is recorded with it, whatever its scenario's "
                "agent.feature_window says");
  d->add_option("--stride", args->stride, "a row every N samples of an instance")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  d->add_option("--policy", args->policy,
                "partitioning policy of the recorded runs (default: static, or the scenario's first compared "
                "policy when it does not compare static)");
  d->add_option("-j,--jobs", args->jobs, "parallel runs (default: all cores)");
  d->add_option("--timeout", args->timeout_s, "per-run timeout in wall seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400 * 7));
  d->add_option("--out,-o", args->out, "dataset CSV to write")->required();
  d->add_flag("--keep-runs", args->keep_runs, "keep OUT.runs/ (each run's results and partial CSV)");
  d->callback([args] { run_training_command([&] { dataset(*args); }); });

  // One recording, in its own process (SystemC elaborates once per process).
  auto rec = std::make_shared<RecordArgs>();
  CLI::App* r = app.add_subcommand("dataset-run", "internal: record one scenario run for `dataset`");
  r->group("");  // hidden from --help
  r->add_option("scenario", rec->scenario)->required();
  r->add_option("--seed", rec->seed)->required();
  r->add_option("--policy", rec->policy)->required();
  r->add_option("--horizon-ns", rec->horizon_ns)->required()->check(CLI::PositiveNumber);
  r->add_option("--window-ns", rec->window_ns)->required();
  r->add_option("--stride", rec->stride)->required()->check(CLI::PositiveNumber);
  r->add_option("--out", rec->out)->required();
  r->add_option("--results", rec->results)->required();
  r->callback([rec] { run_training_command([&] { record(*rec); }); });
}

}  // namespace crashtwin::cli
