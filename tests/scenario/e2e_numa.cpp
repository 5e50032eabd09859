// Issue 18 item 4 through the real `crashtwin`: the two-socket library
// scenario under both slice placements. node_local keeps the failed
// components' records on their own node; `any` leaves slices wherever the
// allocator puts them, and `crashtwin analyze` names the slices off home.
// Bad NUMA settings are refused with the field named and nothing written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"
#include "traces/io.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kScenario = kSource / "scenarios/library/two_socket_numa.yaml";

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(read_file(p)); }

}  // namespace

TEST_CASE("node_local placement keeps records on the failed component's node, any does not", "[e2e][numa]") {
  const fs::path out = test::fresh_test_dir("numa", "placements");
  // `uniform` sizes the slices without the failure model, so what is tested
  // is placement alone. Under `proportional` the sizes follow the model: a
  // model that predicts node 1's parts high (default generation 19) gives
  // them more than node 1's half of the area, node_local falls back to node
  // 0 for the rest (remote_placements) and a record can land there.
  const auto local = run_cli("run " + quoted(kScenario) + " --policy uniform --out " + quoted(out / "local"));
  INFO(local.output);
  REQUIRE(local.exit_code == 0);
  const auto any = run_cli("run " + quoted(kScenario) + " --policy uniform --set agent.slice_placement=any --out " +
                           quoted(out / "any"));
  INFO(any.output);
  REQUIRE(any.exit_code == 0);
  const nlohmann::json l = json_of(out / "local" / "summary.json").at("metrics").at("numa");
  const nlohmann::json a = json_of(out / "any" / "summary.json").at("metrics").at("numa");
  INFO(l.dump(1) << "\n" << a.dump(1));
  CHECK(l.at("nodes") == 2);
  CHECK(l.at("remote_latency_ns") == 50);
  // Three failures captured; node_local wrote every record on its node.
  CHECK(l.at("captures") == 3);
  CHECK(l.at("captures_remote") == 0);
  CHECK(l.at("remote_placements") == 0);
  CHECK(l.at("node_local_placements").get<uint64_t>() > 0);
  CHECK(l.at("remote_slice_share").get<double>() < 0.01);
  // any: the allocator fills the area from its start (node 0), so node 1's
  // components -- the failed DIMM, core and disk -- have their slices there.
  CHECK(a.at("captures") == 3);
  CHECK(a.at("captures_remote").get<uint64_t>() > 0);
  CHECK(a.at("node_local_placements") == 0);
  CHECK(a.at("remote_slice_share").get<double>() > l.at("remote_slice_share").get<double>());
  // The BMC's DMA engine sits on socket 0: it reads node 1's slices across
  // the interconnect under node_local, and little or nothing there under any.
  CHECK(l.at("cross_node_dma_bytes").get<uint64_t>() > 0);
  CHECK(l.at("cross_node_dma_bytes").get<uint64_t>() <= l.at("dma_bytes").get<uint64_t>());
  CHECK(l.at("cross_node_dma_bytes").get<uint64_t>() > a.at("cross_node_dma_bytes").get<uint64_t>());
  // Socket 1's cores' traffic goes to the workload's memory on node 0.
  const double crossing = l.at("remote_traffic_share");
  CHECK((crossing > 0.3 && crossing < 0.7));

  // The analysis of the `any` run names the slices off home: the same bytes
  // the table at the end holds there.
  REQUIRE(run_cli("analyze " + quoted(out / "any")).exit_code == 0);
  REQUIRE(run_cli("analyze " + quoted(out / "local")).exit_code == 0);
  const nlohmann::json na = json_of(out / "any" / "analysis.json").at("numa");
  const nlohmann::json nl = json_of(out / "local" / "analysis.json").at("numa");
  INFO(na.dump(1));
  CHECK(na.at("slice_placement") == "any");
  CHECK(nl.at("slice_placement") == "node_local");
  CHECK(na.at("remote_slices").size() > 0);
  CHECK(na.at("placements_remote").get<uint64_t>() > 0);
  CHECK(nl.at("remote_slice_bytes").get<uint64_t>() < na.at("remote_slice_bytes").get<uint64_t>());
  // A slice is off home by the bytes of it on another node: wholly, when
  // it lies on the far node (`node`, where it starts, is not its home), or
  // in part, when it straddles the node boundary from its home node.
  for (const auto& s : na.at("remote_slices")) {
    INFO(s.dump());
    const auto off = s.at("bytes_off_home").get<uint64_t>();
    CHECK(off > 0);
    CHECK(off <= s.at("bytes").get<uint64_t>());
    if (s.at("home_node") == s.at("node")) CHECK(off < s.at("bytes").get<uint64_t>());
  }
}

TEST_CASE("bad NUMA settings are refused naming the field", "[e2e][numa]") {
  const fs::path out = test::fresh_test_dir("numa", "bad");
  const fs::path one_node = kSource / "scenarios/library/memory_uncorrectable.yaml";
  auto refused = [&](const std::string& args, const std::string& what) {
    const auto r = run_cli(args + " --out " + quoted(out / "r"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(what) != std::string::npos);
    CHECK_FALSE(fs::exists(out / "r" / "summary.json"));
  };
  refused("run " + quoted(one_node) + " --policy uniform --set agent.region_placement=node_boundary",
          "agent.region_placement: node_boundary needs a board with several NUMA nodes");
  refused("run " + quoted(kScenario) + " --policy uniform --set agent.slice_placement=near", "slice_placement");
  refused("run " + quoted(kScenario) + " --policy uniform --set board.disk0.numa_node=2", "board.disk0.numa_node");
}
