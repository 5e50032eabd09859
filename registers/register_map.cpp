#include "registers/register_map.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace crashtwin::regmap {

const char* to_string(Access access) {
  switch (access) {
    case Access::ro: return "ro";
    case Access::rw: return "rw";
    case Access::w1c: return "w1c";
    case Access::wo: return "wo";
  }
  return "?";
}

const Block* RegisterMap::find_block(const std::string& name) const {
  for (const Block& b : blocks)
    if (b.name == name) return &b;
  return nullptr;
}

namespace {

// Reading: every node is checked against the keys its kind allows, and every
// complaint carries the node's position.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& why) const {
    const YAML::Mark m = at.Mark();
    if (m.is_null()) throw MapError(fmt::format("{}: {}", path_, why));
    throw MapError(fmt::format("{}:{}:{}: {}", path_, m.line + 1, m.column + 1, why));
  }

  void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* what) const {
    if (!map.IsMap()) fail(map, fmt::format("{} must be a mapping", what));
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) == allowed.end())
        fail(kv.first, fmt::format("unknown key '{}' in {}", key, what));
    }
  }

  YAML::Node required(const YAML::Node& map, const char* key, const char* what) const {
    const YAML::Node n = map[key];
    if (!n) fail(map, fmt::format("{} needs '{}'", what, key));
    return n;
  }

  std::string text(const YAML::Node& n) const {
    if (!n.IsScalar()) fail(n, "expected a text");
    return n.as<std::string>();
  }

  std::string name(const YAML::Node& n) const {
    const std::string s = text(n);
    const bool valid = !s.empty() && s[0] >= 'a' && s[0] <= 'z' &&
                       std::all_of(s.begin(), s.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       });
    if (!valid) fail(n, fmt::format("'{}' is not a name (lower case letters, digits and _, starting with a letter)", s));
    return s;
  }

  uint64_t number(const YAML::Node& n) const {
    const std::string s = text(n);
    size_t used = 0;
    uint64_t v = 0;
    try {
      if (s.empty() || s[0] == '-' || s[0] == '+') throw std::invalid_argument(s);
      v = std::stoull(s, &used, 0);
    } catch (const std::exception&) {
      fail(n, fmt::format("'{}' is not a non-negative integer", s));
    }
    if (used != s.size()) fail(n, fmt::format("'{}' is not a non-negative integer", s));
    return v;
  }

  Access access(const YAML::Node& n) const {
    const std::string s = text(n);
    if (s == "ro") return Access::ro;
    if (s == "rw") return Access::rw;
    if (s == "w1c") return Access::w1c;
    if (s == "wo") return Access::wo;
    fail(n, fmt::format("access '{}' is none of ro, rw, w1c, wo", s));
  }

  Field field(const YAML::Node& n, const Register& reg) const {
    only_keys(n, {"name", "bits", "description"}, "a field");
    Field f;
    f.name = name(required(n, "name", "a field"));
    const YAML::Node bits = required(n, "bits", "a field");
    const std::string b = text(bits);
    const size_t colon = b.find(':');
    auto bit = [&](const std::string& part) {
      const uint64_t v = number(YAML::Node(part));
      if (v >= uint64_t{reg.width} * 8)
        fail(bits, fmt::format("bit {} lies outside the {}-bit register {}", v, reg.width * 8, reg.name));
      return static_cast<unsigned>(v);
    };
    if (colon == std::string::npos) {
      f.lsb = f.msb = bit(b);
    } else {
      f.msb = bit(b.substr(0, colon));
      f.lsb = bit(b.substr(colon + 1));
      if (f.msb < f.lsb) fail(bits, fmt::format("bits '{}' must be written high:low", b));
    }
    if (n["description"]) f.description = text(n["description"]);
    return f;
  }

  Register reg(const YAML::Node& n) const {
    only_keys(n, {"name", "offset", "width", "count", "stride", "access", "reset", "side_effect", "description", "fields"},
              "a register");
    Register r;
    r.name = name(required(n, "name", "a register"));
    for (const char* reserved : {"bank", "block_base", "name_prefix", "board"})
      if (r.name == reserved)
        fail(n["name"], fmt::format("'{}' is reserved (a parameter of the generated declarations)", r.name));
    r.offset = number(required(n, "offset", "a register"));
    if (n["width"]) {
      const uint64_t w = number(n["width"]);
      if (w != 1 && w != 2 && w != 4 && w != 8) fail(n["width"], "width must be 1, 2, 4 or 8 bytes");
      r.width = static_cast<uint32_t>(w);
    }
    if (r.offset % r.width != 0) fail(n["offset"], fmt::format("offset {:#x} is not aligned to the register's width", r.offset));
    if (n["count"]) {
      const uint64_t c = number(n["count"]);
      if (c < 1 || c > 65536) fail(n["count"], "count must be 1..65536");
      r.count = static_cast<uint32_t>(c);
      r.stride = n["stride"] ? number(n["stride"]) : r.width;
      if (r.stride < r.width || r.stride % r.width != 0)
        fail(n["stride"] ? n["stride"] : n, "stride must be a multiple of the width, at least the width");
    } else if (n["stride"]) {
      fail(n["stride"], "stride without count");
    }
    r.access = access(required(n, "access", "a register"));
    if (n["reset"]) {
      if (text(n["reset"]) == "board") {
        r.reset.reset();
      } else {
        r.reset = number(n["reset"]);
        if (r.width < 8 && *r.reset >> (8 * r.width) != 0) fail(n["reset"], "the reset value does not fit the width");
      }
    }
    if (n["side_effect"]) {
      if (text(n["side_effect"]) != "read") fail(n["side_effect"], "side_effect can only be 'read'");
      r.read_has_side_effect = true;
    }
    if (n["description"]) r.description = text(n["description"]);
    if (const YAML::Node fields = n["fields"]) {
      if (!fields.IsSequence()) fail(fields, "fields must be a list");
      uint64_t used = 0;
      std::set<std::string> names;
      for (const auto& fn : fields) {
        Field f = field(fn, r);
        if (!names.insert(f.name).second) fail(fn, fmt::format("field '{}' twice in {}", f.name, r.name));
        const uint64_t mask = (f.msb == 63 ? ~0ull : (1ull << (f.msb + 1)) - 1) & ~((1ull << f.lsb) - 1);
        if (used & mask) fail(fn, fmt::format("field '{}' overlaps another field of {}", f.name, r.name));
        used |= mask;
        r.fields.push_back(std::move(f));
      }
    }
    return r;
  }

  Block block(const YAML::Node& n) const {
    only_keys(n, {"name", "title", "description", "registers", "windows"}, "a block");
    Block b;
    b.name = name(required(n, "name", "a block"));
    b.title = text(required(n, "title", "a block"));
    if (n["description"]) b.description = text(n["description"]);
    // Every byte a register or window covers, to find two on one byte.
    std::map<uint64_t, std::pair<uint64_t, std::string>> covered;  // begin -> (end, what)
    auto claim = [&](const YAML::Node& at, uint64_t begin, uint64_t end, const std::string& what) {
      auto next = covered.lower_bound(begin);
      if (next != covered.end() && next->first < end)
        fail(at, fmt::format("{} overlaps {} in block {}", what, next->second.second, b.name));
      if (next != covered.begin() && std::prev(next)->second.first > begin)
        fail(at, fmt::format("{} overlaps {} in block {}", what, std::prev(next)->second.second, b.name));
      covered.emplace(begin, std::make_pair(end, what));
    };
    std::set<std::string> names;
    const YAML::Node regs = required(n, "registers", "a block");
    if (!regs.IsSequence() || regs.size() == 0) fail(regs, "registers must be a non-empty list");
    for (const auto& rn : regs) {
      Register r = reg(rn);
      if (!names.insert(r.name).second) fail(rn, fmt::format("'{}' twice in block {}", r.name, b.name));
      for (uint32_t i = 0; i < r.count; ++i)
        claim(rn, r.offset + i * r.stride, r.offset + i * r.stride + r.width,
              r.count > 1 ? fmt::format("{}[{}]", r.name, i) : r.name);
      b.registers.push_back(std::move(r));
    }
    if (const YAML::Node wins = n["windows"]) {
      if (!wins.IsSequence()) fail(wins, "windows must be a list");
      for (const auto& wn : wins) {
        only_keys(wn, {"name", "offset", "size", "description"}, "a window");
        Window w;
        w.name = name(required(wn, "name", "a window"));
        w.offset = number(required(wn, "offset", "a window"));
        w.size = number(required(wn, "size", "a window"));
        if (w.size == 0) fail(wn["size"], "a window needs a size");
        if (wn["description"]) w.description = text(wn["description"]);
        if (!names.insert(w.name).second) fail(wn, fmt::format("'{}' twice in block {}", w.name, b.name));
        claim(wn, w.offset, w.offset + w.size, w.name);
        b.windows.push_back(std::move(w));
      }
    }
    return b;
  }

  Device device(const YAML::Node& n, const RegisterMap& map) const {
    only_keys(n, {"name", "title", "description", "blocks"}, "a device");
    Device d;
    d.name = name(required(n, "name", "a device"));
    d.title = text(required(n, "title", "a device"));
    if (n["description"]) d.description = text(n["description"]);
    const YAML::Node places = required(n, "blocks", "a device");
    if (!places.IsSequence() || places.size() == 0) fail(places, "blocks must be a non-empty list");
    struct Span {
      uint64_t begin, end;
      std::string what;
    };
    std::vector<Span> spans;
    for (const auto& pn : places) {
      only_keys(pn, {"block", "offset", "stride", "count", "description"}, "a block placement");
      Placement p;
      p.block = name(required(pn, "block", "a block placement"));
      const Block* b = map.find_block(p.block);
      if (!b) fail(pn["block"], fmt::format("no block named '{}'", p.block));
      p.offset = number(required(pn, "offset", "a block placement"));
      if (pn["stride"]) p.stride = number(pn["stride"]);
      if (pn["count"]) {
        if (!pn["stride"]) fail(pn["count"], "count without stride");
        p.count = static_cast<uint32_t>(std::min<uint64_t>(number(pn["count"]), UINT32_MAX));
      }
      if (pn["description"]) p.description = text(pn["description"]);
      // Two placements may share a range (a core's timer block lies in its
      // unit window) but never a register: check the first two instances.
      const uint32_t instances = p.stride == 0 ? 1 : 2;
      for (uint32_t i = 0; i < instances; ++i) {
        const uint64_t base = p.offset + i * p.stride;
        for (const Register& r : b->registers)
          for (uint32_t e = 0; e < r.count; ++e)
            spans.push_back({base + r.offset + e * r.stride, base + r.offset + e * r.stride + r.width,
                             fmt::format("{}.{}", p.block, r.name)});
        for (const Window& w : b->windows)
          spans.push_back({base + w.offset, base + w.offset + w.size, fmt::format("{}.{}", p.block, w.name)});
        if (p.stride != 0) {
          uint64_t extent = 0;
          for (const Register& r : b->registers) extent = std::max(extent, r.offset + (r.count - 1) * r.stride + r.width);
          for (const Window& w : b->windows) extent = std::max(extent, w.offset + w.size);
          if (extent > p.stride)
            fail(pn["stride"], fmt::format("block {} spans {:#x} bytes, more than the stride", p.block, extent));
        }
      }
      d.placements.push_back(std::move(p));
      std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) { return x.begin < y.begin; });
      for (size_t i = 1; i < spans.size(); ++i)
        if (spans[i].begin < spans[i - 1].end)
          fail(pn, fmt::format("in device {}, {} overlaps {}", d.name, spans[i].what, spans[i - 1].what));
    }
    return d;
  }

  RegisterMap map(const YAML::Node& root) const {
    only_keys(root, {"prefix", "title", "revision", "blocks", "devices"}, "the register map");
    RegisterMap m;
    m.prefix = text(required(root, "prefix", "the register map"));
    m.title = text(required(root, "title", "the register map"));
    m.revision = static_cast<uint32_t>(number(required(root, "revision", "the register map")));
    const YAML::Node blocks = required(root, "blocks", "the register map");
    if (!blocks.IsSequence()) fail(blocks, "blocks must be a list");
    for (const auto& bn : blocks) {
      Block b = block(bn);
      if (m.find_block(b.name)) fail(bn, fmt::format("block '{}' twice", b.name));
      m.blocks.push_back(std::move(b));
    }
    const YAML::Node devices = required(root, "devices", "the register map");
    if (!devices.IsSequence()) fail(devices, "devices must be a list");
    std::set<std::string> names;
    for (const auto& dn : devices) {
      Device d = device(dn, m);
      if (!names.insert(d.name).second) fail(dn, fmt::format("device '{}' twice", d.name));
      m.devices.push_back(std::move(d));
    }
    return m;
  }

 private:
  std::string path_;
};

}  // namespace

RegisterMap read_register_map(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw MapError(fmt::format("{}: cannot be read", path));
  } catch (const YAML::ParserException& e) {
    throw MapError(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return Reader(path).map(root);
}

}  // namespace crashtwin::regmap
