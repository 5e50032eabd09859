#include "scenarios/batch/merge.h"

#include <unistd.h>

#include <map>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "scenarios/batch/batch.h"
#include "scenarios/batch/shard.h"
#include "scenarios/batch/sweep.h"
#include "traces/batch.h"
#include "traces/run_directory.h"
#include "traces/summary.h"

namespace crashtwin::scenario {
namespace {

namespace fs = std::filesystem;

bool same_plan(const ShardManifest& a, const ShardManifest& b) {
  if (a.shard.count != b.shard.count || a.parameter_columns != b.parameter_columns || a.runs.size() != b.runs.size())
    return false;
  for (size_t i = 0; i < a.runs.size(); ++i)
    if (a.runs[i].dir != b.runs[i].dir || a.runs[i].values != b.runs[i].values) return false;
  return true;
}

// Hard links (copies across file systems) `from` into `to` through a
// temporary sibling, renamed when whole.
void link_run_directory(const fs::path& from, const fs::path& to) {
  const fs::path partial = temporary_sibling(to, Temporary::copy, getpid());
  fs::remove_all(partial);
  fs::create_directories(partial);
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(from)) {
    const fs::path target = partial / fs::relative(e.path(), from);
    if (e.is_directory()) {
      fs::create_directories(target);
      continue;
    }
    std::error_code ec;
    fs::create_hard_link(e.path(), target, ec);
    if (ec) fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing);
  }
  replace_directory(partial, to);
}

// A run that did not finish has no summary.json: its row is the shard's.
bool finished(const BatchRow& row) {
  return row.status != RunStatus::crashed && row.status != RunStatus::timeout &&
         row.status != RunStatus::invalid_input;
}

}  // namespace

MergeResult merge_shards(const fs::path& out, const std::vector<fs::path>& shard_dirs, unsigned threads) {
  MergeResult result;
  std::vector<ShardManifest> manifests;
  for (const fs::path& d : shard_dirs) {
    manifests.push_back(read_shard_manifest(d));
    if (!same_plan(manifests.front(), manifests.back()))
      result.problems.push_back(fmt::format("{}: a shard of another plan than {} (other runs or another N)",
                                            d.string(), shard_dirs.front().string()));
    std::error_code ec;
    if (fs::equivalent(d, out, ec))
      result.problems.push_back(fmt::format("{}: OUT must not be one of the shard directories", d.string()));
  }
  if (manifests.empty()) result.problems.push_back("no shard directories given");
  if (!result.problems.empty()) return result;
  const ShardManifest& plan = manifests.front();
  result.runs = plan.runs.size();
  result.sweep = plan.sweep();

  // Which shards have each run: a row in the shard's summary.csv (written
  // once the shard's batch ended: a shard still running has none yet).
  struct Found {
    size_t shard;
    BatchRow row;
  };
  std::map<std::string, std::vector<Found>> found;
  for (size_t s = 0; s < shard_dirs.size(); ++s) {
    const fs::path csv = shard_dirs[s] / "summary.csv";
    if (!fs::exists(csv)) continue;
    for (BatchRow& row : read_summary_csv(csv).rows) {
      std::string dir = row.run;
      found[dir].push_back({s, std::move(row)});
    }
  }

  std::vector<const Found*> chosen(plan.runs.size(), nullptr);
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const std::string& dir = plan.runs[i].dir;
    auto it = found.find(dir);
    if (it == found.end()) {
      result.missing.push_back(dir);
      continue;
    }
    if (it->second.size() > 1) {
      std::string where;
      for (const Found& f : it->second) where += (where.empty() ? "" : ", ") + shard_dirs[f.shard].string();
      result.duplicates.push_back(fmt::format("{} (in {})", dir, where));
      continue;
    }
    chosen[i] = &it->second.front();
  }

  for (size_t i = 0; i < plan.runs.size(); ++i) {
    if (chosen[i] == nullptr) continue;
    const fs::path to = out / plan.runs[i].dir;
    // A complete run stays; a failed run's logs are replaced by the shard's
    // (which may have finished it since).
    if (run_directory_complete(to)) {
      ++result.kept;
      continue;
    }
    fs::create_directories(to.parent_path());
    link_run_directory(shard_dirs[chosen[i]->shard] / plan.runs[i].dir, to);
    ++result.copied;
  }
  if (!result.complete()) return result;

  // The rows as the batch builds them: a finished run's from its
  // summary.json (metric order included), a crashed or timed-out run's as
  // its shard recorded it.
  std::vector<BatchRow> rows;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const BatchRow& recorded = chosen[i]->row;
    const fs::path summary = out / plan.runs[i].dir / "summary.json";
    rows.push_back(finished(recorded) ? batch_row(read_summary(summary), plan.runs[i].dir, recorded.exit_code)
                                      : recorded);
    rows.back().parameters.clear();
    if (rows.back().status != RunStatus::ok) ++result.not_ok;
  }
  const BatchTable table = batch_table(std::move(rows));
  write_batch_files(table, out, /*write_report=*/!result.sweep, threads);
  if (result.sweep) {
    std::vector<std::vector<std::string>> values;
    for (const ShardManifest::Run& r : plan.runs) values.push_back(r.values);
    write_sweep_files(plan.parameter_columns, values, table, out, threads);
  }
  return result;
}

}  // namespace crashtwin::scenario
