#include "traces/run_writer.h"

namespace crashtwin {

void write_run_directory(const std::filesystem::path& dir, const RunArtifacts& run,
                         const ChromeTraceOptions& trace_options) {
  write_config_yaml(run.config, dir / "config.yaml");
  if (run.summary.traces == TraceLevel::full) {
    write_timeseries_csv(run.timeseries, dir / "timeseries.csv");
    run.events.write_jsonl(dir / "events.jsonl");
    run.vcd.write(dir / "trace.vcd");
    write_chrome_trace(run.events.events(), &run.timeseries, dir / "trace.json", trace_options);
  }
  if (run.bmc) write_bmc_report(*run.bmc, dir / "bmc");
  if (run.perf) write_perf(*run.perf, dir / "perf.json");
  write_summary(run.summary, dir / "summary.json");
}

}  // namespace crashtwin
