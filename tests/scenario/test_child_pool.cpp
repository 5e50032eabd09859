// The batch's process pool: every run's exit reaches the caller once, with
// its code or signal; a run past its deadline is killed; never more than
// `jobs` children at a time; a child left running when its owner goes is
// killed, not orphaned.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scenarios/batch/child_process.h"

using namespace crashtwin::scenario;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-scratch" / "child_pool" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::unique_ptr<ChildProcess> shell(const std::string& script, const fs::path& dir, std::chrono::seconds timeout) {
  return std::make_unique<ChildProcess>(std::vector<std::string>{"/bin/sh", "-c", script}, dir / "out.log",
                                        dir / "err.log", timeout);
}

bool alive(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

TEST_CASE("child exits: code, signal, output files") {
  const fs::path dir = scratch("exits");
  SECTION("an exit code") {
    auto child = shell("echo out; echo err >&2; exit 3", dir, std::chrono::seconds(30));
    const ChildExit e = child->wait();
    CHECK_FALSE(e.signalled);
    CHECK_FALSE(e.timed_out);
    CHECK(e.code == 3);
    CHECK(file_tail(dir / "out.log", 100) == "out\n");
    CHECK(file_tail(dir / "err.log", 100) == "err\n");
  }
  SECTION("a crash is a signal, not an exit code") {
    auto child = shell("kill -SEGV $$", dir, std::chrono::seconds(30));
    const ChildExit e = child->wait();
    CHECK(e.signalled);
    CHECK_FALSE(e.timed_out);
    CHECK(e.code == SIGSEGV);
  }
  SECTION("file_tail keeps the last bytes") {
    auto child = shell("printf 0123456789", dir, std::chrono::seconds(30));
    REQUIRE(child->wait().code == 0);
    CHECK(file_tail(dir / "out.log", 4) == "6789");
    CHECK(file_tail(dir / "missing.log", 4).empty());
  }
}

TEST_CASE("a child past its deadline is killed and reported as timed out") {
  const fs::path dir = scratch("timeout");
  auto child = shell("exec sleep 60", dir, std::chrono::seconds(1));
  const pid_t pid = child->pid();
  const auto start = std::chrono::steady_clock::now();
  const ChildExit e = child->wait();
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(e.timed_out);
  CHECK(e.signalled);
  CHECK(e.code == SIGKILL);
  CHECK_FALSE(alive(pid));
  // Woken by the deadline, not by the child's own end a minute later.
  CHECK(waited >= std::chrono::milliseconds(900));
  CHECK(waited < std::chrono::seconds(30));
}

TEST_CASE("a child still running when its owner goes is killed and reaped") {
  const fs::path dir = scratch("owner");
  pid_t pid = 0;
  {
    auto child = shell("exec sleep 60", dir, std::chrono::seconds(60));
    pid = child->pid();
    REQUIRE(alive(pid));
  }
  CHECK_FALSE(alive(pid));  // reaped too: no zombie keeps the pid
}

TEST_CASE("the pool runs at most `jobs` children and returns each exit once") {
  const fs::path dir = scratch("pool");
  constexpr size_t kChildren = 7;
  constexpr unsigned kJobs = 3;
  ChildPool pool(kJobs);
  std::map<size_t, int> codes;
  size_t next = 0;
  size_t peak = 0, running = 0;
  while (next < kChildren || !pool.empty()) {
    while (next < kChildren && pool.has_room()) {
      const fs::path d = dir / std::to_string(next);
      fs::create_directories(d);
      // Different lengths so that exits come out of start order.
      const std::string script = "sleep 0." + std::to_string((kChildren - next) % 3) + "; exit " + std::to_string(next + 10);
      pool.start(next, shell(script, d, std::chrono::seconds(30)));
      ++next;
      peak = std::max(peak, ++running);
    }
    const auto ended = pool.wait_some();
    REQUIRE_FALSE(ended.empty());
    for (const ChildPool::Ended& e : ended) {
      CHECK(codes.count(e.tag) == 0);
      codes[e.tag] = e.exit.code;
      --running;
    }
  }
  CHECK(peak == kJobs);
  REQUIRE(codes.size() == kChildren);
  for (const auto& [tag, code] : codes) CHECK(code == static_cast<int>(tag) + 10);
  CHECK(pool.wait_some().empty());
}
