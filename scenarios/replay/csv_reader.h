// Strict reader for the plain CSV files crashtwin reads (telemetry traces,
// training datasets): comma separated, one header line, no quoting, no
// whitespace around fields, '#' lines are comments. Every error names
// file:line and the column, because these files are written by people and by
// other tools (mcelog, smartctl converters) and a bad row must be findable.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crashtwin::csv {

// Bad input: the message is "file:line: column 'name': what" (or without the
// column when the whole line is wrong). The CLI turns it into exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  // `source` is the name used in messages (usually the path).
  Reader(std::istream& in, std::string source);

  // Reads the header line (skipping comment lines) and checks it names
  // exactly `columns`, in order. `check_preamble`, when given, runs once the
  // comment lines before the header are read and before the header is
  // compared: a preamble naming another version of the format says so
  // instead of a header mismatch.
  void expect_header(const std::vector<std::string>& columns, const std::function<void()>& check_preamble = {});

  // Advances to the next data row; false at end of input. Blank lines and
  // comments are skipped; a row with the wrong field count is an error.
  bool next();

  // Comment lines ('#' removed, leading space trimmed) seen before the header.
  const std::vector<std::string>& preamble() const { return preamble_; }

  size_t line() const { return line_; }
  const std::string& source() const { return source_; }
  std::string_view field(size_t column) const { return fields_.at(column); }

  // Field parsers: the whole field must be the value (no sign for unsigned,
  // no spaces, no trailing characters); otherwise an InputError.
  uint64_t u64(size_t column) const;
  double f64(size_t column) const;  // finite only
  float f32(size_t column) const;   // finite and representable as float
  bool flag(size_t column) const;   // "0" or "1"
  std::string_view text(size_t column) const;  // non-empty

  [[noreturn]] void fail(size_t column, std::string_view what) const;
  [[noreturn]] void fail_line(std::string_view what) const;

 private:
  bool read_line();

  std::istream& in_;
  std::string source_;
  std::string current_;
  size_t line_ = 0;
  std::vector<std::string> columns_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> preamble_;
};

// Writer-side check: a value written into a CSV field must read back as the
// same single field.
bool is_plain_field(std::string_view text);

}  // namespace crashtwin::csv
