#include "scenarios/batch/shard.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "traces/io.h"

namespace crashtwin::scenario {
namespace {

bool parse_unsigned(std::string_view text, unsigned& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ShardSpec> parse_shard(std::string_view text, std::string& problem) {
  const size_t slash = text.find('/');
  ShardSpec spec;
  if (slash == std::string_view::npos || !parse_unsigned(text.substr(0, slash), spec.index) ||
      !parse_unsigned(text.substr(slash + 1), spec.count)) {
    problem = fmt::format("--shard: '{}' is not K/N (e.g. 0/4: the first of four parts)", text);
    return std::nullopt;
  }
  if (spec.count == 0) {
    problem = fmt::format("--shard: '{}' has N = 0; N is the number of parts, at least 1", text);
    return std::nullopt;
  }
  if (spec.index >= spec.count) {
    problem = fmt::format("--shard: '{}' has K >= N; K counts from 0 to N-1", text);
    return std::nullopt;
  }
  return spec;
}

std::vector<unsigned> assign_shards(const std::vector<PlannedRun>& runs, unsigned count) {
  std::vector<size_t> order(runs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (runs[a].duration_ns != runs[b].duration_ns) return runs[a].duration_ns > runs[b].duration_ns;
    return runs[a].dir < runs[b].dir;
  });
  // Least loaded part first; among equal loads the lower K.
  using Load = std::pair<double, unsigned>;  // seconds of simulated time: no overflow, and IEEE sums are the same everywhere
  std::priority_queue<Load, std::vector<Load>, std::greater<>> loads;
  for (unsigned k = 0; k < count; ++k) loads.push({0, k});
  std::vector<unsigned> part(runs.size(), 0);
  for (size_t i : order) {
    auto [load, k] = loads.top();
    loads.pop();
    part[i] = k;
    loads.push({load + static_cast<double>(runs[i].duration_ns) * 1e-9, k});
  }
  return part;
}

std::vector<size_t> shard_runs(const std::vector<PlannedRun>& runs, const ShardSpec& spec) {
  const std::vector<unsigned> part = assign_shards(runs, spec.count);
  std::vector<size_t> mine;
  for (size_t i = 0; i < runs.size(); ++i)
    if (part[i] == spec.index) mine.push_back(i);
  return mine;
}

void write_shard_manifest(const ShardManifest& manifest, const std::filesystem::path& out) {
  nlohmann::json runs = nlohmann::json::array();
  for (const ShardManifest::Run& r : manifest.runs) {
    nlohmann::json run = {{"dir", r.dir}};
    if (manifest.sweep()) run["values"] = r.values;
    runs.push_back(std::move(run));
  }
  const nlohmann::json j = {{"shard", manifest.shard.index},
                            {"shards", manifest.shard.count},
                            {"parameter_columns", manifest.parameter_columns},
                            {"runs", std::move(runs)}};
  std::filesystem::create_directories(out);
  write_file_atomically(out / kShardManifest, j.dump(1) + "\n");
}

ShardManifest read_shard_manifest(const std::filesystem::path& shard_dir) {
  const std::filesystem::path path = shard_dir / kShardManifest;
  if (!std::filesystem::exists(path))
    throw format_error(path, 0, "no shard manifest: not a directory written by `crashtwin batch|sweep --shard K/N`");
  ShardManifest m;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path));
    m.shard.index = j.at("shard").get<unsigned>();
    m.shard.count = j.at("shards").get<unsigned>();
    m.parameter_columns = j.at("parameter_columns").get<std::vector<std::string>>();
    for (const nlohmann::json& r : j.at("runs")) {
      ShardManifest::Run run{r.at("dir").get<std::string>(), {}};
      if (m.sweep()) run.values = r.at("values").get<std::vector<std::string>>();
      if (run.values.size() != m.parameter_columns.size())
        throw format_error(path, 0, fmt::format("run {}: {} values for {} parameter columns", run.dir,
                                                run.values.size(), m.parameter_columns.size()));
      m.runs.push_back(std::move(run));
    }
  } catch (const nlohmann::json::exception& e) {
    throw format_error(path, 0, e.what());
  }
  if (m.shard.count == 0 || m.shard.index >= m.shard.count)
    throw format_error(path, 0, fmt::format("shard {}/{} is out of range", m.shard.index, m.shard.count));
  return m;
}

}  // namespace crashtwin::scenario
