#include "scenarios/cli/training_commands.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/core/units.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/loader/limits.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/evaluation.h"
#include "scenarios/training/split.h"
#include "scenarios/training/summary.h"
#include "scenarios/training/trainer.h"

namespace crashtwin::cli {
namespace {

using namespace crashtwin::training;

struct TrainArgs {
  std::string dataset;
  std::string out;
  std::string summary;  // default: beside the blob
  TrainOptions options;
  SplitOptions split;
  bool no_class_weights = false;
  bool no_family_split = false;
  bool always_ship_model = false;
  std::vector<std::string> failure_rate_scales;  // CLASS=FACTOR
};

struct EvaluateArgs {
  std::string model;
  std::string dataset;
  std::string summary;  // default: beside the blob
  std::string json_out;
  bool all_rows = false;
  // The agent's alarm band the model's alarms are counted with.
  double alarm_clear_ratio = AlarmConfig{}.clear_ratio;
  std::string alarm_clear_time = "0";
};

AlarmConfig alarm_config_of(const EvaluateArgs& args) {
  AlarmConfig config;
  config.clear_ratio = static_cast<float>(args.alarm_clear_ratio);
  if (!(args.alarm_clear_ratio > 0.0 && args.alarm_clear_ratio <= 1.0) || !config.valid()) {
    char value[32];
    std::snprintf(value, sizeof value, "%g", args.alarm_clear_ratio);
    throw csv::InputError(std::string("--alarm-clear-ratio: ") + value +
                          " is not a fraction above 0 up to 1 (e.g. 0.5; 1: sample by sample)");
  }
  if (!ok(parse_duration_ns(args.alarm_clear_time, config.clear_time_ns)) ||
      config.clear_time_ns > scenario::kMaxAlarmClearTimeNs)
    throw csv::InputError("--alarm-clear-time: '" + args.alarm_clear_time +
                          "' is not a duration from 0 up to 30 d (e.g. 0, 500 ms, 2 min)");
  return config;
}

void write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw csv::InputError(path + ": cannot create file");
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.flush();
  if (!out) throw csv::InputError(path + ": write failed");
}

void write_json(const std::string& path, const nlohmann::json& j) {
  const std::string text = j.dump(2) + "\n";
  write_file(path, text.data(), text.size());
}

// "--failure-rate-scale cpu=1000": TrainOptions::failure_rate_scale.
void read_failure_rate_scales(const std::vector<std::string>& items, TrainOptions& options) {
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    ComponentClass cls{};
    double factor = 0.0;
    const std::string name = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : item.substr(eq + 1);
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), factor);
    if (eq == std::string::npos || !parse(name, cls) || value.empty() || ec != std::errc() ||
        end != value.data() + value.size() || !std::isfinite(factor) || !(factor > 0.0) || factor > 1e9)
      throw csv::InputError("--failure-rate-scale: '" + item +
                            "' is not CLASS=FACTOR (a class of cpu, memory, disk, network and a factor above 0 up to "
                            "1e9, e.g. cpu=1000)");
    options.failure_rate_scale[static_cast<size_t>(cls)] = factor;
  }
}

void train(const TrainArgs& args) {
  TrainOptions options = args.options;
  options.balance_classes = !args.no_class_weights;
  read_failure_rate_scales(args.failure_rate_scales, options);
  SplitOptions split_options = args.split;
  split_options.by_family = !args.no_family_split;

  const Dataset data = read_dataset_file(args.dataset);
  const SplitPlan plan = plan_split(data, split_options);
  const SplitData split = apply_split(data, plan);
  if (const std::string leak = find_leakage(split.train, split.test, plan.by_family); !leak.empty())
    throw std::logic_error("train/test leakage: " + leak);
  if (split.test.rows.empty()) throw csv::InputError(args.dataset + ": the split leaves no held-out rows");

  TrainedModel trained = train_failure_model(split.train, options);
  std::vector<SingleFeatureRule> single_features;
  for (const auto& c : trained.classes)
    if (c.best_single_feature) single_features.push_back(*c.best_single_feature);
  // Score the held-out rows with the full model as the firmware will parse it.
  FailureModel full;
  if (!ok(parse_model(encode_model_blob(trained.model), full)))
    throw std::logic_error("the encoded model does not parse back");
  const std::vector<DetectorReport> held_out = evaluate_detectors(full, split.test, single_features);
  // Where the held-out families show the class's best single feature is
  // better than the model, the blob carries that feature alone. Where they
  // cannot tell them apart the model stays, marked undecided
  // (docs/training.md "The best single feature and the verdict").
  const std::vector<Verdict> verdict = judge(full, split.test, single_features);
  for (const Verdict& v : verdict)
    if (v.outcome == VerdictOutcome::feature_better && !args.always_ship_model)
      refit_on_single_feature(split.train, *trained.classes[static_cast<size_t>(v.cls)].best_single_feature, options,
                              trained);
  const std::vector<std::byte> blob = encode_model_blob(trained.model);
  FailureModel shipped;
  if (!ok(parse_model(blob, shipped))) throw std::logic_error("the encoded model does not parse back");

  write_file(args.out, blob.data(), blob.size());
  const std::string summary_path = args.summary.empty() ? summary_path_for(args.out) : args.summary;
  write_json(summary_path, training_summary({trained, options, plan, split, held_out, verdict}));

  if (plan.by_family)
    std::printf("trained on %zu rows (%zu families), held out %zu rows (%zu families, every seed)\n",
                split.train.rows.size(), plan.train_families.size(), split.test.rows.size(), plan.test_families.size());
  else
    std::printf("trained on %zu rows (%zu seeds), held out %zu rows (%zu seeds; one family: no family split)\n",
                split.train.rows.size(), plan.train_seeds.size(), split.test.rows.size(), plan.test_seeds.size());
  for (const auto& c : trained.classes) {
    if (!c.skipped.empty()) {
      std::printf("  %-8s no model: %s\n", to_string(c.cls), c.skipped.c_str());
      continue;
    }
    char ridge[64] = "";
    if (!c.l2_selection.candidates.empty())
      std::snprintf(ridge, sizeof ridge, c.ships_single_feature ? "; l2 %.4g (--l2: a single feature)"
                                                                : "; l2 %.4g (cross-validated)",
                    c.l2);
    char stop[96] = " (NOT converged)";
    if (c.fit.stop == LogisticStop::gradient) stop[0] = '\0';
    if (c.fit.stop == LogisticStop::decrement)
      std::snprintf(stop, sizeof stop, " (converged: Newton decrement %.1e below J's resolution %.1e)",
                    c.fit.newton_decrement, c.fit.objective_resolution);
    std::printf("  %-8s %zu rows, %zu failing%s; Newton %d iterations, |grad| %.2e%s, threshold %.4f%s\n",
                to_string(c.cls), c.rows, c.positives, ridge, c.fit.iterations, c.fit.gradient_norm, stop,
                static_cast<double>(shipped.of(c.cls).threshold),
                c.ships_single_feature ? (", ships " + c.best_single_feature->name() + " alone").c_str() : "");
  }
  std::printf("held-out evaluation (full model):\n%s%s", format_reports(held_out).c_str(),
              format_verdicts(verdict).c_str());
  std::printf("wrote %s (%zu bytes) and %s\n", args.out.c_str(), blob.size(), summary_path.c_str());
}

void evaluate(const EvaluateArgs& args) {
  const AlarmConfig alarm = alarm_config_of(args);
  const FailureModel model = read_model_blob_file(args.model);
  Dataset data = read_dataset_file(args.dataset);
  if (data.horizon_ns != model.horizon_ns)
    std::fprintf(stderr, "warning: dataset horizon %llu ns differs from the model's %llu ns\n",
                 static_cast<unsigned long long>(data.horizon_ns), static_cast<unsigned long long>(model.horizon_ns));

  size_t excluded = 0;
  const std::string summary_path = args.summary.empty() ? summary_path_for(args.model) : args.summary;
  std::ifstream in(summary_path);
  std::vector<SummaryClass> classes;
  if (!in) {
    std::fprintf(stderr,
                 "warning: no %s: cannot tell training rows apart nor compare with the best single feature, "
                 "evaluating every row\n",
                 summary_path.c_str());
  } else {
    const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    if (summary.is_discarded()) throw csv::InputError(summary_path + ": not valid JSON");
    classes = classes_from_summary(summary, summary_path);
    const SplitPlan trained_on = training_split_from_summary(summary, summary_path);
    if (!args.all_rows) {
      std::vector<DatasetRow> kept;
      for (auto& row : data.rows) {
        const bool seen_seed = !trained_on.by_family &&
                               std::find(trained_on.train_seeds.begin(), trained_on.train_seeds.end(), row.seed) !=
                                   trained_on.train_seeds.end();
        const bool seen_family = trained_on.by_family &&
                                 std::find(trained_on.train_families.begin(), trained_on.train_families.end(),
                                           row.family) != trained_on.train_families.end();
        if (seen_seed || seen_family) ++excluded;
        else kept.push_back(std::move(row));
      }
      data.rows = std::move(kept);
    }
  }
  if (data.rows.empty())
    throw csv::InputError(args.dataset + ": no rows left to evaluate (every row shares a seed or family with "
                                         "the training set; --all-rows to override)");
  std::vector<SingleFeatureRule> single_features;
  for (const SummaryClass& c : classes)
    if (c.best_single_feature) single_features.push_back(*c.best_single_feature);
  const std::vector<DetectorReport> reports = evaluate_detectors(model, data, single_features, alarm);
  const std::vector<Verdict> verdict = judge(model, data, single_features);
  std::printf("evaluated %zu rows (excluded %zu rows sharing a seed or family with the training set); the model's "
              "alarm clears below %g x its threshold held %s\n%s%s",
              data.rows.size(), excluded, static_cast<double>(alarm.clear_ratio), args.alarm_clear_time.c_str(),
              format_reports(reports).c_str(), format_verdicts(verdict).c_str());
  for (const SummaryClass& c : classes)
    if (c.ships_single_feature)
      std::printf("note: the blob's %s model is %s alone (it did not beat it on the held-out families in training)\n",
                  to_string(c.cls), c.best_single_feature->name().c_str());
  if (!args.json_out.empty())
    write_json(args.json_out, {{"rows", data.rows.size()},
                               {"excluded_rows", excluded},
                               {"alarm", alarm_config_json(alarm)},
                               {"detectors", reports_json(reports)},
                               {"verdicts", verdicts_json(verdict)}});
}

}  // namespace

void run_training_command(const std::function<void()>& command) {
  try {
    command();
  } catch (const csv::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    throw CLI::RuntimeError(kExitBadInput);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    throw CLI::RuntimeError(kExitInternalError);
  }
  std::fflush(stdout);
  throw CLI::Success();
}

namespace {

// Runs a command, prints its failure, and ends CLI11's parse with the code.
void run(const std::function<void()>& command) { run_training_command(command); }

}  // namespace

void add_training_commands(CLI::App& app) {
  auto train_args = std::make_shared<TrainArgs>();
  CLI::App* t = app.add_subcommand("train", "fit the failure model (logistic regression per class) on a dataset");
  t->add_option("dataset", train_args->dataset, "dataset CSV written by `crashtwin dataset`")->required();
  t->add_option("--out,-o", train_args->out, "model blob to write (the JSON summary goes beside it)")->required();
  t->add_option("--summary", train_args->summary, "JSON summary path (default: the blob's path with .json)");
  t->add_option("--l2", train_args->options.solver.l2, "ridge strength on standardised weights")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  t->add_flag("--choose-l2", train_args->options.choose_l2,
              "choose each class's ridge strength by leave-one-family-out cross-validation on the training "
              "families (leave-one-seed-out with one family); --l2 then fits only a class no fold can score and a "
              "class shipped as its best single feature");
  t->add_option("--max-iterations", train_args->options.solver.max_iterations, "Newton iterations at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  t->add_option("--generation", train_args->options.generation, "model generation written into the blob")
      ->capture_default_str();
  t->add_flag("--no-class-weights", train_args->no_class_weights, "do not balance failing and healthy rows");
  t->add_option("--failure-rate-scale", train_args->failure_rate_scales,
                "CLASS=FACTOR: the training runs failed FACTOR times the field's rate (their "
                "field_fault_acceleration); the model's probabilities and threshold are put back at the field's "
                "rate (repeatable)");
  t->add_option("--holdout-fraction", train_args->split.holdout_fraction,
                "fraction of seeds (and scenario families) held out for testing")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  t->add_option("--holdout-family", train_args->split.holdout_families,
                "scenario family to hold out (repeatable; a scenario without `family:` is its own)");
  t->add_flag("--no-family-split", train_args->no_family_split, "split by seed only");
  t->add_flag("--always-ship-model", train_args->always_ship_model,
              "ship every class's full model even where it does not beat its best single feature (to compare; "
              "the verdict is still printed and written)");
  t->callback([train_args] { run([&] { train(*train_args); }); });

  auto eval_args = std::make_shared<EvaluateArgs>();
  CLI::App* e = app.add_subcommand(
      "evaluate", "score a model, its best single feature and the RAS threshold baselines on a dataset, with the verdict");
  e->add_option("model", eval_args->model, "model blob")->required();
  e->add_option("dataset", eval_args->dataset, "dataset CSV")->required();
  e->add_option("--summary", eval_args->summary, "the model's JSON summary (default: beside the blob)");
  e->add_option("--json", eval_args->json_out, "also write the figures as JSON");
  e->add_flag("--all-rows", eval_args->all_rows, "also score rows sharing a seed or family with the training set");
  e->add_option("--alarm-clear-ratio", eval_args->alarm_clear_ratio,
                "the model's alarm deasserts below this fraction of its threshold, as the agent's "
                "(agent.alarm_clear_ratio; 1: sample by sample)")
      ->capture_default_str();
  e->add_option("--alarm-clear-time", eval_args->alarm_clear_time,
                "... held this long before it deasserts (agent.alarm_clear_time, e.g. 30 s)")
      ->capture_default_str();
  e->callback([eval_args] { run([&] { evaluate(*eval_args); }); });
}

}  // namespace crashtwin::cli
