// What `crashtwin batch` and `crashtwin sweep` check the same way before
// running anything: the scenario files load (with a sweep point's
// overrides), and the --policy / --strategy names are known. Problems are
// printed to stderr; the callers exit 2 on any.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/batch/mpi_queue.h"
#include "scenarios/batch/shard.h"
#include "scenarios/cli/commands.h"
#include "scenarios/loader/loader.h"

namespace crashtwin::cli {

// Loads every file with `overrides`; prints each file's diagnostics and
// returns false if any has one.
bool load_scenarios(const std::vector<std::string>& files, const std::vector<scenario::Override>& overrides,
                    std::vector<scenario::Scenario>& out);

// False (with a message per bad name) if a policy or strategy is unknown;
// "all" is allowed.
bool known_choices(const std::vector<std::string>& policies, const std::vector<std::string>& strategies);

// --shard, --mpi and --gather: false (with a message naming the option) when
// --shard is not K/N with K < N, --gather comes without --mpi, or --mpi was
// asked of a crashtwin built without MPI. `shard` is set when --shard is given.
bool check_distribution(const BatchArgs& args, std::optional<scenario::ShardSpec>& shard);

// --out is checked before any run: a batch must not simulate for hours and
// then fail to write. Under --mpi --gather only rank 0 writes (the other
// ranks may not see the path), so there rank 0 checks it once MPI has
// started (gathered_out_writable), stopping the other ranks on a problem;
// out_writable checks it in every other case and passes --gather.
bool out_writable(const BatchArgs& args);
bool gathered_out_writable(const BatchArgs& args, scenario::MpiQueue& rank0, const scenario::BatchOptions& options);

// A shard's part of the plan: writes <out>/shard.json (the whole plan, for
// `crashtwin merge`) and returns the plan indices of the shard's runs. A
// sweep passes its varied keys and each run's values; a batch passes none.
std::vector<size_t> enter_shard(const scenario::ShardSpec& shard, const std::vector<scenario::PlannedRun>& plan,
                                const std::vector<std::string>& keys,
                                const std::vector<std::vector<std::string>>& values, const std::filesystem::path& out);

}  // namespace crashtwin::cli
