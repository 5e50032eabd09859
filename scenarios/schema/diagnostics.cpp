#include "scenarios/schema/diagnostics.h"

namespace crashtwin::scenario {

std::string Location::to_string() const {
  if (line > 0) return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!origin.empty()) return file.empty() ? origin : file + " (" + origin + ")";
  return file;
}

std::string Diagnostic::to_string() const {
  std::string text = where.to_string();
  text += ": ";
  if (!field.empty()) text += field + ": ";
  text += message;
  return text;
}

void Diagnostics::error(Location where, std::string field, std::string message) {
  list_.push_back({std::move(where), std::move(field), std::move(message)});
}

std::string Diagnostics::to_string() const {
  std::string text;
  for (const Diagnostic& d : list_) text += d.to_string() + "\n";
  return text;
}

}  // namespace crashtwin::scenario
