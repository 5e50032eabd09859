#include "traces/timeseries_writer.h"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "traces/io.h"

namespace crashtwin {

namespace {
std::string component_column(std::string_view prefix, ComponentId c) {
  return fmt::format("{}{}.{}", prefix, to_string(c.cls), c.instance);
}

template <typename T>
std::optional<T> parse_unsigned(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}
}  // namespace

std::string slice_bytes_column(ComponentId c) { return component_column(kSliceBytesPrefix, c); }
std::string slice_base_column(ComponentId c) { return component_column(kSliceBasePrefix, c); }
std::string probability_column(ComponentId c) { return component_column(kProbabilityPrefix, c); }
std::string cache_column(std::string_view prefix, ComponentId core) { return component_column(prefix, core); }
std::string unusable_index_column(unsigned order) { return fmt::format("{}{}", kUnusableIndexPrefix, order); }

std::optional<ComponentId> component_of_column(std::string_view column, std::string_view prefix) {
  if (!column.starts_with(prefix)) return std::nullopt;
  const std::string_view component = column.substr(prefix.size());
  const size_t dot = component.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ComponentClass cls{};
  if (!parse(component.substr(0, dot), cls)) return std::nullopt;
  auto instance = parse_unsigned<uint16_t>(component.substr(dot + 1));
  if (!instance) return std::nullopt;
  return ComponentId{cls, *instance};
}

std::string workload_column(std::string_view prefix, std::string_view workload) {
  return std::string(prefix) + std::string(workload);
}

std::optional<unsigned> order_of_column(std::string_view column) {
  if (!column.starts_with(kUnusableIndexPrefix)) return std::nullopt;
  return parse_unsigned<unsigned>(column.substr(kUnusableIndexPrefix.size()));
}

size_t Timeseries::add_column(std::string name) {
  if (!t_s.empty()) throw std::logic_error("timeseries: column '" + name + "' added after the first row");
  if (name.empty() || name == kTimeColumn || find(name) != nullptr ||
      name.find_first_of(",\"\r\n") != std::string::npos) {
    throw std::logic_error("timeseries: bad or duplicate column name '" + name + "'");
  }
  columns.push_back(std::move(name));
  values.emplace_back();
  return columns.size() - 1;
}

void Timeseries::append_row(double t, std::span<const double> row) {
  if (row.size() != columns.size()) {
    throw std::logic_error(fmt::format("timeseries: row has {} values for {} columns", row.size(), columns.size()));
  }
  t_s.push_back(t);
  for (size_t i = 0; i < row.size(); ++i) values[i].push_back(row[i]);
}

const std::vector<double>* Timeseries::find(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return i < values.size() ? &values[i] : nullptr;
  }
  return nullptr;
}

std::vector<std::string> Timeseries::columns_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    if (c.starts_with(prefix)) out.push_back(c);
  }
  return out;
}

namespace {
void append_cell(std::string& out, double v) {
  if (std::isfinite(v)) out += format_number(v);  // NaN/inf: empty cell
}
}  // namespace

void write_timeseries_csv(const Timeseries& series, const std::filesystem::path& path) {
  std::string text(kTimeColumn);
  for (const auto& c : series.columns) {
    text += ',';
    text += c;
  }
  text += '\n';
  for (size_t row = 0; row < series.row_count(); ++row) {
    append_cell(text, series.t_s[row]);
    for (const auto& column : series.values) {
      text += ',';
      append_cell(text, column[row]);
    }
    text += '\n';
  }
  write_file_atomically(path, text);
}

namespace {
// Splits on commas into `cells` (reused across lines: a million-row file
// would otherwise allocate a million vectors); timeseries cells never need
// quoting (column names are checked, values are numbers).
void split_cells(std::string_view line, std::vector<std::string_view>& cells) {
  cells.clear();
  size_t begin = 0;
  while (true) {
    size_t comma = line.find(',', begin);
    if (comma == std::string_view::npos) {
      cells.push_back(line.substr(begin));
      return;
    }
    cells.push_back(line.substr(begin, comma - begin));
    begin = comma + 1;
  }
}

bool parse_cell(std::string_view cell, double& out) {
  if (cell.empty()) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
  return ec == std::errc() && end == cell.data() + cell.size();
}
}  // namespace

Timeseries read_timeseries_csv(const std::filesystem::path& path, const ReadProgress& progress) {
  Timeseries series;
  bool header_seen = false;
  std::vector<std::string_view> cells;
  std::vector<double> row;
  std::error_code ec;
  const uint64_t file_bytes = std::filesystem::file_size(path, ec);
  constexpr size_t kRowsToEstimate = 1000;
  uint64_t data_bytes = 0;
  for_each_line(
      path,
      [&](std::string_view line, size_t line_number) {
        if (line.empty()) return;
        split_cells(line, cells);
        if (!header_seen) {
          if (cells[0] != kTimeColumn) throw format_error(path, line_number, "header must start with t_s");
          for (size_t i = 1; i < cells.size(); ++i) {
            std::string name(cells[i]);
            if (name.empty() || series.find(name) != nullptr || name == kTimeColumn) {
              throw format_error(path, line_number, fmt::format("empty or duplicate column name '{}'", name));
            }
            series.columns.push_back(name);
            series.values.emplace_back();
          }
          header_seen = true;
          return;
        }
        if (cells.size() != series.columns.size() + 1) {
          throw format_error(path, line_number,
                             fmt::format("{} cells, header has {}", cells.size(), series.columns.size() + 1));
        }
        row.resize(cells.size());
        for (size_t i = 0; i < cells.size(); ++i) {
          if (!parse_cell(cells[i], row[i])) {
            throw format_error(path, line_number, fmt::format("column {}: '{}' is not a number", i + 1, cells[i]));
          }
        }
        if (std::isnan(row[0])) throw format_error(path, line_number, "empty t_s");
        data_bytes += line.size() + 1;
        if (series.t_s.size() == kRowsToEstimate && !ec) {
          // The rows so far estimate the row count: columns sized once
          // instead of doubling (a year-long run's columns are most of the
          // dashboard's memory). Never more rows than the file could hold
          // (each has a comma per column), so a hostile file reserves no
          // more than its content would fill.
          const uint64_t mean_row = data_bytes / kRowsToEstimate;
          const uint64_t rows = std::min(file_bytes / mean_row * 21 / 20, file_bytes / (series.columns.size() + 1));
          series.t_s.reserve(static_cast<size_t>(rows));
          for (auto& column : series.values) column.reserve(static_cast<size_t>(rows));
        }
        series.t_s.push_back(row[0]);
        for (size_t i = 1; i < row.size(); ++i) series.values[i - 1].push_back(row[i]);
      },
      progress);
  if (!header_seen) throw format_error(path, 0, "empty file, expected a header row");
  if (series.t_s.capacity() > series.t_s.size() + series.t_s.size() / 10) {  // estimated high: give it back
    series.t_s.shrink_to_fit();
    for (auto& column : series.values) column.shrink_to_fit();
  }
  return series;
}

}  // namespace crashtwin
