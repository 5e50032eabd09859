#include "traces/timer_jitter.h"

#include <cmath>

#include <fmt/format.h>

#include "traces/batch.h"
#include "traces/io.h"
#include "traces/json_read.h"

namespace crashtwin {
namespace {

using json_read::ojson;

double finite(double v) { return std::isfinite(v) ? v : 0.0; }


}  // namespace

void write_timer_jitter(const TimerJitter& t, const std::filesystem::path& path) {
  ojson j = ojson::object();
  j["period_ns"] = t.period_ns;
  j["cores"] = t.cores;
  j["deviation_edges_ns"] = t.deviation_edges_ns;
  ojson phases = ojson::array();
  for (const TimerJitterPhase& p : t.phases) {
    ojson o = ojson::object();
    o["name"] = p.name;
    o["start_ns"] = p.start_ns;
    o["end_ns"] = p.end_ns;
    o["ticks"] = p.ticks;
    o["samples"] = p.samples;
    o["delta_min_ns"] = finite(p.delta_min_ns);
    o["delta_max_ns"] = finite(p.delta_max_ns);
    o["delta_mean_ns"] = finite(p.delta_mean_ns);
    o["delta_stddev_ns"] = finite(p.delta_stddev_ns);
    o["missed_ticks"] = p.missed_ticks;
    o["latency_mean_ns"] = finite(p.latency_mean_ns);
    o["latency_max_ns"] = finite(p.latency_max_ns);
    o["skew_mean_ns"] = finite(p.skew_mean_ns);
    o["skew_max_ns"] = finite(p.skew_max_ns);
    o["deviation_counts"] = p.deviation_counts;
    phases.push_back(std::move(o));
  }
  j["phases"] = std::move(phases);
  ojson f = ojson::object();
  f["ticks"] = t.firmware.ticks;
  f["missed_ticks"] = t.firmware.missed_ticks;
  f["late_ticks"] = t.firmware.late_ticks;
  f["lateness_max_ns"] = t.firmware.lateness_max_ns;
  f["core_overruns"] = t.firmware.core_overruns;
  f["skew_max_ns"] = t.firmware.skew_max_ns;
  j["firmware"] = std::move(f);
  write_file_atomically(path, j.dump(2) + "\n");
}

TimerJitter read_timer_jitter(const std::filesystem::path& path) {
  const ojson j = json_read::parse(read_file(path), path);
  const auto top = json_read::object_fields(j, path, "");
  TimerJitter t;
  t.period_ns = top.unsigned_integer("period_ns");
  t.cores = static_cast<uint32_t>(top.unsigned_integer("cores"));
  if (top.has("deviation_edges_ns")) {
    t.deviation_edges_ns = top.unsigned_array("deviation_edges_ns");
    for (size_t i = 1; i < t.deviation_edges_ns.size(); ++i) {
      if (t.deviation_edges_ns[i] <= t.deviation_edges_ns[i - 1]) top.fail("deviation_edges_ns is not increasing");
    }
  }
  const ojson& phases = top.at("phases");
  if (!phases.is_array()) top.fail("phases is not an array");
  for (size_t i = 0; i < phases.size(); ++i) {
    const auto f = json_read::object_fields(phases[i], path, fmt::format("phases[{}]", i));
    TimerJitterPhase p;
    p.name = f.string("name");
    p.start_ns = f.unsigned_integer("start_ns");
    p.end_ns = f.unsigned_integer("end_ns");
    p.ticks = f.unsigned_integer("ticks");
    p.samples = f.unsigned_integer("samples");
    p.delta_min_ns = f.number("delta_min_ns");
    p.delta_max_ns = f.number("delta_max_ns");
    p.delta_mean_ns = f.number("delta_mean_ns");
    p.delta_stddev_ns = f.number("delta_stddev_ns");
    p.missed_ticks = f.unsigned_integer("missed_ticks");
    p.latency_mean_ns = f.number("latency_mean_ns");
    p.latency_max_ns = f.number("latency_max_ns");
    p.skew_mean_ns = f.number("skew_mean_ns");
    p.skew_max_ns = f.number("skew_max_ns");
    if (f.has("deviation_counts")) {
      p.deviation_counts = f.unsigned_array("deviation_counts");
      uint64_t total = 0;
      for (uint64_t c : p.deviation_counts) total += c;
      if (p.deviation_counts.size() != t.deviation_edges_ns.size() + 1) {
        f.fail(fmt::format("deviation_counts has {} bins, deviation_edges_ns makes {}", p.deviation_counts.size(),
                           t.deviation_edges_ns.size() + 1));
      }
      if (total != p.samples) f.fail(fmt::format("deviation_counts add up to {}, not samples ({})", total, p.samples));
    }
    t.phases.push_back(std::move(p));
  }
  const auto fw = json_read::object_fields(top.at("firmware"), path, "firmware");
  t.firmware.ticks = fw.unsigned_integer("ticks");
  t.firmware.missed_ticks = fw.unsigned_integer("missed_ticks");
  t.firmware.late_ticks = fw.unsigned_integer("late_ticks");
  t.firmware.lateness_max_ns = fw.unsigned_integer("lateness_max_ns");
  t.firmware.core_overruns = fw.unsigned_integer("core_overruns");
  t.firmware.skew_max_ns = fw.unsigned_integer("skew_max_ns");
  return t;
}

std::string timer_jitter_csv(const std::vector<TimerJitterRun>& runs,
                             const std::vector<std::string>& parameter_columns) {
  std::string out = leading_cells(parameter_columns, parameter_columns.size());
  out +=
      "scenario,policy,strategy,seed,run,phase,start_ns,end_ns,period_ns,cores,ticks,samples,delta_min_ns,"
      "delta_max_ns,delta_mean_ns,delta_stddev_ns,missed_ticks,latency_mean_ns,latency_max_ns,skew_mean_ns,"
      "skew_max_ns\n";
  for (const TimerJitterRun& r : runs) {
    const std::string leading = leading_cells(r.parameters, parameter_columns.size());
    for (const TimerJitterPhase& p : r.jitter.phases)
      out += leading +
             fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_cell(r.scenario),
                         csv_cell(r.policy), csv_cell(r.strategy), r.seed, csv_cell(r.run), csv_cell(p.name),
                         p.start_ns, p.end_ns, r.jitter.period_ns, r.jitter.cores, p.ticks, p.samples,
                         p.delta_min_ns, p.delta_max_ns, p.delta_mean_ns, p.delta_stddev_ns, p.missed_ticks,
                         p.latency_mean_ns, p.latency_max_ns, p.skew_mean_ns, p.skew_max_ns);
  }
  return out;
}

}  // namespace crashtwin
