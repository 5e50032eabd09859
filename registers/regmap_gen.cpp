// regmap-gen: writes the files generated from the register map, or checks
// that the committed ones are current.
//
//   regmap-gen MAP --root DIR            rewrite the three files under DIR
//   regmap-gen MAP --root DIR --check    exit 1 naming each stale file
//
// Exit 2 on a bad description (file:line:column) or arguments.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "registers/register_map.h"

namespace fs = std::filesystem;
using namespace crashtwin::regmap;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written beside the target and renamed over it: never half a file.
void write_file(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.parent_path() / ("." + p.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) throw MapError(fmt::format("{}: cannot be written", tmp.string()));
  }
  fs::rename(tmp, p);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("regmap-gen: the files generated from the register map");
  std::string map_path, root;
  bool check = false;
  app.add_option("map", map_path, "the register map description (registers/crashtwin.yaml)")->required();
  app.add_option("--root", root, "the source tree the generated files live in")->required();
  app.add_flag("--check", check, "compare instead of writing: exit 1 naming each stale file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const RegisterMap map = read_register_map(map_path);
    const std::string source = "registers/crashtwin.yaml";
    const std::pair<const char*, std::string> files[] = {
        {"platform/regs/crashtwin_regs.h", c_header(map, source)},
        {"models/regs/register_blocks.h", model_declarations(map, source)},
        {"docs/registers.md", markdown(map, source)},
    };
    int stale = 0;
    for (const auto& [rel, text] : files) {
      const fs::path p = fs::path(root) / rel;
      if (read_all(p) == text) continue;
      if (check) {
        std::fprintf(stderr, "%s is stale: regenerate it with `cmake --build build --target regmap`\n", rel);
        ++stale;
      } else {
        fs::create_directories(p.parent_path());
        write_file(p, text);
        std::printf("wrote %s\n", rel);
      }
    }
    return stale ? 1 : 0;
  } catch (const MapError& e) {
    std::fprintf(stderr, "regmap-gen: %s\n", e.what());
    return 2;
  } catch (const fs::filesystem_error& e) {
    std::fprintf(stderr, "regmap-gen: %s\n", e.what());
    return 2;
  }
}
