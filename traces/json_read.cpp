#include "traces/json_read.h"

#include <fmt/format.h>

#include "traces/io.h"

namespace crashtwin::json_read {

ojson parse(std::string_view text, const std::filesystem::path& path) {
  try {
    return ojson::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    size_t line = 1;
    for (size_t i = 0; i < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') ++line;
    }
    throw format_error(path, line, fmt::format("invalid JSON near byte {}", e.byte));
  } catch (const nlohmann::json::exception& e) {
    // Well-formed but unreadable: a number beyond a double (1e999), text
    // that is not UTF-8.
    throw format_error(path, 0, fmt::format("unreadable JSON: {}", e.what()));
  }
}

void Fields::fail(std::string_view problem) const {
  throw format_error(path, 0, where.empty() ? std::string(problem) : fmt::format("{}: {}", where, problem));
}

const ojson& Fields::at(const char* key) const {
  auto it = object.find(key);
  if (it == object.end()) fail(fmt::format("missing \"{}\"", key));
  return *it;
}

std::string Fields::string(const char* key) const {
  const ojson& v = at(key);
  if (!v.is_string()) fail(fmt::format("\"{}\" must be a string", key));
  return v.get<std::string>();
}

double Fields::number(const char* key) const {
  const ojson& v = at(key);
  if (!v.is_number()) fail(fmt::format("\"{}\" must be a number", key));
  return v.get<double>();
}

uint64_t Fields::unsigned_integer(const char* key) const {
  const ojson& v = at(key);
  if (!v.is_number_unsigned()) fail(fmt::format("\"{}\" must be a non-negative integer", key));
  return v.get<uint64_t>();
}

std::vector<uint64_t> Fields::unsigned_array(const char* key) const {
  const ojson& a = at(key);
  if (!a.is_array()) fail(fmt::format("\"{}\" must be an array", key));
  std::vector<uint64_t> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number_unsigned()) fail(fmt::format("{}[{}] must be a non-negative integer", key, i));
    out.push_back(a[i].get<uint64_t>());
  }
  return out;
}

bool Fields::boolean(const char* key) const {
  const ojson& v = at(key);
  if (!v.is_boolean()) fail(fmt::format("\"{}\" must be true or false", key));
  return v.get<bool>();
}

Fields object_fields(const ojson& value, const std::filesystem::path& path, std::string where) {
  Fields f{value, path, std::move(where)};
  if (!value.is_object()) f.fail("must be an object");
  return f;
}

}  // namespace crashtwin::json_read
