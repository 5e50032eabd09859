// Confidential captures: host memory pages marked secret (and optionally the
// cores' register contents) never reach the crash region in the clear. Two
// modes:
//   - redact: the secret bytes a memory snapshot would copy are written as
//     zeros, and register payloads as zeros; the section keeps its type and
//     layout and its manifest entry says `redacted`.
//   - seal: a memory-snapshot section holding any secret byte, and the
//     register sections when registers are secret, are sealed whole to the
//     operator's X25519 public key (a libsodium sealed box) before they are
//     written into the slice; the section becomes a sealed section whose
//     header names the original type (platform/cper/vendor_sections.h).
//
// Sealing is public-key cryptography the portable firmware does not carry:
// capture calls a SectionSealer the platform provides (a crypto engine, or a
// crypto library linked into the firmware image). In the twin it is host
// code (scenarios/runner) over libsodium. This file only decides what is
// secret and where the bytes go; no heap, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/cper/capture_manifest.h"

namespace crashtwin {

// Bytes a sealed box adds to its plaintext: the ephemeral public key (32)
// and the Poly1305 tag (16), as libsodium's crypto_box_SEALBYTES.
inline constexpr size_t kSealedBoxOverheadBytes = 48;

class SectionSealer {
 public:
  // Seals the first `plaintext_bytes` of `buffer` in place: on ok the first
  // plaintext_bytes + kSealedBoxOverheadBytes bytes of `buffer` are a sealed
  // box (crypto_box_seal's format) that only the operator's secret key
  // opens. invalid_argument when `buffer` is too small; io_error when the
  // crypto fails. Nothing is left in the clear on failure: the caller zeroes
  // the buffer.
  virtual Status seal(std::span<std::byte> buffer, size_t plaintext_bytes) = 0;

 protected:
  ~SectionSealer() = default;
};

enum class ConfidentialityMode : uint8_t { off = 0, redact = 1, seal = 2 };

inline constexpr uint32_t kMaxSecretRanges = 32;

// A range of host physical memory whose bytes are secret: [base, base + size).
struct SecretRange {
  uint64_t base = 0;
  uint64_t size = 0;
};

struct CaptureConfidentiality {
  ConfidentialityMode mode = ConfidentialityMode::off;
  SecretRange ranges[kMaxSecretRanges] = {};
  uint32_t range_count = 0;
  bool registers_secret = false;  // register files and the IA32/X64 register contexts
  SectionSealer* sealer = nullptr;  // required in seal mode

  bool active() const { return mode != ConfidentialityMode::off; }
  // True when any byte of physical [address, address + bytes) is secret.
  bool overlaps(uint64_t address, uint64_t bytes) const;
  // Zeroes the bytes of `data` (read from physical `address`) that lie in a
  // secret range; returns how many were zeroed.
  uint64_t redact(uint64_t address, std::span<std::byte> data) const;
};

// An X25519 key (public or secret) as key files and scenarios write it: 64
// hexadecimal digits, surrounding whitespace allowed. False for anything
// else (out untouched).
inline constexpr size_t kOperatorKeyBytes = 32;
bool parse_key_hex(const char* text, size_t length, uint8_t (&out)[kOperatorKeyBytes]);

}  // namespace crashtwin
