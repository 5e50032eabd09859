#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

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

// A million-tick run's file is read in blocks: rows straddling a block
// boundary, CRLF endings, a last line without '\n', progress up to the file
// size, and a cancel that stops the read.
TEST_CASE("timeseries.csv is streamed in blocks with progress and cancel", "[traces][timeseries]") {
  auto dir = test::scratch_dir("timeseries_stream");
  Timeseries s;
  for (int c = 0; c < 12; ++c) s.add_column("column" + std::to_string(c));
  std::vector<double> row(12);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int r = 0; r < 120000; ++r) {  // ~11 MB: three blocks
    for (int c = 0; c < 12; ++c) row[c] = (r + c) % 7 == 0 ? nan : r * 1.000001 + c / 3.0;
    s.append_row(r * 10.0, row);
  }
  const auto path = dir / "timeseries.csv";
  write_timeseries_csv(s, path);
  const uint64_t size = std::filesystem::file_size(path);
  REQUIRE(size > 8u << 20);

  std::vector<uint64_t> done;
  const Timeseries back = read_timeseries_csv(path, [&](uint64_t d, uint64_t total) {
    CHECK(total == size);
    done.push_back(d);
    return true;
  });
  REQUIRE(back.row_count() == s.row_count());
  CHECK(back.t_s == s.t_s);
  for (size_t c = 0; c < s.values.size(); ++c) {
    for (size_t r = 0; r < s.row_count(); ++r) {
      const double a = s.values[c][r], b = back.values[c][r];
      if (std::isnan(a) ? !std::isnan(b) : a != b) FAIL("column " << c << " row " << r);
    }
  }
  // Reserved from the first rows, then trimmed: no more than 10 % spare.
  CHECK(back.values[0].capacity() <= back.row_count() * 11 / 10);
  REQUIRE(done.size() >= 3);
  CHECK(std::is_sorted(done.begin(), done.end()));
  CHECK(done.back() == size);

  size_t calls = 0;
  CHECK_THROWS_AS(read_timeseries_csv(path, [&](uint64_t, uint64_t) { return ++calls < 2; }), read_cancelled);
  CHECK(calls == 2);

  // Line splitting: CRLF and a missing final newline, empty lines numbered.
  write_file_atomically(dir / "crlf.csv", "t_s,x\r\n\r\n0,1\r\n0.5,2");
  std::vector<std::pair<std::string, size_t>> lines;
  for_each_line(dir / "crlf.csv", [&](std::string_view l, size_t n) { lines.emplace_back(std::string(l), n); });
  CHECK(lines == std::vector<std::pair<std::string, size_t>>{{"t_s,x", 1}, {"", 2}, {"0,1", 3}, {"0.5,2", 4}});
  CHECK(read_timeseries_csv(dir / "crlf.csv").t_s == std::vector<double>{0, 0.5});
  CHECK_THROWS_AS(for_each_line(dir / "missing.csv", [](std::string_view, size_t) {}), io_error);
}
