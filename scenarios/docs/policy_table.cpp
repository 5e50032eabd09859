#include "scenarios/docs/policy_table.h"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "policies/strategies/strategy_params.h"
#include "traces/results/sweep.h"

namespace crashtwin::docs {
namespace {

struct Column {
  const char* header;
  std::vector<const char*> metric;  // dotted names tried in order (plain or composite)
  int decimals;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> kColumns = {
      {"capture completeness", {"capture_completeness"}, 3},
      {"failures identified", {"failures_identified"}, 3},
      {"time to production s", {"time_to_production_s.mean", "time_to_production_s"}, 1},
      {"alert to report s", {"alert_to_report_s.mean", "alert_to_report_s"}, 3},
      {"reserved MiB mean in production", {"reserved_bytes_mean_in_production", "reserved_bytes_mean"}, 1},
      {"reserved MiB mean", {"reserved_bytes_mean"}, 1},
      {"reserved MiB peak", {"reserved_bytes_peak"}, 1},
      {"reserved GiB*s", {"reserved_byte_seconds"}, 1},
      {"dumps failed", {"dumps_failed"}, 2},
      {"time to service s", {"time_to_service_s.mean"}, 1},
      {"repartitions", {"repartitions"}, 1},
  };
  return kColumns;
}

std::optional<double> metric_of(const RunSummary& s, const Column& c) {
  for (const char* name : c.metric)
    if (auto v = s.metric(name)) return v;
  return std::nullopt;
}

double display_scale(const Column& c) {
  const std::string_view first = c.metric.front();
  if (first == "reserved_byte_seconds") return 1.0 / (1024.0 * 1024.0 * 1024.0);
  if (first.starts_with("reserved_bytes")) return 1.0 / (1024.0 * 1024.0);
  return 1.0;
}

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// A machine of a fleet scenario (config.yaml's scenario.fleet_machines > 1).
bool fleet_machine(const results::Run& run) {
  for (const ConfigEntry& e : run.config)
    if (e.name == "scenario.fleet_machines") return e.value != "1";
  return false;
}
}  // namespace

std::string policy_comparison_table(const results::Batch& batch) {
  struct Pair {
    std::string policy, strategy;
    size_t runs = 0;
    std::vector<double> sum;
    std::vector<size_t> count;
  };
  std::vector<Pair> pairs;
  for (const results::Run& run : batch.runs) {
    const RunSummary& s = run.summary;
    // Fleets are folded per machine-year in fleet.csv: averaged here, a
    // machine-year's byte-seconds and repartitions would decide their
    // columns for the pairs its scenario compares and no other.
    if (!s.valid || fleet_machine(run)) continue;
    Pair* pair = nullptr;
    for (Pair& p : pairs)
      if (p.policy == s.policy && p.strategy == s.strategy) pair = &p;
    if (pair == nullptr) {
      pairs.push_back(Pair{s.policy, s.strategy, 0, std::vector<double>(columns().size()),
                           std::vector<size_t>(columns().size())});
      pair = &pairs.back();
    }
    ++pair->runs;
    for (size_t c = 0; c < columns().size(); ++c) {
      if (auto v = metric_of(s, columns()[c])) {
        pair->sum[c] += *v;
        ++pair->count[c];
      }
    }
  }
  std::ostringstream out;
  out << "| policy | strategy | runs |";
  for (const Column& c : columns()) out << ' ' << c.header << " |";
  out << "\n|---|---|---:|";
  for (size_t c = 0; c < columns().size(); ++c) out << "---:|";
  out << '\n';
  for (const Pair& p : pairs) {
    out << "| " << p.policy << " | " << p.strategy << " | " << p.runs << " |";
    for (size_t c = 0; c < columns().size(); ++c) {
      const Column& col = columns()[c];
      out << ' '
          << (p.count[c] == 0 ? std::string("-")
                              : fixed(p.sum[c] / static_cast<double>(p.count[c]) * display_scale(col), col.decimals))
          << " |";
    }
    out << '\n';
  }
  if (pairs.empty()) out << "| (no valid runs in the batch) | | | | | | | | | | |\n";
  return out.str();
}

std::string strategy_parameter_table() {
  std::ostringstream out;
  out << "| `strategy.` parameter | default | meaning |\n|---|---|---|\n";
  for (const StrategyParamInfo& p : strategy_param_table())
    out << "| `" << p.name << "` | " << p.default_text << " | " << p.description << " |\n";
  return out.str();
}

namespace {
// The sweep's table with a line saying where it comes from.
std::string sweep_table_text(const BatchTable& sweep) {
  std::string scenarios;
  for (const BatchRow& r : sweep.rows)
    if (scenarios.find(" " + r.scenario + ",") == std::string::npos) scenarios += " " + r.scenario + ",";
  if (!scenarios.empty()) scenarios.pop_back();
  std::string varied;
  for (const std::string& k : sweep.parameter_columns) varied += (varied.empty() ? "" : ", ") + k;
  return "Sweep of " + varied + " over" + scenarios + " (" + std::to_string(sweep.rows.size()) +
         " runs); a budget counts when every run there that accepted its input finished and captured at least 99 % of "
         "its failures (runs that refused it, such as static below the RHEL table, are counted beside the "
         "budget).\n\n" +
         results::smallest_budget_markdown(sweep);
}
}  // namespace

std::string sweep_means_table(const BatchTable& sweep) {
  struct Mean {
    const char* header;
    std::vector<const char*> metric;
    int decimals;
  };
  static const std::vector<Mean> kMeans = {
      {"time to production s", {"time_to_production_s.mean", "time_to_production_s"}, 1},
      {"time to service s", {"time_to_service_s.mean"}, 1},
      {"capture completeness", {"capture_completeness"}, 3},
      {"failures identified", {"failures_identified"}, 3},
      {"dumps failed", {"dumps_failed"}, 2},
  };
  struct Point {
    std::string policy, strategy, values;
    size_t runs = 0;
    std::vector<double> sum = std::vector<double>(kMeans.size());
    std::vector<size_t> count = std::vector<size_t>(kMeans.size());
  };
  std::vector<Point> points;
  for (const BatchRow& r : sweep.rows) {
    if (r.status != RunStatus::ok && r.status != RunStatus::expectations_failed) continue;
    std::string values;
    for (size_t i = 0; i < sweep.parameter_columns.size() && i < r.parameters.size(); ++i)
      values += (values.empty() ? "" : ", ") + sweep.parameter_columns[i] + "=" + r.parameters[i];
    Point* point = nullptr;
    for (Point& p : points)
      if (p.policy == r.policy && p.strategy == r.strategy && p.values == values) point = &p;
    if (point == nullptr) point = &points.emplace_back(Point{r.policy, r.strategy, values});
    ++point->runs;
    for (size_t m = 0; m < kMeans.size(); ++m)
      for (const char* name : kMeans[m].metric)
        if (const auto v = r.metric(name)) {
          point->sum[m] += *v;
          ++point->count[m];
          break;
        }
  }
  std::ostringstream out;
  out << "| policy | strategy | settings | runs |";
  for (const Mean& m : kMeans) out << ' ' << m.header << " |";
  out << "\n|---|---|---|---:|";
  for (size_t m = 0; m < kMeans.size(); ++m) out << "---:|";
  out << '\n';
  for (const Point& p : points) {
    out << "| " << p.policy << " | " << p.strategy << " | " << p.values << " | " << p.runs << " |";
    for (size_t m = 0; m < kMeans.size(); ++m)
      out << ' '
          << (p.count[m] == 0 ? std::string("-")
                              : fixed(p.sum[m] / static_cast<double>(p.count[m]), kMeans[m].decimals))
          << " |";
    out << '\n';
  }
  if (points.empty()) out << "| (no finished runs in the sweep) | | | | | | | | |\n";
  return out.str();
}

std::string replace_generated_table(std::string_view document, std::string_view table, std::string_view begin_marker,
                                    std::string_view end_marker) {
  const size_t begin = document.find(begin_marker);
  if (begin == std::string_view::npos) throw std::invalid_argument("missing marker " + std::string(begin_marker));
  const size_t body = begin + begin_marker.size();
  const size_t end = document.find(end_marker, body);
  if (end == std::string_view::npos) throw std::invalid_argument("missing marker " + std::string(end_marker));
  std::string result(document.substr(0, body));
  result += "\n";
  result += table;
  result += document.substr(end);
  return result;
}

void update_policies_doc(const std::filesystem::path& doc, const results::Batch& batch) {
  std::ifstream in(doc, std::ios::binary);
  if (!in) throw std::runtime_error(doc.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  std::string updated;
  const auto varies_budget = [](const BatchTable& sweep) {
    for (const std::string& c : sweep.parameter_columns)
      if (c == "agent.budget") return true;
    return false;
  };
  const bool has_means_markers = text.str().find(kSweepMeansBegin) != std::string::npos;
  if (batch.sweep && (varies_budget(*batch.sweep) || !has_means_markers)) {
    updated = replace_generated_table(text.str(), sweep_table_text(*batch.sweep), kSweepBegin, kSweepEnd);
  } else if (batch.sweep) {
    const std::string varied = "Points of a sweep over " + std::to_string(batch.sweep->rows.size()) +
                               " runs; means over the runs that finished.\n\n";
    updated = replace_generated_table(text.str(), varied + sweep_means_table(*batch.sweep), kSweepMeansBegin,
                                      kSweepMeansEnd);
  } else {
    const std::string with_table = replace_generated_table(text.str(), policy_comparison_table(batch));
    updated = replace_generated_table(with_table, strategy_parameter_table(), kParamsBegin, kParamsEnd);
  }
  std::ofstream out(doc, std::ios::binary | std::ios::trunc);
  if (!out || !(out << updated)) throw std::runtime_error(doc.string() + ": cannot write");
}

}  // namespace crashtwin::docs
