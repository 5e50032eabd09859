// Sealed sections of CPER records: the host side of the confidentiality
// policy (platform/capture/confidentiality.h). A sealed box is libsodium's
// crypto_box_seal format (ephemeral X25519 public key, Poly1305 tag,
// XSalsa20 ciphertext; nonce = BLAKE2b-192(ephemeral pk || recipient pk)),
// so crypto_box_seal_open opens it. The twin derives the ephemeral key from
// the scenario seed and the plaintext instead of a random draw, so the same
// scenario and seed give the same bytes; firmware on real hardware draws it
// from its random number generator (the SectionSealer is the platform's).
//
// Needs libsodium at build time; without it available() is false and every
// other function throws sealing_unavailable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/capture/confidentiality.h"

namespace crashtwin::sealed_box {

using Key = std::array<uint8_t, kOperatorKeyBytes>;

struct KeyPair {
  Key public_key{};
  Key secret_key{};
};

class sealing_unavailable : public std::runtime_error {
 public:
  sealing_unavailable();
};

// Built with libsodium.
bool available();

// A fresh random key pair (libsodium's crypto_box_keypair).
KeyPair generate_key_pair();
// The public key of a secret key.
Key public_key_of(const Key& secret_key);

// Seals `plaintext` to `public_key` into `out` (plaintext.size() + 48 bytes;
// may overlap plaintext). The ephemeral key pair comes from BLAKE2b of
// `seed`, the public key and the plaintext.
void seal(std::span<const std::byte> plaintext, const Key& public_key, uint64_t seed, std::span<std::byte> out);
// Opens a sealed box into `out` (box.size() - 48 bytes); false when the key
// does not open it (another key, or the box was altered).
bool open(std::span<const std::byte> box, const Key& secret_key, std::span<std::byte> out);

// 64 lowercase hexadecimal digits.
std::string to_hex(const Key& key);
// A key file: 64 hex digits and a newline. Throws format_error naming the
// file when it holds anything else, io_error when it cannot be read.
Key read_key_file(const std::filesystem::path& path);
// Writes a key file atomically; a secret key's file is readable by its
// owner only.
void write_key_file(const std::filesystem::path& path, const Key& key, bool secret);

// Every CPER record of `records` (back to back, as a .cper file holds them)
// with each sealed section opened and put back as the section it was (its
// type and body); other sections are copied as they are. Throws
// format_error (naming `path`) when a record does not parse or a sealed
// section does not open with `secret_key`. `opened` receives the count.
std::vector<std::byte> unseal_records(std::span<const std::byte> records, const Key& secret_key,
                                      const std::filesystem::path& path, size_t& opened);

// The SectionSealer capture calls, for the twin: seals to the operator's
// public key with seal() above.
class OperatorSealer final : public SectionSealer {
 public:
  OperatorSealer(const Key& public_key, uint64_t seed) : public_key_(public_key), seed_(seed) {}
  Status seal(std::span<std::byte> buffer, size_t plaintext_bytes) override;

 private:
  Key public_key_;
  uint64_t seed_;
};

}  // namespace crashtwin::sealed_box
