#include "traces/config_dump.h"

#include <memory>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "traces/io.h"

namespace crashtwin {

namespace {
// The dotted names as a tree: a node is either a value (entry set) or a map.
struct ConfigNode {
  std::string key;
  const ConfigEntry* entry = nullptr;
  std::vector<std::unique_ptr<ConfigNode>> children;  // first-appearance order

  ConfigNode* child(std::string_view k) {
    for (auto& c : children) {
      if (c->key == k) return c.get();
    }
    children.push_back(std::make_unique<ConfigNode>());
    children.back()->key = std::string(k);
    return children.back().get();
  }
};

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

void emit(YAML::Emitter& out, const ConfigNode& map) {
  out << YAML::BeginMap;
  for (const auto& c : map.children) {
    out << YAML::Key << c->key << YAML::Value;
    if (c->entry != nullptr) {
      // Values are strings as a person writes them; the emitter quotes them
      // only when YAML would read them differently.
      out << c->entry->value;
      if (!c->entry->description.empty()) out << YAML::Comment(one_line(c->entry->description));
    } else {
      emit(out, *c);
    }
  }
  out << YAML::EndMap;
}

void flatten(const YAML::Node& node, const std::string& prefix, std::vector<ConfigEntry>& out,
             const std::filesystem::path& path) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        throw format_error(path, static_cast<size_t>(kv.first.Mark().line + 1), "keys must be plain names");
      }
      std::string key = kv.first.Scalar();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out, path);
    }
  } else if (node.IsScalar()) {
    out.push_back(ConfigEntry{prefix, node.Scalar(), ""});
  } else if (node.IsNull()) {
    out.push_back(ConfigEntry{prefix, "", ""});
  } else {
    throw format_error(path, static_cast<size_t>(node.Mark().line + 1),
                       "'" + prefix + "': values must be scalars or maps");
  }
}
}  // namespace

std::string config_yaml(std::span<const ConfigEntry> entries) {
  ConfigNode root;
  for (const ConfigEntry& e : entries) {
    if (e.name.empty()) throw std::invalid_argument("config: empty name");
    ConfigNode* node = &root;
    size_t begin = 0;
    while (true) {
      size_t dot = e.name.find('.', begin);
      std::string_view part = std::string_view(e.name).substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
      if (part.empty()) throw std::invalid_argument("config: bad name '" + e.name + "'");
      if (node->entry != nullptr) throw std::invalid_argument("config: '" + e.name + "' is below a value");
      node = node->child(part);
      if (dot == std::string::npos) break;
      begin = dot + 1;
    }
    if (node->entry != nullptr || !node->children.empty()) {
      throw std::invalid_argument("config: '" + e.name + "' is repeated or is also a map");
    }
    node->entry = &e;
  }
  YAML::Emitter out;
  out.SetIndent(2);
  if (root.children.empty()) {
    out << YAML::BeginMap << YAML::EndMap;
  } else {
    emit(out, root);
  }
  return std::string(out.c_str()) + "\n";
}

void write_config_yaml(std::span<const ConfigEntry> entries, const std::filesystem::path& path) {
  write_file_atomically(path, config_yaml(entries));
}

std::vector<ConfigEntry> read_config_yaml(const std::filesystem::path& path) {
  std::string text = read_file(path);
  std::vector<ConfigEntry> entries;
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return entries;
    if (!root.IsMap()) throw format_error(path, 1, "top level must be a map");
    flatten(root, "", entries, path);
  } catch (const YAML::Exception& e) {
    throw format_error(path, static_cast<size_t>(e.mark.line + 1), e.msg);
  }
  return entries;
}

}  // namespace crashtwin
