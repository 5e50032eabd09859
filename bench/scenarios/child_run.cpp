#include "bench/scenarios/child_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace crashtwin::bench {
namespace fs = std::filesystem;

fs::path crashtwin_executable() {
  if (const char* exe = std::getenv("CRASHTWIN_EXE")) return exe;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  // build/bench/crashtwin_bench_scenarios -> build/crashtwin
  return self.parent_path().parent_path() / "crashtwin";
}

fs::path source_dir() {
  if (const char* dir = std::getenv("CRASHTWIN_SOURCE_DIR")) return dir;
  return CRASHTWIN_SOURCE_TREE;
}

namespace {

fs::path scratch_root() { return fs::temp_directory_path() / ("crashtwin-bench-" + std::to_string(getpid())); }

void remove_scratch_root() {
  std::error_code ec;
  fs::remove_all(scratch_root(), ec);
}

}  // namespace

fs::path fresh_scratch(const std::string& name) {
  // Run directories (traces, CPER files) are only needed while measuring.
  static const bool cleanup_registered = std::atexit(remove_scratch_root) == 0;
  (void)cleanup_registered;
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

ChildRun run_crashtwin(const std::vector<std::string>& args, const fs::path& log) {
  const std::string exe = crashtwin_executable().string();
  if (access(exe.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "crashtwin_bench_scenarios: %s is not executable (build the crashtwin target, or set "
                         "CRASHTWIN_EXE)\n", exe.c_str());
    std::exit(2);
  }
  std::vector<std::string> argv_strings{exe};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("crashtwin_bench_scenarios: fork");
    std::exit(2);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) _exit(126);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::perror("crashtwin_bench_scenarios: wait4");
      std::exit(2);
    }
  }
  ChildRun run;
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  run.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  return run;
}

}  // namespace crashtwin::bench
