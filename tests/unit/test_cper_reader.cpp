// The CPER reader over untrusted bytes: round trips through the builder,
// targeted corruptions with the diagnostic they must produce, and random
// corruption (never a crash, never a section outside the record).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "platform/cper/processor_generic.h"
#include "platform/cper/record.h"

using namespace crashtwin;
using namespace crashtwin::cper;

namespace {

// A three-section record built through the builder, with fewer sections than
// reserved so finish() has to compact.
std::vector<std::byte> sample_record() {
  std::vector<std::byte> buffer(4096);
  RecordBuilder b(buffer, 6, 4096);
  SectionDescriptor d;
  d.section_type = guids::kProcessorGeneric;
  ProcessorGenericSection p;
  p.processor_id = 3;
  REQUIRE(encode_processor_generic(p, b.body_area()) == Status::ok);
  REQUIRE(b.add_section(d, kProcessorGenericBytes) == Status::ok);
  for (uint8_t fill : {0x11, 0x22}) {
    auto body = b.body_area();
    std::memset(body.data(), fill, 100);
    d.section_type = guids::kMemorySnapshot;
    REQUIRE(b.add_section(d, 100) == Status::ok);
  }
  RecordHeader h;
  h.record_id = 42;
  size_t length = 0;
  REQUIRE(b.finish(h, length) == Status::ok);
  buffer.resize(length);
  return buffer;
}

}  // namespace

TEST_CASE("builder output parses back section by section", "[cper]") {
  const auto record = sample_record();
  CHECK(record.size() == kRecordHeaderBytes + 3 * kSectionDescriptorBytes + kProcessorGenericBytes + 200);
  RecordView view;
  Diagnostic d;
  REQUIRE(view.parse(record, &d) == Status::ok);
  CHECK(view.section_count() == 3);
  CHECK(view.header().record_id == 42);
  CHECK(view.header().record_length == record.size());
  SectionView s;
  REQUIRE(view.section(0, s) == Status::ok);
  CHECK(s.descriptor.section_offset == kRecordHeaderBytes + 3 * kSectionDescriptorBytes);
  ProcessorGenericSection p;
  REQUIRE(decode_processor_generic(s.body, p) == Status::ok);
  CHECK(p.processor_id == 3);
  REQUIRE(view.section(2, s) == Status::ok);
  CHECK(s.body.size() == 100);
  CHECK(s.body[0] == std::byte{0x22});
  CHECK(s.body[99] == std::byte{0x22});
  CHECK(view.section(3, s) == Status::out_of_range);
  CHECK(view.find_section(guids::kMemorySnapshot, s) == Status::ok);
  CHECK(s.body[0] == std::byte{0x11});
  CHECK(view.find_section(guids::kPcieError, s) == Status::not_found);
}

TEST_CASE("builder respects the record limit and the section budget", "[cper]") {
  std::vector<std::byte> buffer(2048);
  RecordBuilder b(buffer, 2, 128 + 2 * 72 + 300);
  CHECK(b.room() == 300 + 72);  // one descriptor is not needed yet
  SectionDescriptor d;
  CHECK(b.add_section(d, 373) == Status::no_memory);
  REQUIRE(b.add_section(d, 200) == Status::ok);
  CHECK(b.room() == 100);
  REQUIRE(b.add_section(d, 100) == Status::ok);
  CHECK(b.room() == 0);
  CHECK(b.add_section(d, 0) == Status::no_memory);  // max sections used
  size_t length = 0;
  REQUIRE(b.finish(RecordHeader{}, length) == Status::ok);
  CHECK(length == 128 + 2 * 72 + 300);
}

TEST_CASE("the reader reports each corruption with its offset", "[cper]") {
  const auto good = sample_record();
  auto corrupt = [&](auto mutate, Status expect_status, uint64_t expect_offset) {
    auto bytes = good;
    mutate(bytes);
    RecordView view;
    Diagnostic d;
    CHECK(view.parse(bytes, &d) == expect_status);
    CHECK(d.status == expect_status);
    CHECK(d.offset == expect_offset);
    CHECK(std::strlen(d.what) > 0);
    CHECK(view.bytes().empty());
  };
  auto put32 = [](std::vector<std::byte>& b, size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
  };
  corrupt([](auto& b) { b[1] = std::byte{'X'}; }, Status::corrupt, 0);
  corrupt([](auto& b) { b[7] = std::byte{0}; }, Status::corrupt, 6);
  corrupt([](auto& b) { b[5] = std::byte{2}; }, Status::unsupported, 4);
  corrupt([](auto& b) { b[10] = std::byte{0}; }, Status::corrupt, 10);
  corrupt([](auto& b) { b[10] = std::byte{200}; }, Status::corrupt, 10);
  corrupt([&](auto& b) { put32(b, 12, 9); }, Status::corrupt, 12);
  corrupt([&](auto& b) { put32(b, 20, static_cast<uint32_t>(good.size() + 1)); }, Status::corrupt, 20);
  corrupt([&](auto& b) { put32(b, 20, 128); }, Status::corrupt, 20);
  corrupt([&](auto& b) { put32(b, 128 + 72 + 0, 10); }, Status::corrupt, 128 + 72);  // body inside descriptor table
  corrupt([&](auto& b) { put32(b, 128 + 4, 0xFFFFFFF0u); }, Status::corrupt, 128);  // length wraps past the end
  corrupt([&](auto& b) { put32(b, 128 + 2 * 72 + 48, 7); }, Status::corrupt, 128 + 2 * 72 + 48);

  RecordView view;
  Diagnostic d;
  CHECK(view.parse(std::span(good).first(100), &d) == Status::corrupt);
  CHECK(view.parse(std::span(good).first(good.size() - 1), &d) == Status::corrupt);
  CHECK(d.offset == 20);
}

TEST_CASE("random corruption of a record never escapes the bytes", "[cper][property]") {
  const auto good = sample_record();
  std::mt19937_64 rng(77);
  int parsed = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<std::byte> bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 6);
    for (int f = 0; f < flips; ++f) {
      // Bias towards header and descriptors, where the lengths are.
      const size_t at = rng() % 2 ? rng() % (128 + 3 * 72) : rng() % bytes.size();
      bytes[at] = static_cast<std::byte>(rng());
    }
    if (rng() % 4 == 0) bytes.resize(rng() % (bytes.size() + 1));
    RecordView view;
    Diagnostic d;
    const Status s = view.parse(bytes, &d);
    if (s != Status::ok) {
      CHECK((s == Status::corrupt || s == Status::unsupported));
      CHECK(d.offset < 128 + 16 * 72);
      continue;
    }
    ++parsed;
    REQUIRE(view.bytes().size() <= bytes.size());
    for (uint16_t i = 0; i < view.section_count(); ++i) {
      SectionView sv;
      REQUIRE(view.section(i, sv) == Status::ok);
      CHECK(sv.body.data() >= bytes.data());
      CHECK(sv.body.data() + sv.body.size() <= bytes.data() + view.bytes().size());
    }
  }
  CHECK(parsed > 0);  // flips in bodies leave a parseable record
}
