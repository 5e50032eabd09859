#include <catch2/catch.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"

using namespace crashtwin;

// Same input, byte-identical files. The runner's own
// end-to-end test checks it through the simulation; this one checks that the
// writers add nothing of their own (time, addresses, hash order).
TEST_CASE("equal runs give byte-identical files", "[traces][determinism]") {
  auto a = test::scratch_dir("determinism_a");
  auto b = test::scratch_dir("determinism_b");
  test::write_synthetic_run(a, {});
  test::write_synthetic_run(b, {});
  for (const char* file : {"summary.json", "timeseries.csv", "events.jsonl", "trace.vcd", "trace.json",
                           "bmc/report.json", "bmc/record-0.cper", "config.yaml"}) {
    INFO(file);
    CHECK(read_file(a / file) == read_file(b / file));
  }
  auto c = test::scratch_dir("determinism_c");
  test::write_synthetic_run(c, {.seed = 2});
  CHECK(read_file(a / "timeseries.csv") != read_file(c / "timeseries.csv"));
}
