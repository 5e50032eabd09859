#include "scenarios/batch/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace crashtwin::scenario {
namespace {

ChildExit exit_of(int status) {
  ChildExit e;
  if (WIFSIGNALED(status)) {
    e.signalled = true;
    e.code = WTERMSIG(status);
  } else {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

}  // namespace

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the crashtwin executable (/proc/self/exe): " + ec.message());
  return p.string();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
                           const std::filesystem::path& stderr_path, std::chrono::seconds timeout)
    : deadline_(std::chrono::steady_clock::now() + timeout) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string out = stdout_path.string();
  const std::string err = stderr_path.string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0 || err_fd < 0) _exit(3);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(out_fd);
    close(err_fd);
    execv(args[0], args.data());
    _exit(127);
  }
}

std::optional<ChildExit> ChildProcess::poll() {
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) return exit_of(status);
  if (std::chrono::steady_clock::now() >= deadline_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    ChildExit e;
    e.timed_out = true;
    e.signalled = true;
    e.code = SIGKILL;
    return e;
  }
  return std::nullopt;
}

ChildExit ChildProcess::wait() {
  for (;;) {
    if (auto e = poll()) return *e;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string file_tail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(in.tellg());
  const size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace crashtwin::scenario
