#include "traces/sealed_box.h"

#include <sys/stat.h>

#include <cstring>

#include <fmt/format.h>

#if CRASHTWIN_WITH_SODIUM
#include <sodium.h>
#endif

#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"
#include "traces/io.h"

namespace crashtwin::sealed_box {

sealing_unavailable::sealing_unavailable()
    : std::runtime_error("this crashtwin was built without libsodium: sealing is unavailable "
                         "(install libsodium-dev, scripts/setup, and rebuild)") {}

#if CRASHTWIN_WITH_SODIUM
static_assert(crypto_box_SEALBYTES == kSealedBoxOverheadBytes && crypto_box_SEALBYTES == cper::kSealedBoxExtraBytes);
static_assert(crypto_box_PUBLICKEYBYTES == kOperatorKeyBytes && crypto_box_SECRETKEYBYTES == kOperatorKeyBytes);

namespace {
void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}
const unsigned char* u8(std::span<const std::byte> s) { return reinterpret_cast<const unsigned char*>(s.data()); }
}  // namespace

bool available() { return true; }

KeyPair generate_key_pair() {
  ensure_sodium();
  KeyPair k;
  crypto_box_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

Key public_key_of(const Key& secret_key) {
  ensure_sodium();
  Key pk{};
  crypto_scalarmult_base(pk.data(), secret_key.data());
  return pk;
}

void seal(std::span<const std::byte> plaintext, const Key& public_key, uint64_t seed, std::span<std::byte> out) {
  ensure_sodium();
  if (out.size() != plaintext.size() + crypto_box_SEALBYTES) throw std::invalid_argument("sealed box size");
  const std::vector<unsigned char> message(u8(plaintext), u8(plaintext) + plaintext.size());
  // The ephemeral key: a function of what is sealed, to whom, and the seed,
  // so two different plaintexts never share an ephemeral key (and nonce).
  constexpr char kDomain[] = "crashtwin sealed section v1";
  unsigned char seed_bytes[8];
  for (size_t i = 0; i < 8; ++i) seed_bytes[i] = static_cast<unsigned char>(seed >> (8 * i));
  unsigned char ephemeral_seed[crypto_box_SEEDBYTES];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof ephemeral_seed);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kDomain), sizeof kDomain - 1);
  crypto_generichash_update(&st, seed_bytes, sizeof seed_bytes);
  crypto_generichash_update(&st, public_key.data(), public_key.size());
  crypto_generichash_update(&st, message.data(), message.size());
  crypto_generichash_final(&st, ephemeral_seed, sizeof ephemeral_seed);
  unsigned char epk[crypto_box_PUBLICKEYBYTES], esk[crypto_box_SECRETKEYBYTES];
  crypto_box_seed_keypair(epk, esk, ephemeral_seed);
  // crypto_box_seal's nonce: BLAKE2b(ephemeral pk || recipient pk), 24 bytes.
  unsigned char nonce[crypto_box_NONCEBYTES];
  crypto_generichash_init(&st, nullptr, 0, sizeof nonce);
  crypto_generichash_update(&st, epk, sizeof epk);
  crypto_generichash_update(&st, public_key.data(), public_key.size());
  crypto_generichash_final(&st, nonce, sizeof nonce);
  auto* c = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(c, epk, sizeof epk);
  const int rc = crypto_box_easy(c + sizeof epk, message.data(), message.size(), nonce, public_key.data(), esk);
  sodium_memzero(esk, sizeof esk);
  sodium_memzero(ephemeral_seed, sizeof ephemeral_seed);
  if (rc != 0) throw std::runtime_error("crypto_box_easy failed (a degenerate public key?)");
}

bool open(std::span<const std::byte> box, const Key& secret_key, std::span<std::byte> out) {
  ensure_sodium();
  if (box.size() < crypto_box_SEALBYTES || out.size() != box.size() - crypto_box_SEALBYTES) return false;
  const Key pk = public_key_of(secret_key);
  return crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), u8(box), box.size(), pk.data(),
                              secret_key.data()) == 0;
}

#else

bool available() { return false; }
KeyPair generate_key_pair() { throw sealing_unavailable(); }
Key public_key_of(const Key&) { throw sealing_unavailable(); }
void seal(std::span<const std::byte>, const Key&, uint64_t, std::span<std::byte>) { throw sealing_unavailable(); }
bool open(std::span<const std::byte>, const Key&, std::span<std::byte>) { throw sealing_unavailable(); }

#endif

Status OperatorSealer::seal(std::span<std::byte> buffer, size_t plaintext_bytes) {
  if (buffer.size() < plaintext_bytes + kSealedBoxOverheadBytes) return Status::invalid_argument;
  try {
    sealed_box::seal(buffer.first(plaintext_bytes), public_key_, seed_,
                     buffer.first(plaintext_bytes + kSealedBoxOverheadBytes));
  } catch (const std::exception&) {
    return Status::io_error;
  }
  return Status::ok;
}

std::string to_hex(const Key& key) {
  std::string out;
  for (uint8_t b : key) out += fmt::format("{:02x}", b);
  return out;
}

Key read_key_file(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  Key key{};
  uint8_t raw[kOperatorKeyBytes];
  if (!parse_key_hex(text.data(), text.size(), raw))
    throw format_error(path, 0, "expected a key: 64 hexadecimal digits (as `crashtwin cper keygen` writes)");
  std::memcpy(key.data(), raw, key.size());
  return key;
}

void write_key_file(const std::filesystem::path& path, const Key& key, bool secret) {
  write_file_atomically(path, to_hex(key) + "\n");
  if (secret && ::chmod(path.c_str(), S_IRUSR | S_IWUSR) != 0) throw io_error(path, "cannot make the key file private");
}

std::vector<std::byte> unseal_records(std::span<const std::byte> records, const Key& secret_key,
                                      const std::filesystem::path& path, size_t& opened) {
  opened = 0;
  std::vector<std::byte> out;
  size_t at = 0;
  for (size_t index = 0; at < records.size(); ++index) {
    cper::RecordView view;
    cper::Diagnostic diagnostic;
    if (!ok(view.parse(records.subspan(at), &diagnostic)))
      throw format_error(path, 0,
                         fmt::format("record {} at byte {}: {} (byte {})", index, at, diagnostic.what,
                                     at + diagnostic.offset));
    // The record again, each sealed section replaced by what it sealed.
    std::vector<cper::SectionDescriptor> descriptors;
    std::vector<std::vector<std::byte>> bodies;
    for (uint16_t i = 0; i < view.section_count(); ++i) {
      cper::SectionView section;
      (void)view.section(i, section);
      cper::SectionDescriptor d = section.descriptor;
      std::vector<std::byte> body(section.body.begin(), section.body.end());
      if (d.section_type == cper::guids::kSealedSection) {
        cper::SealedSection sealed;
        if (!ok(cper::decode_sealed_section(section.body, sealed)))
          throw format_error(path, 0, fmt::format("record {} section {}: a malformed sealed section", index, i));
        body.assign(sealed.plaintext_bytes, std::byte{0});
        if (!open(sealed.box, secret_key, body))
          throw format_error(path, 0,
                             fmt::format("record {} section {}: the key does not open this sealed section (not the "
                                         "secret key of the public key it was sealed to, or the section was altered)",
                                         index, i));
        d.section_type = sealed.original_type;
        ++opened;
      }
      descriptors.push_back(d);
      bodies.push_back(std::move(body));
    }
    cper::RecordHeader header = view.header();
    size_t offset = cper::kRecordHeaderBytes + descriptors.size() * cper::kSectionDescriptorBytes;
    const size_t start = out.size();
    out.resize(start + offset);
    for (size_t i = 0; i < descriptors.size(); ++i) {
      descriptors[i].section_offset = static_cast<uint32_t>(offset);
      descriptors[i].section_length = static_cast<uint32_t>(bodies[i].size());
      (void)cper::encode_section_descriptor(
          descriptors[i], std::span(out).subspan(start + cper::kRecordHeaderBytes + i * cper::kSectionDescriptorBytes));
      out.insert(out.end(), bodies[i].begin(), bodies[i].end());
      offset += bodies[i].size();
    }
    header.record_length = static_cast<uint32_t>(offset);
    (void)cper::encode_record_header(header, std::span(out).subspan(start));
    at += view.header().record_length;
  }
  return out;
}

}  // namespace crashtwin::sealed_box
