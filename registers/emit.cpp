// The three files generated from a register map. Each is a pure function of
// the map, so regenerating an unchanged map gives the same bytes (the
// staleness test compares them).
#include <cctype>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "registers/register_map.h"

namespace crashtwin::regmap {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string camel(const std::string& s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

// Words of `text` in lines of at most `width` characters, each led by `lead`.
std::string wrap(const std::string& text, const std::string& lead, size_t width = 79) {
  std::istringstream words(text);
  std::string out, line, word;
  while (words >> word) {
    if (!line.empty() && lead.size() + line.size() + 1 + word.size() > width) {
      out += lead + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += lead + line + "\n";
  return out;
}

// A C comment of `text`, wrapped, its lines aligned under the first.
std::string c_comment(const std::string& text) {
  std::string out = wrap(text, "   ", 76);
  out.replace(0, 3, "/* ");
  out.insert(out.size() - 1, " */");
  return out;
}

std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }
std::string u64(uint64_t v) { return fmt::format("UINT64_C({:#x})", v); }

// The placement macro's name within its device: a block named after the
// device is its REGS, a block named "<device>_x" is its X.
std::string placement_name(const Device& d, const Placement& p) {
  if (p.block == d.name) return "REGS";
  if (p.block.rfind(d.name + "_", 0) == 0) return upper(p.block.substr(d.name.size() + 1));
  return upper(p.block);
}

class Defines {
 public:
  explicit Defines(std::string& out) : out_(out) {}
  void define(const std::string& name, const std::string& value) {
    const std::string macro = name.substr(0, name.find('('));
    if (!names_.insert(macro).second) throw MapError(fmt::format("two definitions generate the macro {}", macro));
    out_ += fmt::format("#define {} {}\n", name, value);
  }

 private:
  std::string& out_;
  std::set<std::string> names_;
};

const char* generated_note = "Generated from {} by regmap-gen (registers/): do not edit.";

}  // namespace

std::string c_header(const RegisterMap& map, const std::string& source) {
  const std::string P = upper(map.prefix);
  std::string out;
  out += fmt::format("/* {}, revision {}.\n", map.title, map.revision);
  out += " * " + fmt::format(fmt::runtime(generated_note), source) + "\n";
  out += " * Offsets are from the base of the block (registers) or of the device\n";
  out += " * (blocks); registers are little-endian; _MASK values are in place. */\n";
  out += fmt::format("#ifndef {0}_REGS_H\n#define {0}_REGS_H\n\n#include <stdint.h>\n\n", P);
  Defines defs(out);
  defs.define(P + "_REGMAP_REVISION", fmt::format("{}u", map.revision));
  for (const Access a : {Access::ro, Access::rw, Access::w1c, Access::wo})
    defs.define(fmt::format("{}_ACCESS_{}", P, upper(to_string(a))), fmt::format("{}u", static_cast<int>(a)));
  for (const Block& b : map.blocks) {
    const std::string B = P + "_" + upper(b.name);
    out += fmt::format("\n/* ---- {}: {} ----\n", b.name, b.title);
    if (!b.description.empty()) out += wrap(b.description, " * ");
    out += " */\n";
    for (const Register& r : b.registers) {
      const std::string R = B + "_" + upper(r.name);
      out += "\n" + c_comment(fmt::format("{}{} ({}): {}", upper(r.name), r.count > 1 ? fmt::format("[{}]", r.count) : "",
                                           to_string(r.access), r.description));
      if (r.count > 1) {
        defs.define(R + "(i)", fmt::format("({} + (uint64_t)(i) * {})", u64(r.offset), u64(r.stride)));
        defs.define(R + "_COUNT", fmt::format("{}u", r.count));
        defs.define(R + "_STRIDE", u64(r.stride));
      } else {
        defs.define(R, u64(r.offset));
      }
      defs.define(R + "_WIDTH", fmt::format("{}u", r.width));
      defs.define(R + "_ACCESS", fmt::format("{}_ACCESS_{}", P, upper(to_string(r.access))));
      if (r.reset) defs.define(R + "_RESET", u64(*r.reset));
      for (const Field& f : r.fields) {
        const uint64_t bits = f.msb - f.lsb + 1;
        const uint64_t mask = (bits == 64 ? ~0ull : (1ull << bits) - 1) << f.lsb;
        defs.define(R + "_" + upper(f.name) + "_SHIFT", fmt::format("{}u", f.lsb));
        defs.define(R + "_" + upper(f.name) + "_MASK", u64(mask));
      }
    }
    for (const Window& w : b.windows) {
      const std::string W = B + "_" + upper(w.name);
      out += "\n" + c_comment(fmt::format("{} (window, read-only): {}", upper(w.name), w.description));
      defs.define(W, u64(w.offset));
      defs.define(W + "_SIZE", u64(w.size));
    }
  }
  out += "\n/* ==== Devices: where each block sits in a device's MMIO window ==== */\n";
  for (const Device& d : map.devices) {
    const std::string D = P + "_" + upper(d.name);
    out += fmt::format("\n/* {}: {} */\n", d.name, d.title);
    for (const Placement& p : d.placements) {
      const std::string N = D + "_" + placement_name(d, p);
      if (p.stride == 0) {
        defs.define(N, u64(p.offset));
        continue;
      }
      defs.define(N + "(i)", fmt::format("({} + (uint64_t)(i) * {})", u64(p.offset), u64(p.stride)));
      defs.define(N + "_STRIDE", u64(p.stride));
      if (p.count != 0) defs.define(N + "_MAX", fmt::format("{}u", p.count));
    }
  }
  out += fmt::format("\n#endif /* {}_REGS_H */\n", P);
  return out;
}

std::string model_declarations(const RegisterMap& map, const std::string& source) {
  const std::string P = upper(map.prefix);
  std::string out;
  out += "// The models' register declarations, one struct per block of the register\n";
  out += "// map: each declares its registers as members in a RegisterBank at a base.\n";
  out += "// " + fmt::format(fmt::runtime(generated_note), source) + "\n";
  out += "#pragma once\n\n#include <cstdint>\n#include <string>\n\n";
  out += "#include \"models/core/register.h\"\n#include \"platform/regs/crashtwin_regs.h\"\n\n";
  out += "namespace crashtwin::regs {\n";
  for (const Block& b : map.blocks) {
    const std::string B = P + "_" + upper(b.name);
    const std::string S = camel(b.name) + "Registers";
    out += "\n" + wrap(b.title + (b.description.empty() ? "" : ": " + b.description), "// ", 100);
    out += fmt::format("struct {} {{\n", S);
    bool board_reset = false;
    for (const Register& r : b.registers) board_reset |= !r.reset.has_value();
    if (board_reset) {
      out += "  // Reset values the board's configuration decides.\n  struct BoardReset {\n";
      for (const Register& r : b.registers)
        if (!r.reset) out += fmt::format("    uint64_t {} = 0;\n", r.name);
      out += "  };\n\n";
    }
    // Constructor: arrays may be declared shorter than the map's maximum
    // (a class with fewer metrics than slots).
    // Parameter names no register may take (the reader refuses them).
    std::string params = "RegisterBank& bank, uint64_t block_base, const std::string& name_prefix";
    if (board_reset) params += ", const BoardReset& board";
    for (const Register& r : b.registers)
      if (r.count > 1) params += fmt::format(", uint32_t {}_count = {}_{}_COUNT", r.name, B, upper(r.name));
    out += fmt::format("  {}({})\n", S, params);
    bool first = true;
    for (const Register& r : b.registers) {
      const std::string R = B + "_" + upper(r.name);
      const std::string reset = r.reset ? R + "_RESET" : "board." + r.name;
      const std::string access = fmt::format("Access::{}", to_string(r.access));
      out += first ? "      : " : ",\n        ";
      first = false;
      if (r.count > 1)
        out += fmt::format("{0}(bank, name_prefix + \"{0}\", block_base + {1}(0), {0}_count, {1}_STRIDE, {1}_WIDTH, {2}, {3})",
                           r.name, R, reset, access);
      else
        out += fmt::format("{0}(bank, name_prefix + \"{0}\", block_base + {1}, {1}_WIDTH, {2}, {3})", r.name, R, reset,
                           access);
    }
    out += " {\n";
    for (const Register& r : b.registers)
      if (r.read_has_side_effect) out += fmt::format("    {}.read_changes_state();\n", r.name);
    out += "  }\n\n";
    for (const Register& r : b.registers) {
      out += wrap(fmt::format("{}{}", upper(r.name), r.description.empty() ? "" : ": " + r.description), "  // ", 100);
      out += fmt::format("  {} {};\n", r.count > 1 ? "RegisterArray" : "Register", r.name);
    }
    out += "};\n";
  }
  out += "\n}  // namespace crashtwin::regs\n";
  return out;
}

std::string markdown(const RegisterMap& map, const std::string& source) {
  const std::string P = upper(map.prefix);
  std::string out;
  out += fmt::format("# {} (revision {})\n\n", map.title, map.revision);
  out += fmt::format(fmt::runtime(generated_note), "`" + source + "`") + "\n";
  out += "The firmware includes the same map as `platform/regs/crashtwin_regs.h`, the\n";
  out += "models declare their registers from `models/regs/register_blocks.h`;\n";
  out += "`cmake --build build --target regmap` regenerates all three after an edit of\n";
  out += "the description, and the test `regmap_is_current` fails while one is stale.\n\n";
  out += "Registers are 64-bit and little-endian unless the width says otherwise.\n";
  out += "Access: `ro` writes are refused with an error response; `rw`; `w1c` writing 1\n";
  out += "to a bit clears it; `wo` reads return 0. Reset `board`: the board's\n";
  out += "configuration decides (a core count, a capability). A register marked\n";
  out += "*read side effect* changes device state when the bus reads it; a debugger\n";
  out += "(`transport_dbg`) sees its last read value instead.\n\n";
  out += "## Devices\n\nWhere each block sits in a device's MMIO window; the device's base is\n";
  out += "the board's (a run's `config.yaml` lists each model's `base`).\n";
  for (const Device& d : map.devices) {
    out += fmt::format("\n### {}: {}\n\n", d.name, d.title);
    if (!d.description.empty()) out += wrap(d.description, "") + "\n";
    out += "| Offset | Block | Instances | Macro |\n|---|---|---|---|\n";
    for (const Placement& p : d.placements) {
      const std::string macro = P + "_" + upper(d.name) + "_" + placement_name(d, p);
      std::string where = hex(p.offset), count = "1";
      if (p.stride != 0) {
        where = fmt::format("{} + {} i", hex(p.offset), hex(p.stride));
        count = p.count ? fmt::format("at most {}", p.count) : "as the board has";
      }
      out += fmt::format("| {} | [{}](#{}) | {}{} | `{}{}` |\n", where, p.block, p.block, count,
                         p.description.empty() ? "" : ": " + p.description, macro, p.stride ? "(i)" : "");
    }
  }
  out += "\n## Blocks\n";
  for (const Block& b : map.blocks) {
    const std::string B = P + "_" + upper(b.name);
    out += fmt::format("\n### {}\n\n**{}.** ", b.name, b.title);
    out += (b.description.empty() ? "" : wrap(b.description, "")) + "\n";
    out += "| Offset | Register | Access | Reset | Description |\n|---|---|---|---|---|\n";
    for (const Register& r : b.registers) {
      std::string where = hex(r.offset), name = upper(r.name);
      if (r.count > 1) {
        where = fmt::format("{} + {} i", hex(r.offset), hex(r.stride));
        name += fmt::format("[i], i < {}", r.count);
      }
      std::string access = to_string(r.access);
      if (r.width != 8) access += fmt::format(", {} bits", r.width * 8);
      if (r.read_has_side_effect) access += ", read side effect";
      out += fmt::format("| {} | {} | {} | {} | {} |\n", where, name, access, r.reset ? hex(*r.reset) : "board",
                         r.description);
    }
    for (const Window& w : b.windows)
      out += fmt::format("| {} | {} (window) | ro | - | {} bytes: {} |\n", hex(w.offset), upper(w.name), hex(w.size),
                         w.description);
    for (const Register& r : b.registers) {
      if (r.fields.empty()) continue;
      out += fmt::format("\n{} fields:\n\n| Bits | Field | Description |\n|---|---|---|\n", upper(r.name));
      for (const Field& f : r.fields)
        out += fmt::format("| {} | {} | {} |\n", f.msb == f.lsb ? fmt::format("{}", f.lsb) : fmt::format("{}:{}", f.msb, f.lsb),
                           upper(f.name), f.description);
    }
  }
  return out;
}

}  // namespace crashtwin::regmap
