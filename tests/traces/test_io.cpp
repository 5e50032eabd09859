#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"

using namespace crashtwin;

TEST_CASE("write_file_atomically replaces the file and leaves no temporary", "[traces][io]") {
  auto dir = test::scratch_dir("io_atomic");
  auto path = dir / "sub" / "file.txt";
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  CHECK(read_file(path) == "second");
  CHECK_FALSE(std::filesystem::exists(dir / "sub" / "file.txt.tmp"));
}

TEST_CASE("write errors name the path", "[traces][io]") {
  auto dir = test::scratch_dir("io_error");
  // A regular file where a directory is needed: creation must fail.
  write_file_atomically(dir / "blocker", "x");
  try {
    write_file_atomically(dir / "blocker" / "out.json", "{}");
    FAIL("expected io_error");
  } catch (const io_error& e) {
    CHECK(std::string(e.what()).find("blocker") != std::string::npos);
  }
  CHECK_THROWS_AS(read_file(dir / "missing"), io_error);
}

TEST_CASE("format_error is path:line: problem", "[traces][io]") {
  format_error e("/r/events.jsonl", 7, "missing \"kind\"");
  CHECK(std::string(e.what()) == "/r/events.jsonl: 7: missing \"kind\"");
  CHECK(e.line() == 7);
}

TEST_CASE("format_number is the shortest text that reads back exactly", "[traces][io][property]") {
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(42) == "42");
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
  uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    double v;
    uint64_t bits = state;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    std::string text = format_number(v);
    CHECK(text.find(',') == std::string::npos);
    double back = std::strtod(text.c_str(), nullptr);
    REQUIRE((back == v || (v == 0 && back == 0)));
  }
}
