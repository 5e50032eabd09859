#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/timeseries_writer.h"

using namespace crashtwin;

TEST_CASE("column names follow the documented scheme", "[traces][timeseries]") {
  CHECK(slice_bytes_column({ComponentClass::memory, 1}) == "slice_bytes.memory.1");
  CHECK(probability_column({ComponentClass::cpu, 0}) == "probability.cpu.0");
  CHECK(unusable_index_column(9) == "unusable_index.order9");
}

TEST_CASE("timeseries.csv has a t_s header and one row per tick", "[traces][timeseries]") {
  auto dir = test::scratch_dir("timeseries");
  Timeseries s;
  s.add_column(slice_bytes_column({ComponentClass::memory, 0}));
  s.add_column(probability_column({ComponentClass::memory, 0}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> r0 = {4096, 0.25};
  std::vector<double> r1 = {8192, nan};
  s.append_row(0, r0);
  s.append_row(0.01, r1);
  write_timeseries_csv(s, dir / "timeseries.csv");
  CHECK(read_file(dir / "timeseries.csv") ==
        "t_s,slice_bytes.memory.0,probability.memory.0\n0,4096,0.25\n0.01,8192,\n");

  auto back = read_timeseries_csv(dir / "timeseries.csv");
  CHECK(back.columns == s.columns);
  REQUIRE(back.row_count() == 2);
  CHECK(back.t_s[1] == 0.01);
  CHECK(back.values[0][1] == 8192);
  CHECK(std::isnan(back.values[1][1]));
  CHECK(back.columns_with_prefix("slice_bytes.").size() == 1);
}

TEST_CASE("timeseries rejects misuse and malformed files with the line", "[traces][timeseries]") {
  Timeseries s;
  s.add_column("a");
  CHECK_THROWS_AS(s.add_column("a"), std::logic_error);
  CHECK_THROWS_AS(s.add_column("b,c"), std::logic_error);
  std::vector<double> wrong = {1, 2};
  CHECK_THROWS_AS(s.append_row(0, wrong), std::logic_error);
  std::vector<double> ok = {1};
  s.append_row(0, ok);
  CHECK_THROWS_AS(s.add_column("late"), std::logic_error);

  auto dir = test::scratch_dir("timeseries_bad");
  write_file_atomically(dir / "a.csv", "t_s,x\n0,1\n0.1,oops\n");
  try {
    read_timeseries_csv(dir / "a.csv");
    FAIL("expected format_error");
  } catch (const format_error& e) {
    CHECK(e.line() == 3);
  }
  write_file_atomically(dir / "b.csv", "time,x\n");
  CHECK_THROWS_AS(read_timeseries_csv(dir / "b.csv"), format_error);
  write_file_atomically(dir / "c.csv", "t_s,x\n0,1,2\n");
  CHECK_THROWS_AS(read_timeseries_csv(dir / "c.csv"), format_error);
}
