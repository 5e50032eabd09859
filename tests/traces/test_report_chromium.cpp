#include <catch2/catch.hpp>

#include <cstdlib>

#include <fmt/format.h>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/report_html.h"

using namespace crashtwin;
namespace fs = std::filesystem;

namespace {
bool chromium_installed() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

struct Rendering {
  int exit_code = -1;
  std::string log;  // chromium's stderr: console messages and load failures
};

// Renders `page` headless, no network, into a screenshot (and the DOM if
// `dom` is given).
Rendering render(const fs::path& page, const fs::path& work, const fs::path& png, const fs::path* dom = nullptr) {
  const std::string common =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars "
      "--enable-logging=stderr --v=0";
  const std::string url = "file://" + fs::absolute(page).string();
  const fs::path log = work / "chromium.log";
  std::string cmd = fmt::format("timeout 120 chromium {} --user-data-dir='{}' --screenshot='{}' "
                                "--window-size=1400,2000 '{}' >'{}' 2>&1",
                                common, (work / "profile").string(), png.string(), url, log.string());
  Rendering r;
  r.exit_code = std::system(cmd.c_str());
  if (dom != nullptr && r.exit_code == 0) {
    cmd = fmt::format("timeout 120 chromium {} --user-data-dir='{}' --dump-dom '{}' >'{}' 2>>'{}'", common,
                      (work / "profile").string(), url, dom->string(), log.string());
    r.exit_code = std::system(cmd.c_str());
  }
  r.log = fs::exists(log) ? read_file(log) : "";
  return r;
}

// Page console messages are logged as "INFO:CONSOLE:<line>]", script errors
// as "Uncaught …"; failed loads name a net error.
std::vector<std::string> console_problems(const std::string& log) {
  std::vector<std::string> found;
  for (const char* bad : {"Uncaught", ":CONSOLE", "ERR_FILE_NOT_FOUND", "ERR_NAME_NOT_RESOLVED", "Refused to"}) {
    if (log.find(bad) != std::string::npos) found.emplace_back(bad);
  }
  return found;
}
}  // namespace

// report.html renders in a real browser without
// console errors. Debian's chromium, headless, no network.
TEST_CASE("report.html renders in headless Chromium without console errors", "[traces][report][chromium]") {
  if (!chromium_installed()) {
    WARN("chromium not installed (scripts/setup installs it): browser rendering check skipped");
    return;
  }
  auto dir = test::scratch_dir("report_chromium");
  test::write_synthetic_batch(dir / "batch", 2);
  write_report_html(results::load_batch(dir / "batch"), dir / "batch" / "report.html");

  const fs::path png = dir / "report.png", dom = dir / "dom.html";
  Rendering r = render(dir / "batch" / "report.html", dir, png, &dom);
  INFO(r.log);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(png));
  // A blank page compresses to a few kB; the report has tables and charts.
  CHECK(fs::file_size(png) > 50'000);
  CHECK(console_problems(r.log).empty());

  std::string html = read_file(dom);
  CHECK(html.find("<svg class=\"chart\"") != std::string::npos);
  CHECK(html.find("Policy comparison") != std::string::npos);
}

// The check above would be worthless if console errors never reached the log.
TEST_CASE("the console check catches a page with a script error", "[traces][report][chromium]") {
  if (!chromium_installed()) {
    WARN("chromium not installed: console check self-test skipped");
    return;
  }
  auto dir = test::scratch_dir("report_chromium_bad");
  write_file_atomically(dir / "bad.html",
                        "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); missing_fn();</script>"
                        "</body></html>");
  Rendering r = render(dir / "bad.html", dir, dir / "bad.png");
  INFO(r.log);
  auto problems = console_problems(r.log);
  CHECK(std::find(problems.begin(), problems.end(), "Uncaught") != problems.end());
  CHECK(std::find(problems.begin(), problems.end(), ":CONSOLE") != problems.end());
}
