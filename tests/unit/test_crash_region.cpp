#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "platform/region/crash_region.h"
#include "tests/support/memory_hal.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kBase = 0x100000;
constexpr uint64_t kRegionBytes = 1 << 20;
constexpr uint64_t kPage = kCrashRegionPageBytes;

PartitionTable layout(uint64_t generation, std::initializer_list<std::pair<ComponentId, uint64_t>> slices) {
  PartitionTable t;
  t.generation = generation;
  t.region_base = kBase;
  t.region_size = kRegionBytes;
  uint64_t at = t.slice_area_base();
  for (auto [component, pages] : slices) {
    SliceEntry& e = t.slices[t.slice_count++];
    e.component = component;
    e.base = at;
    e.size = pages * kPage;
    at += e.size;
  }
  return t;
}

bool same_layout(const PartitionTable& a, const PartitionTable& b) {
  if (a.region_base != b.region_base || a.region_size != b.region_size || a.slice_count != b.slice_count) return false;
  for (uint32_t i = 0; i < a.slice_count; ++i) {
    const SliceEntry &x = a.slices[i], &y = b.slices[i];
    if (!(x.component == y.component) || x.base != y.base || x.size != y.size || x.used_bytes != y.used_bytes ||
        x.record_count != y.record_count || x.flags != y.flags) {
      return false;
    }
  }
  return true;
}

PartitionTable decode(MemoryHal& hal, PartitionTableDiagnostics* d = nullptr, Status* status = nullptr) {
  PartitionTable t;
  const Status s = decode_partition_table(hal.bytes(kBase, kHeaderAreaBytes), t, d);
  if (status) *status = s;
  return t;
}

const ComponentId cpu0{ComponentClass::cpu, 0}, cpu1{ComponentClass::cpu, 1}, dimm0{ComponentClass::memory, 0},
    disk0{ComponentClass::disk, 0}, nic0{ComponentClass::network, 0};

}  // namespace

TEST_CASE("format writes an empty generation-1 table that decodes", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  CHECK(t.generation == 1);
  PartitionTableDiagnostics d;
  Status s;
  const PartitionTable got = decode(hal, &d, &s);
  REQUIRE(s == Status::ok);
  CHECK(got.generation == 1);
  CHECK(got.slice_count == 0);
  CHECK(got.region_base == kBase);
  CHECK(got.region_size == kRegionBytes);
  CHECK(d.current_copy == 1);  // generation 1 lives in copy 1 (generation parity)
  CHECK(d.copies[0].status == Status::corrupt);
}

TEST_CASE("format rejects misaligned or too small regions", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  CHECK(format_crash_region(hal, kBase + 8, kRegionBytes, t) == Status::invalid_argument);
  CHECK(format_crash_region(hal, kBase, kRegionBytes + 100, t) == Status::invalid_argument);
  CHECK(format_crash_region(hal, kBase, kHeaderAreaBytes, t) == Status::invalid_argument);
  CHECK(hal.write_calls() == 0);
}

TEST_CASE("commit alternates copies and the highest valid generation wins", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  for (uint64_t round = 0; round < 5; ++round) {
    PartitionTable next = layout(t.generation, {{cpu0, 1 + round}, {dimm0, 4}, {disk0, 2}});
    next.slices[1].used_bytes = 100 * round;
    next.slices[1].record_count = static_cast<uint32_t>(round);
    next.slices[1].flags = round ? kSliceFlagHasRecords : 0;
    REQUIRE(commit_partition_table(hal, next) == Status::ok);
    CHECK(next.generation == t.generation + 1);
    PartitionTableDiagnostics d;
    Status s;
    const PartitionTable got = decode(hal, &d, &s);
    REQUIRE(s == Status::ok);
    CHECK(got.generation == next.generation);
    CHECK(same_layout(got, next));
    CHECK(d.current_copy == static_cast<int>(next.generation % 2));
    CHECK(d.copies[1 - d.current_copy].status == Status::ok);  // the previous layout is still there
    CHECK(d.copies[1 - d.current_copy].generation == next.generation - 1);
    t = next;
  }
}

TEST_CASE("read_partition_table goes through the Hal", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  PartitionTable next = layout(t.generation, {{nic0, 3}});
  REQUIRE(commit_partition_table(hal, next) == Status::ok);
  std::vector<std::byte> scratch(kHeaderAreaBytes);
  PartitionTable got;
  REQUIRE(read_partition_table(hal, kBase, scratch, got) == Status::ok);
  CHECK(same_layout(got, next));
  std::vector<std::byte> small(100);
  CHECK(read_partition_table(hal, kBase, small, got) == Status::invalid_argument);
}

TEST_CASE("validate_partition_table names each broken invariant", "[region]") {
  const char* what = "";
  PartitionTable ok_table = layout(1, {{cpu0, 1}, {cpu1, 2}});
  CHECK(validate_partition_table(ok_table, &what) == Status::ok);

  auto broken = [&](auto mutate) {
    PartitionTable t = ok_table;
    mutate(t);
    return validate_partition_table(t, &what);
  };
  CHECK(broken([](PartitionTable& t) { t.slices[0].base += 8; }) == Status::invalid_argument);
  CHECK(std::string(what) == "slice not page aligned");
  CHECK(broken([](PartitionTable& t) { t.slices[1].base = t.slices[0].base; }) == Status::invalid_argument);
  CHECK(std::string(what).find("overlap") != std::string::npos);
  CHECK(broken([](PartitionTable& t) { t.slices[0].base = t.region_base; }) == Status::invalid_argument);
  CHECK(broken([](PartitionTable& t) { t.slices[1].size = kRegionBytes; }) == Status::invalid_argument);
  CHECK(std::string(what) == "slice extends past the region");
  CHECK(broken([](PartitionTable& t) { t.slices[0].used_bytes = t.slices[0].size + 1; }) == Status::invalid_argument);
  CHECK(broken([](PartitionTable& t) { t.slices[0].flags = 0x80; }) == Status::invalid_argument);
  CHECK(broken([](PartitionTable& t) { t.slices[1].component = cpu0; }) == Status::invalid_argument);
  CHECK(std::string(what) == "component has two slices");
  CHECK(broken([](PartitionTable& t) { t.slice_count = kMaxSlices + 1; }) == Status::invalid_argument);

  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable bad = ok_table;
  bad.slices[0].base += 8;
  CHECK(commit_partition_table(hal, bad) == Status::invalid_argument);
  CHECK(hal.write_calls() == 0);
}

TEST_CASE("a full table of kMaxSlices slices round-trips", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  PartitionTable full;
  full.generation = t.generation;
  full.region_base = kBase;
  full.region_size = kRegionBytes;
  for (uint32_t i = 0; i < kMaxSlices; ++i) {
    SliceEntry& e = full.slices[full.slice_count++];
    e.component = ComponentId{static_cast<ComponentClass>(i % 4), static_cast<uint16_t>(i / 4)};
    e.base = full.slice_area_base() + i * kPage;
    e.size = kPage;
    e.used_bytes = i;
    e.record_count = i % 3;
  }
  REQUIRE(commit_partition_table(hal, full) == Status::ok);
  Status s;
  CHECK(same_layout(decode(hal, nullptr, &s), full));
  CHECK(s == Status::ok);
}

// Requirement 4: crash after every single write of a repartition. The Hal
// loses power after n 8-byte words (a longer write is torn there); whatever n,
// the reader finds a consistent layout, the old or the new, and once the
// commit completed, the new one.
TEST_CASE("a crash after any write of a repartition leaves the old or the new layout", "[region][crash]") {
  MemoryHal base_hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(base_hal, kBase, kRegionBytes, t) == Status::ok);

  // Three successive repartitions so that both copies are the target once and
  // the inactive copy holds a valid older table (not just zeros).
  const PartitionTable plans[] = {
      layout(0, {{cpu0, 2}, {dimm0, 8}}),
      layout(0, {{cpu0, 1}, {cpu1, 1}, {dimm0, 6}, {disk0, 2}, {nic0, 1}}),
      layout(0, {{dimm0, 16}, {nic0, 4}}),
  };
  PartitionTable current = t;
  for (const PartitionTable& plan : plans) {
    PartitionTable next = plan;
    next.generation = current.generation;

    // How many words the complete commit writes.
    MemoryHal probe = base_hal;
    const uint64_t before = probe.words_written();
    PartitionTable probe_table = next;
    REQUIRE(commit_partition_table(probe, probe_table) == Status::ok);
    const uint64_t words = probe.words_written() - before;
    REQUIRE(words > 3);

    uint64_t saw_old = 0, saw_new = 0;
    for (uint64_t n = 0; n <= words; ++n) {
      MemoryHal hal = base_hal;
      hal.fail_after_write_words(n);
      PartitionTable attempt = next;
      const Status commit_status = commit_partition_table(hal, attempt);
      CHECK((n < words ? commit_status == Status::io_error : commit_status == Status::ok));

      Status s;
      const PartitionTable got = decode(hal, nullptr, &s);
      INFO("crash after " << n << " of " << words << " words");
      REQUIRE(s == Status::ok);
      const bool is_old = got.generation == current.generation && same_layout(got, current);
      const bool is_new = got.generation == current.generation + 1 && same_layout(got, next);
      CHECK((is_old || is_new));
      if (n == words) CHECK(is_new);
      saw_old += is_old;
      saw_new += is_new;
    }
    CHECK(saw_old == words);  // only the very last word makes the new layout current
    CHECK(saw_new == 1);

    REQUIRE(commit_partition_table(base_hal, next) == Status::ok);
    current = next;
  }
}

TEST_CASE("a crash after any whole write call also leaves a consistent layout", "[region][crash]") {
  MemoryHal base_hal(kBase + kRegionBytes);
  PartitionTable current;
  REQUIRE(format_crash_region(base_hal, kBase, kRegionBytes, current) == Status::ok);
  PartitionTable big;
  big.region_base = kBase;
  big.region_size = kRegionBytes;
  for (uint32_t i = 0; i < 40; ++i) {
    big.slices[big.slice_count++] = SliceEntry{ComponentId{ComponentClass::cpu, static_cast<uint16_t>(i)},
                                               big.slice_area_base() + i * kPage, kPage, 0, 0, 0};
  }
  big.generation = current.generation;
  for (uint64_t calls = 0; calls < 8; ++calls) {
    MemoryHal hal = base_hal;
    hal.fail_after_writes(calls);
    PartitionTable attempt = big;
    (void)commit_partition_table(hal, attempt);
    Status s;
    const PartitionTable got = decode(hal, nullptr, &s);
    REQUIRE(s == Status::ok);
    CHECK(((got.generation == current.generation && same_layout(got, current)) ||
           (got.generation == current.generation + 1 && same_layout(got, big))));
  }
}

TEST_CASE("the decoder reports why a copy was rejected", "[region]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  PartitionTable next = layout(t.generation, {{cpu0, 1}});
  REQUIRE(commit_partition_table(hal, next) == Status::ok);  // generation 2 in copy 0

  auto area = hal.bytes(kBase, kHeaderAreaBytes);
  SECTION("flipped bit in the current copy falls back to the previous one") {
    area[60] ^= std::byte{0x01};
    PartitionTableDiagnostics d;
    Status s;
    const PartitionTable got = decode(hal, &d, &s);
    REQUIRE(s == Status::ok);
    CHECK(got.generation == 1);
    CHECK(d.current_copy == 1);
    CHECK(d.copies[0].status == Status::corrupt);
    CHECK(std::string(d.copies[0].what).find("CRC") != std::string::npos);
    CHECK(d.copies[0].stored_crc != d.copies[0].computed_crc);
  }
  SECTION("unknown version is unsupported, not corrupt") {
    area[8] = std::byte{7};
    area[kHeaderCopyBytes + 8] = std::byte{7};
    PartitionTableDiagnostics d;
    Status s;
    decode(hal, &d, &s);
    CHECK(s == Status::unsupported);
    CHECK(d.current_copy == -1);
  }
  SECTION("both copies destroyed") {
    area[0] = std::byte{0};
    area[kHeaderCopyBytes] = std::byte{0};
    Status s;
    decode(hal, nullptr, &s);
    CHECK(s == Status::corrupt);
  }
  SECTION("short header area") {
    PartitionTable got;
    CHECK(decode_partition_table(area.first(100), got) == Status::corrupt);
  }
}

TEST_CASE("random corruption of the header area never crashes and never yields an invalid table",
          "[region][property]") {
  MemoryHal hal(kBase + kRegionBytes);
  PartitionTable t;
  REQUIRE(format_crash_region(hal, kBase, kRegionBytes, t) == Status::ok);
  PartitionTable next = layout(t.generation, {{cpu0, 2}, {dimm0, 3}, {disk0, 1}});
  REQUIRE(commit_partition_table(hal, next) == Status::ok);
  const std::vector<std::byte> pristine(hal.bytes(kBase, kHeaderAreaBytes).begin(),
                                        hal.bytes(kBase, kHeaderAreaBytes).end());
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::byte> area = pristine;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      // Mostly hit the encoded part of either copy, where it matters.
      const size_t copy = rng() % 2;
      const size_t at = copy * kHeaderCopyBytes + rng() % (kTableHeaderBytes + 3 * kSliceEntryBytes + 8);
      area[at] = static_cast<std::byte>(rng());
    }
    PartitionTable got;
    PartitionTableDiagnostics d;
    const Status s = decode_partition_table(area, got, &d);
    if (s == Status::ok) {
      CHECK(validate_partition_table(got) == Status::ok);
      CHECK((same_layout(got, next) || got.slice_count == 0));
    } else {
      CHECK((s == Status::corrupt || s == Status::unsupported));
    }
  }
}
