#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "platform/predictor/features.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/model_prior/prior.h"
#include "traces/io.h"

namespace crashtwin::cli {

int write_prior_model_command(const PriorArgs& args) {
  const std::vector<std::byte> blob = scenario::prior_model_blob();
  write_file_atomically(args.out, std::string_view(reinterpret_cast<const char*>(blob.data()), blob.size()));
  // The JSON dump beside the blob, for humans (DESIGN.md "Predictor").
  const FailureModel m = scenario::prior_model();
  nlohmann::ordered_json j;
  j["kind"] = "hand-set prior (not trained)";
  j["generation"] = m.generation;
  j["feature_set_version"] = m.feature_set_version;
  j["horizon_s"] = static_cast<double>(m.horizon_ns) * 1e-9;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    const ClassModel& cm = m.of(cls);
    auto& jc = j["classes"][to_string(cls)];
    jc["bias"] = cm.bias;
    jc["threshold"] = cm.threshold;
    const auto defs = feature_defs(cls);
    for (size_t i = 0; i < defs.size(); ++i)
      jc["features"][defs[i].name] = {{"weight", cm.weight[i]}, {"mean", cm.mean[i]}, {"scale", cm.scale[i]}};
  }
  std::filesystem::path json_path = args.out;
  json_path.replace_extension(".json");
  write_file_atomically(json_path, j.dump(2) + "\n");
  std::printf("%s (%zu bytes)\n%s\n", args.out.c_str(), blob.size(), json_path.c_str());
  return kExitOk;
}

}  // namespace crashtwin::cli
