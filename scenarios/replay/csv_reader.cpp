#include "scenarios/replay/csv_reader.h"

#include <charconv>
#include <cmath>
#include <optional>

namespace crashtwin::csv {

Reader::Reader(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}

bool Reader::read_line() {
  if (!std::getline(in_, current_)) return false;
  ++line_;
  if (!current_.empty() && current_.back() == '\r') current_.pop_back();
  if (current_.find('\0') != std::string::npos) fail_line("contains a NUL byte (binary file?)");
  return true;
}

void Reader::expect_header(const std::vector<std::string>& columns, const std::function<void()>& check_preamble) {
  columns_ = columns;
  while (read_line()) {
    if (current_.empty()) continue;
    if (current_.front() == '#') {
      std::string_view c(current_);
      c.remove_prefix(1);
      while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
      preamble_.emplace_back(c);
      continue;
    }
    if (check_preamble) check_preamble();
    std::string expected;
    for (size_t i = 0; i < columns.size(); ++i) expected += (i ? "," : "") + columns[i];
    if (current_ != expected) fail_line("header must be exactly '" + expected + "', found '" + current_ + "'");
    return;
  }
  fail_line("no header line (empty file?)");
}

bool Reader::next() {
  while (read_line()) {
    if (current_.empty() || current_.front() == '#') continue;
    if (current_.find('"') != std::string::npos) fail_line("quoted fields are not supported");
    fields_.clear();
    std::string_view rest(current_);
    for (;;) {
      const size_t comma = rest.find(',');
      fields_.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (fields_.size() != columns_.size())
      fail_line("expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(fields_.size()));
    for (size_t c = 0; c < fields_.size(); ++c) {
      const std::string_view f = fields_[c];
      if (!f.empty() && (f.front() == ' ' || f.back() == ' ' || f.front() == '\t' || f.back() == '\t'))
        fail(c, "whitespace around the value");
    }
    return true;
  }
  return false;
}

void Reader::fail(size_t column, std::string_view what) const {
  const std::string name = column < columns_.size() ? columns_[column] : "#" + std::to_string(column);
  throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + name + "': " + std::string(what));
}

void Reader::fail_line(std::string_view what) const {
  throw InputError(source_ + ":" + std::to_string(line_) + ": " + std::string(what));
}

std::string_view Reader::text(size_t column) const {
  const std::string_view f = field(column);
  if (f.empty()) fail(column, "is empty");
  return f;
}

uint64_t Reader::u64(size_t column) const {
  const std::string_view f = text(column);
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (ec == std::errc::result_out_of_range) fail(column, "'" + std::string(f) + "' does not fit in 64 bits");
  if (ec != std::errc() || end != f.data() + f.size())
    fail(column, "'" + std::string(f) + "' is not an unsigned integer");
  return v;
}

namespace {

// The whole field as a finite floating-point number, or nullopt.
template <typename T>
std::optional<T> parse_finite(std::string_view f) {
  T v = 0;
  const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (ec != std::errc() || end != f.data() + f.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

double Reader::f64(size_t column) const {
  const auto v = parse_finite<double>(text(column));
  if (!v) fail(column, "'" + std::string(field(column)) + "' is not a finite number");
  return *v;
}

float Reader::f32(size_t column) const {
  const auto v = parse_finite<float>(text(column));
  if (!v) fail(column, "'" + std::string(field(column)) + "' is not a finite single-precision number");
  return *v;
}

bool Reader::flag(size_t column) const {
  const std::string_view f = text(column);
  if (f == "0") return false;
  if (f == "1") return true;
  fail(column, "'" + std::string(f) + "' must be 0 or 1");
}

bool is_plain_field(std::string_view text) {
  if (text.empty() || text.front() == '#' || text.front() == ' ' || text.back() == ' ') return false;
  for (const char ch : text)
    if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r' || ch == '\0') return false;
  return true;
}

}  // namespace crashtwin::csv
