// The reference documents checked against what the code writes and accepts,
// so they cannot drift again: every option of every `crashtwin` subcommand
// (from its own --help) is documented in its section of docs/cli.md (the
// offline trainer's in docs/training.md), and every key, metric, column
// family and event kind a run writes is named in docs/results.md.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The names listed under "Subcommands:" in a --help text.
std::vector<std::string> subcommands_of(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  std::string line;
  bool listing = false;
  while (std::getline(in, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      listing = true;
      continue;
    }
    if (!listing) continue;
    if (line.size() < 3 || line[0] != ' ') break;
    std::istringstream words(line);
    std::string name;
    words >> name;
    out.push_back(name);
  }
  return out;
}

// Every option a --help text lists, as its aliases (CLI11 prints
// "-j,--jobs UINT"): documenting any alias documents the option.
std::vector<std::vector<std::string>> options_of(const std::string& help) {
  std::vector<std::vector<std::string>> out;
  static const std::regex option(R"((?:^|[ ,])(--?[a-zA-Z][a-z0-9-]*))");
  std::istringstream in(help);
  std::string line;
  while (std::getline(in, line)) {
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || first == 0 || line[first] != '-') continue;
    const std::string flags = line.substr(0, line.find("  ", first));
    std::vector<std::string> aliases;
    for (std::sregex_iterator it(flags.begin(), flags.end(), option), end; it != end; ++it)
      aliases.push_back((*it)[1]);
    if (!aliases.empty() && aliases.back() != "--help") out.push_back(aliases);
  }
  return out;
}

// Every "## " section of `doc` whose title has `command` as a word (a
// section on distributing "a batch or sweep" counts for both), joined.
std::string sections_about(const std::string& doc, const std::string& command) {
  std::string out;
  for (size_t at = doc.find("\n## "); at != std::string::npos;) {
    const size_t title_end = doc.find('\n', at + 1);
    const size_t end = doc.find("\n## ", at + 1);
    const std::string title = " " + doc.substr(at + 4, title_end - at - 4) + " ";
    static const std::regex word_break("[^A-Za-z0-9-]");
    const std::string spaced = std::regex_replace(title, word_break, " ");
    if (spaced.find(" " + command + " ") != std::string::npos)
      out += doc.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end;
  }
  return out;
}

void check_documented(const std::string& command, const std::string& cli_doc, const std::string& training_doc) {
  const CliResult help = run_cli(command + " --help");
  INFO("crashtwin " << command << " --help\n" << help.output);
  REQUIRE(help.exit_code == 0);
  const std::vector<std::string> nested = subcommands_of(help.output);
  for (const std::string& sub : nested) check_documented(command + " " + sub, cli_doc, training_doc);
  if (!nested.empty()) return;
  // The offline trainer's commands are documented with it.
  const bool trainer = command == "train" || command == "evaluate" || command == "dataset";
  const std::string text = trainer ? training_doc : sections_about(cli_doc, command);
  INFO((trainer ? "docs/training.md" : "docs/cli.md sections titled with '" + command + "'"));
  REQUIRE_FALSE(text.empty());
  for (const std::vector<std::string>& aliases : options_of(help.output)) {
    bool found = false;
    for (const std::string& alias : aliases) found = found || text.find(alias) != std::string::npos;
    INFO("option " << aliases.back());
    CHECK(found);
  }
}

bool documented(const std::string& doc, const std::string& name) {
  return doc.find("`" + name + "`") != std::string::npos || doc.find("`" + name + ".") != std::string::npos;
}

}  // namespace

TEST_CASE("docs: every option of every subcommand is documented where the command is", "[docs]") {
  const std::string cli_doc = read_text(kSource / "docs/cli.md");
  const std::string training_doc = read_text(kSource / "docs/training.md");
  const CliResult help = run_cli("--help");
  REQUIRE(help.exit_code == 0);
  const std::vector<std::string> commands = subcommands_of(help.output);
  REQUIRE(commands.size() >= 10);
  for (const std::string& command : commands) check_documented(command, cli_doc, training_doc);
}

TEST_CASE("docs: every key, metric, column family and event kind a run writes is in results.md", "[docs]") {
  // A failure and its capture, and named workloads with their RMIDs.
  const std::string scenario = GENERATE(as<std::string>{}, "memory_uncorrectable", "rdt_workloads");
  const fs::path out = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "docs" / scenario;
  fs::remove_all(out);
  const CliResult run = run_cli("run '" + (kSource / "scenarios/library" / (scenario + ".yaml")).string() +
                                "' --policy proportional --out '" + out.string() + "'");
  INFO(scenario);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const std::string doc = read_text(kSource / "docs/results.md");

  const nlohmann::json summary = nlohmann::json::parse(read_text(out / "summary.json"));
  for (const auto& [key, value] : summary.items()) {
    INFO("summary.json key " << key);
    CHECK(documented(doc, key));
  }
  for (const auto& [metric, value] : summary.at("metrics").items()) {
    INFO("metric " << metric);
    CHECK(documented(doc, metric));
    if (value.is_object())
      for (const auto& [part, v] : value.items()) {
        INFO("metric part " << metric << "." << part);
        CHECK(documented(doc, part));
      }
  }
  for (const auto& expectation : summary.at("expectations"))
    for (const auto& [key, value] : expectation.items()) {
      INFO("expectation key " << key);
      CHECK(documented(doc, key));
    }
  const nlohmann::json perf = nlohmann::json::parse(read_text(out / "perf.json"));
  for (const auto& [key, value] : perf.items()) {
    INFO("perf.json key " << key);
    CHECK(documented(doc, key));
  }
  const nlohmann::json report = nlohmann::json::parse(read_text(out / "bmc/report.json"));
  for (const auto& [key, value] : report.items()) {
    INFO("bmc/report.json key " << key);
    CHECK(documented(doc, key));
  }
  const std::string timeseries = read_text(out / "timeseries.csv");
  std::istringstream header(timeseries.substr(0, timeseries.find('\n')));
  std::string column;
  while (std::getline(header, column, ',')) {
    const std::string family = column.substr(0, column.find('.'));
    INFO("timeseries.csv column " << column);
    CHECK(documented(doc, family));
  }
  // memory_profile.json and what `analyze` makes of it: every key at every depth.
  const CliResult analyze = run_cli("analyze '" + out.string() + "'");
  INFO(analyze.output);
  REQUIRE(analyze.exit_code == 0);
  for (const char* file : {"memory_profile.json", "analysis.json"}) {
    std::vector<const nlohmann::json*> objects{};
    const nlohmann::json whole = nlohmann::json::parse(read_text(out / file));
    objects.push_back(&whole);
    while (!objects.empty()) {
      const nlohmann::json* o = objects.back();
      objects.pop_back();
      if (o->is_array()) {
        for (const auto& element : *o) objects.push_back(&element);
        continue;
      }
      if (!o->is_object()) continue;
      for (const auto& [key, value] : o->items()) {
        INFO(file << " key " << key);
        CHECK(documented(doc, key));
        objects.push_back(&value);
      }
    }
  }
  std::ifstream events(out / "events.jsonl");
  std::set<std::string> kinds;
  for (std::string line; std::getline(events, line);) kinds.insert(nlohmann::json::parse(line).at("kind"));
  CHECK(kinds.size() >= (scenario == "rdt_workloads" ? 5 : 8));
  for (const std::string& kind : kinds) {
    INFO("event kind " << kind);
    CHECK(documented(doc, kind));
  }
}
