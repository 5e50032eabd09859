#include "scenarios/training/dataset.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <string_view>

#include "platform/predictor/model_blob.h"
#include "scenarios/replay/csv_reader.h"

namespace crashtwin::training {
namespace {

enum Column : size_t {
  kScenario, kFamily, kSeed, kClass, kInstance, kTime, kLabel, kTimeToFailure, kErrors24h, kFirstFeature
};
constexpr std::array<const char*, kFirstFeature> kFixedColumns = {
    "scenario", "family", "seed", "class", "instance", "time_ns", "label", "time_to_failure_ns", "errors_24h"};

constexpr std::string_view kPreambleKey = "crashtwin-dataset";

// Column index of every (class, feature) pair.
struct FeatureColumns {
  size_t of[kComponentClassCount][kMaxFeatures] = {};
};

std::vector<std::string> feature_column_names(FeatureColumns* map) {
  std::vector<std::string> names;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto defs = feature_defs(static_cast<ComponentClass>(c));
    for (size_t f = 0; f < defs.size(); ++f) {
      auto it = std::find(names.begin(), names.end(), defs[f].name);
      if (it == names.end()) it = names.insert(names.end(), defs[f].name);
      if (map) map->of[c][f] = kFirstFeature + static_cast<size_t>(it - names.begin());
    }
  }
  return names;
}

// window_ns only when the windows have a span: a dataset of sample windows
// reads the same in builds that predate spans.
std::string preamble(uint64_t horizon_ns, uint64_t window_ns) {
  // Appended piece by piece: GCC 12 warns (-Warray-bounds, a false
  // positive) on a chain of operator+ over temporaries here.
  std::string line(kPreambleKey);
  line += " format=" + std::to_string(kDatasetFormatVersion);
  line += " feature_set=" + std::to_string(kFeatureSetVersion);
  line += " horizon_ns=" + std::to_string(horizon_ns);
  if (window_ns != 0) line += " window_ns=" + std::to_string(window_ns);
  return line;
}

struct Preamble {
  uint64_t horizon_ns = 0;
  uint64_t window_ns = 0;
};

void append_float(std::string& line, float v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, end);
}

// Reads "crashtwin-dataset format=1 feature_set=1 horizon_ns=N [window_ns=W]".
Preamble parse_preamble(const csv::Reader& reader) {
  const std::string where = reader.source() + ":1: ";
  for (const std::string& p : reader.preamble()) {
    if (p.rfind(kPreambleKey, 0) != 0) continue;
    uint64_t format = 0, feature_set = 0, horizon = 0, window = 0;
    int found = 0;
    std::string_view rest(p);
    rest.remove_prefix(kPreambleKey.size());
    while (!rest.empty()) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const size_t end = std::min(rest.find(' '), rest.size());
      const std::string_view item = rest.substr(0, end);
      rest.remove_prefix(end);
      if (item.empty()) continue;
      const size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      uint64_t v = 0;
      const auto [p_end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || ec != std::errc() || p_end != value.data() + value.size())
        throw csv::InputError(where + "preamble item '" + std::string(item) + "' is not key=unsigned");
      if (key == "format") format = v, found |= 1;
      else if (key == "feature_set") feature_set = v, found |= 2;
      else if (key == "horizon_ns") horizon = v, found |= 4;
      else if (key == "window_ns") window = v;
      else throw csv::InputError(where + "unknown preamble key '" + std::string(key) + "'");
    }
    if (found != 7) throw csv::InputError(where + "preamble needs format, feature_set and horizon_ns");
    if (format != kDatasetFormatVersion)
      throw csv::InputError(where + "dataset format " + std::to_string(format) + " (this build reads " +
                            std::to_string(kDatasetFormatVersion) + ")");
    if (feature_set != kFeatureSetVersion)
      throw csv::InputError(where + "features are feature set " + std::to_string(feature_set) +
                            " but the firmware computes feature set " + std::to_string(kFeatureSetVersion) +
                            ": regenerate the dataset");
    if (horizon == 0) throw csv::InputError(where + "horizon_ns must be positive");
    if (!model_window_representable(window))
      throw csv::InputError(where + "window_ns must be whole milliseconds up to " +
                            std::to_string(kMaxModelWindowNs) + " (what a model blob holds)");
    return {horizon, window};
  }
  throw csv::InputError(where + "missing the '# " + std::string(kPreambleKey) + " ...' preamble line");
}

}  // namespace

std::vector<std::string> dataset_columns() {
  std::vector<std::string> columns(kFixedColumns.begin(), kFixedColumns.end());
  for (auto& name : feature_column_names(nullptr)) columns.push_back(std::move(name));
  return columns;
}

std::string row_problem(const DatasetRow& row, uint64_t horizon_ns) {
  if (row.features.count != feature_count(row.component.cls))
    return "has " + std::to_string(row.features.count) + " features, a " + to_string(row.component.cls) + " has " +
           std::to_string(feature_count(row.component.cls));
  const bool within = row.time_to_failure_ns && *row.time_to_failure_ns <= horizon_ns;
  if (row.label != within) {
    std::string problem = row.label ? "label 1" : "label 0";  // appended: as in preamble()
    problem += " contradicts time_to_failure_ns ";
    problem += row.time_to_failure_ns ? std::to_string(*row.time_to_failure_ns) : "(none)";
    problem += " and horizon_ns " + std::to_string(horizon_ns);
    return problem;
  }
  return {};
}

void write_dataset(std::ostream& out, const Dataset& dataset) {
  FeatureColumns map;
  const size_t feature_columns = feature_column_names(&map).size();
  const std::vector<std::string> columns = dataset_columns();
  std::string line = "# " + preamble(dataset.horizon_ns, dataset.window_ns) + "\n";
  for (size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + columns[i];
  out << line << '\n';
  std::vector<std::string> cells(feature_columns);
  for (size_t r = 0; r < dataset.rows.size(); ++r) {
    const DatasetRow& row = dataset.rows[r];
    for (const std::string* name : {&row.scenario, &row.family})
      if (!csv::is_plain_field(*name))
        throw csv::InputError("dataset row " + std::to_string(r) + ": scenario or family name '" + *name +
                              "' cannot be a CSV field (empty, comma, quote, newline or leading '#')");
    if (const std::string problem = row_problem(row, dataset.horizon_ns); !problem.empty())
      throw csv::InputError("dataset row " + std::to_string(r) + ": " + problem);
    line.clear();
    line += row.scenario + "," + row.family + "," + std::to_string(row.seed) + "," + to_string(row.component.cls) + "," +
            std::to_string(row.component.instance) + "," + std::to_string(row.time_ns) + "," +
            (row.label ? "1" : "0") + "," +
            (row.time_to_failure_ns ? std::to_string(*row.time_to_failure_ns) : std::string()) + "," +
            std::to_string(row.errors_24h);
    for (auto& c : cells) c.clear();
    const auto cls = static_cast<size_t>(row.component.cls);
    for (size_t f = 0; f < row.features.count; ++f) {
      std::string& cell = cells[map.of[cls][f] - kFirstFeature];
      append_float(cell, row.features.value[f]);
    }
    for (const auto& c : cells) line += "," + c;
    out << line << '\n';
  }
}

void write_dataset_file(const std::string& path, const Dataset& dataset) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw csv::InputError(path + ": cannot create dataset file");
  write_dataset(out, dataset);
  out.flush();
  if (!out) throw csv::InputError(path + ": write failed");
}

Dataset read_dataset(std::istream& in, const std::string& source) {
  FeatureColumns map;
  const size_t feature_columns = feature_column_names(&map).size();
  csv::Reader reader(in, source);
  Preamble p;
  reader.expect_header(dataset_columns(), [&] { p = parse_preamble(reader); });
  Dataset dataset;
  dataset.horizon_ns = p.horizon_ns;
  dataset.window_ns = p.window_ns;
  std::vector<bool> used(feature_columns);
  std::map<std::string, std::string> family_of;
  while (reader.next()) {
    DatasetRow row;
    row.scenario = std::string(reader.text(kScenario));
    // The writer's rule, so that every dataset read can be written again (a
    // carriage return inside the name is the case the line reader lets by).
    if (!csv::is_plain_field(row.scenario))
      reader.fail(kScenario, "scenario name holds a carriage return or another character a field cannot");
    row.family = std::string(reader.text(kFamily));
    if (!csv::is_plain_field(row.family))
      reader.fail(kFamily, "family name holds a carriage return or another character a field cannot");
    // A scenario belongs to one family: the family split would otherwise
    // put the same scenario on both sides.
    if (const auto [it, inserted] = family_of.emplace(row.scenario, row.family); !inserted && it->second != row.family)
      reader.fail(kFamily, "scenario '" + row.scenario + "' was in family '" + it->second + "' on an earlier row");
    row.seed = reader.u64(kSeed);
    if (!parse(reader.text(kClass), row.component.cls))
      reader.fail(kClass, "'" + std::string(reader.field(kClass)) + "' is not cpu, memory, disk or network");
    const uint64_t instance = reader.u64(kInstance);
    if (instance > UINT16_MAX) reader.fail(kInstance, "instance over 65535");
    row.component.instance = static_cast<uint16_t>(instance);
    row.time_ns = reader.u64(kTime);
    row.label = reader.flag(kLabel);
    if (!reader.field(kTimeToFailure).empty()) row.time_to_failure_ns = reader.u64(kTimeToFailure);
    row.errors_24h = reader.u64(kErrors24h);

    const auto cls = static_cast<size_t>(row.component.cls);
    row.features.count = static_cast<uint8_t>(feature_count(row.component.cls));
    std::fill(used.begin(), used.end(), false);
    for (size_t f = 0; f < row.features.count; ++f) {
      const size_t column = map.of[cls][f];
      used[column - kFirstFeature] = true;
      row.features.value[f] = reader.f32(column);
    }
    for (size_t c = 0; c < feature_columns; ++c)
      if (!used[c] && !reader.field(kFirstFeature + c).empty())
        reader.fail(kFirstFeature + c, std::string("must be empty: not a feature of a ") + to_string(row.component.cls));
    if (const std::string problem = row_problem(row, dataset.horizon_ns); !problem.empty())
      reader.fail(kLabel, problem);
    dataset.rows.push_back(std::move(row));
  }
  return dataset;
}

Dataset read_dataset_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw csv::InputError(path + ": cannot open dataset");
  return read_dataset(in, path);
}

}  // namespace crashtwin::training
