// Helpers of the tests of crashtwin's readers of outside files: the message
// a reader's csv::InputError carries, and writing a test input.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "scenarios/replay/csv_reader.h"

namespace crashtwin::test {

// The InputError `f` raises ("" when it raises none).
inline std::string input_error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const csv::InputError& e) {
    return e.what();
  }
  return "";
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace crashtwin::test
