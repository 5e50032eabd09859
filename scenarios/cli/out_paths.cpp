#include "scenarios/cli/out_paths.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <system_error>

#include "traces/run_directory.h"

namespace crashtwin::cli {
namespace fs = std::filesystem;

namespace {

// `dir` ("." when empty) as a writable directory; messages name `shown`.
bool writable(const fs::path& dir_in, std::string_view option, const fs::path& shown) {
  const fs::path dir = dir_in.empty() ? fs::path(".") : dir_in;
  std::error_code ec;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    const auto st = fs::status(p, ec);
    if (fs::exists(st) && !fs::is_directory(st)) {
      std::fprintf(stderr, "%.*s %s: %s is a file, not a directory; results cannot be written there\n",
                   static_cast<int>(option.size()), option.data(), shown.c_str(), p.c_str());
      return false;
    }
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "%.*s %s: cannot create the directory %s (%s)\n", static_cast<int>(option.size()),
                 option.data(), shown.c_str(), dir.c_str(), ec.message().c_str());
    return false;
  }
  // Permissions alone do not say it (root, read-only mounts): try.
  const fs::path probe = temporary_sibling(dir / "write-probe", Temporary::run, getpid());
  fs::create_directory(probe, ec);
  if (ec) {
    std::fprintf(stderr, "%.*s %s: cannot write in %s (%s)\n", static_cast<int>(option.size()), option.data(),
                 shown.c_str(), dir.c_str(), ec.message().c_str());
    return false;
  }
  fs::remove(probe, ec);
  return true;
}

}  // namespace

bool writable_directory(const fs::path& dir, std::string_view option) { return writable(dir, option, dir); }

bool writable_file(const fs::path& file, std::string_view option) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    std::fprintf(stderr, "%.*s %s: is a directory; name the file to write\n", static_cast<int>(option.size()),
                 option.data(), file.c_str());
    return false;
  }
  return writable(file.parent_path(), option, file);
}

fs::path run_directory_target(const fs::path& out) {
  fs::path target = fs::absolute(out).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  return target;
}

fs::path run_directory_temporary(const fs::path& out, std::string_view option) {
  const fs::path target = run_directory_target(out);
  std::string stranger;
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec)) {
    std::fprintf(stderr, "%.*s %s: %s is a file, not a directory; results cannot be written there\n",
                 static_cast<int>(option.size()), option.data(), out.c_str(), out.c_str());
    return {};
  }
  if (!replaceable_by_run(target, &stranger)) {
    std::fprintf(stderr,
                 "%.*s %s: the directory holds '%s', which a run does not write; the run would replace it: name a "
                 "new or empty directory, or an earlier run's\n",
                 static_cast<int>(option.size()), option.data(), out.c_str(), stranger.c_str());
    return {};
  }
  if (!writable(target.parent_path(), option, out)) return {};
  // What an earlier run into this target left when it was killed.
  remove_orphaned_temporaries(target);
  const fs::path partial = temporary_sibling(target, Temporary::run, getpid());
  fs::remove_all(partial, ec);
  fs::create_directory(partial, ec);
  if (ec) {
    std::fprintf(stderr, "%.*s %s: cannot create %s (%s)\n", static_cast<int>(option.size()), option.data(),
                 out.c_str(), partial.c_str(), ec.message().c_str());
    return {};
  }
  return partial;
}

}  // namespace crashtwin::cli
