// The strategy parameter table: every default text means the struct's
// default, names are unique, bad values are refused with the params intact.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>

#include "policies/strategies/strategies.h"

using namespace crashtwin;

TEST_CASE("strategy params: each default text parses to the built-in default", "[strategies][params]") {
  const StrategyParams defaults;
  std::set<std::string> names;
  for (const StrategyParamInfo& info : strategy_param_table()) {
    INFO(info.name);
    CHECK(names.insert(info.name).second);
    CHECK(std::strlen(info.description) > 10);
    StrategyParams parsed;
    // Start from a value that differs, so a no-op setter cannot pass.
    if (info.u64 != nullptr) *info.u64(parsed) = 12345;
    if (info.ratio != nullptr) *info.ratio(parsed) = 0.123;
    if (info.flag != nullptr) *info.flag(parsed) = !*info.flag(parsed);
    REQUIRE(set_strategy_param(parsed, info.name, info.default_text) == Status::ok);
    StrategyParams expected = defaults;
    if (info.u64 != nullptr) CHECK(*info.u64(parsed) == *info.u64(expected));
    if (info.ratio != nullptr) CHECK(*info.ratio(parsed) == Approx(*info.ratio(expected)));
    if (info.flag != nullptr) CHECK(*info.flag(parsed) == *info.flag(expected));
  }
  CHECK(names.size() == strategy_param_table().size());
}

TEST_CASE("strategy params: values in scenario units", "[strategies][params]") {
  StrategyParams p;
  REQUIRE(set_strategy_param(p, "capture_kernel.kexec", "2 s") == Status::ok);
  CHECK(p.capture_kernel.kexec_ns == 2'000'000'000);
  REQUIRE(set_strategy_param(p, "fadump.boot_memory", "1 GiB") == Status::ok);
  CHECK(p.fadump.boot_memory_bytes == 1ull << 30);
  REQUIRE(set_strategy_param(p, "dump.compress_bandwidth", "1 Gbit/s") == Status::ok);
  CHECK(p.dump.compress_bandwidth_bytes_per_s == 125'000'000);
  REQUIRE(set_strategy_param(p, "predictive_bmc.restart", "kexec") == Status::ok);
  CHECK(p.predictive_bmc.restart == HostRestart::kexec);
  REQUIRE(set_strategy_param(p, "dump.target", "network") == Status::ok);
  CHECK(p.dump.target == DumpTarget::network);
  CHECK(set_strategy_param(p, "predictive_bmc.restart", "reboot") == Status::invalid_argument);
  CHECK(p.predictive_bmc.restart == HostRestart::kexec);  // untouched
  REQUIRE(set_strategy_param(p, "cma.lendable_fraction", "25 %") == Status::ok);
  CHECK(p.cma.lendable_fraction == Approx(0.25));
  REQUIRE(set_strategy_param(p, "predictive_bmc.hold_host_in_reset", "false") == Status::ok);
  CHECK_FALSE(p.predictive_bmc.hold_host_in_reset);
}

TEST_CASE("strategy params: bad input is refused and changes nothing", "[strategies][params]") {
  StrategyParams p;
  const uint64_t before = p.capture_kernel.boot_ns;
  CHECK(set_strategy_param(p, "capture_kernel.boot", "fast") != Status::ok);
  CHECK(set_strategy_param(p, "capture_kernel.boot", "15 MiB") != Status::ok);
  CHECK(p.capture_kernel.boot_ns == before);
  CHECK(set_strategy_param(p, "capture_kernel.bogus", "1 s") == Status::not_found);
  CHECK(set_strategy_param(p, "predictive_bmc.hold_host_in_reset", "maybe") == Status::invalid_argument);
  CHECK(p.predictive_bmc.hold_host_in_reset);

  const char* bad = nullptr;
  CHECK(check_strategy_params(p, bad) == Status::ok);
  p.predictive_bmc.link_bandwidth_bytes_per_s = 0;
  CHECK(check_strategy_params(p, bad) == Status::invalid_argument);
  CHECK(std::string(bad) == "predictive_bmc.link_bandwidth");
  p = StrategyParams{};
  p.dump.filter_ratio = 1.5;
  CHECK(check_strategy_params(p, bad) == Status::invalid_argument);
  CHECK(std::string(bad) == "dump.filter_ratio");
}
