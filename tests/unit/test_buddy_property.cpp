// Buddy allocator property tests: random operations checked step by step
// against a reference model that knows the owner of every page.
//
// CRASHTWIN_PROPERTY_OPS scales the run (default 2,000,000 operations per
// region shape, about 2 s in RelWithDebInfo; set more for a soak).
#include <algorithm>
#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "platform/alloc/buddy.h"

using namespace crashtwin;
using namespace crashtwin::alloc;

namespace {

constexpr uint64_t kPage = kPageSize;

uint64_t property_ops(uint64_t fallback) {
  const char* text = std::getenv("CRASHTWIN_PROPERTY_OPS");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : fallback;
}

struct ModelAllocation {
  uint64_t pages;
  AllocationKind kind;
};

// The obvious allocator: who owns each page. Slow and clearly right.
class PageOwnerModel {
 public:
  PageOwnerModel(uint64_t base, uint64_t pages) : base_(base), owner_(pages, 0), free_(pages) {}

  uint64_t pages() const { return owner_.size(); }
  uint64_t page_of(uint64_t address) const { return (address - base_) / kPage; }
  bool page_free(uint64_t page) const { return owner_[page] == 0; }
  bool is_head(uint64_t address) const { return live_.count(address) != 0; }
  const std::map<uint64_t, ModelAllocation>& live() const { return live_; }
  uint64_t free_pages() const { return free_; }

  bool range_free(uint64_t first, uint64_t count) const {
    if (first + count > owner_.size()) return false;
    for (uint64_t p = first; p < first + count; ++p) {
      if (owner_[p] != 0) return false;
    }
    return true;
  }

  // Is there a naturally aligned (physical pfn) fully free block of `order`?
  bool has_free_block(uint32_t order) const {
    const uint64_t size = uint64_t{1} << order;
    const uint64_t base_pfn = base_ / kPage;
    uint64_t first = (base_pfn + size - 1) / size * size - base_pfn;
    for (; first + size <= owner_.size(); first += size) {
      if (range_free(first, size)) return true;
    }
    return false;
  }

  // Records a new allocation, checking it against everything live.
  void take(uint64_t address, uint64_t count, AllocationKind kind) {
    REQUIRE(address >= base_);
    REQUIRE((address - base_) % kPage == 0);
    const uint64_t first = page_of(address);
    REQUIRE(first + count <= owner_.size());  // lies in the region
    REQUIRE(range_free(first, count));        // overlaps nothing live
    for (uint64_t p = first; p < first + count; ++p) owner_[p] = first + 1;
    live_[address] = ModelAllocation{count, kind};
    free_ -= count;
  }

  void give_back(uint64_t address) {
    const ModelAllocation a = live_.at(address);
    const uint64_t first = page_of(address);
    for (uint64_t p = first; p < first + a.pages; ++p) owner_[p] = 0;
    free_ += a.pages;
    live_.erase(address);
  }

  void resize(uint64_t address, uint64_t new_pages) {
    ModelAllocation& a = live_.at(address);
    const uint64_t first = page_of(address);
    if (new_pages > a.pages) {
      REQUIRE(range_free(first + a.pages, new_pages - a.pages));
      for (uint64_t p = first + a.pages; p < first + new_pages; ++p) owner_[p] = first + 1;
      free_ -= new_pages - a.pages;
    } else {
      for (uint64_t p = first + new_pages; p < first + a.pages; ++p) owner_[p] = 0;
      free_ += a.pages - new_pages;
    }
    if (new_pages != a.pages && a.kind == AllocationKind::block) a.kind = AllocationKind::run;
    a.pages = new_pages;
  }

  // Free blocks per order a fully merged buddy allocator reports: each maximal
  // free run split greedily into the largest naturally aligned blocks (the
  // pending tails of runs must be counted exactly like carved ones).
  std::array<uint64_t, kOrderCount> buddyinfo() const {
    std::array<uint64_t, kOrderCount> counts{};
    const uint64_t base_pfn = base_ / kPage;
    uint64_t p = 0;
    while (p < owner_.size()) {
      if (owner_[p] != 0) {
        ++p;
        continue;
      }
      uint64_t end = p;
      while (end < owner_.size() && owner_[end] == 0) ++end;
      while (p < end) {
        const uint64_t order = std::min<uint64_t>({static_cast<uint64_t>(std::countr_zero(base_pfn + p)),
                                                   static_cast<uint64_t>(std::bit_width(end - p) - 1), kMaxOrder});
        ++counts[order];
        p += uint64_t{1} << order;
      }
    }
    return counts;
  }

  uint64_t free_run_after(uint64_t address) const {
    uint64_t p = page_of(address) + live_.at(address).pages;
    uint64_t count = 0;
    while (p < owner_.size() && owner_[p] == 0) ++p, ++count;
    return count;
  }

 private:
  uint64_t base_;
  std::vector<uint64_t> owner_;  // 0 = free, else first page + 1 of the owner
  std::map<uint64_t, ModelAllocation> live_;
  uint64_t free_;
};

struct Snapshot {
  std::array<uint64_t, kOrderCount> buddyinfo{};
  uint64_t free_pages = 0;
  uint64_t allocations = 0;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const BuddyAllocator& buddy) {
  Snapshot s;
  buddy.buddyinfo(s.buddyinfo);
  s.free_pages = buddy.free_pages();
  s.allocations = buddy.allocation_count();
  return s;
}

// Checks invariants that are O(1) or O(orders): run after every step.
void check_accounting(const BuddyAllocator& buddy, const PageOwnerModel& model) {
  REQUIRE(buddy.free_pages() == model.free_pages());
  REQUIRE(buddy.allocation_count() == model.live().size());
  REQUIRE(buddy.pending_tails() <= model.live().size());
  std::array<uint64_t, kOrderCount> counts{};
  buddy.buddyinfo(counts);
  uint64_t pages = 0;
  for (uint32_t k = 0; k < kOrderCount; ++k) pages += counts[k] << k;
  REQUIRE(pages == model.free_pages());
}

// O(pages): the full audit and the walk against the model.
void check_everything(const BuddyAllocator& buddy, const PageOwnerModel& model) {
  REQUIRE(buddy.audit() == Status::ok);
  std::array<uint64_t, kOrderCount> counts{};
  buddy.buddyinfo(counts);
  REQUIRE(counts == model.buddyinfo());
  std::vector<Allocation> walked;
  buddy.walk_allocated([](void* c, const Allocation& a) { static_cast<std::vector<Allocation>*>(c)->push_back(a); },
                       &walked);
  REQUIRE(walked.size() == model.live().size());
  auto expected = model.live().begin();
  for (const Allocation& a : walked) {
    REQUIRE(a.address == expected->first);
    REQUIRE(a.pages == expected->second.pages);
    REQUIRE(a.kind == expected->second.kind);
    ++expected;
  }
}

// Picks a live allocation's address uniformly (the map is small).
uint64_t pick_live(const PageOwnerModel& model, std::mt19937_64& rng) {
  auto it = model.live().begin();
  std::advance(it, static_cast<long>(rng() % model.live().size()));
  return it->first;
}

// The expected Status of free()/resize() at an address that is not a head.
Status expected_error(const PageOwnerModel& model, uint64_t base, uint64_t address) {
  if (address < base || address >= base + model.pages() * kPage) return Status::out_of_range;
  if (address % kPage != 0) return Status::invalid_argument;
  return model.page_free(model.page_of(address)) ? Status::double_free : Status::invalid_argument;
}

void run_random_operations(uint64_t base, uint64_t pages, uint32_t max_order, uint64_t operations,
                           uint64_t seed) {
  std::vector<uint64_t> storage(BuddyAllocator::metadata_bytes(pages * kPage) / 8 + 1);
  BuddyAllocator buddy;
  REQUIRE(buddy.init(base, pages * kPage, std::as_writable_bytes(std::span(storage))) == Status::ok);
  PageOwnerModel model(base, pages);
  const Snapshot initial = snapshot(buddy);
  std::mt19937_64 rng(seed);
  const uint64_t max_run = uint64_t{1} << max_order;
  // Outcomes seen, so the test proves it reached both sides of each branch.
  std::map<std::string, uint64_t> seen;

  for (uint64_t step = 0; step < operations; ++step) {
    const uint32_t choice = static_cast<uint32_t>(rng() % 100);
    uint64_t address = 0;
    const uint64_t tails_before = buddy.pending_tails();
    if (choice < 22) {  // allocate by order, small orders more often
      const uint32_t order = static_cast<uint32_t>(rng() % (max_order + 1)) * static_cast<uint32_t>(rng() % 2);
      const Status s = buddy.allocate(order, address);
      if (ok(s)) {
        REQUIRE(((address / kPage) & ((uint64_t{1} << order) - 1)) == 0);  // naturally aligned
        model.take(address, uint64_t{1} << order, AllocationKind::block);
        ++seen["allocate ok"];
      } else {
        REQUIRE(s == Status::no_memory);
        REQUIRE_FALSE(model.has_free_block(order));
        ++seen["allocate no_memory"];
      }
    } else if (choice < 44) {  // a run of any length
      const uint64_t count = 1 + rng() % max_run;
      const Status s = buddy.allocate_pages(count, address);
      if (ok(s)) {
        model.take(address, count, AllocationKind::run);
        ++seen["allocate_pages ok"];
      } else {
        REQUIRE(s == Status::no_memory);
        REQUIRE_FALSE(model.has_free_block(static_cast<uint32_t>(std::bit_width(count - 1))));
      }
    } else if (choice < 74) {  // free
      if (model.live().empty()) continue;
      address = pick_live(model, rng);
      REQUIRE(buddy.free(address) == Status::ok);
      model.give_back(address);
    } else if (choice < 82) {  // reserve a chosen range
      const uint64_t first = rng() % pages;
      const uint64_t count = 1 + rng() % (max_run / 2 + 1);
      const uint64_t bytes = count * kPage - rng() % kPage;  // partial last page rounds up
      // Half the time as back-to-back runs (reserve_runs): 1-3 runs that
      // together cover the same pages.
      std::vector<uint64_t> runs;
      if (rng() % 2 == 0) {
        runs.push_back(bytes);
      } else {
        uint64_t left = count;
        while (left > 0 && runs.size() < 3) {
          const uint64_t run = runs.size() == 2 ? left : 1 + rng() % left;
          runs.push_back(run * kPage);
          left -= run;
        }
        runs.back() -= bytes % kPage == 0 ? 0 : kPage - bytes % kPage;  // a partial last page still rounds up
      }
      const Snapshot before = snapshot(buddy);
      const Status s = runs.size() == 1 && rng() % 2 == 0 ? buddy.reserve(base + first * kPage, bytes)
                                                          : buddy.reserve_runs(base + first * kPage, runs);
      if (first + count > pages) {
        REQUIRE(s == Status::out_of_range);
      } else if (!model.range_free(first, count)) {
        REQUIRE(s == Status::busy);
        ++seen["reserve busy"];
      } else {
        REQUIRE(s == Status::ok);
        uint64_t at = base + first * kPage;
        for (const uint64_t run : runs) {
          const uint64_t run_pages = (run + kPage - 1) / kPage;
          model.take(at, run_pages, AllocationKind::reserved);
          at += run_pages * kPage;
        }
        ++seen[runs.size() > 1 ? "reserve_runs ok" : "reserve ok"];
      }
      if (!ok(s)) REQUIRE(snapshot(buddy) == before);
    } else if (choice < 92) {  // resize in place
      if (model.live().empty()) continue;
      address = pick_live(model, rng);
      const ModelAllocation a = model.live().at(address);
      REQUIRE(buddy.free_pages_after(address) == model.free_run_after(address));
      const uint64_t new_pages = 1 + rng() % (2 * a.pages + 2);
      const Snapshot before = snapshot(buddy);
      const Status s = buddy.resize(address, new_pages);
      const uint64_t first = model.page_of(address);
      if (new_pages <= a.pages || model.range_free(first + a.pages, new_pages - a.pages)) {
        REQUIRE(s == Status::ok);
        ++seen[new_pages > a.pages ? "resize grow" : "resize shrink"];
        model.resize(address, new_pages);
      } else {
        REQUIRE(s == Status::no_memory);
        REQUIRE(snapshot(buddy) == before);
        ++seen["resize no_memory"];
      }
    } else if (choice < 96) {  // is_free_range query
      const uint64_t first = rng() % pages;
      const uint64_t count = 1 + rng() % max_run;
      REQUIRE(buddy.is_free_range(base + first * kPage, count) == model.range_free(first, count));
    } else {  // a wrong free: inner page, free page, misaligned or foreign
      const uint64_t offset = rng() % (pages * kPage + 4 * kPage);
      address = base - 2 * kPage + (rng() % 2 == 0 ? offset : offset / kPage * kPage);
      if (model.is_head(address)) continue;
      const Snapshot before = snapshot(buddy);
      const Status expected = expected_error(model, base, address);
      REQUIRE(buddy.free(address) == expected);
      REQUIRE(snapshot(buddy) == before);
      ++seen[to_string(expected)];
    }
    // Which calls carved (or, for free, dropped) a pending tail: the test must
    // reach each way a tail leaves the pending state.
    if (buddy.pending_tails() < tails_before) {
      static const char* const kCarvedBy[] = {"allocate", "allocate_pages", "free", "reserve", "resize"};
      const uint32_t call = choice < 22 ? 0 : choice < 44 ? 1 : choice < 74 ? 2 : choice < 82 ? 3 : 4;
      ++seen[std::string("tail left pending: ") + kCarvedBy[call]];
    }
    check_accounting(buddy, model);
    if (step % 128 == 0) check_everything(buddy, model);
  }
  check_everything(buddy, model);
  for (const char* outcome : {"allocate ok", "allocate no_memory", "allocate_pages ok", "reserve ok", "reserve_runs ok", "reserve busy",
                              "resize grow", "resize shrink", "resize no_memory", "out_of_range",
                              "invalid_argument", "double_free", "tail left pending: free",
                              "tail left pending: resize"}) {
    INFO(outcome);
    CHECK(seen[outcome] > operations / 10000);
  }
  // Rarer by design: an allocation carves a tail only when no free area can
  // serve it, a reserve only when it lands in one.
  for (const char* outcome : {"tail left pending: allocate", "tail left pending: allocate_pages",
                              "tail left pending: reserve"}) {
    INFO(outcome);
    CHECK(seen[outcome] > operations / 100000);
  }

  // Freeing everything coalesces back to the initial free areas.
  while (!model.live().empty()) {
    const uint64_t address = model.live().begin()->first;
    REQUIRE(buddy.free(address) == Status::ok);
    model.give_back(address);
  }
  REQUIRE(snapshot(buddy) == initial);
  REQUIRE(buddy.audit() == Status::ok);
}

}  // namespace

TEST_CASE("buddy random operations match the page-owner model", "[buddy][property]") {
  const uint64_t operations = property_ops(2'000'000);
  SECTION("power-of-two region, aligned base") { run_random_operations(0x8000'0000, 256, 6, operations, 1); }
  SECTION("odd region, odd base pfn") { run_random_operations(0x1234'5000, 301, 5, operations, 2); }
  SECTION("tiny region, orders past its size") { run_random_operations(0x3000, 7, 4, operations / 10, 3); }
}

// Every pair of run lengths on a 16-page region, freed in both orders, at an
// aligned and an unaligned base: always back to the initial free areas.
TEST_CASE("buddy exhaustive small-region sequences coalesce", "[buddy][property]") {
  constexpr uint64_t kPages = 16;
  std::vector<uint64_t> storage(BuddyAllocator::metadata_bytes(kPages * kPage) / 8 + 1);
  for (uint64_t base_pfn : {uint64_t{0}, uint64_t{3}}) {
    for (uint64_t first = 1; first <= kPages; ++first) {
      for (uint64_t second = 1; second <= kPages; ++second) {
        for (int free_first = 0; free_first < 2; ++free_first) {
          BuddyAllocator buddy;
          REQUIRE(buddy.init(base_pfn * kPage, kPages * kPage, std::as_writable_bytes(std::span(storage))) ==
                  Status::ok);
          const Snapshot initial = snapshot(buddy);
          uint64_t a = 0, b = 0;
          const Status sa = buddy.allocate_pages(first, a);
          if (!ok(sa)) {  // the unaligned base has no block large enough
            REQUIRE(sa == Status::no_memory);
            REQUIRE(std::bit_ceil(first) * kPage > buddy.largest_free_block_bytes());
            REQUIRE(snapshot(buddy) == initial);
            continue;
          }
          const Status sb = buddy.allocate_pages(second, b);
          REQUIRE(buddy.audit() == Status::ok);
          REQUIRE(buddy.free_pages() == kPages - first - (ok(sb) ? second : 0));
          PageOwnerModel model(base_pfn * kPage, kPages);
          model.take(a, first, AllocationKind::run);
          if (ok(sb)) model.take(b, second, AllocationKind::run);
          // Pending tails or carved, every page answers as the model says.
          check_accounting(buddy, model);
          check_everything(buddy, model);
          for (uint64_t p = 0; p < kPages; ++p) {
            REQUIRE(buddy.is_free_range((base_pfn + p) * kPage, 1) == model.page_free(p));
          }
          if (free_first != 0) REQUIRE(buddy.free(a) == Status::ok);
          if (ok(sb)) REQUIRE(buddy.free(b) == Status::ok);
          if (free_first == 0) REQUIRE(buddy.free(a) == Status::ok);
          REQUIRE(buddy.audit() == Status::ok);
          REQUIRE(snapshot(buddy) == initial);
        }
      }
    }
  }
}

// Every pair of reservations (start, length) on a 12-page region at an odd
// base pfn, checked against the model, then freed back to the initial state.
TEST_CASE("buddy exhaustive reserve pairs match the model", "[buddy][property]") {
  constexpr uint64_t kPages = 12;
  constexpr uint64_t kBase = 0x1'0000'0000 + 5 * kPage;
  std::vector<uint64_t> storage(BuddyAllocator::metadata_bytes(kPages * kPage) / 8 + 1);
  uint64_t reserved_pairs = 0;
  for (uint64_t first = 0; first < kPages; ++first) {
    for (uint64_t count = 1; first + count <= kPages; ++count) {
      for (uint64_t first2 = 0; first2 < kPages; ++first2) {
        for (uint64_t count2 = 1; count2 <= kPages - first2 + 1; ++count2) {
          BuddyAllocator buddy;
          REQUIRE(buddy.init(kBase, kPages * kPage, std::as_writable_bytes(std::span(storage))) == Status::ok);
          const Snapshot initial = snapshot(buddy);
          PageOwnerModel model(kBase, kPages);
          REQUIRE(buddy.reserve(kBase + first * kPage, count * kPage) == Status::ok);
          model.take(kBase + first * kPage, count, AllocationKind::reserved);
          const Snapshot before = snapshot(buddy);
          const Status s = buddy.reserve(kBase + first2 * kPage, count2 * kPage);
          if (first2 + count2 > kPages) {
            REQUIRE(s == Status::out_of_range);
          } else if (!model.range_free(first2, count2)) {
            REQUIRE(s == Status::busy);
          } else {
            REQUIRE(s == Status::ok);
            model.take(kBase + first2 * kPage, count2, AllocationKind::reserved);
            ++reserved_pairs;
          }
          if (!ok(s)) REQUIRE(snapshot(buddy) == before);
          check_accounting(buddy, model);
          check_everything(buddy, model);
          for (uint64_t p = 0; p < kPages; ++p) {
            REQUIRE(buddy.is_free_range(kBase + p * kPage, 1) == model.page_free(p));
          }
          while (!model.live().empty()) {
            const uint64_t address = model.live().begin()->first;
            REQUIRE(buddy.free(address) == Status::ok);
            model.give_back(address);
          }
          REQUIRE(snapshot(buddy) == initial);
        }
      }
    }
  }
  CHECK(reserved_pairs > 1000);
}
