#include "traces/io.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>
#include <system_error>

#include <fmt/format.h>

namespace crashtwin {

namespace fs = std::filesystem;

io_error::io_error(const fs::path& path, std::string_view problem)
    : std::runtime_error(fmt::format("{}: {}", path.string(), problem)), path_(path) {}

format_error::format_error(const fs::path& path, size_t line, std::string_view problem)
    : io_error(path, line == 0 ? std::string(problem) : fmt::format("{}: {}", line, problem)),
      line_(line) {}

void write_file_atomically(const fs::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw io_error(path, "cannot create directory: " + ec.message());
  }
  fs::path tmp = path;
  tmp += ".tmp";
  // stdio rather than ofstream: fflush + fclose report write errors (disk full).
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw io_error(path, fmt::format("cannot create {}: {}", tmp.string(), std::strerror(errno)));
  bool ok = content.empty() || std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = (std::fflush(f) == 0) && ok;
  int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    fs::remove(tmp, ec);
    throw io_error(path, fmt::format("write failed: {}", std::strerror(saved)));
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw io_error(path, "cannot rename temporary file into place: " + ec.message());
  }
}

std::string read_file(const fs::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw io_error(path, fmt::format("cannot open: {}", std::strerror(errno)));
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw io_error(path, "read failed");
  return text;
}

void for_each_line(const fs::path& path, const std::function<void(std::string_view, size_t)>& line,
                   const ReadProgress& progress) {
  constexpr size_t kBlock = 4 << 20;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) throw io_error(path, fmt::format("cannot open: {}", std::strerror(errno)));
  std::error_code ec;
  const uint64_t total = fs::file_size(path, ec);
  std::string pending;  // the unfinished line at the end of the previous block
  std::vector<char> block(kBlock);
  uint64_t done = 0;
  size_t number = 0;
  const auto emit = [&](std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line(text, ++number);
  };
  while (true) {
    const size_t n = std::fread(block.data(), 1, block.size(), f.get());
    if (n == 0) break;
    done += n;
    std::string_view rest(block.data(), n);
    for (size_t newline = rest.find('\n'); newline != std::string_view::npos; newline = rest.find('\n')) {
      if (pending.empty()) {
        emit(rest.substr(0, newline));
      } else {
        pending.append(rest.substr(0, newline));
        emit(pending);
        pending.clear();
      }
      rest.remove_prefix(newline + 1);
    }
    pending.append(rest);
    if (progress && !progress(done, std::max(total, done))) throw read_cancelled(path);
  }
  if (std::ferror(f.get()) != 0) throw io_error(path, "read failed");
  if (!pending.empty()) emit(pending);
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";  // no "-0"
  return fmt::format("{}", value);
}

}  // namespace crashtwin
