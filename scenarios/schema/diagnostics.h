// Problems found in a scenario, each pinned to where the user can fix it: a
// file:line:column for YAML text, or the field name for values that came from
// the command line (--set). The loader collects every problem of a file
// instead of stopping at the first, so one `crashtwin validate` shows them all.
#pragma once

#include <string>
#include <vector>

namespace crashtwin::scenario {

// Where a value came from. line/column are 1-based; 0 means "not from the
// file text" (a --set override or a default), and then `origin` says what.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string origin;  // "--set agent.budget" for command-line values

  // "file:3:7", "file (--set agent.budget)", or "file".
  std::string to_string() const;
};

struct Diagnostic {
  Location where;
  std::string field;    // dotted path of the offending field: "agent.budget"
  std::string message;  // what is wrong and what is allowed

  // "file:3:7: agent.budget: '12 parsecs' is not a size; expected ..."
  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(Location where, std::string field, std::string message);
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // Every diagnostic on its own line.
  std::string to_string() const;

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace crashtwin::scenario
