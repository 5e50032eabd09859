#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "tests/traces/synthetic_run.h"
#include "tests/support/vcd_reader.h"
#include "traces/io.h"
#include "traces/vcd_writer.h"

using namespace crashtwin;

TEST_CASE("identifier codes are distinct printable ASCII", "[traces][vcd][property]") {
  std::set<std::string> seen;
  for (uint32_t i = 0; i < 20000; ++i) {
    std::string code = VcdWriter::identifier_code(i);
    for (char c : code) REQUIRE((c >= 33 && c <= 126));
    REQUIRE(seen.insert(code).second);
  }
  CHECK(VcdWriter::identifier_code(0) == "!");
  CHECK(VcdWriter::identifier_code(93) == "~");
  CHECK(VcdWriter::identifier_code(94).size() == 2);
}

TEST_CASE("VCD header declares scopes, wires, integers and reals", "[traces][vcd]") {
  VcdWriter vcd;
  auto irq = vcd.add_wire("board.irq", "bmc_alert");
  auto slice = vcd.add_integer("board.crash_region", "memory1");
  auto prob = vcd.add_real("board.agent.probability", "memory1");
  vcd.change(0, irq, 0);
  vcd.change(0, slice, 4096);
  vcd.change_real(0, prob, 0.25);
  auto dump = test::parse_vcd(vcd.to_string());
  REQUIRE(dump.error.empty());
  CHECK(dump.timescale == "1 ns");
  REQUIRE(dump.vars.size() == 3);
  const auto* w = dump.var("board.irq.bmc_alert");
  REQUIRE(w);
  CHECK(w->type == "wire");
  CHECK(w->width == 1);
  const auto* i = dump.var("board.crash_region.memory1");
  REQUIRE(i);
  CHECK(i->type == "integer");
  CHECK(i->width == 64);
  const auto* r = dump.var("board.agent.probability.memory1");
  REQUIRE(r);
  CHECK(r->type == "real");
  CHECK(dump.changes_of(i->code).at(0).value == "b1000000000000");
  CHECK(dump.changes_of(r->code).at(0).value == "r0.25");
  CHECK(vcd.to_string().find("$date") == std::string::npos);  // deterministic
}

TEST_CASE("VCD changes are sorted by time and only real changes are written", "[traces][vcd]") {
  VcdWriter vcd;
  auto irq = vcd.add_wire("board.irq", "error");
  auto slice = vcd.add_integer("board.crash_region", "cpu0");
  vcd.change(500, irq, 1);
  vcd.change(100, slice, 8192);
  vcd.change(200, slice, 8192);  // no change: dropped
  vcd.change(600, irq, 7);       // wires clamp to 1: no change
  vcd.change(900, irq, 0);
  vcd.change(900, slice, 1);
  vcd.change(900, slice, 2);     // last change at one instant wins
  auto dump = test::parse_vcd(vcd.to_string());
  REQUIRE(dump.error.empty());
  CHECK(dump.times == std::vector<uint64_t>{0, 100, 500, 900});
  auto irq_changes = dump.changes_of(dump.var("board.irq.error")->code);
  REQUIRE(irq_changes.size() == 3);
  CHECK(irq_changes[0].value == "x");  // unset at time 0
  CHECK(irq_changes[1].t == 500);
  CHECK(irq_changes[2].value == "0");
  auto slice_changes = dump.changes_of(dump.var("board.crash_region.cpu0")->code);
  REQUIRE(slice_changes.size() == 3);
  CHECK(slice_changes[1].value == "b10000000000000");
  CHECK(slice_changes[2].value == "b10");
}

TEST_CASE("VCD rejects bad names and unknown signals", "[traces][vcd]") {
  VcdWriter vcd;
  CHECK_THROWS_AS(vcd.add_wire("board", "has space"), std::invalid_argument);
  CHECK_THROWS_AS(vcd.add_wire("board..x", "a"), std::invalid_argument);
  vcd.add_wire("board", "a");
  CHECK_THROWS_AS(vcd.add_wire("board", "a"), std::invalid_argument);
  CHECK_THROWS_AS(vcd.change(0, 17, 1), std::out_of_range);
}

TEST_CASE("the synthetic run's trace.vcd parses and GTKWave's converter accepts it", "[traces][vcd]") {
  auto dir = test::scratch_dir("vcd_run");
  test::write_synthetic_run(dir, {});
  auto dump = test::parse_vcd(read_file(dir / "trace.vcd"));
  REQUIRE(dump.error.empty());
  CHECK(dump.vars.size() == 14);
  CHECK(dump.times.size() > 10);
  // vcd2fst ships with Debian's gtkwave package; it parses the dump with
  // GTKWave's own loader. Without it, the structural parse above stands.
  if (std::system("command -v vcd2fst >/dev/null 2>&1") != 0) {
    WARN("vcd2fst (Debian package gtkwave) not installed: GTKWave loader check skipped");
    return;
  }
  auto fst = dir / "trace.fst";
  auto log = dir / "vcd2fst.log";
  int rc = std::system(fmt::format("vcd2fst '{}' '{}' >'{}' 2>&1", (dir / "trace.vcd").string(), fst.string(),
                                   log.string()).c_str());
  INFO(read_file(log));
  CHECK(rc == 0);
  CHECK(std::filesystem::file_size(fst) > 100);
  CHECK(read_file(log).find("rror") == std::string::npos);
}

TEST_CASE("the strict VCD reader refuses what a viewer could not show faithfully", "[traces][vcd]") {
  VcdWriter vcd;
  auto irq = vcd.add_wire("board.irq", "error");
  auto slice = vcd.add_integer("board.crash_region", "cpu0");
  auto prob = vcd.add_real("board.agent", "p");
  vcd.change(0, irq, 0);
  vcd.change(0, slice, 3);
  vcd.change_real(0, prob, 0.5);
  vcd.change(10, irq, 1);
  const std::string good = vcd.to_string();
  REQUIRE(test::parse_vcd(good).error == "");
  const std::string wire = test::parse_vcd(good).var("board.irq.error")->code;
  const std::string integer = test::parse_vcd(good).var("board.crash_region.cpu0")->code;
  const std::string real = test::parse_vcd(good).var("board.agent.p")->code;
  const auto error_of = [&](const std::string& text) { return test::parse_vcd(text).error; };

  CHECK_THAT(error_of(good + "#5\n"), Catch::Contains("time not increasing at #5"));
  CHECK_THAT(error_of(good + "#20\n1?\n"), Catch::Contains("undeclared code '?'"));
  CHECK_THAT(error_of(good + "#20\nb2 " + integer + "\n"), Catch::Contains("not 0, 1, x or z"));
  CHECK_THAT(error_of(good + "#20\nb" + std::string(65, '1') + " " + integer + "\n"),
             Catch::Contains("65 bits for a 64-bit variable"));
  CHECK_THAT(error_of(good + "#20\nr0.5 " + wire + "\n"), Catch::Contains("given a real value"));
  CHECK_THAT(error_of(good + "#20\n1" + real + "\n"), Catch::Contains("non-real value"));
  CHECK_THAT(error_of(good + "#20\nrabc " + real + "\n"), Catch::Contains("'abc' is not a number"));
  CHECK_THAT(error_of(good + "#20\n1" + integer + "\n"), Catch::Contains("scalar change of a 64-bit variable"));
  CHECK_THAT(error_of(good + "#1x\n"), Catch::Contains("bad timestamp #1x"));
  std::string text = good;
  text.replace(text.find("1 ns"), 4, "3 ns");
  CHECK_THAT(error_of(text), Catch::Contains("bad $timescale"));
  text = good.substr(0, good.find("$enddefinitions"));
  CHECK_THAT(error_of(text), Catch::Contains("no $enddefinitions"));
  text = good;
  text.replace(text.find("$enddefinitions"), 15, "$comment");
  CHECK_THAT(error_of(text), Catch::Contains("unexpected token in header: #0"));
  // A variable with no value at time 0 starts undefined by omission.
  text = good;
  const size_t dumpvars = text.find("$dumpvars");
  const size_t first_value = text.find('\n', dumpvars) + 1;
  text.erase(first_value, text.find('\n', first_value) + 1 - first_value);
  CHECK_THAT(error_of(text), Catch::Contains("has no value at time 0"));
}
