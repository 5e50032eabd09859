// `crashtwin sweep` end to end on a tiny grid of the walking skeleton:
// the same bytes of sweep.csv and every summary.json whatever -j, a second
// invocation runs nothing new, the report has the sweep section and its
// table, --policies-doc fills the sweep markers, and bad grids exit 2
// naming the option.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/support/run_cli.h"
#include "traces/batch.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSkeleton = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "sweep" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

// Budgets from far too small to ample, two policies, predictive-bmc (not
// static: it refuses a budget below kdump's table, see docs/metrics.md).
std::string tiny_sweep(const fs::path& out, int jobs) {
  return "sweep " + quoted(kSkeleton) + " --vary 'agent.budget=1MiB..256MiB' x3 --policy uniform --policy "
         "proportional --strategy predictive-bmc -j " + std::to_string(jobs) + " --out " + quoted(out);
}

std::map<std::string, std::string> summaries(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename() == "summary.json") out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

}  // namespace

TEST_CASE("a sweep gives the same sweep.csv and summaries at -j1 and -j2, and resumes", "[e2e][sweep]") {
  const fs::path one = scratch("j1");
  const fs::path two = scratch("j2");
  const CliResult r1 = run_cli(tiny_sweep(one, 1));
  INFO(r1.output);
  REQUIRE(r1.exit_code <= 1);  // a starved budget may fail the skeleton's expectation
  CHECK(r1.output.find("3 points, 6 runs (0 kept from before)") != std::string::npos);
  const CliResult r2 = run_cli(tiny_sweep(two, 2));
  INFO(r2.output);
  REQUIRE(r2.exit_code == r1.exit_code);

  const std::string csv = read_file(one / "sweep.csv");
  CHECK(csv == read_file(two / "sweep.csv"));
  const auto s1 = summaries(one);
  CHECK(s1.size() == 6);
  CHECK(s1 == summaries(two));

  const BatchTable table = read_summary_csv(one / "sweep.csv");
  CHECK(table.parameter_columns == std::vector<std::string>{"agent.budget"});
  REQUIRE(table.rows.size() == 6);
  CHECK(table.rows[0].parameters == std::vector<std::string>{"1 MiB"});
  CHECK(table.rows[0].run == "agent.budget=1MiB/skeleton.uniform.predictive-bmc.seed42");
  CHECK(table.rows[5].parameters == std::vector<std::string>{"256 MiB"});
  CHECK(fs::exists(one / "agent.budget=16MiB" / "skeleton.proportional.predictive-bmc.seed42" / "summary.json"));

  // timer_jitter.csv leads with the sweep's values too, whatever -j.
  const std::string jitter = read_file(one / "timer_jitter.csv");
  CHECK(jitter == read_file(two / "timer_jitter.csv"));
  CHECK(jitter.rfind("agent.budget,scenario,policy,strategy,seed,run,phase,", 0) == 0);
  CHECK(jitter.find("\n1 MiB,skeleton,uniform,predictive-bmc,42,agent.budget=1MiB/skeleton.uniform.predictive-bmc.seed42,") !=
        std::string::npos);

  // Run again: every run is kept and the table is unchanged.
  const CliResult again = run_cli(tiny_sweep(one, 2));
  CHECK(again.output.find("6 runs (6 kept from before)") != std::string::npos);
  CHECK(read_file(one / "sweep.csv") == csv);

  // The report has the sweep section and its table.
  const std::string html = read_file(one / "report.html");
  CHECK(html.find("<section id=\"sweep\">") != std::string::npos);
  CHECK(html.find("Smallest agent.budget with every run ≥ 99 % complete") != std::string::npos);
  CHECK(html.find("reserved_bytes_mean") != std::string::npos);

  // --policies-doc writes the table between the sweep markers only.
  const fs::path doc = one / "policies.md";
  std::ofstream(doc) << "# Policies\n<!-- sweep:begin -->\nold\n<!-- sweep:end -->\ntail\n";
  const CliResult rep = run_cli("report " + quoted(one) + " --policies-doc " + quoted(doc));
  INFO(rep.output);
  CHECK(rep.exit_code == 0);
  const std::string text = read_file(doc);
  CHECK(text.find("old") == std::string::npos);
  CHECK(text.find("| policy | strategy | other settings | smallest agent.budget") != std::string::npos);
  CHECK(text.find("| proportional | predictive-bmc |") != std::string::npos);
  CHECK(text.find("<!-- sweep:end -->\ntail\n") != std::string::npos);
}

TEST_CASE("bad sweep grids and keys exit 2 naming the option, before any run", "[e2e][sweep]") {
  const fs::path out = scratch("bad");
  const auto sweep = [&](const std::string& vary) {
    return run_cli("sweep " + quoted(kSkeleton) + " " + vary + " --out " + quoted(out));
  };
  CliResult r = sweep("--vary 'agent.budget=4MiB..1GiB' x1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--vary agent.budget=4MiB..1GiB x1: the point count must be between 2") != std::string::npos);
  r = sweep("--vary 'agent.budget=1GiB..4MiB' x3");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("LO (1 GiB) is larger than HI (4 MiB)") != std::string::npos);
  r = sweep("--vary agent.budget=");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--vary agent.budget=: no values") != std::string::npos);
  r = sweep("--vary agent.budgte=4MiB,8MiB");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("agent.budgte") != std::string::npos);
  r = sweep("--vary agent.budget=4MiB,lots");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("(--set agent.budget): agent.budget: 'lots' is not a size") != std::string::npos);
  r = run_cli("sweep " + quoted(kSkeleton) + " --out " + quoted(out));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--vary") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "sweep.csv"));
}
