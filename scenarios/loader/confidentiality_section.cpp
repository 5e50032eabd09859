#include "scenarios/loader/confidentiality_section.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "platform/core/units.h"

namespace crashtwin::scenario {
namespace {

constexpr uint64_t kSecretPageBytes = 4096;
// A key file is 64 hex digits and a newline; anything much longer is not one.
constexpr std::streamsize kMaxKeyFileBytes = 4096;

// A physical address: hexadecimal (0x...) or a size with units ("64 MiB").
bool parse_address(const std::string& text, uint64_t& out) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::string digits;
    for (char c : text.substr(2))
      if (c != '_') digits += c;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, 16);
    return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
  }
  return ok(parse_size_bytes(text, out));
}

void read_secret_range(MapReader& list, const YAML::Node& item, const std::string& field,
                       ConfidentialitySettings& c) {
  ReadContext& ctx = list.context();
  MapReader m(ctx, item, field);
  if (!m.is_map()) return;
  SecretRange r;
  bool good = true;
  if (const auto text = m.text("address", Need::required)) {
    if (!parse_address(*text, r.base)) {
      ctx.error(m.get("address"), m.field("address"),
                fmt::format("'{}' is not an address; expected hexadecimal (0x4000000) or a size (\"64 MiB\")", *text));
      good = false;
    } else if (r.base % kSecretPageBytes != 0) {
      ctx.error(m.get("address"), m.field("address"),
                fmt::format("'{}' is not page aligned; secret ranges are whole 4 KiB pages", *text));
      good = false;
    }
  } else {
    good = false;
  }
  if (const auto size = m.size("size", Need::required, kSecretPageBytes)) {
    r.size = *size;
    if (r.size % kSecretPageBytes != 0) {
      ctx.error(m.get("size"), m.field("size"),
                fmt::format("{} bytes is not a whole number of 4 KiB pages", r.size));
      good = false;
    } else if (r.base > UINT64_MAX - r.size) {
      ctx.error(m.get("size"), m.field("size"), "the range runs past the end of the physical address space");
      good = false;
    }
  } else {
    good = false;
  }
  m.finish();
  if (good) c.secret.push_back(r);
}

// The public key: 64 hex digits inline, or the file holding them.
void read_public_key(MapReader& m, ConfidentialitySettings& c, const std::filesystem::path& base_dir) {
  if (const YAML::Node node = m.get("operator_public_key"); node.IsDefined() && node.IsNull()) return;  // `~`: none
  const auto text = m.text("operator_public_key", Need::optional);
  if (!text) return;
  ReadContext& ctx = m.context();
  const YAML::Node node = m.get("operator_public_key");
  uint8_t key[kOperatorKeyBytes];
  if (parse_key_hex(text->data(), text->size(), key)) {
    std::copy(std::begin(key), std::end(key), c.operator_public_key.begin());
    c.operator_public_key_source = "inline";
    return;
  }
  std::filesystem::path p(*text);
  if (p.is_relative()) p = base_dir / p;
  p = p.lexically_normal();
  std::ifstream in(p, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(p, ec)) {
    ctx.error(node, m.field("operator_public_key"),
              fmt::format("cannot read the key file '{}'; expected a key file (`crashtwin cper keygen` writes one) "
                          "or the key as 64 hexadecimal digits",
                          p.string()));
    return;
  }
  std::string content(static_cast<size_t>(kMaxKeyFileBytes), '\0');
  in.read(content.data(), kMaxKeyFileBytes);
  content.resize(static_cast<size_t>(in.gcount()));
  if (!parse_key_hex(content.data(), content.size(), key)) {
    ctx.error(node, m.field("operator_public_key"),
              fmt::format("'{}' holds no key; expected 64 hexadecimal digits (a public key `crashtwin cper keygen` "
                          "wrote)",
                          p.string()));
    return;
  }
  std::copy(std::begin(key), std::end(key), c.operator_public_key.begin());
  c.operator_public_key_source = p.string();
}

}  // namespace

void read_confidentiality(MapReader& root, Scenario& s, const std::filesystem::path& base_dir) {
  const YAML::Node node = root.get("confidentiality");
  if (!node.IsDefined() || node.IsNull()) return;
  ReadContext& ctx = root.context();
  MapReader m(ctx, node, "confidentiality");
  if (!m.is_map()) return;
  ConfidentialitySettings c;
  c.where = ctx.locate(node, "confidentiality");
  const auto mode = m.choice("mode", Need::required, {"redact", "seal"});
  if (mode) c.mode = *mode == 0 ? ConfidentialityMode::redact : ConfidentialityMode::seal;
  m.for_each("secret", Need::optional,
             [&](const YAML::Node& item, const std::string& field) { read_secret_range(m, item, field, c); });
  if (c.secret.size() > kMaxSecretRanges)
    ctx.error(m.get("secret"), m.field("secret"),
              fmt::format("has {} ranges; at most {} are allowed (merge neighbouring pages into one range)",
                          c.secret.size(), kMaxSecretRanges));
  c.registers = m.boolean("registers", Need::optional).value_or(false);
  const bool has_key = m.has("operator_public_key") && !m.get("operator_public_key").IsNull();
  read_public_key(m, c, base_dir);
  m.finish();
  if (!mode) return;
  if (c.mode == ConfidentialityMode::seal && !has_key)
    ctx.error(node, m.field("operator_public_key"),
              "is required with mode: seal (the key sections are sealed to; `crashtwin cper keygen` makes a pair)");
  if (c.mode == ConfidentialityMode::redact && has_key)
    ctx.error(m.get("operator_public_key"), m.field("operator_public_key"),
              "is used with mode: seal only; redacted bytes are not sealed to anyone");
  const YAML::Node secret = m.get("secret");
  if (!c.registers && (!secret.IsDefined() || secret.IsNull() || (secret.IsSequence() && secret.size() == 0)))
    ctx.error(node, "confidentiality",
              "names nothing secret; expected `secret:` page ranges and/or `registers: true`");
  s.confidentiality = std::move(c);
}

}  // namespace crashtwin::scenario
