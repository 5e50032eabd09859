#include "models/config/registry.h"

#include <algorithm>

#include <fmt/format.h>

namespace crashtwin {

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry;
  return registry;
}

void ModelRegistry::add(RegisteredModel kind) {
  if (find(kind.name)) throw ConfigError(fmt::format("model kind '{}' registered twice", kind.name));
  kinds_.push_back(std::move(kind));
}

const RegisteredModel* ModelRegistry::find(std::string_view name) const {
  for (const RegisteredModel& k : kinds_)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  for (const RegisteredModel& k : kinds_) out.push_back(k.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace crashtwin
