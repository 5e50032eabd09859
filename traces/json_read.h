// Typed access to parsed JSON with errors that name the file and what was
// wrong, shared by the readers of summary.json, perf.json and bmc/report.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crashtwin::json_read {

using ojson = nlohmann::ordered_json;

// Parses JSON text; a syntax error throws format_error with the line of the
// byte where parsing stopped.
ojson parse(std::string_view text, const std::filesystem::path& path);

// Readers of required keys of `object`; `where` prefixes messages
// ("records[3]") and may be empty. Throw format_error.
struct Fields {
  const ojson& object;
  const std::filesystem::path& path;
  std::string where;

  const ojson& at(const char* key) const;
  std::string string(const char* key) const;
  double number(const char* key) const;
  uint64_t unsigned_integer(const char* key) const;
  bool boolean(const char* key) const;
  // An array of non-negative integers ("key[3] must be a non-negative integer").
  std::vector<uint64_t> unsigned_array(const char* key) const;
  bool has(const char* key) const { return object.contains(key); }
  [[noreturn]] void fail(std::string_view problem) const;
};

// Fields of `value`, which must be an object (format_error otherwise).
Fields object_fields(const ojson& value, const std::filesystem::path& path, std::string where);

}  // namespace crashtwin::json_read
