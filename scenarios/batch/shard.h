// Shards of a batch or sweep (`--shard K/N`): the K-th of N disjoint parts of
// the run list, for job arrays (Slurm, Kubernetes Indexed Jobs) where each
// array task is a machine of its own. Every task plans the whole run list
// the same way and keeps its part; `crashtwin merge` (merge.h) puts the parts
// back into one directory equal to a single-machine batch.
//
// Parts are balanced by expected run length with the longest-processing-time
// rule: runs sorted by simulated duration (longest first, ties by run
// directory name), each to the least loaded part so far (ties: the lower K).
// The assignment depends only on the set of runs, so it is the same on every
// machine and whatever order the scenario files were listed in.
//
// Each shard directory holds shard.json: the shard's K/N and the whole plan
// (every run directory, and a sweep's parameter values per run), which lets
// merge name the runs no shard has.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/batch/batch.h"

namespace crashtwin::scenario {

struct ShardSpec {
  unsigned index = 0;  // K, 0-based
  unsigned count = 1;  // N
};

// "K/N" with 0 <= K < N; nullopt and `problem` (naming --shard) otherwise.
std::optional<ShardSpec> parse_shard(std::string_view text, std::string& problem);

// The part (0..count-1) of each run, by the rule above.
std::vector<unsigned> assign_shards(const std::vector<PlannedRun>& runs, unsigned count);

// The plan indices of the runs of shard `spec`, in plan order.
std::vector<size_t> shard_runs(const std::vector<PlannedRun>& runs, const ShardSpec& spec);

inline constexpr const char* kShardManifest = "shard.json";

struct ShardManifest {
  ShardSpec shard;
  std::vector<std::string> parameter_columns;  // a sweep's varied keys; empty for a batch
  struct Run {
    std::string dir;
    std::vector<std::string> values;  // a sweep's, one per parameter column
  };
  std::vector<Run> runs;  // the whole plan, in plan order
  bool sweep() const { return !parameter_columns.empty(); }
};

void write_shard_manifest(const ShardManifest& manifest, const std::filesystem::path& out);
// Throws format_error naming the file on a malformed manifest.
ShardManifest read_shard_manifest(const std::filesystem::path& shard_dir);

}  // namespace crashtwin::scenario
