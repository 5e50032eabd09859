// Runs the built `crashtwin` executable with arguments, as a user would from
// a shell, and returns its exit code and combined stdout + stderr. For the
// end-to-end tests (label `scenario`), which check the CLI's behaviour
// through the real binary.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

namespace crashtwin::test {

struct CliResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string output;  // stdout and stderr, interleaved
};

inline std::filesystem::path crashtwin_executable() {
  return std::filesystem::path(CRASHTWIN_BINARY_DIR) / "crashtwin";
}

// Runs a shell command line (stderr merged into the output).
inline CliResult run_shell(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  CliResult r;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// `args` is shell text: quote paths with quoted().
inline CliResult run_cli(const std::string& args) {
  return run_shell("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '" + crashtwin_executable().string() + "' " + args);
}

inline std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// A file's bytes ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh, empty build/test-output/<group>/<name>.
inline std::filesystem::path fresh_test_dir(const std::string& group, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(CRASHTWIN_BINARY_DIR) / "test-output" / group / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace crashtwin::test
