#include "traces/batch.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "traces/io.h"

namespace crashtwin {

namespace {
constexpr std::array<const char*, 6> kStatusNames = {"ok",      "expectations_failed", "invalid",
                                                     "crashed", "timeout",             "invalid_input"};
constexpr std::array<std::string_view, 7> kFixedColumns = {"scenario", "policy",    "strategy", "seed",
                                                           "status",   "exit_code", "run"};

// Splits one CSV record (RFC 4180) starting at `pos`; advances pos past the
// record's line break and counts the lines it spans. Returns false on an
// unterminated quote.
bool read_record(std::string_view text, size_t& pos, size_t& line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          cell += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (quoted) return false;
  cells.push_back(std::move(cell));
  return true;
}

template <typename T>
bool parse_integer(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}
}  // namespace

std::string csv_cell(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

const char* to_string(RunStatus s) {
  auto i = static_cast<size_t>(s);
  return i < kStatusNames.size() ? kStatusNames[i] : "unknown";
}

bool parse(std::string_view text, RunStatus& out) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (text == kStatusNames[i]) {
      out = static_cast<RunStatus>(i);
      return true;
    }
  }
  return false;
}

RunStatus status_of(const RunSummary& summary) {
  if (!summary.valid) return RunStatus::invalid;
  return summary.expectations_passed() ? RunStatus::ok : RunStatus::expectations_failed;
}

std::optional<double> BatchRow::metric(std::string_view name) const {
  for (const auto& [n, v] : metrics) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string BatchRow::parameter(const std::vector<std::string>& columns, std::string_view name) const {
  for (size_t i = 0; i < columns.size() && i < parameters.size(); ++i) {
    if (columns[i] == name) return parameters[i];
  }
  return {};
}

BatchRow batch_row(const RunSummary& summary, std::string run_dir, int exit_code) {
  BatchRow row;
  row.scenario = summary.scenario;
  row.policy = summary.policy;
  row.strategy = summary.strategy;
  row.seed = summary.seed;
  row.status = status_of(summary);
  row.exit_code = exit_code;
  row.run = std::move(run_dir);
  for (auto& [name, value] : flatten_metrics(summary.metrics)) {
    if (std::isfinite(value)) row.metrics.emplace_back(std::move(name), value);
  }
  return row;
}

BatchTable batch_table(std::vector<BatchRow> rows) {
  BatchTable table;
  std::unordered_map<std::string, bool> seen;
  for (const auto& row : rows) {
    for (const auto& [name, value] : row.metrics) {
      if (seen.emplace(name, true).second) table.metric_columns.push_back(name);
    }
  }
  table.rows = std::move(rows);
  return table;
}

std::string leading_cells(const std::vector<std::string>& values, size_t columns) {
  std::string out;
  for (size_t i = 0; i < columns; ++i) out += (i < values.size() ? csv_cell(values[i]) : std::string()) + ',';
  return out;
}

std::string summary_csv(const BatchTable& table) {
  std::string out = leading_cells(table.parameter_columns, table.parameter_columns.size());
  for (size_t i = 0; i < kFixedColumns.size(); ++i) {
    if (i > 0) out += ',';
    out += kFixedColumns[i];
  }
  for (const auto& c : table.metric_columns) {
    out += ',';
    out += csv_cell(c);
  }
  out += '\n';
  for (const auto& row : table.rows) {
    out += leading_cells(row.parameters, table.parameter_columns.size());
    out += fmt::format("{},{},{},{},{},{},{}", csv_cell(row.scenario), csv_cell(row.policy), csv_cell(row.strategy),
                       row.seed, to_string(row.status), row.exit_code, csv_cell(row.run));
    for (const auto& c : table.metric_columns) {
      out += ',';
      auto v = row.metric(c);
      if (v && std::isfinite(*v)) out += format_number(*v);
    }
    out += '\n';
  }
  return out;
}

void write_summary_csv(const BatchTable& table, const std::filesystem::path& path) {
  write_file_atomically(path, summary_csv(table));
}

BatchTable read_summary_csv(const std::filesystem::path& path) {
  std::string text = read_file(path);
  BatchTable table;
  size_t pos = 0;
  size_t line = 1;
  std::vector<std::string> cells;
  size_t record_line = line;
  if (!read_record(text, pos, line, cells)) throw format_error(path, record_line, "unterminated quote");
  // The fixed columns, after a sweep's parameter columns.
  size_t first = 0;
  while (first + kFixedColumns.size() <= cells.size() &&
         !std::equal(kFixedColumns.begin(), kFixedColumns.end(), cells.begin() + static_cast<std::ptrdiff_t>(first)))
    ++first;
  if (first + kFixedColumns.size() > cells.size()) {
    throw format_error(path, 1, fmt::format("header lacks the fixed columns {}", fmt::join(kFixedColumns, ",")));
  }
  table.parameter_columns.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(first));
  const size_t fixed_end = first + kFixedColumns.size();
  table.metric_columns.assign(cells.begin() + static_cast<std::ptrdiff_t>(fixed_end), cells.end());
  const size_t width = cells.size();
  while (pos < text.size()) {
    record_line = line;
    if (!read_record(text, pos, line, cells)) throw format_error(path, record_line, "unterminated quote");
    if (cells.size() == 1 && cells[0].empty()) continue;  // blank line
    if (cells.size() != width) {
      throw format_error(path, record_line, fmt::format("{} cells, header has {}", cells.size(), width));
    }
    BatchRow row;
    row.parameters.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(first));
    const std::string* fixed = cells.data() + first;
    row.scenario = fixed[0];
    row.policy = fixed[1];
    row.strategy = fixed[2];
    if (!parse_integer(fixed[3], row.seed)) throw format_error(path, record_line, "seed must be an integer");
    if (!parse(fixed[4], row.status)) {
      throw format_error(path, record_line, fmt::format("unknown status '{}'", fixed[4]));
    }
    if (!parse_integer(fixed[5], row.exit_code)) throw format_error(path, record_line, "exit_code must be an integer");
    row.run = fixed[6];
    for (size_t i = fixed_end; i < width; ++i) {
      if (cells[i].empty()) continue;
      double v = 0;
      auto [end, ec] = std::from_chars(cells[i].data(), cells[i].data() + cells[i].size(), v);
      const std::string& column = table.metric_columns[i - fixed_end];
      if (ec != std::errc() || end != cells[i].data() + cells[i].size() || !std::isfinite(v)) {
        throw format_error(path, record_line, fmt::format("{}: '{}' is not a number", column, cells[i]));
      }
      row.metrics.emplace_back(column, v);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace crashtwin
