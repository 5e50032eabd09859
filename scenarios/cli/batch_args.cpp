#include "scenarios/cli/batch_args.h"

#include <algorithm>
#include <cstdio>

#include "scenarios/batch/child_process.h"
#include "scenarios/batch/mpi_queue.h"
#include "scenarios/cli/out_paths.h"
#include "scenarios/schema/choices.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

bool load_scenarios(const std::vector<std::string>& files, const std::vector<Override>& overrides,
                    std::vector<Scenario>& out) {
  LoadOptions options = default_load_options();
  options.overrides = overrides;
  bool good = true;
  for (const std::string& f : files) {
    LoadResult r = load_scenario(f, options);
    if (!r.diagnostics.empty()) {
      std::fputs(r.diagnostics.to_string().c_str(), stderr);
      good = false;
    } else {
      out.push_back(std::move(*r.scenario));
    }
  }
  return good;
}

bool known_choices(const std::vector<std::string>& policies, const std::vector<std::string>& strategies) {
  bool good = true;
  for (const std::string& p : policies) {
    const auto names = known_policies();
    if (p != "all" && std::find(names.begin(), names.end(), p) == names.end()) {
      std::fprintf(stderr, "--policy: '%s' is not a known policy; expected %s or all\n", p.c_str(),
                   joined_names(compared_policies()).c_str());
      good = false;
    }
  }
  for (const std::string& st : strategies) {
    const auto names = known_strategies();
    if (st != "all" && std::find(names.begin(), names.end(), st) == names.end()) {
      std::fprintf(stderr, "--strategy: '%s' is not a capture strategy; expected predictive-bmc, kdump, "
                   "cma-crashkernel, fadump or all\n", st.c_str());
      good = false;
    }
  }
  return good;
}

bool check_distribution(const BatchArgs& args, std::optional<ShardSpec>& shard) {
  bool good = true;
  if (!args.shard.empty()) {
    std::string problem;
    shard = parse_shard(args.shard, problem);
    if (!shard) {
      std::fprintf(stderr, "%s\n", problem.c_str());
      good = false;
    }
  }
  if (args.gather && !args.mpi) {
    std::fprintf(stderr, "--gather: only with --mpi (it sends each rank's results to rank 0)\n");
    good = false;
  }
  if (args.mpi && !mpi_built()) {
    std::fprintf(stderr, "--mpi: this crashtwin was built without MPI (install libopenmpi-dev, reconfigure with "
                         "-DCRASHTWIN_WITH_MPI=ON); use --shard K/N and `crashtwin merge` instead\n");
    good = false;
  }
  return good;
}

bool out_writable(const BatchArgs& args) { return (args.mpi && args.gather) || writable_directory(args.out, "--out"); }

bool gathered_out_writable(const BatchArgs& args, MpiQueue& rank0, const BatchOptions& options) {
  if (!args.gather || writable_directory(args.out, "--out")) return true;
  rank0.execute({}, {}, options, [](size_t, const ChildExit&) {});  // nothing to run: the workers stop
  return false;
}

std::vector<size_t> enter_shard(const ShardSpec& shard, const std::vector<PlannedRun>& plan,
                                const std::vector<std::string>& keys,
                                const std::vector<std::vector<std::string>>& values, const std::filesystem::path& out) {
  ShardManifest manifest;
  manifest.shard = shard;
  manifest.parameter_columns = keys;
  for (size_t i = 0; i < plan.size(); ++i)
    manifest.runs.push_back({plan[i].dir, keys.empty() ? std::vector<std::string>{} : values[i]});
  write_shard_manifest(manifest, out);
  return shard_runs(plan, shard);
}

}  // namespace crashtwin::cli
