// The scenario's `confidentiality:` section: secret page ranges, the mode,
// registers and the operator's public key; every mistake is an error at its
// file:line:column naming the field.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/scenario/loader_fixture.h"

using namespace crashtwin;
using namespace crashtwin::scenario;
using namespace crashtwin::scenario::test;

namespace {

const std::string kKey = "8d3f1c0a9b2e4f6071829304a5b6c7d8e9f00112233445566778899aabbccdde";

// The fixture with `section` inserted before `compare:` (line 40).
LoadResult with_confidentiality(const std::string& section) {
  return load_text(with("compare:", section + "compare:"));
}

bool mentions(const LoadResult& r, const std::string& text) {
  return r.diagnostics.to_string().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("confidentiality: redact and seal settings load", "[loader][confidentiality]") {
  SECTION("redact, hexadecimal and unit addresses") {
    const LoadResult r = with_confidentiality(
        "confidentiality:\n  mode: redact\n  secret:\n    - {address: 0x4000000, size: \"1 MiB\"}\n"
        "    - {address: \"128 MiB\", size: 8192}\n");
    REQUIRE(r.diagnostics.empty());
    const ConfidentialitySettings& c = r.scenario->confidentiality;
    CHECK(c.mode == ConfidentialityMode::redact);
    REQUIRE(c.secret.size() == 2);
    CHECK(c.secret[0].base == 0x4000000);
    CHECK(c.secret[0].size == (1u << 20));
    CHECK(c.secret[1].base == (128u << 20));
    CHECK(c.secret[1].size == 8192);
    CHECK_FALSE(c.registers);
  }
  SECTION("seal with an inline key and registers only") {
    const LoadResult r =
        with_confidentiality("confidentiality:\n  mode: seal\n  registers: true\n  operator_public_key: " + kKey + "\n");
    REQUIRE(r.diagnostics.empty());
    const ConfidentialitySettings& c = r.scenario->confidentiality;
    CHECK(c.mode == ConfidentialityMode::seal);
    CHECK(c.registers);
    CHECK(c.operator_public_key[0] == 0x8d);
    CHECK(c.operator_public_key[31] == 0xde);
    CHECK(c.operator_public_key_source == "inline");
  }
  SECTION("no section: off") {
    const LoadResult r = load_text(kValidScenario);
    REQUIRE(r.diagnostics.empty());
    CHECK(r.scenario->confidentiality.mode == ConfidentialityMode::off);
  }
}

TEST_CASE("confidentiality: mistakes are errors at their line and column naming the field",
          "[loader][confidentiality]") {
  SECTION("unknown mode") {
    const LoadResult r = with_confidentiality("confidentiality:\n  mode: encrypt\n  registers: true\n");
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics.list()[0];
    CHECK(d.field == "confidentiality.mode");
    CHECK(d.where.line == 41);
    CHECK(d.where.column == 9);
    CHECK(mentions(r, "redact, seal"));
  }
  SECTION("an address that is not page aligned") {
    const LoadResult r = with_confidentiality(
        "confidentiality:\n  mode: redact\n  secret:\n    - {address: 0x4000010, size: \"4 KiB\"}\n");
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics.list()[0];
    CHECK(d.field == "confidentiality.secret[0].address");
    CHECK(d.where.line == 43);
    CHECK(d.where.column == 17);
    CHECK(mentions(r, "not page aligned"));
  }
  SECTION("a size that is not whole pages") {
    const LoadResult r = with_confidentiality(
        "confidentiality:\n  mode: redact\n  secret:\n    - {address: 0x4000000, size: 5000}\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "confidentiality.secret[0].size");
    CHECK(r.diagnostics.list()[0].where.line == 43);
  }
  SECTION("an address that does not parse") {
    const LoadResult r = with_confidentiality(
        "confidentiality:\n  mode: redact\n  secret:\n    - {address: 0xZZ, size: 4096}\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "confidentiality.secret[0].address");
    CHECK(mentions(r, "is not an address"));
  }
  SECTION("seal without a key") {
    const LoadResult r = with_confidentiality("confidentiality:\n  mode: seal\n  registers: true\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "confidentiality.operator_public_key");
    CHECK(r.diagnostics.list()[0].where.line == 41);
    CHECK(mentions(r, "is required with mode: seal"));
  }
  SECTION("a key with redact") {
    const LoadResult r = with_confidentiality("confidentiality:\n  mode: redact\n  registers: true\n"
                                              "  operator_public_key: " + kKey + "\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "confidentiality.operator_public_key");
    CHECK(r.diagnostics.list()[0].where.line == 43);
  }
  SECTION("a key file that is missing or holds no key") {
    const auto dir = std::filesystem::temp_directory_path() / "crashtwin-loader-confidentiality";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bad.pub") << "not a key\n";
    for (const std::string& file : {(dir / "missing.pub").string(), (dir / "bad.pub").string()}) {
      INFO(file);
      const LoadResult r = with_confidentiality("confidentiality:\n  mode: seal\n  registers: true\n"
                                                "  operator_public_key: " + file + "\n");
      REQUIRE(r.diagnostics.size() == 1);
      CHECK(r.diagnostics.list()[0].field == "confidentiality.operator_public_key");
      CHECK(r.diagnostics.list()[0].where.line == 43);
      CHECK(r.diagnostics.list()[0].where.column == 24);
    }
  }
  SECTION("nothing secret") {
    const LoadResult r = with_confidentiality("confidentiality:\n  mode: redact\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(mentions(r, "names nothing secret"));
  }
  SECTION("an unknown key") {
    const LoadResult r = with_confidentiality("confidentiality:\n  mode: redact\n  registers: true\n  pages: []\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.list()[0].field == "confidentiality.pages");
    CHECK(mentions(r, "operator_public_key"));
  }
}
