// Runs the crashtwin executable as a child process and measures it from the
// outside: wall time from fork to reaping, exit status, and the child's peak
// RSS (wait4's rusage). SystemC elaborates once per process, so every
// scenario measurement is a fresh process, as in a batch.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace crashtwin::bench {

struct ChildRun {
  double wall_s = 0;
  int exit_code = -1;       // 128 + signal when killed
  double peak_rss_mib = 0;  // ru_maxrss of the child (the largest of its descendants for a batch)
  double cpu_s = 0;         // user + system time of the child and its reaped descendants
};

// Runs `crashtwin <args...>` to completion with stdout and stderr sent to
// `log` (truncated). Aborts the benchmark program with a message if the
// executable cannot be started.
ChildRun run_crashtwin(const std::vector<std::string>& args, const std::filesystem::path& log);

// build/crashtwin beside this benchmark's directory (build/bench/...), or
// $CRASHTWIN_EXE.
std::filesystem::path crashtwin_executable();
// The source tree (scenarios/library lives there): $CRASHTWIN_SOURCE_DIR, or
// the tree this file was compiled from.
std::filesystem::path source_dir();

// A fresh, empty scratch directory under the system temp directory (batch
// skips runs whose summary.json exists, so every measurement needs its own).
std::filesystem::path fresh_scratch(const std::string& name);

}  // namespace crashtwin::bench
