// File I/O shared by every writer and reader of a results directory: errors
// that name the file (and line), atomic replacement of a file, and the one
// number format all text outputs use so that equal inputs give equal bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crashtwin {

// A file could not be written or read. what() starts with the path so the
// CLI can print it as is (and exit 3 for writers, 2 for bad input).
class io_error : public std::runtime_error {
 public:
  io_error(const std::filesystem::path& path, std::string_view problem);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A file was read but its content is malformed: what() is
// "path:line: problem" (line 0 = the file as a whole, e.g. truncated JSON).
class format_error : public io_error {
 public:
  format_error(const std::filesystem::path& path, size_t line, std::string_view problem);
  size_t line() const { return line_; }

 private:
  size_t line_;
};

// Progress of a long read: called with (bytes read so far, file size) every
// few MiB. Returning false stops the read, which throws read_cancelled (the
// dashboard's Cancel while it loads a year-long run).
using ReadProgress = std::function<bool(uint64_t done, uint64_t total)>;

class read_cancelled : public io_error {
 public:
  explicit read_cancelled(const std::filesystem::path& path) : io_error(path, "reading cancelled") {}
};

// Reads a text file line by line in blocks, so memory follows the longest
// line, not the file: `line(text, number)` per line (without '\n' or a
// trailing '\r'; numbered from 1), `progress` after each block. Throws
// io_error if the file cannot be read, read_cancelled if progress says stop;
// exceptions of `line` pass through.
void for_each_line(const std::filesystem::path& path, const std::function<void(std::string_view, size_t)>& line,
                   const ReadProgress& progress = {});

// Writes `content` to `path` through `path.tmp` + flush + rename, so a crash
// leaves either the old file or the new one, never half of one. Creates the
// parent directory. Throws io_error naming the path.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// The whole file; throws io_error if it cannot be opened or read.
std::string read_file(const std::filesystem::path& path);

// Shortest text that reads back to the same double ("0.1", "1e-07", "42").
// Non-finite values are "nan", "inf", "-inf"; callers that cannot carry them
// (JSON, CSV) map them first. Locale independent.
std::string format_number(double value);

}  // namespace crashtwin
