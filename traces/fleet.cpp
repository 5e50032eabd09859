#include "traces/fleet.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "traces/io.h"

namespace crashtwin {
namespace {

constexpr double kSecondsPerMonth = kSecondsPerYear / 12.0;

struct FleetGroup {
  const BatchRow* first = nullptr;
  uint64_t runs = 0;
  uint64_t machines = 0;  // runs that finished
  double seconds = 0;
  double failures = 0, undeclared = 0, identified = 0;
  double alert_episodes = 0, false_alert_episodes = 0, alerting_s = 0;
  bool has_model = false;
  double reserved_mean_sum = 0, reserved_peak = 0;
};

std::string cell(std::optional<double> v) { return v && std::isfinite(*v) ? format_number(*v) : std::string(); }

}  // namespace

std::string fleet_csv(const BatchTable& table) {
  std::vector<FleetGroup> groups;
  std::map<std::tuple<std::vector<std::string>, std::string, std::string, std::string>, size_t> index;
  for (const BatchRow& row : table.rows) {
    const auto key = std::make_tuple(row.parameters, row.scenario, row.policy, row.strategy);
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back({&row});
    FleetGroup& g = groups[it->second];
    ++g.runs;
    const std::optional<double> duration = row.metric("duration_s");
    if (!duration) continue;  // crashed, timed out or refused: no machine-time to count
    ++g.machines;
    g.seconds += *duration;
    const double failures = row.metric("failures").value_or(0.0);
    g.failures += failures;
    g.undeclared += row.metric("failures_undeclared").value_or(0.0);
    g.identified += failures * row.metric("failures_identified").value_or(0.0);
    if (const auto episodes = row.metric("prediction.alert_episodes")) {
      g.has_model = true;
      g.alert_episodes += *episodes;
      // Precision is the share of episodes a failure followed; without it
      // there was no episode.
      g.false_alert_episodes += std::round(*episodes * (1.0 - row.metric("prediction.precision").value_or(1.0)));
      g.alerting_s += row.metric("prediction.alerting_s").value_or(0.0);
    }
    g.reserved_mean_sum += row.metric("reserved_bytes_mean").value_or(0.0);
    g.reserved_peak = std::max(g.reserved_peak, row.metric("reserved_bytes_peak").value_or(0.0));
  }

  std::string out = leading_cells(table.parameter_columns, table.parameter_columns.size());
  out +=
      "scenario,policy,strategy,runs,machines,machine_years,failures,failures_undeclared,"
      "failures_per_machine_year,failures_identified,alert_episodes,false_alert_episodes,"
      "false_alerts_per_machine_month,alerting_share,reserved_bytes_mean,reserved_bytes_peak\n";
  for (const FleetGroup& g : groups) {
    const BatchRow& r = *g.first;
    out += leading_cells(r.parameters, table.parameter_columns.size());
    const bool time = g.seconds > 0;
    const auto if_model = [&](double v) { return g.has_model ? std::optional<double>(v) : std::nullopt; };
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_cell(r.scenario), csv_cell(r.policy),
        csv_cell(r.strategy), g.runs, g.machines, cell(g.seconds / kSecondsPerYear), cell(g.failures),
        cell(g.undeclared), cell(time ? std::optional(g.failures / (g.seconds / kSecondsPerYear)) : std::nullopt),
        cell(g.failures > 0 ? std::optional(g.identified / g.failures) : std::nullopt), cell(if_model(g.alert_episodes)),
        cell(if_model(g.false_alert_episodes)),
        cell(time && g.has_model ? std::optional(g.false_alert_episodes / (g.seconds / kSecondsPerMonth)) : std::nullopt),
        cell(time && g.has_model ? std::optional(g.alerting_s / g.seconds) : std::nullopt),
        cell(g.machines > 0 ? std::optional(g.reserved_mean_sum / static_cast<double>(g.machines)) : std::nullopt),
        cell(g.machines > 0 ? std::optional(g.reserved_peak) : std::nullopt));
  }
  return out;
}

void write_fleet_csv(const BatchTable& table, const std::filesystem::path& path) {
  write_file_atomically(path, fleet_csv(table));
}

}  // namespace crashtwin
