// Runs of a batch (and each policy of a multi-policy `crashtwin run`) are
// child processes: SystemC elaborates once per process, and a run that
// crashes or hangs must not take the batch with it. A child's stdout and
// stderr go to files; a child past its deadline is killed (SIGKILL, by pid).
// Waiting blocks on the children's pidfds (no polling interval), so a worker
// slot is refilled the moment its run ends.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace crashtwin::scenario {

// The path of the running executable (/proc/self/exe), to re-run itself.
std::string self_executable();

struct ChildExit {
  bool timed_out = false;
  bool signalled = false;
  int code = 0;    // exit code, or the signal number when signalled
  pid_t pid = -1;  // the child's process id (names what it left behind, e.g. a temporary directory)
};

class ChildProcess {
 public:
  // Starts argv[0] with argv; throws std::runtime_error if fork/exec fails.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
               const std::filesystem::path& stderr_path, std::chrono::seconds timeout);
  // A child still running when its owner goes (an exception unwinding a
  // batch) is killed and reaped: no orphan keeps simulating.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Non-blocking: the exit once the child has ended (killing it first if its
  // deadline has passed), else nullopt.
  std::optional<ChildExit> poll();
  // Blocks until the child ends or its deadline passes.
  ChildExit wait();
  pid_t pid() const { return pid_; }

  // Sleeps until one of the children ends or the earliest deadline passes
  // (then poll() each).
  static void block_until_any_ends(const std::vector<ChildProcess*>& children);

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;  // readable once the child has ended; -1 where the kernel has no pidfd_open
  bool reaped_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

// At most `jobs` children at a time, each with a caller's tag (an index into
// its plan). The batch and the dataset recorder share it.
class ChildPool {
 public:
  explicit ChildPool(unsigned jobs) : jobs_(jobs > 0 ? jobs : 1) {}
  bool has_room() const { return running_.size() < jobs_; }
  bool empty() const { return running_.empty(); }
  void start(size_t tag, std::unique_ptr<ChildProcess> child);

  struct Ended {
    size_t tag;
    ChildExit exit;
  };
  // Blocks until at least one running child has ended (or passed its
  // deadline and been killed) and returns those, in start order. Empty only
  // when nothing is running.
  std::vector<Ended> wait_some();

 private:
  struct Running {
    size_t tag;
    std::unique_ptr<ChildProcess> child;
  };
  unsigned jobs_;
  std::vector<Running> running_;
};

// The last `max_bytes` of a file (a crashed run's stderr for the summary).
std::string file_tail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace crashtwin::scenario
