#include <catch2/catch.hpp>

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

// The report's first screen in a 1280 x 900 browser window: the at-a-glance
// table and its three bar charts are all in view, side by side, nothing
// scrolls sideways and nothing inside them is clipped. The report carries no
// script; the test appends one to a copy of it that measures the layout
// and writes it into the DOM, which Chromium's --dump-dom hands back.
TEST_CASE("report.html's first screen shows the headline table and three bar charts without sideways scrolling",
          "[traces][report][chromium]") {
  if (!chromium_installed()) {
    WARN("chromium not installed (scripts/setup installs it): browser layout check skipped");
    return;
  }
  auto dir = test::scratch_dir("report_first_screen");
  test::write_synthetic_batch(dir / "batch", 2);
  std::string html = report_html(results::load_batch(dir / "batch"));
  const std::string probe = R"js(<script>
(function () {
  const de = document.documentElement;
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const glance = document.querySelector('#glance');
  const out = {
    view: [de.clientWidth, window.innerHeight],
    scroll_width: de.scrollWidth,
    table: box(document.querySelector('table.glance')),
    charts: Array.from(document.querySelectorAll('.glance-chart svg')).map(box),
    clipped: Array.from(glance.querySelectorAll('*')).filter((e) =>
        e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible').length,
    headers: Array.from(document.querySelectorAll('table.glance th')).map((e) => e.textContent),
  };
  const pre = document.createElement('pre');
  pre.id = 'layout';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>)js";
  html.insert(html.rfind("</body>"), probe);
  write_file_atomically(dir / "probe.html", html);

  const std::string common =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --disable-dev-shm-usage --window-size=1280,900";
  const fs::path dom = dir / "dom.html", log = dir / "chromium.log";
  const std::string cmd = fmt::format("timeout 120 chromium {} --user-data-dir='{}' --dump-dom 'file://{}' >'{}' 2>'{}'",
                                      common, (dir / "profile").string(), fs::absolute(dir / "probe.html").string(),
                                      dom.string(), log.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string text = read_file(dom);
  const size_t open = text.find("<pre id=\"layout\">");
  REQUIRE(open != std::string::npos);
  const size_t begin = open + std::string("<pre id=\"layout\">").size();
  const auto layout = nlohmann::json::parse(text.substr(begin, text.find("</pre>", begin) - begin));
  INFO(layout.dump());
  const double width = layout["view"][0], height = layout["view"][1];
  CHECK(width == Approx(1280).margin(20));
  CHECK(layout["scroll_width"].get<double>() <= width);  // no sideways scrolling
  CHECK(layout["clipped"] == 0);
  // The table and the three charts lie inside the first screen.
  CHECK(layout["table"][2].get<double>() <= width);
  CHECK(layout["table"][3].get<double>() <= height);
  REQUIRE(layout["charts"].size() == 3);
  for (const auto& c : layout["charts"]) {
    CHECK(c[0].get<double>() >= 0);
    CHECK(c[2].get<double>() <= width);
    CHECK(c[3].get<double>() <= height);
    CHECK(c[1].get<double>() == Approx(layout["charts"][0][1].get<double>()));  // side by side
  }
  // Readable headers with units, not metric identifiers.
  const std::string headers = layout["headers"].dump();
  CHECK(headers.find("Capture completeness") != std::string::npos);
  CHECK(headers.find("capture_completeness") == std::string::npos);
}
