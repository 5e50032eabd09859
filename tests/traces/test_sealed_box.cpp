// Confidential captures on the capture test board: no secret byte reaches
// the crash region image in the clear (redacted or sealed), sealed sections
// open with libsodium's own crypto_box_seal_open and the right key only, and
// sealing is deterministic for a seed.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "platform/capture/capture.h"
#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/test_capture_board.h"
#include "traces/io.h"
#include "traces/sealed_box.h"

using namespace crashtwin;
using namespace crashtwin::test_board;

namespace {

constexpr size_t kHistory = 20;
constexpr char kPattern[] = "TOP-SECRET-PAGE-BYTES-7f3a9c!";  // 29 bytes: never a multiple of a page
// The data page around kBadAddress (the DRAM rows a memory error captures)
// and the first page of the kernel log ring are secret.
constexpr uint64_t kSecretRowPage = kBadAddress / 4096 * 4096;

std::span<const std::byte> bytes_of(const char* text) { return std::as_bytes(std::span(text, std::strlen(text))); }

bool contains(std::span<const std::byte> haystack, std::span<const std::byte> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

struct Board {
  MemoryHal hal{kDramBytes, kDramBase};
  std::vector<SensorReading> readings = history(kHistory);
  std::vector<std::byte> scratch = std::vector<std::byte>(capture_scratch_bytes(kRegionBytes));
  std::vector<std::byte> core1_registers = register_file_for(1);

  Board() {
    populate(hal);
    for (uint64_t page : {kSecretRowPage, kLogBase}) {
      auto bytes = hal.bytes(page, 4096);
      for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(kPattern[i % (sizeof kPattern - 1)]);
    }
  }

  CaptureConfidentiality policy(ConfidentialityMode mode, SectionSealer* sealer = nullptr) const {
    CaptureConfidentiality c;
    c.mode = mode;
    c.ranges[0] = SecretRange{kSecretRowPage, 4096};
    c.ranges[1] = SecretRange{kLogBase, 4096};
    c.range_count = 2;
    c.registers_secret = true;
    c.sealer = sealer;
    return c;
  }

  // Captures `type` into a fresh slice; returns the record's bytes in the region.
  std::span<std::byte> capture(ErrorType type, const CaptureConfidentiality* conf) {
    std::fill(hal.bytes(kRegionBase, kRegionBytes).begin(), hal.bytes(kRegionBase, kRegionBytes).end(), std::byte{0});
    SliceEntry s;
    s.base = kRegionBase + kHeaderAreaBytes;
    s.size = kRegionBytes - kHeaderAreaBytes;
    CaptureResult r;
    REQUIRE(capture_error(hal, event_for(type), 1, s, readings, scratch, r, facts(kHistory), conf) == Status::ok);
    REQUIRE(r.manifest.captured_bytes <= r.manifest.needed_bytes);
    return hal.bytes(s.base + r.record_offset, r.record_bytes);
  }

  // The register file payload of core 1 (its registers as the core holds them).
  std::span<const std::byte> secret_registers() const { return std::span(core1_registers).first(64); }
  std::span<std::byte> region() { return hal.bytes(kRegionBase, kRegionBytes); }
};

cper::SectionView section_of(std::span<const std::byte> record, const cper::Guid& type, size_t nth = 0) {
  cper::RecordView view;
  REQUIRE(view.parse(record) == Status::ok);
  for (uint16_t i = 0; i < view.section_count(); ++i) {
    cper::SectionView sv;
    REQUIRE(view.section(i, sv) == Status::ok);
    if (sv.descriptor.section_type == type && nth-- == 0) return sv;
  }
  FAIL("no such section");
  return {};
}

cper::CaptureManifest manifest_of(std::span<const std::byte> record) {
  cper::CaptureManifest m;
  REQUIRE(cper::decode_capture_manifest(section_of(record, cper::guids::kCaptureManifest).body, m) == Status::ok);
  return m;
}

const ErrorType kTypes[] = {ErrorType::memory_uncorrectable, ErrorType::page_fault};

}  // namespace

TEST_CASE("without confidentiality the secret pattern is in the region (the check can see it)", "[seal]") {
  Board b;
  b.capture(ErrorType::memory_uncorrectable, nullptr);
  CHECK(contains(b.region(), bytes_of(kPattern)));
  b.capture(ErrorType::page_fault, nullptr);
  CHECK(contains(b.region(), bytes_of(kPattern)));
  CHECK(contains(b.region(), b.secret_registers()));
}

TEST_CASE("redacted captures leave no secret byte in the region image", "[seal]") {
  Board b;
  const CaptureConfidentiality conf = b.policy(ConfidentialityMode::redact);
  for (ErrorType t : kTypes) {
    INFO(to_string(t));
    const auto record = b.capture(t, &conf);
    // Any 8 consecutive bytes of the pattern would be a leak.
    for (size_t at = 0; at + 8 <= sizeof kPattern - 1; ++at)
      CHECK_FALSE(contains(b.region(), bytes_of(kPattern).subspan(at, 8)));
    CHECK_FALSE(contains(b.region(), b.secret_registers()));
    const cper::CaptureManifest m = manifest_of(record);
    bool any_redacted = false;
    for (uint16_t i = 0; i < m.entry_count; ++i) {
      const auto src = m.entries[i].source;
      if (src == cper::CaptureSource::kernel_log || src == cper::CaptureSource::register_file ||
          src == cper::CaptureSource::memory_rows)
        CHECK(m.entries[i].protection == cper::SectionProtection::redacted);
      if (src == cper::CaptureSource::sensor_history) CHECK(m.entries[i].protection == cper::SectionProtection::clear);
      any_redacted = any_redacted || m.entries[i].protection == cper::SectionProtection::redacted;
    }
    CHECK(any_redacted);
  }
}

TEST_CASE("sealed captures leave no secret byte in the region and open with crypto_box_seal_open", "[seal]") {
  REQUIRE(sodium_init() >= 0);
  const sealed_box::KeyPair operator_keys = sealed_box::generate_key_pair();
  const sealed_box::KeyPair other_keys = sealed_box::generate_key_pair();
  sealed_box::OperatorSealer sealer(operator_keys.public_key, 42);
  for (ErrorType t : kTypes) {
    INFO(to_string(t));
    Board clear_board;
    const auto clear_record = clear_board.capture(t, nullptr);
    const std::vector<std::byte> clear(clear_record.begin(), clear_record.end());
    Board b;
    const CaptureConfidentiality conf = b.policy(ConfidentialityMode::seal, &sealer);
    const auto record = b.capture(t, &conf);
    for (size_t at = 0; at + 8 <= sizeof kPattern - 1; ++at)
      CHECK_FALSE(contains(b.region(), bytes_of(kPattern).subspan(at, 8)));
    CHECK_FALSE(contains(b.region(), b.secret_registers()));

    // Each sealed section: libsodium's crypto_box_seal_open gives back the
    // exact body a capture without confidentiality writes; another key
    // opens nothing.
    const cper::CaptureManifest m = manifest_of(record);
    size_t sealed_count = 0;
    cper::RecordView view, clear_view;
    REQUIRE(view.parse(record) == Status::ok);
    REQUIRE(clear_view.parse(clear) == Status::ok);
    for (uint16_t i = 0; i < view.section_count(); ++i) {
      cper::SectionView sv;
      REQUIRE(view.section(i, sv) == Status::ok);
      if (sv.descriptor.section_type != cper::guids::kSealedSection) continue;
      ++sealed_count;
      cper::SealedSection sealed;
      REQUIRE(cper::decode_sealed_section(sv.body, sealed) == Status::ok);
      std::vector<unsigned char> plain(sealed.plaintext_bytes);
      const auto* box = reinterpret_cast<const unsigned char*>(sealed.box.data());
      CHECK(crypto_box_seal_open(plain.data(), box, sealed.box.size(), other_keys.public_key.data(),
                                 other_keys.secret_key.data()) != 0);
      REQUIRE(crypto_box_seal_open(plain.data(), box, sealed.box.size(), operator_keys.public_key.data(),
                                   operator_keys.secret_key.data()) == 0);
      // Section i of the clear capture: the same type, the same bytes.
      cper::SectionView c;
      REQUIRE(clear_view.section(i, c) == Status::ok);
      CHECK(c.descriptor.section_type == sealed.original_type);
      CHECK(std::equal(c.body.begin(), c.body.end(), reinterpret_cast<const std::byte*>(plain.data()),
                       reinterpret_cast<const std::byte*>(plain.data()) + plain.size()));
    }
    size_t manifest_sealed = 0;
    for (uint16_t i = 0; i < m.entry_count; ++i)
      manifest_sealed += m.entries[i].protection == cper::SectionProtection::sealed ? 1 : 0;
    CHECK(sealed_count == manifest_sealed);
    CHECK(sealed_count >= 2);  // the secret pages' section and the registers

    // unseal_records puts every section back: the same types and bodies as
    // the clear capture, the manifest aside (it says what was sealed).
    size_t opened = 0;
    const std::vector<std::byte> unsealed = sealed_box::unseal_records(record, operator_keys.secret_key, "r.cper", opened);
    CHECK(opened == sealed_count);
    CHECK(contains(unsealed, bytes_of(kPattern)));
    cper::RecordView u, c;
    REQUIRE(u.parse(unsealed) == Status::ok);
    REQUIRE(c.parse(clear) == Status::ok);
    REQUIRE(u.section_count() == c.section_count());
    for (uint16_t i = 1; i < u.section_count(); ++i) {
      cper::SectionView us, cs;
      REQUIRE(u.section(i, us) == Status::ok);
      REQUIRE(c.section(i, cs) == Status::ok);
      CHECK(us.descriptor.section_type == cs.descriptor.section_type);
      CHECK(std::equal(us.body.begin(), us.body.end(), cs.body.begin(), cs.body.end()));
    }
    CHECK_THROWS_AS(sealed_box::unseal_records(record, other_keys.secret_key, "r.cper", opened), format_error);
  }
}

TEST_CASE("sealing is deterministic for a seed and differs between seeds", "[seal]") {
  const sealed_box::KeyPair keys = sealed_box::generate_key_pair();
  sealed_box::OperatorSealer sealer(keys.public_key, 7), other_seed(keys.public_key, 8);
  Board a, b, c;
  const CaptureConfidentiality ca = a.policy(ConfidentialityMode::seal, &sealer);
  const CaptureConfidentiality cc = c.policy(ConfidentialityMode::seal, &other_seed);
  const auto ra = a.capture(ErrorType::page_fault, &ca);
  const auto rb = b.capture(ErrorType::page_fault, &ca);
  const auto rc = c.capture(ErrorType::page_fault, &cc);
  CHECK(std::equal(ra.begin(), ra.end(), rb.begin(), rb.end()));
  CHECK_FALSE(std::equal(ra.begin(), ra.end(), rc.begin(), rc.end()));
}

TEST_CASE("a sealer that fails leaves the section out, never in the clear", "[seal]") {
  struct FailingSealer final : SectionSealer {
    Status seal(std::span<std::byte>, size_t) override { return Status::io_error; }
  } failing;
  Board b;
  const CaptureConfidentiality conf = b.policy(ConfidentialityMode::seal, &failing);
  const auto record = b.capture(ErrorType::memory_uncorrectable, &conf);
  CHECK_FALSE(contains(b.region(), bytes_of(kPattern)));
  const cper::CaptureManifest m = manifest_of(record);
  for (uint16_t i = 0; i < m.entry_count; ++i)
    if (m.entries[i].source == cper::CaptureSource::memory_rows)
      CHECK(m.entries[i].outcome == cper::CaptureOutcome::read_failed);
}

TEST_CASE("key files: 64 hex digits, anything else is refused naming the file", "[seal]") {
  const sealed_box::KeyPair keys = sealed_box::generate_key_pair();
  CHECK(sealed_box::public_key_of(keys.secret_key) == keys.public_key);
  const std::string hex = sealed_box::to_hex(keys.public_key);
  uint8_t parsed[kOperatorKeyBytes];
  REQUIRE(parse_key_hex(hex.data(), hex.size(), parsed));
  CHECK(std::equal(std::begin(parsed), std::end(parsed), keys.public_key.begin()));
  const std::string padded = "  " + hex + "\n";
  CHECK(parse_key_hex(padded.data(), padded.size(), parsed));
  const std::string short_key = hex.substr(2);
  CHECK_FALSE(parse_key_hex(short_key.data(), short_key.size(), parsed));
  std::string bad = hex;
  bad[5] = 'g';
  CHECK_FALSE(parse_key_hex(bad.data(), bad.size(), parsed));
}
