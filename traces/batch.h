// summary.csv of a batch directory: one row per run, written by
// `crashtwin batch`, read by `crashtwin report` and the dashboard.
// Columns: scenario,policy,strategy,seed,status,exit_code,run,<metric>...
// where the metrics are the flattened names of summary.json (dotted), the
// union over all runs in first-seen order; a metric a run lacks is empty.
// A sweep's sweep.csv is the same table led by one column per varied
// scenario key (parameter_columns, the values as passed to --set).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "traces/summary.h"

namespace crashtwin {

// invalid_input: the run refused its input (exit 2: a board parameter the
// models reject, an unreadable model file), as opposed to crashing.
enum class RunStatus : uint8_t { ok, expectations_failed, invalid, crashed, timeout, invalid_input };
const char* to_string(RunStatus s);
bool parse(std::string_view text, RunStatus& out);
// ok / expectations_failed / invalid from a finished run's summary.
RunStatus status_of(const RunSummary& summary);

struct BatchRow {
  std::string scenario;
  std::string policy;
  std::string strategy;
  uint64_t seed = 0;
  RunStatus status = RunStatus::ok;
  int exit_code = 0;
  std::string run;  // run directory relative to the batch directory
  std::vector<std::pair<std::string, double>> metrics;  // flattened, no NaN
  std::vector<std::string> parameters;  // a sweep's: one per BatchTable::parameter_columns

  std::optional<double> metric(std::string_view name) const;
  // The value of a parameter column, empty if the table has no such column.
  std::string parameter(const std::vector<std::string>& columns, std::string_view name) const;
};

// The row of a finished run.
BatchRow batch_row(const RunSummary& summary, std::string run_dir, int exit_code);

struct BatchTable {
  std::vector<std::string> parameter_columns;  // empty but in a sweep's table
  std::vector<std::string> metric_columns;  // union, first-seen order
  std::vector<BatchRow> rows;
};

// Builds the table (metric columns from the rows) in row order.
BatchTable batch_table(std::vector<BatchRow> rows);

// One CSV field, quoted (RFC 4180) where it holds a comma, a quote or a line break.
std::string csv_cell(std::string_view text);
// The cells a sweep's parameter columns lead a CSV row with (the header's
// names, or a row's values): `columns` cells, each followed by ',', empty
// where `values` has none.
std::string leading_cells(const std::vector<std::string>& values, size_t columns);

std::string summary_csv(const BatchTable& table);  // RFC 4180 quoting where needed
void write_summary_csv(const BatchTable& table, const std::filesystem::path& path);
// Throws format_error naming the line of a malformed row. Columns before the
// fixed ones are read as parameter columns.
BatchTable read_summary_csv(const std::filesystem::path& path);

}  // namespace crashtwin
