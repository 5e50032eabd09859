#include "scenarios/batch/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec. It dies with its
    // parent: a batch that is killed leaves no run writing into a directory
    // that its resumption rewrites.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(3);
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
  // Through syscall(): glibc 2.36 has a wrapper, but not every libc we build
  // against does. Without a pidfd, waiting falls back to short sleeps.
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (pidfd_ >= 0) close(pidfd_);
}

std::optional<ChildExit> ChildProcess::poll() {
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    ChildExit e = exit_of(status);
    e.pid = pid_;
    return e;
  }
  if (std::chrono::steady_clock::now() >= deadline_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    reaped_ = true;
    ChildExit e;
    e.timed_out = true;
    e.signalled = true;
    e.code = SIGKILL;
    e.pid = pid_;
    return e;
  }
  return std::nullopt;
}

ChildExit ChildProcess::wait() {
  for (;;) {
    if (auto e = poll()) return *e;
    block_until_any_ends({this});
  }
}

void ChildProcess::block_until_any_ends(const std::vector<ChildProcess*>& children) {
  if (children.empty()) return;
  auto first_deadline = children.front()->deadline_;
  std::vector<pollfd> fds;
  for (const ChildProcess* c : children) {
    first_deadline = std::min(first_deadline, c->deadline_);
    if (c->pidfd_ >= 0) fds.push_back({c->pidfd_, POLLIN, 0});
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(first_deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return;
  if (fds.size() < children.size()) {
    // No pidfd for some child: look again soon.
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(5)));
    return;
  }
  const int timeout_ms = static_cast<int>(std::min<int64_t>(left.count(), INT_MAX));
  // EINTR (a signal) just returns: the caller looks at every child again.
  ::poll(fds.data(), fds.size(), timeout_ms);
}

void ChildPool::start(size_t tag, std::unique_ptr<ChildProcess> child) {
  running_.push_back({tag, std::move(child)});
}

std::vector<ChildPool::Ended> ChildPool::wait_some() {
  std::vector<Ended> ended;
  while (!running_.empty()) {
    for (size_t k = 0; k < running_.size();) {
      if (const auto exit = running_[k].child->poll()) {
        ended.push_back({running_[k].tag, *exit});
        running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(k));
      } else {
        ++k;
      }
    }
    if (!ended.empty()) break;
    std::vector<ChildProcess*> children;
    for (const Running& r : running_) children.push_back(r.child.get());
    ChildProcess::block_until_any_ends(children);
  }
  return ended;
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
