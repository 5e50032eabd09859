// The host recovery's plain parts (no testbench): fadump's release_region
// interface against a reference bitmap, the dump file's coverage as its
// stream is written, and the printk ring parser on real records and on any
// bytes at all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "models/recovery/dump_file.h"
#include "models/recovery/release_region.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kPage = ReleaseRegion::kPageBytes;

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

// A printk_log record as the simulated kernel writes it (HostKernel::print).
void put_record(std::vector<std::byte>& ring, size_t& at, const std::string& text) {
  const size_t len = (16 + text.size() + 3) / 4 * 4;
  const auto put = [&](size_t off, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) ring[at + off + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
  };
  put(0, 1000, 8);
  put(8, len, 2);
  put(10, text.size(), 2);
  std::memcpy(ring.data() + at + 16, text.data(), text.size());
  at += len;
}

}  // namespace

TEST_CASE("release_region refuses unaligned, outside and overlapping ranges and changes nothing then") {
  ReleaseRegion r(1ull << 30, 64 * kPage);
  CHECK(r.release((1ull << 30) + 1, kPage) == Status::invalid_argument);
  CHECK(r.release(1ull << 30, kPage + 1) == Status::invalid_argument);
  CHECK(r.release(1ull << 30, 0) == Status::invalid_argument);
  CHECK(r.release((1ull << 30) - kPage, 2 * kPage) == Status::out_of_range);
  CHECK(r.release((1ull << 30) + 63 * kPage, 2 * kPage) == Status::out_of_range);
  CHECK(r.released_bytes() == 0);
  REQUIRE(r.release((1ull << 30) + 4 * kPage, 4 * kPage) == Status::ok);
  CHECK(r.release((1ull << 30) + 4 * kPage, 4 * kPage) == Status::double_free);  // the same range again
  CHECK(r.release((1ull << 30) + 7 * kPage, 2 * kPage) == Status::double_free);  // its tail
  CHECK(r.release((1ull << 30) + 2 * kPage, 3 * kPage) == Status::double_free);  // its head
  CHECK(r.release((1ull << 30), 64 * kPage) == Status::double_free);             // around it
  CHECK(r.released_bytes() == 4 * kPage);
  REQUIRE(r.release((1ull << 30), 4 * kPage) == Status::ok);  // adjacent: fine
  REQUIRE(r.release((1ull << 30) + 8 * kPage, 56 * kPage) == Status::ok);
  CHECK(r.all_released());
}

TEST_CASE("release_region agrees with a page bitmap on random releases (property)") {
  std::mt19937_64 rng(20261204);
  for (int round = 0; round < 200; ++round) {
    const uint64_t pages = 1 + rng() % 256;
    const uint64_t base = (rng() % 1024) * kPage;
    ReleaseRegion r(base, pages * kPage);
    std::vector<bool> released(pages, false);
    for (int k = 0; k < 64; ++k) {
      // Mostly page-aligned requests around the range, some misaligned.
      const int64_t first = static_cast<int64_t>(rng() % (pages + 8)) - 4;
      const uint64_t count = rng() % 16;
      const uint64_t address = static_cast<uint64_t>(static_cast<int64_t>(base) + first * static_cast<int64_t>(kPage)) +
                               (rng() % 8 == 0 ? 512 : 0);
      const Status st = r.release(address, count * kPage);
      bool expect_ok = count > 0 && address % kPage == 0 && first >= 0 &&
                       static_cast<uint64_t>(first) + count <= pages && address >= base;
      for (uint64_t p = 0; expect_ok && p < count; ++p) expect_ok = !released[static_cast<size_t>(first) + p];
      REQUIRE(ok(st) == expect_ok);
      if (expect_ok)
        for (uint64_t p = 0; p < count; ++p) released[static_cast<size_t>(first) + p] = true;
      REQUIRE(r.released_bytes() ==
              static_cast<uint64_t>(std::count(released.begin(), released.end(), true)) * kPage);
    }
  }
}

TEST_CASE("a dump holds a range only once its stream is written past it") {
  DumpFile dump;
  dump.set_notes(4096);
  dump.set_planned_bytes(1 << 20);
  dump.add_memory(0x10000, bytes_of("kernel log bytes"), 8192);
  CHECK_FALSE(dump.notes_written());
  CHECK(dump.covered_bytes(0x10000, 16) == 0);
  dump.set_written(4096);
  CHECK(dump.notes_written());
  CHECK(dump.covered_bytes(0x10000, 16) == 0);
  dump.set_written(8192 + 6);  // cut inside the range: its first 6 bytes
  CHECK(dump.covered_bytes(0x10000, 16) == 6);
  std::vector<std::byte> out(16);
  CHECK_FALSE(dump.read(0x10000, out));
  dump.set_written(1 << 20);
  CHECK(dump.complete());
  CHECK(dump.covered_bytes(0x10000 - 8, 32) == 16);  // only what it holds
  REQUIRE(dump.read(0x10000, out));
  CHECK(std::memcmp(out.data(), "kernel log bytes", 16) == 0);
  CHECK(dump.covered_bytes(0x20000, 16) == 0);  // a range nobody dumped
}

TEST_CASE("printk_texts reads the kernel's records and stops at the end marker") {
  std::vector<std::byte> ring(4096);
  size_t at = 0;
  put_record(ring, at, "Linux version 6.1.0-crashtwin");
  put_record(ring, at, "EDAC MC0: 1 UE memory read error on DIMM1 (page:0x12 offset:0x0)");
  const std::vector<std::string_view> texts = printk_texts(ring);
  REQUIRE(texts.size() == 2);
  CHECK(texts[0] == "Linux version 6.1.0-crashtwin");
  CHECK(texts[1] == "EDAC MC0: 1 UE memory read error on DIMM1 (page:0x12 offset:0x0)");
}

TEST_CASE("printk_texts never reads outside the ring whatever its bytes (property)") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::byte> ring(rng() % 256);
    for (std::byte& b : ring) b = static_cast<std::byte>(rng() % 4 == 0 ? rng() : rng() % 40);
    for (std::string_view text : printk_texts(ring)) {
      const auto* begin = reinterpret_cast<const char*>(ring.data());
      REQUIRE(text.data() >= begin);
      REQUIRE(text.data() + text.size() <= begin + ring.size());
    }
  }
}
