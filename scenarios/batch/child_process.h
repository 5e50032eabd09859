// Runs of a batch (and each policy of a multi-policy `crashtwin run`) are
// child processes: SystemC elaborates once per process, and a run that
// crashes or hangs must not take the batch with it. A child's stdout and
// stderr go to files; a child past its deadline is killed (SIGKILL, by pid).
#pragma once

#include <chrono>
#include <filesystem>
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
};

class ChildProcess {
 public:
  // Starts argv[0] with argv; throws std::runtime_error if fork/exec fails.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
               const std::filesystem::path& stderr_path, std::chrono::seconds timeout);

  // Non-blocking: the exit once the child has ended (killing it first if its
  // deadline has passed), else nullopt.
  std::optional<ChildExit> poll();
  // Blocks until the child ends or its deadline passes.
  ChildExit wait();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point deadline_;
};

// The last `max_bytes` of a file (a crashed run's stderr for the summary).
std::string file_tail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace crashtwin::scenario
