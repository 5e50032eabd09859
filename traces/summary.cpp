#include "traces/summary.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "traces/io.h"
#include "traces/json_read.h"

namespace crashtwin {

namespace {
using ojson = nlohmann::ordered_json;

constexpr std::array<std::string_view, 6> kOps = {"<", "<=", ">", ">=", "==", "!="};

// nlohmann writes NaN as null, which would read back as a different value;
// refuse it at write time so the file never lies.
void check_finite(const ojson& value, const std::string& where) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    throw std::invalid_argument("summary.json: non-finite value at " + where);
  }
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) check_finite(v, where + "." + k);
  }
}

void flatten_into(const ojson& value, const std::string& prefix, std::vector<std::pair<std::string, double>>& out) {
  if (value.is_number()) {
    out.emplace_back(prefix, value.get<double>());
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) flatten_into(v, prefix.empty() ? k : prefix + "." + k, out);
  }
}
}  // namespace

bool RunSummary::expectations_passed() const {
  for (const auto& e : expectations) {
    if (!e.passed) return false;
  }
  return true;
}

std::optional<double> RunSummary::metric(std::string_view dotted) const {
  const ojson* node = &metrics;
  size_t begin = 0;
  while (true) {
    size_t dot = dotted.find('.', begin);
    std::string key(dotted.substr(begin, dot == std::string_view::npos ? std::string_view::npos : dot - begin));
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end()) return std::nullopt;
    node = &*it;
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

std::vector<std::pair<std::string, double>> flatten_metrics(const ojson& metrics) {
  std::vector<std::pair<std::string, double>> out;
  // Composite metrics are one level deep by design (alert_to_report_s.mean);
  // the walk still handles deeper nesting, bounded by the file's depth.
  flatten_into(metrics, "", out);
  return out;
}

std::string summary_json(const RunSummary& s) {
  check_finite(s.metrics, "metrics");
  ojson j = ojson::object();
  j["scenario"] = s.scenario;
  j["policy"] = s.policy;
  j["strategy"] = s.strategy;
  j["seed"] = s.seed;
  j["traces"] = std::string(to_string(s.traces));
  j["valid"] = s.valid;
  j["invalid_reason"] = s.invalid_reason;
  j["undeclared_failures"] = s.undeclared_failures;
  j["metrics"] = s.metrics;
  ojson expectations = ojson::array();
  for (const auto& e : s.expectations) {
    if (!std::isfinite(e.value) || !std::isfinite(e.actual)) {
      throw std::invalid_argument("summary.json: non-finite expectation value for " + e.metric);
    }
    expectations.push_back(
        ojson{{"metric", e.metric}, {"op", e.op}, {"value", e.value}, {"actual", e.actual}, {"passed", e.passed}});
  }
  j["expectations"] = std::move(expectations);
  return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

void write_summary(const RunSummary& summary, const std::filesystem::path& path) {
  write_file_atomically(path, summary_json(summary));
}

RunSummary parse_summary(std::string_view text, const std::filesystem::path& path) {
  ojson j = json_read::parse(text, path);
  auto top = json_read::object_fields(j, path, "");
  RunSummary s;
  s.scenario = top.string("scenario");
  s.policy = top.string("policy");
  s.strategy = top.string("strategy");
  s.seed = top.unsigned_integer("seed");
  if (top.has("traces")) {
    const std::string level = top.string("traces");
    const std::optional<TraceLevel> parsed = parse_trace_level(level);
    if (!parsed) top.fail(fmt::format("\"traces\" must be \"full\" or \"summary\", not \"{}\"", level));
    s.traces = *parsed;
  }
  s.valid = top.boolean("valid");
  if (top.has("invalid_reason")) s.invalid_reason = top.string("invalid_reason");
  if (top.has("undeclared_failures")) {
    const ojson& list = top.at("undeclared_failures");
    if (!list.is_array()) top.fail("\"undeclared_failures\" must be an array of strings");
    for (const ojson& v : list) {
      if (!v.is_string()) top.fail("\"undeclared_failures\" must be an array of strings");
      s.undeclared_failures.push_back(v.get<std::string>());
    }
  }
  const ojson& metrics = top.at("metrics");
  if (!metrics.is_object()) top.fail("\"metrics\" must be an object");
  for (const auto& [name, value] : metrics.items()) {
    bool ok = value.is_number();
    if (value.is_object()) {
      ok = true;
      for (const auto& [k, v] : value.items()) ok = ok && v.is_number();
    }
    if (!ok) top.fail(fmt::format("metric \"{}\" must be a number or an object of numbers", name));
  }
  s.metrics = metrics;
  if (top.has("expectations")) {
    const ojson& list = top.at("expectations");
    if (!list.is_array()) top.fail("\"expectations\" must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      auto e = json_read::object_fields(list[i], path, fmt::format("expectations[{}]", i));
      Expectation x;
      x.metric = e.string("metric");
      x.op = e.string("op");
      if (std::find(kOps.begin(), kOps.end(), x.op) == kOps.end()) e.fail(fmt::format("unknown op \"{}\"", x.op));
      x.value = e.number("value");
      x.actual = e.number("actual");
      x.passed = e.boolean("passed");
      s.expectations.push_back(std::move(x));
    }
  }
  return s;
}

RunSummary read_summary(const std::filesystem::path& path) { return parse_summary(read_file(path), path); }

uint64_t peak_rss_bytes_of_this_process() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

void write_perf(const PerfFigures& p, const std::filesystem::path& path) {
  auto finite = [](double v) { return std::isfinite(v) ? v : 0.0; };
  ojson j = ojson::object();
  j["wall_s"] = finite(p.wall_s);
  j["sim_s"] = finite(p.sim_s);
  j["real_time_factor"] = finite(p.real_time_factor);
  j["transactions"] = p.transactions;
  j["transactions_per_s"] = finite(p.transactions_per_s);
  j["peak_rss_bytes"] = p.peak_rss_bytes;
  j["recovery_tail_wall_s"] = finite(p.recovery_tail_wall_s);
  j["dump_bytes_simulated"] = p.dump_bytes_simulated;
  write_file_atomically(path, j.dump(2) + "\n");
}

PerfFigures parse_perf(std::string_view text, const std::filesystem::path& path) {
  ojson j = json_read::parse(text, path);
  auto f = json_read::object_fields(j, path, "");
  PerfFigures p;
  p.wall_s = f.number("wall_s");
  p.sim_s = f.number("sim_s");
  p.real_time_factor = f.number("real_time_factor");
  p.transactions = f.unsigned_integer("transactions");
  p.transactions_per_s = f.number("transactions_per_s");
  p.peak_rss_bytes = f.unsigned_integer("peak_rss_bytes");
  if (f.has("recovery_tail_wall_s")) p.recovery_tail_wall_s = f.number("recovery_tail_wall_s");
  if (f.has("dump_bytes_simulated")) p.dump_bytes_simulated = f.unsigned_integer("dump_bytes_simulated");
  return p;
}

PerfFigures read_perf(const std::filesystem::path& path) { return parse_perf(read_file(path), path); }

}  // namespace crashtwin
