// File I/O shared by every writer and reader of a results directory: errors
// that name the file (and line), atomic replacement of a file, and the one
// number format all text outputs use so that equal inputs give equal bytes.
#pragma once

#include <cstddef>
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
