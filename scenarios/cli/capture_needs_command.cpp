// `crashtwin capture-needs SCENARIO|DIR... [--doc FILE] [--check FILE]`: the
// bytes a full capture of each error type needs on each scenario's board
// (needed_bytes with the facts a run would use), as the Markdown table of
// docs/capture-needs.md. --doc rewrites the table between its markers,
// --check exits 1 when the document's table differs, so it cannot drift.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "platform/capture/catalog.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/docs/policy_table.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/run.h"
#include "scenarios/schema/capture_params.h"
#include "scenarios/schema/choices.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::cli {
namespace {

constexpr std::string_view kBegin = "<!-- capture-needs:begin (generated: crashtwin capture-needs scenarios/library scenarios/examples/capture_*.yaml --doc docs/capture-needs.md) -->";
constexpr std::string_view kEnd = "<!-- capture-needs:end -->";
constexpr std::string_view kParamsBegin = "<!-- capture-params:begin (generated from scenarios/schema/capture_params.cpp) -->";
constexpr std::string_view kParamsEnd = "<!-- capture-params:end -->";

std::string params_table() {
  std::ostringstream out;
  out << "| `capture.` name | default | meaning | where the default comes from |\n|---|---|---|---|\n";
  for (const scenario::CaptureParamInfo& p : scenario::capture_param_table())
    out << "| `" << p.name << "` | " << p.default_text << " | " << p.description << " | " << p.source << " |\n";
  return out.str();
}

// "1.14 MiB", "40.3 KiB": three significant digits are enough to compare.
std::string short_size(uint64_t bytes) {
  if (bytes >= (1ull << 20)) return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / (1 << 20));
  return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
}

std::string needs_table(const std::vector<std::pair<std::string, BoardFacts>>& boards) {
  std::ostringstream out;
  out << "| scenario | cores | MCA banks | log_buf_len |";
  for (size_t t = 0; t < kErrorTypeCount; ++t) out << ' ' << to_string(static_cast<ErrorType>(t)) << " |";
  out << "\n|---|---|---|---|";
  for (size_t t = 0; t < kErrorTypeCount; ++t) out << "---|";
  out << '\n';
  uint64_t smallest = UINT64_MAX, largest = 0;
  for (const auto& [name, facts] : boards) {
    out << "| " << name << " | " << facts.cpu_cores << " | " << facts.mca_banks_per_core << " | "
        << scenario::size_text(facts.log_buf_len) << " |";
    for (size_t t = 0; t < kErrorTypeCount; ++t) {
      const uint64_t n = needed_bytes(static_cast<ErrorType>(t), facts);
      smallest = std::min(smallest, n);
      largest = std::max(largest, n);
      out << ' ' << short_size(n) << " |";
    }
    out << '\n';
  }
  if (!boards.empty())
    out << "\nRange over these boards: " << short_size(smallest) << " to " << short_size(largest) << ".\n";
  return out.str();
}

}  // namespace

int capture_needs_command(const CaptureNeedsArgs& args) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.scenarios, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  if (!problems.empty()) return kExitBadInput;
  std::vector<std::pair<std::string, BoardFacts>> boards;
  for (const std::string& file : files) {
    const scenario::LoadResult result = scenario::load_scenario(file, scenario::default_load_options());
    if (!result.diagnostics.empty()) {
      std::fputs(result.diagnostics.to_string().c_str(), stderr);
      return kExitBadInput;
    }
    try {
      boards.emplace_back(result.scenario->name, scenario::board_capture_facts(*result.scenario));
    } catch (const scenario::ScenarioError& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return kExitBadInput;
    }
  }
  std::sort(boards.begin(), boards.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::string table = needs_table(boards);
  const std::string& doc = !args.doc.empty() ? args.doc : args.check;
  if (doc.empty()) {
    std::fputs(table.c_str(), stdout);
    return kExitOk;
  }
  std::ifstream in(doc, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open the document\n", doc.c_str());
    return kExitBadInput;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string updated;
  try {
    updated = docs::replace_generated_table(text.str(), table, kBegin, kEnd);
    updated = docs::replace_generated_table(updated, params_table(), kParamsBegin, kParamsEnd);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", doc.c_str(), e.what());
    return kExitBadInput;
  }
  if (!args.check.empty()) {
    if (updated == text.str()) return kExitOk;
    std::fprintf(stderr,
                 "%s: the capture-needs table is out of date; run crashtwin capture-needs scenarios/library --doc %s\n",
                 doc.c_str(), doc.c_str());
    return kExitExpectationsFailed;
  }
  std::ofstream(doc, std::ios::binary) << updated;
  return kExitOk;
}

}  // namespace crashtwin::cli
