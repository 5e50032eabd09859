#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/batch/merge.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/out_paths.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

int merge_command(const MergeArgs& args) {
  if (!writable_directory(args.out, "OUT")) return kExitBadInput;
  std::vector<std::filesystem::path> shards(args.shards.begin(), args.shards.end());
  const MergeResult result = merge_shards(args.out, shards, 0);
  for (const std::string& p : result.problems) std::fprintf(stderr, "%s\n", p.c_str());
  if (!result.missing.empty()) {
    std::fprintf(stderr, "%zu of %zu runs are in no shard (add their shard's directory and merge again):\n",
                 result.missing.size(), result.runs);
    for (const std::string& m : result.missing) std::fprintf(stderr, "  missing: %s\n", m.c_str());
  }
  if (!result.duplicates.empty()) {
    std::fprintf(stderr, "%zu runs are in more than one shard (give each shard once):\n", result.duplicates.size());
    for (const std::string& d : result.duplicates) std::fprintf(stderr, "  duplicate: %s\n", d.c_str());
  }
  if (!result.complete()) {
    if (result.copied + result.kept > 0)
      std::fprintf(stderr, "%zu run directories are in %s; no summary.csv written yet\n", result.copied + result.kept,
                   args.out.c_str());
    return kExitBadInput;
  }
  std::printf("%zu runs merged (%zu linked or copied, %zu already there), %zu not ok\n", result.runs, result.copied,
              result.kept, result.not_ok);
  std::printf("summary: %s/summary.csv\n", args.out.c_str());
  if (result.sweep) std::printf("sweep:   %s/sweep.csv\n", args.out.c_str());
  std::printf("report:  %s/report.html\n", args.out.c_str());
  return result.not_ok == 0 ? kExitOk : kExitExpectationsFailed;
}

}  // namespace crashtwin::cli
