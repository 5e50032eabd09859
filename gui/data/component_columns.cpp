#include "gui/data/component_columns.h"

#include <charconv>

namespace crashtwin::gui {

namespace {
template <typename T>
std::optional<T> parse_unsigned(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}
}  // namespace

std::optional<ComponentId> parse_component(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ComponentClass cls;
  if (!parse(text.substr(0, dot), cls)) return std::nullopt;
  auto instance = parse_unsigned<uint16_t>(text.substr(dot + 1));
  if (!instance) return std::nullopt;
  return ComponentId{cls, *instance};
}

std::optional<ComponentId> component_of_column(std::string_view column, std::string_view prefix) {
  if (!column.starts_with(prefix)) return std::nullopt;
  return parse_component(column.substr(prefix.size()));
}

std::optional<unsigned> order_of_column(std::string_view column) {
  if (!column.starts_with(kUnusableIndexPrefix)) return std::nullopt;
  return parse_unsigned<unsigned>(column.substr(kUnusableIndexPrefix.size()));
}

}  // namespace crashtwin::gui
