#include "scenarios/training/summary.h"

#include "scenarios/replay/csv_reader.h"

namespace crashtwin::training {
namespace {

nlohmann::json class_json(const ClassTraining& c, const ClassModel& m) {
  nlohmann::json j = {{"class", to_string(c.cls)},
                      {"rows", c.rows},
                      {"positives", c.positives},
                      {"kind", m.kind == ModelKind::logistic ? "logistic" : "none"}};
  if (!c.skipped.empty()) {
    j["skipped"] = c.skipped;
    return j;
  }
  j["ships"] = c.ships_single_feature ? "best_single_feature" : "model";
  if (c.best_single_feature) j["best_single_feature"] = single_feature_json(*c.best_single_feature);
  j["sample_weight"] = {{"positive", c.positive_weight}, {"negative", c.negative_weight}};
  // Only a chosen ridge says so: other summaries keep their bytes.
  if (!c.l2_selection.candidates.empty()) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const L2Candidate& k : c.l2_selection.candidates)
      candidates.push_back({{"l2_per_row", k.l2_per_row}, {"mean_pr_auc", k.mean_pr_auc}, {"folds", k.folds}});
    j["l2"] = c.l2;  // what the shipped class was fitted with
    j["l2_selection"] = {{"method", c.l2_selection.folds_by_family ? "leave-one-family-out" : "leave-one-seed-out"},
                         {"chosen_l2_per_row", c.l2_selection.chosen_per_row},
                         {"candidates", candidates}};
  }
  j["prior_correction"] = c.prior_correction;  // taken out of the fitted bias
  // Only accelerated training says so: other summaries keep their bytes.
  if (c.rate_correction != 0.0) j["failure_rate_correction"] = c.rate_correction;
  j["solver"] = {{"iterations", c.fit.iterations},
                 {"converged", c.fit.converged},
                 {"stop", to_string(c.fit.stop)},
                 {"gradient_norm", c.fit.gradient_norm},
                 {"newton_decrement", c.fit.newton_decrement},
                 {"objective_resolution", c.fit.objective_resolution},
                 {"objective", c.fit.objective}};
  j["bias"] = m.bias;
  j["threshold"] = m.threshold;
  nlohmann::json features = nlohmann::json::array();
  const auto defs = feature_defs(c.cls);
  for (size_t f = 0; f < m.feature_count; ++f)
    features.push_back({{"name", defs[f].name}, {"mean", m.mean[f]}, {"scale", m.scale[f]}, {"weight", m.weight[f]}});
  j["features"] = features;
  return j;
}

}  // namespace

nlohmann::json training_summary(const SummaryInputs& in) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : in.trained.classes) classes.push_back(class_json(c, in.trained.model.of(c.cls)));
  nlohmann::json summary = {
      {"format", "crashtwin-model-summary"},
      {"feature_set_version", in.trained.model.feature_set_version},
      {"generation", in.trained.model.generation},
      {"horizon_ns", in.trained.model.horizon_ns},
      {"options",
       {{"l2", in.options.solver.l2},
        {"balance_classes", in.options.balance_classes},
        {"max_iterations", in.options.solver.max_iterations},
        {"gradient_tolerance", in.options.solver.gradient_tolerance}}},
      {"split",
       {{"by_family", in.plan.by_family},
        {"train_seeds", in.plan.train_seeds},
        {"test_seeds", in.plan.test_seeds},
        {"train_families", in.plan.train_families},
        {"test_families", in.plan.test_families},
        {"train_rows", in.split.train.rows.size()},
        {"test_rows", in.split.test.rows.size()},
        {"discarded_rows", in.split.discarded}}},
      {"classes", classes},
      {"held_out", reports_json(in.held_out)},
      // The agent's default alarm band, which the model's held-out lead
      // times and false alarms count with.
      {"held_out_alarm", alarm_config_json(AlarmConfig{})},
      {"verdicts", verdicts_json(in.verdicts)},
  };
  if (in.options.choose_l2) summary["options"]["choose_l2"] = true;
  // Only a model with a window span says so: summaries of sample-window
  // models keep the bytes they had.
  if (in.trained.model.window_ns != 0) summary["window_ns"] = in.trained.model.window_ns;
  return summary;
}

SplitPlan training_split_from_summary(const nlohmann::json& summary, const std::string& source) {
  SplitPlan plan;
  try {
    const auto& split = summary.at("split");
    plan.by_family = split.at("by_family").get<bool>();
    plan.train_seeds = split.at("train_seeds").get<std::vector<uint64_t>>();
    plan.test_seeds = split.at("test_seeds").get<std::vector<uint64_t>>();
    plan.train_families = split.at("train_families").get<std::vector<std::string>>();
    plan.test_families = split.at("test_families").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw csv::InputError(source + ": field 'split' is missing or malformed (" + e.what() + ")");
  }
  return plan;
}

std::vector<SummaryClass> classes_from_summary(const nlohmann::json& summary, const std::string& source) {
  std::vector<SummaryClass> out;
  const auto classes = summary.find("classes");
  if (classes == summary.end() || !classes->is_array())
    throw csv::InputError(source + ": field 'classes' is missing or not a list");
  for (const auto& c : *classes) {
    SummaryClass entry;
    const auto name = c.find("class");
    if (name == c.end() || !name->is_string() || !parse(name->get<std::string>(), entry.cls))
      throw csv::InputError(source + ": a 'classes' entry has no valid 'class'");
    if (const auto rule = c.find("best_single_feature"); rule != c.end())
      entry.best_single_feature = single_feature_from_json(*rule, entry.cls, source);
    const auto ships = c.find("ships");
    entry.ships_single_feature = ships != c.end() && *ships == "best_single_feature";
    out.push_back(std::move(entry));
  }
  return out;
}

std::string summary_path_for(const std::string& model_path) {
  const size_t slash = model_path.find_last_of('/');
  const size_t dot = model_path.find_last_of('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) return model_path.substr(0, dot) + ".json";
  return model_path + ".json";
}

}  // namespace crashtwin::training
