#include "tests/traces/synthetic_run.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "traces/batch.h"
#include "traces/memory_profile.h"
#include "traces/run_writer.h"

namespace crashtwin::test {

namespace fs = std::filesystem;

namespace {
// Small deterministic generator (splitmix64) so the data depends on the seed only.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

constexpr uint64_t kPage = 4096;
}  // namespace

fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "tests" / "traces" / "scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_synthetic_run(const fs::path& dir, const SyntheticRunSpec& spec) {
  SplitMix rng{spec.seed * 7919 + spec.scenario.size() * 31 + spec.policy.size()};
  const std::vector<ComponentId> components = {{ComponentClass::cpu, 0},
                                               {ComponentClass::cpu, 1},
                                               {ComponentClass::memory, 0},
                                               {ComponentClass::memory, 1},
                                               {ComponentClass::disk, 0},
                                               {ComponentClass::network, 0}};
  const size_t failing = 3;  // memory.1
  const unsigned failure_tick = spec.ticks * 3 / 4;
  // What a full capture of the failure takes: more than the smallest budgets hold.
  const uint64_t needed = (18u << 20) + (spec.seed % 5) * (1u << 20);
  const uint64_t budget = static_cast<uint64_t>(64.0 * 1024 * 1024 * spec.reserved_scale * (0.9 + 0.1 * (spec.seed % 3))) / kPage * kPage;

  RunArtifacts run;
  Timeseries& series = run.timeseries;
  for (auto c : components) series.add_column(slice_bytes_column(c));
  for (auto c : components) series.add_column(probability_column(c));
  series.add_column(std::string(kReservedBytesColumn));
  series.add_column(std::string(kFreeBytesColumn));
  for (unsigned order : {0u, 4u, 9u}) series.add_column(unusable_index_column(order));

  VcdWriter& vcd = run.vcd;
  auto alert_irq = vcd.add_wire("board.irq", "bmc_alert");
  auto error_irq = vcd.add_wire("board.irq", "error");
  std::vector<VcdWriter::SignalId> slice_sig, prob_sig;
  for (auto c : components) {
    slice_sig.push_back(vcd.add_integer("board.crash_region", fmt::format("{}{}", to_string(c.cls), c.instance)));
    prob_sig.push_back(vcd.add_real("board.agent.probability", fmt::format("{}{}", to_string(c.cls), c.instance)));
  }
  vcd.change(0, alert_irq, 0);
  vcd.change(0, error_irq, 0);

  EventLog& log = run.events;
  log.add(0, "board.workload", EventKind::phase).fields["phase"] = "steady";
  std::vector<double> p(components.size(), 0.02);
  std::vector<uint64_t> slices(components.size(), 0);
  double reserved_integral = 0;
  uint64_t peak = 0;
  unsigned repartitions = 0;
  std::vector<double> row;
  for (unsigned tick = 0; tick < spec.ticks; ++tick) {
    const uint64_t t = tick * spec.tick_ns;
    for (size_t i = 0; i < p.size(); ++i) {
      double drift = (rng.uniform() - 0.5) * 0.01;
      if (i == failing && tick > spec.ticks / 3) drift += 0.012;  // precursor: rising corrected errors
      p[i] = std::clamp(p[i] + drift, 0.005, 0.99);
    }
    if (tick == spec.ticks / 3) {
      auto& e = log.add(t, "board.dimm1", EventKind::precursor);
      e.fields["component"] = "memory.1";
      e.fields["pattern"] = "corrected_error_ramp";
    }
    // Slices proportional to probability, page-aligned, re-sized every 10 ticks.
    if (tick % 10 == 0) {
      double total = 0;
      for (double v : p) total += v;
      uint64_t moved = 0;
      for (size_t i = 0; i < p.size(); ++i) {
        uint64_t target = static_cast<uint64_t>(budget * (p[i] / total)) / kPage * kPage;
        moved += target > slices[i] ? target - slices[i] : slices[i] - target;
        slices[i] = target;
      }
      ++repartitions;
      auto& e = log.add_span(t, 150'000, "board.agent", EventKind::repartition);
      e.fields["bytes_moved"] = moved;
      e.fields["generation"] = repartitions;
      for (size_t i = 0; i < p.size(); ++i) vcd.change(t, slice_sig[i], slices[i]);
    }
    for (size_t i = 0; i < p.size(); ++i) vcd.change_real(t, prob_sig[i], p[i]);
    uint64_t reserved = 0;
    for (auto s : slices) reserved += s;
    peak = std::max(peak, reserved);
    reserved_integral += static_cast<double>(reserved) * (spec.tick_ns / 1e9);
    row.clear();
    for (auto s : slices) row.push_back(static_cast<double>(s));
    for (double v : p) row.push_back(v);
    row.push_back(static_cast<double>(reserved));
    row.push_back(static_cast<double>(budget - reserved));
    double frag = 0.1 + 0.3 * std::sin(tick * 0.05) * std::sin(tick * 0.05);
    row.push_back(0);
    row.push_back(frag * 0.5);
    row.push_back(frag);
    series.append_row(tick * (spec.tick_ns / 1e9), row);

    if (tick == failure_tick) {
      auto& inj = log.add(t, "board.dimm1", EventKind::injection);
      inj.fields["component"] = "memory.1";
      inj.fields["error"] = "memory_uncorrectable";
      vcd.change(t, error_irq, 1);
      auto& cap = log.add_span(t + 20'000, 480'000, "board.cpu0", EventKind::capture);
      cap.fields["slice"] = failing;
      cap.fields["needed_bytes"] = needed;
      cap.fields["captured_bytes"] = std::min<uint64_t>(needed, slices[failing]);
      log.add(t + 500'000, "board.cpu0", EventKind::alert).fields["slice"] = failing;
      vcd.change(t + 500'000, alert_irq, 1);
      vcd.change(t + 520'000, error_irq, 0);
      for (int burst = 0; burst < 4; ++burst) {
        auto& d = log.add_span(t + 600'000 + burst * 300'000, 250'000, "board.dma0", EventKind::dma_transfer);
        d.fields["bytes"] = 65536;
        d.fields["src"] = fmt::format("0x{:x}", 0x80000000ull + burst * 65536);
      }
      vcd.change(t + 1'900'000, alert_irq, 0);
      auto& rep = log.add(t + 2'000'000, "board.bmc", EventKind::report);
      rep.fields["component"] = "memory.1";
      rep.fields["error"] = "memory_uncorrectable";
    }
  }
  const double completeness = std::min(1.0, static_cast<double>(slices[failing]) / static_cast<double>(needed));
  auto& verdict = log.add(spec.ticks * spec.tick_ns, "run", EventKind::verdict);
  verdict.fields["metric"] = "capture_completeness";
  verdict.fields["op"] = ">=";
  verdict.fields["value"] = 0.9;
  verdict.fields["actual"] = completeness;
  verdict.fields["passed"] = completeness >= 0.9;

  RunSummary summary;
  summary.scenario = spec.scenario;
  summary.policy = spec.policy;
  summary.strategy = spec.strategy;
  summary.seed = spec.seed;
  summary.metrics["capture_completeness"] = completeness;
  summary.metrics["failures_identified"] = 1.0;
  summary.metrics["reserved_byte_seconds"] = reserved_integral;
  summary.metrics["reserved_bytes_mean"] = reserved_integral / (spec.ticks * (spec.tick_ns / 1e9));
  summary.metrics["reserved_bytes_peak"] = peak;
  summary.metrics["repartitions"] = repartitions;
  summary.metrics["alert_to_report_s"] = {{"mean", 0.0015}, {"max", 0.0015}};
  summary.metrics["time_to_production_s"] = 42.5;
  summary.expectations.push_back(Expectation{"capture_completeness", ">=", 0.9, completeness, completeness >= 0.9});

  BmcReport bmc;
  BmcRecord record;
  record.slice = failing;
  record.component = components[failing];
  record.error = ErrorType::memory_uncorrectable;
  record.severity = "fatal";
  record.timestamp_ns = failure_tick * spec.tick_ns;
  record.sections = {{"platform_memory", 80, 80, 80}, {"vendor.memory_rows", 65536, needed - 80, 65536}};
  record.truncated = true;
  record.cper.assign(128, std::byte{0});
  const char sig[] = "CPER";
  for (int i = 0; i < 4; ++i) record.cper[i] = static_cast<std::byte>(sig[i]);
  bmc.records.push_back(record);
  BmcVerdict verdict_of_bmc;
  verdict_of_bmc.alert_t_ns = failure_tick * spec.tick_ns + 500'000;
  verdict_of_bmc.report_t_ns = failure_tick * spec.tick_ns + 2'000'000;
  verdict_of_bmc.identified = true;
  verdict_of_bmc.failed_component = components[failing];
  verdict_of_bmc.error = ErrorType::memory_uncorrectable;
  verdict_of_bmc.alert_to_report_s = 0.0015;
  verdict_of_bmc.records = {0};
  verdict_of_bmc.bytes_drained = 4 * 65536;
  // The SEL: a fan stopped, the host's predictive-failure alarm asserted
  // for the DIMM it cooled, the DIMM went over its critical threshold
  // before the failure, and back under it after.
  const uint64_t failure_ns = failure_tick * spec.tick_ns;
  bmc.event_log.push_back({failure_ns / 2, "fan2", "stopped", std::nullopt, std::nullopt});
  BmcEvent predicted;
  predicted.t_ns = failure_ns * 2 / 3;
  predicted.sensor = "memory." + std::to_string(components[failing].instance);
  predicted.event = "predictive failure asserted";
  predicted.component = components[failing];
  predicted.probability = 0.91;
  bmc.event_log.push_back(predicted);
  verdict_of_bmc.alarm_asserted_t_ns = predicted.t_ns;
  bmc.event_log.push_back({failure_ns - 1'000'000, "board.dram.dimm" + std::to_string(components[failing].instance),
                           "upper critical going high", 86.5, 85.0});
  bmc.event_log.push_back({failure_ns + 5'000'000, "board.dram.dimm" + std::to_string(components[failing].instance),
                           "upper critical going low", 82.75, 85.0});
  verdict_of_bmc.related_events = {0, 1, 2};
  bmc.verdicts.push_back(verdict_of_bmc);

  const std::vector<ConfigEntry> config = {
      {"scenario.name", spec.scenario, "scenario identifier"},
      {"run.seed", std::to_string(spec.seed), "random seed of every stochastic model"},
      {"board.dram.size", "4 GiB", "installed memory"},
      {"board.crash_region.budget", fmt::format("{} MiB", budget / (1024 * 1024)), "bytes reserved for crash capture"},
      {"agent.tick", fmt::format("{} ms", static_cast<double>(spec.tick_ns) / 1e6), "sampling period of the monitoring agent"},
      {"policy.name", spec.policy, "partitioning policy"},
  };

  run.summary = std::move(summary);
  run.perf = PerfFigures{0.25, spec.ticks * (spec.tick_ns / 1e9), spec.ticks * (spec.tick_ns / 1e9) / 0.25, 123456, 493824,
                         50 << 20};
  run.bmc = std::move(bmc);
  run.config = config;
  write_run_directory(dir, run);

  // The allocator: a 256 KiB slice per component at boot, the first one
  // replaced every 20 ticks (freed, then allocated again higher up).
  constexpr uint64_t kPage = 4096, kSlicePages = 64;
  MemoryProfile memory;
  memory.region_pages = 16384;
  memory.minimum_slice_bytes = kSlicePages * kPage;
  memory.tick_period_ns = spec.tick_ns;
  memory.duration_ns = spec.ticks * spec.tick_ns;
  memory.ring_capacity = 1024;
  const std::vector<std::string> owners = {"cpu.0", "memory.0", "memory.1", "disk.0"};
  uint64_t next_address = 0;
  std::vector<uint64_t> homes;
  const auto sample = [&](uint64_t t) {
    const uint64_t allocated = homes.size() * kSlicePages * kPage;
    const uint64_t free = memory.region_pages * kPage - allocated;
    memory.samples.push_back({t, allocated, free, free / 2, 3, allocated, allocated, homes.size()});
  };
  for (const std::string& owner : owners) {
    memory.events.push_back({0, "alloc", "slice", owner, next_address, kSlicePages, kSlicePages, kSlicePages * kPage});
    homes.push_back(next_address);
    next_address += kSlicePages * kPage;
  }
  sample(0);
  for (unsigned tick = 20; tick < spec.ticks; tick += 20) {
    const uint64_t t = tick * spec.tick_ns;
    memory.events.push_back({t, "free", "slice", owners[0], homes[0], kSlicePages, kSlicePages, kSlicePages * kPage});
    homes[0] = next_address;
    next_address += kSlicePages * kPage;
    memory.events.push_back({t, "alloc", "slice", owners[0], homes[0], kSlicePages, kSlicePages, kSlicePages * kPage});
    sample(t);
  }
  memory.free_blocks_per_order.assign(15, 1);
  for (size_t i = 0; i < owners.size(); ++i)
    memory.live.push_back({homes[i], kSlicePages, "run", "slice", owners[i], kSlicePages * kPage, 0, 0});
  std::sort(memory.live.begin(), memory.live.end(),
            [](const MemoryLiveAllocation& a, const MemoryLiveAllocation& b) { return a.address < b.address; });
  write_memory_profile(memory, dir / "memory_profile.json");
}

void write_synthetic_batch(const fs::path& dir, unsigned seeds) {
  std::vector<BatchRow> rows;
  const char* scenarios[] = {"dimm_ue_ramp", "nic_flap_storm"};
  struct PolicyShape {
    const char* policy;
    const char* strategy;
    double scale;
  };
  const PolicyShape policies[] = {{"proportional", "predictive_bmc", 0.5},
                                  {"fixed_equal", "predictive_bmc", 1.0},
                                  {"max_probability", "predictive_bmc", 0.3},
                                  {"none", "kdump", 2.0}};
  for (const char* scenario : scenarios) {
    for (const auto& shape : policies) {
      for (unsigned seed = 1; seed <= seeds; ++seed) {
        SyntheticRunSpec spec;
        spec.scenario = scenario;
        spec.policy = shape.policy;
        spec.strategy = shape.strategy;
        spec.seed = seed;
        spec.reserved_scale = shape.scale;
        std::string run = fmt::format("{}/{}-{}-seed{}", scenario, shape.policy, shape.strategy, seed);
        write_synthetic_run(dir / run, spec);
        RunSummary summary = read_summary(dir / run / "summary.json");
        int exit_code = status_of(summary) == RunStatus::ok ? 0 : 1;
        rows.push_back(batch_row(summary, run, exit_code));
      }
    }
  }
  write_summary_csv(batch_table(std::move(rows)), dir / "summary.csv");
}

}  // namespace crashtwin::test
