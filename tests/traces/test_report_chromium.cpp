#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/report_html.h"

using namespace crashtwin;
namespace fs = std::filesystem;

// Issue 5 requirement 6: report.html renders in a real browser without
// console errors. Debian's chromium, headless, no network.
TEST_CASE("report.html renders in headless Chromium without console errors", "[traces][report][chromium]") {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    WARN("chromium not installed (scripts/setup installs it): browser rendering check skipped");
    return;
  }
  auto dir = test::scratch_dir("report_chromium");
  test::write_synthetic_batch(dir / "batch", 2);
  write_report_html(results::load_batch(dir / "batch"), dir / "batch" / "report.html");

  const fs::path png = dir / "report.png";
  const fs::path log = dir / "chromium.log";
  const std::string common =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars "
      "--enable-logging=stderr --v=0";
  const std::string url = "file://" + fs::absolute(dir / "batch" / "report.html").string();
  std::string cmd = fmt::format("timeout 120 chromium {} --user-data-dir='{}' --screenshot='{}' --window-size=1400,2000 "
                                "'{}' >'{}' 2>&1",
                                common, (dir / "profile").string(), png.string(), url, log.string());
  int rc = std::system(cmd.c_str());
  std::string output = fs::exists(log) ? read_file(log) : "";
  INFO(output);
  REQUIRE(rc == 0);
  REQUIRE(fs::exists(png));
  // A blank page compresses to a few kB; the report has tables and charts.
  CHECK(fs::file_size(png) > 50'000);

  // Console messages from the page are logged as "INFO:CONSOLE:<line>]"
  // lines; script errors as "Uncaught ...". A self-contained page has neither, nor failed loads.
  for (const char* bad : {"Uncaught", ":CONSOLE", "ERR_FILE_NOT_FOUND", "ERR_NAME_NOT_RESOLVED", "Refused to"}) {
    CHECK(output.find(bad) == std::string::npos);
  }

  // The DOM after load: the charts are there.
  const fs::path dom = dir / "dom.html";
  cmd = fmt::format("timeout 120 chromium {} --user-data-dir='{}' --dump-dom '{}' >'{}' 2>>'{}'", common,
                    (dir / "profile").string(), url, dom.string(), log.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string html = read_file(dom);
  CHECK(html.find("<svg class=\"chart\"") != std::string::npos);
  CHECK(html.find("Policy comparison") != std::string::npos);
}
