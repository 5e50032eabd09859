// Buddy allocator: contracts of each call on small, hand-checked regions.
// Random operations against a reference model are in test_buddy_property.cpp.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "platform/alloc/buddy.h"

using namespace crashtwin;
using namespace crashtwin::alloc;

namespace {

constexpr uint64_t kPage = kPageSize;

// An allocator with its metadata, as firmware would hold them side by side.
struct Region {
  std::vector<uint64_t> storage;  // uint64_t: keeps the metadata 8-byte aligned
  BuddyAllocator buddy;

  Region(uint64_t base, uint64_t size)
      : storage((BuddyAllocator::metadata_bytes(size) + 7) / 8 + 1) {
    REQUIRE(buddy.init(base, size, metadata()) == Status::ok);
  }
  std::span<std::byte> metadata() { return std::as_writable_bytes(std::span(storage)); }
};

std::array<uint64_t, kOrderCount> buddyinfo(const BuddyAllocator& buddy) {
  std::array<uint64_t, kOrderCount> counts{};
  buddy.buddyinfo(counts);
  return counts;
}

std::array<uint64_t, kOrderCount> orders(std::initializer_list<uint64_t> low_orders) {
  std::array<uint64_t, kOrderCount> counts{};
  size_t k = 0;
  for (uint64_t c : low_orders) counts[k++] = c;
  return counts;
}

}  // namespace

TEST_CASE("buddy init rejects bad regions and metadata", "[buddy]") {
  std::vector<uint64_t> storage(1024);
  auto metadata = std::as_writable_bytes(std::span(storage));
  BuddyAllocator buddy;
  CHECK(buddy.init(0x1000'0800, 16 * kPage, metadata) == Status::invalid_argument);  // base not page aligned
  CHECK(buddy.init(0x1000'0000, kPage - 1, metadata) == Status::invalid_argument);   // less than a page
  CHECK(buddy.init(0x1000'0000, 16 * kPage, metadata.first(16 * 16 - 1)) == Status::invalid_argument);
  CHECK(buddy.init(0x1000'0000, 16 * kPage, metadata.subspan(1, 512)) == Status::invalid_argument);
  CHECK(buddy.init(~uint64_t{0} - 4 * kPage + 1, 16 * kPage, metadata) == Status::invalid_argument);  // wraps
  // Never initialised: every call fails cleanly.
  uint64_t address = 0;
  CHECK(buddy.allocate(0, address) == Status::no_memory);
  CHECK(buddy.free(0) == Status::out_of_range);
  CHECK(buddy.free_bytes() == 0);
  CHECK(buddy.audit() == Status::ok);
  // A trailing partial page is ignored.
  REQUIRE(buddy.init(0x1000'0000, 16 * kPage + 100, metadata) == Status::ok);
  CHECK(buddy.page_count() == 16);
}

TEST_CASE("buddy carves an odd region into naturally aligned blocks", "[buddy]") {
  // pfns 0x101..0x10a: 0x101 (order 0), 0x102 (1), 0x104 (2), 0x108 (1), 0x10a (0).
  Region r(0x101 * kPage, 10 * kPage);
  CHECK(buddyinfo(r.buddy) == orders({2, 2, 1}));
  CHECK(r.buddy.free_bytes() == 10 * kPage);
  CHECK(r.buddy.largest_free_block_bytes() == 4 * kPage);
  CHECK(r.buddy.audit() == Status::ok);

  uint64_t address = 0;
  REQUIRE(r.buddy.allocate(2, address) == Status::ok);
  CHECK(address == 0x104 * kPage);  // aligned in physical address space
  CHECK(r.buddy.allocate(2, address) == Status::no_memory);
  CHECK(r.buddy.largest_free_block_bytes() == 2 * kPage);
}

TEST_CASE("buddy splits on allocate and coalesces on free", "[buddy]") {
  Region r(0, 16 * kPage);
  const auto initial = buddyinfo(r.buddy);
  CHECK(initial == orders({0, 0, 0, 0, 1}));

  uint64_t a = 0, b = 0, c = 0;
  REQUIRE(r.buddy.allocate(0, a) == Status::ok);
  CHECK(a == 0);
  CHECK(buddyinfo(r.buddy) == orders({1, 1, 1, 1}));  // 1 | 2-3 | 4-7 | 8-15
  REQUIRE(r.buddy.allocate(0, b) == Status::ok);
  CHECK(b == kPage);
  REQUIRE(r.buddy.allocate(3, c) == Status::ok);
  CHECK(c == 8 * kPage);
  CHECK(r.buddy.free_pages() == 16 - 10);
  CHECK(r.buddy.allocation_count() == 3);

  REQUIRE(r.buddy.free(a) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({1, 1, 1}));  // page 0 cannot merge: page 1 is in use
  REQUIRE(r.buddy.free(b) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 1}));  // 0-7 merged
  REQUIRE(r.buddy.free(c) == Status::ok);
  CHECK(buddyinfo(r.buddy) == initial);
  CHECK(r.buddy.allocation_count() == 0);
  CHECK(r.buddy.audit() == Status::ok);
}

TEST_CASE("buddy allocate_pages gives back the tail of the block", "[buddy]") {
  Region r(0, 16 * kPage);
  uint64_t run = 0;
  REQUIRE(r.buddy.allocate_pages(5, run) == Status::ok);
  CHECK(run == 0);
  CHECK(r.buddy.free_pages() == 11);
  CHECK(buddyinfo(r.buddy) == orders({1, 1, 0, 1}));  // 5 | 6-7 | 8-15
  Allocation found;
  REQUIRE(r.buddy.find(run, found) == Status::ok);
  CHECK(found.pages == 5);
  CHECK(found.kind == AllocationKind::run);
  CHECK(r.buddy.free(run + 4 * kPage) == Status::invalid_argument);  // inside the run
  CHECK(r.buddy.free(run + 5 * kPage) == Status::double_free);       // the free tail
  REQUIRE(r.buddy.free(run) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 0, 1}));

  CHECK(r.buddy.allocate_pages(0, run) == Status::invalid_argument);
  CHECK(r.buddy.allocate_pages(17, run) == Status::no_memory);
  CHECK(r.buddy.allocate_pages((uint64_t{1} << kMaxOrder) + 1, run) == Status::invalid_argument);
  REQUIRE(r.buddy.allocate_pages(16, run) == Status::ok);
  CHECK(r.buddy.free_bytes() == 0);
}

TEST_CASE("buddy run tails are free at once and carved only when needed", "[buddy]") {
  Region r(0, 16 * kPage);
  const auto initial = buddyinfo(r.buddy);
  uint64_t run = 0;
  REQUIRE(r.buddy.allocate_pages(5, run) == Status::ok);  // pages 0-4, tail 5 | 6-7 pending
  CHECK(r.buddy.pending_tails() == 1);
  CHECK(buddyinfo(r.buddy) == orders({1, 1, 0, 1}));
  CHECK(r.buddy.largest_free_block_bytes() == 8 * kPage);
  CHECK(r.buddy.is_free_range(5 * kPage, 11));
  CHECK_FALSE(r.buddy.is_free_range(4 * kPage, 2));
  CHECK(r.buddy.free_pages_after(run) == 11);
  CHECK(r.buddy.free(7 * kPage) == Status::double_free);
  Allocation found;
  CHECK(r.buddy.find(6 * kPage, found) == Status::double_free);
  CHECK(r.buddy.audit() == Status::ok);

  SECTION("an allocation takes a tail piece only when no free area can serve it") {
    uint64_t block = 0, pair = 0, page = 0;
    REQUIRE(r.buddy.allocate(2, block) == Status::ok);  // splits 8-15, the tail stays pending
    CHECK(block == 8 * kPage);
    CHECK(r.buddy.pending_tails() == 1);
    REQUIRE(r.buddy.allocate(1, pair) == Status::ok);  // 12-13 from the split
    CHECK(pair == 12 * kPage);
    REQUIRE(r.buddy.allocate(2, page) == Status::no_memory);  // no block of 4 anywhere, tail included
    CHECK(r.buddy.pending_tails() == 1);
    REQUIRE(r.buddy.allocate(1, pair) == Status::ok);  // 14-15
    REQUIRE(r.buddy.allocate(1, pair) == Status::ok);  // nothing left but the tail: carved
    CHECK(pair == 6 * kPage);
    CHECK(r.buddy.pending_tails() == 0);
    REQUIRE(r.buddy.allocate(0, page) == Status::ok);
    CHECK(page == 5 * kPage);
    CHECK(r.buddy.free_bytes() == 0);
    CHECK(r.buddy.audit() == Status::ok);
  }
  SECTION("a reserve inside the tail carves it") {
    REQUIRE(r.buddy.reserve(6 * kPage, kPage) == Status::ok);
    CHECK(r.buddy.pending_tails() == 0);
    CHECK(buddyinfo(r.buddy) == orders({2, 0, 0, 1}));  // 5 | 7 | 8-15
    CHECK(r.buddy.audit() == Status::ok);
    REQUIRE(r.buddy.free(6 * kPage) == Status::ok);
  }
  SECTION("a resize carves the tail it gives back to or takes from") {
    REQUIRE(r.buddy.resize(run, 7) == Status::ok);
    CHECK(r.buddy.pending_tails() == 0);
    CHECK(buddyinfo(r.buddy) == orders({1, 0, 0, 1}));
    REQUIRE(r.buddy.resize(run, 2) == Status::ok);
    CHECK(buddyinfo(r.buddy) == orders({0, 1, 1, 1}));
    CHECK(r.buddy.audit() == Status::ok);
  }
  SECTION("freeing the run takes the pending tail back with it") {
    REQUIRE(r.buddy.resize(run, 5) == Status::ok);  // same length: nothing to carve
    CHECK(r.buddy.pending_tails() == 1);
  }
  REQUIRE(r.buddy.free(run) == Status::ok);
  CHECK(r.buddy.pending_tails() == 0);
  if (r.buddy.allocation_count() == 0) CHECK(buddyinfo(r.buddy) == initial);
  CHECK(r.buddy.audit() == Status::ok);
}

TEST_CASE("buddy reserve takes a fixed range and fails cleanly when busy", "[buddy]") {
  Region r(0x40'0000, 32 * kPage);
  REQUIRE(r.buddy.reserve(0x40'0000 + 3 * kPage, 5 * kPage - 10) == Status::ok);  // pages 3..7
  CHECK(r.buddy.free_pages() == 27);
  CHECK_FALSE(r.buddy.is_free_range(0x40'0000 + 7 * kPage, 1));
  CHECK(r.buddy.is_free_range(0x40'0000 + 8 * kPage, 24));
  CHECK(r.buddy.is_free_range(0x40'0000, 3));
  CHECK(r.buddy.audit() == Status::ok);

  const auto before = buddyinfo(r.buddy);
  CHECK(r.buddy.reserve(0x40'0000 + 7 * kPage, 2 * kPage) == Status::busy);
  CHECK(r.buddy.reserve(0x40'0000 + 30 * kPage, 3 * kPage) == Status::out_of_range);
  CHECK(r.buddy.reserve(0x3F'F000, kPage) == Status::out_of_range);
  CHECK(r.buddy.reserve(0x40'0000 + 100, kPage) == Status::invalid_argument);
  CHECK(r.buddy.reserve(0x40'0000, 0) == Status::invalid_argument);
  CHECK(buddyinfo(r.buddy) == before);
  CHECK(r.buddy.free_pages() == 27);

  Allocation found;
  REQUIRE(r.buddy.find(0x40'0000 + 3 * kPage, found) == Status::ok);
  CHECK(found.kind == AllocationKind::reserved);
  CHECK(found.pages == 5);
  REQUIRE(r.buddy.free(0x40'0000 + 3 * kPage) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 0, 0, 1}));
}

TEST_CASE("buddy reserve_runs lays runs back to back, each its own allocation", "[buddy]") {
  Region r(0x40'0000, 32 * kPage);
  const uint64_t base = 0x40'0000 + 2 * kPage;
  const uint64_t runs[] = {3 * kPage, kPage - 100, 4 * kPage};  // the middle one rounds up to a page
  REQUIRE(r.buddy.reserve_runs(base, runs) == Status::ok);
  CHECK(r.buddy.free_pages() == 24);
  CHECK(r.buddy.allocation_count() == 3);
  Allocation found;
  REQUIRE(r.buddy.find(base, found) == Status::ok);
  CHECK(found.pages == 3);
  REQUIRE(r.buddy.find(base + 3 * kPage, found) == Status::ok);
  CHECK(found.pages == 1);
  REQUIRE(r.buddy.find(base + 4 * kPage, found) == Status::ok);
  CHECK(found.pages == 4);
  CHECK(found.kind == AllocationKind::reserved);
  CHECK(r.buddy.audit() == Status::ok);

  const auto before = buddyinfo(r.buddy);
  const uint64_t overlapping[] = {kPage, kPage};
  CHECK(r.buddy.reserve_runs(base + 7 * kPage, overlapping) == Status::busy);
  const uint64_t too_long[] = {10 * kPage, 20 * kPage};
  CHECK(r.buddy.reserve_runs(base + 8 * kPage, too_long) == Status::out_of_range);
  const uint64_t with_zero[] = {kPage, 0};
  CHECK(r.buddy.reserve_runs(base + 8 * kPage, with_zero) == Status::invalid_argument);
  CHECK(r.buddy.reserve_runs(base + 8 * kPage, std::span<const uint64_t>()) == Status::invalid_argument);
  CHECK(r.buddy.reserve_runs(base + 8 * kPage + 8, overlapping) == Status::invalid_argument);
  CHECK(buddyinfo(r.buddy) == before);

  // Freed one by one, they coalesce back into the whole region.
  for (const uint64_t at : {base + 3 * kPage, base, base + 4 * kPage}) REQUIRE(r.buddy.free(at) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 0, 0, 1}));
}

TEST_CASE("buddy resize grows in place only into free neighbours", "[buddy]") {
  Region r(0, 64 * kPage);
  uint64_t slice = 0, next = 0;
  REQUIRE(r.buddy.allocate_pages(6, slice) == Status::ok);  // pages 0..5
  CHECK(r.buddy.free_pages_after(slice) == 58);
  REQUIRE(r.buddy.reserve(20 * kPage, kPage) == Status::ok);
  next = 20 * kPage;
  CHECK(r.buddy.free_pages_after(slice) == 14);

  REQUIRE(r.buddy.resize(slice, 20) == Status::ok);  // grows up to the reservation
  CHECK(r.buddy.free_pages_after(slice) == 0);
  CHECK(r.buddy.free_pages() == 64 - 21);
  CHECK(r.buddy.resize(slice, 21) == Status::no_memory);
  CHECK(r.buddy.free_pages() == 64 - 21);

  REQUIRE(r.buddy.resize(slice, 3) == Status::ok);  // shrink gives back the tail
  CHECK(r.buddy.free_pages_after(slice) == 17);
  CHECK(r.buddy.free_pages() == 64 - 4);
  CHECK(r.buddy.audit() == Status::ok);
  CHECK(r.buddy.resize(slice, 0) == Status::invalid_argument);
  CHECK(r.buddy.resize(slice + kPage, 2) == Status::invalid_argument);
  CHECK(r.buddy.resize(30 * kPage, 2) == Status::double_free);

  uint64_t block = 0;
  REQUIRE(r.buddy.allocate(3, block) == Status::ok);
  REQUIRE(r.buddy.resize(block, 8) == Status::ok);  // no-op keeps it a block
  Allocation found;
  REQUIRE(r.buddy.find(block, found) == Status::ok);
  CHECK(found.kind == AllocationKind::block);
  REQUIRE(r.buddy.resize(block, 9) == Status::ok);
  REQUIRE(r.buddy.find(block, found) == Status::ok);
  CHECK(found.kind == AllocationKind::run);
  CHECK(found.pages == 9);

  CHECK(r.buddy.resize(64 * kPage - kPage, 2) == Status::double_free);  // free last page
  REQUIRE(r.buddy.free(slice) == Status::ok);
  REQUIRE(r.buddy.free(next) == Status::ok);
  REQUIRE(r.buddy.free(block) == Status::ok);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 0, 0, 0, 1}));
}

TEST_CASE("buddy errors name the mistake and leave the state intact", "[buddy]") {
  Region r(0x10'0000, 16 * kPage);
  uint64_t a = 0;
  REQUIRE(r.buddy.allocate(2, a) == Status::ok);
  const auto before = buddyinfo(r.buddy);
  CHECK(r.buddy.free(a + 8) == Status::invalid_argument);      // misaligned
  CHECK(r.buddy.free(a + kPage) == Status::invalid_argument);  // inside a block
  CHECK(r.buddy.free(0x0F'F000) == Status::out_of_range);      // below the region
  CHECK(r.buddy.free(0x10'0000 + 16 * kPage) == Status::out_of_range);
  CHECK(r.buddy.free(a + 4 * kPage) == Status::double_free);  // never allocated, free
  CHECK(r.buddy.allocate(kMaxOrder + 1, a) == Status::invalid_argument);
  CHECK(buddyinfo(r.buddy) == before);
  CHECK(r.buddy.allocation_count() == 1);
  REQUIRE(r.buddy.free(a) == Status::ok);
  CHECK(r.buddy.free(a) == Status::double_free);
  CHECK(buddyinfo(r.buddy) == orders({0, 0, 0, 0, 1}));
  CHECK(r.buddy.audit() == Status::ok);
}

TEST_CASE("buddy unusable and fragmentation indices follow mm/vmstat.c", "[buddy]") {
  Region r(0, 16 * kPage);
  SECTION("one free block of order 4") {
    CHECK(r.buddy.unusable_index(0) == 0);
    CHECK(r.buddy.unusable_index(4) == 0);
    CHECK(r.buddy.unusable_index(5) == 1000);
    CHECK(r.buddy.fragmentation_index(4) == -1000);
    // 1 block of 16 pages, request 32: 1000 - (1000 + 16000/32) / 1 = -500.
    CHECK(r.buddy.fragmentation_index(5) == -500);
    CHECK(r.buddy.fragmentation_index(kMaxOrder + 1) == 0);
  }
  SECTION("four isolated free pages") {
    for (uint64_t page = 0; page < 16; ++page) REQUIRE(r.buddy.reserve(page * kPage, kPage) == Status::ok);
    for (uint64_t page = 0; page < 8; page += 2) REQUIRE(r.buddy.free(page * kPage) == Status::ok);
    CHECK(buddyinfo(r.buddy) == orders({4}));
    CHECK(r.buddy.unusable_index(0) == 0);
    CHECK(r.buddy.unusable_index(1) == 1000);
    CHECK(r.buddy.fragmentation_index(0) == -1000);
    CHECK(r.buddy.fragmentation_index(1) == 250);  // 1000 - (1000 + 4000/2) / 4
    CHECK(r.buddy.fragmentation_index(2) == 500);  // 1000 - (1000 + 4000/4) / 4
    CHECK(r.buddy.fragmentation_index(3) == 625);  // 1000 - (1000 + 4000/8) / 4
    REQUIRE(r.buddy.free(kPage) == Status::ok);    // pages 0-1 merge
    CHECK(buddyinfo(r.buddy) == orders({3, 1}));
    CHECK(r.buddy.unusable_index(1) == 600);  // 3 of 5 free pages unusable for order 1
    CHECK(r.buddy.unusable_index(2) == 1000);
  }
  SECTION("nothing free") {
    uint64_t all = 0;
    REQUIRE(r.buddy.allocate(4, all) == Status::ok);
    CHECK(r.buddy.unusable_index(0) == 1000);
    CHECK(r.buddy.fragmentation_index(0) == 0);
    CHECK(r.buddy.largest_free_block_bytes() == 0);
  }
}

TEST_CASE("buddy walk lists every allocation in address order", "[buddy]") {
  Region r(0, 64 * kPage);
  uint64_t block = 0, run = 0, slab = 0;
  REQUIRE(r.buddy.allocate(1, block) == Status::ok);
  REQUIRE(r.buddy.allocate_pages(3, run) == Status::ok);
  REQUIRE(r.buddy.reserve(40 * kPage, 6 * kPage) == Status::ok);
  REQUIRE(r.buddy.allocate_slab(0, 77, slab) == Status::ok);
  std::vector<Allocation> seen;
  r.buddy.walk_allocated(
      [](void* context, const Allocation& a) { static_cast<std::vector<Allocation>*>(context)->push_back(a); },
      &seen);
  REQUIRE(seen.size() == 4);
  for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i - 1].address + seen[i - 1].pages * kPage <= seen[i].address);
  uint64_t pages = 0;
  for (const Allocation& a : seen) {
    pages += a.pages;
    if (a.address == block) CHECK((a.kind == AllocationKind::block && a.pages == 2));
    if (a.address == run) CHECK((a.kind == AllocationKind::run && a.pages == 3));
    if (a.address == 40 * kPage) CHECK((a.kind == AllocationKind::reserved && a.pages == 6));
    if (a.address == slab) CHECK((a.kind == AllocationKind::slab && a.owner == 77));
  }
  CHECK(pages == 64 - r.buddy.free_pages());
  uint32_t owner = 0;
  REQUIRE(r.buddy.slab_owner(slab, owner) == Status::ok);
  CHECK(owner == 77);
  CHECK(r.buddy.slab_owner(block, owner) == Status::invalid_argument);
  CHECK(r.buddy.resize(slab, 2) == Status::invalid_argument);
}

TEST_CASE("buddy serves 1 GiB blocks on a 1 GiB region", "[buddy]") {
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  Region r(4 * kGiB, kGiB);
  CHECK(buddyinfo(r.buddy)[18] == 1);
  uint64_t address = 0;
  REQUIRE(r.buddy.allocate(18, address) == Status::ok);
  CHECK(address == 4 * kGiB);
  CHECK(r.buddy.allocate(0, address) == Status::no_memory);
  REQUIRE(r.buddy.free(4 * kGiB) == Status::ok);
  for (int i = 0; i < 4; ++i) REQUIRE(r.buddy.allocate(16, address) == Status::ok);
  CHECK(r.buddy.allocate(16, address) == Status::no_memory);
  CHECK(r.buddy.allocate(19, address) == Status::no_memory);
  CHECK(r.buddy.audit() == Status::ok);
}
