// `crashtwin merge OUT SHARD_DIR...`: the shards of one batch or sweep
// (shard.h) into one directory whose summary.csv, sweep.csv and report.html
// are the bytes a single-machine batch of the same runs writes (the same
// rows, in plan order, through write_batch_files / write_sweep_files).
//
// Run directories are hard-linked into OUT (copied where OUT is on another
// file system), each through a temporary name and a rename, so an
// interrupted merge leaves whole run directories only. A run no shard has,
// or that two shards have, is named and nothing but the run directories is
// written; merging again once the missing shard is there copies only what
// OUT still lacks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace crashtwin::scenario {

struct MergeResult {
  std::vector<std::string> problems;    // shards of different plans, or OUT among the shards
  std::vector<std::string> missing;     // run directories no shard has (no row in its summary.csv)
  std::vector<std::string> duplicates;  // "<run dir> (in A, B)"
  size_t runs = 0;                      // the plan's
  size_t copied = 0;                    // run directories linked or copied by this merge
  size_t kept = 0;                      // already in OUT from an earlier merge
  size_t not_ok = 0;                    // rows whose status is not ok
  bool sweep = false;
  bool complete() const { return problems.empty() && missing.empty() && duplicates.empty(); }
};

MergeResult merge_shards(const std::filesystem::path& out, const std::vector<std::filesystem::path>& shard_dirs,
                         unsigned threads);

}  // namespace crashtwin::scenario
