// Slab caches on buddy pages: geometry, errors, statistics, and random
// alloc/free against a set of live objects.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "platform/alloc/slab.h"

using namespace crashtwin;
using namespace crashtwin::alloc;

namespace {

constexpr uint64_t kPage = kPageSize;

struct Pages {
  std::vector<uint64_t> storage;
  BuddyAllocator buddy;
  Pages(uint64_t base, uint64_t pages) : storage(BuddyAllocator::metadata_bytes(pages * kPage) / 8 + 1) {
    REQUIRE(buddy.init(base, pages * kPage, std::as_writable_bytes(std::span(storage))) == Status::ok);
  }
};

struct Cache {
  std::vector<uint64_t> storage;
  SlabCache slab;
  Cache(BuddyAllocator& buddy, const SlabCacheConfig& config)
      : storage(SlabCache::metadata_bytes(config) / 8 + 1) {
    REQUIRE(SlabCache::metadata_bytes(config) != 0);
    REQUIRE(slab.init(buddy, config, std::as_writable_bytes(std::span(storage))) == Status::ok);
  }
};

SlabCacheConfig config_for(uint32_t object_size, uint32_t max_slabs) {
  SlabCacheConfig config;
  config.object_size = object_size;
  config.max_slabs = max_slabs;
  return config;
}

}  // namespace

TEST_CASE("slab config picks a geometry or is rejected", "[slab]") {
  SlabCacheConfig config = config_for(64, 4);
  Pages pages(0, 64);
  {
    Cache c(pages.buddy, config);
    const SlabStats s = c.slab.stats();
    CHECK(s.slab_order == 0);
    CHECK(s.objects_per_slab == 64);
    CHECK(s.object_stride == 64);
    CHECK(s.slabs == 0);
  }
  {
    Cache c(pages.buddy, config_for(1000, 4));  // 4 per page is < 8: two pages hold 8 with 192 B lost
    CHECK(c.slab.stats().slab_order == 1);
    CHECK(c.slab.stats().objects_per_slab == 8);
    CHECK(c.slab.stats().object_stride == 1000);
  }
  {
    Cache c(pages.buddy, config_for(20, 4));  // stride 24
    CHECK(c.slab.stats().object_stride == 24);
    CHECK(c.slab.stats().objects_per_slab == 170);
  }
  std::vector<uint64_t> storage(4096);
  auto metadata = std::as_writable_bytes(std::span(storage));
  SlabCache bad;
  CHECK(SlabCache::metadata_bytes(config_for(0, 4)) == 0);
  CHECK(bad.init(pages.buddy, config_for(0, 4), metadata) == Status::invalid_argument);
  CHECK(bad.init(pages.buddy, config_for(64, 0), metadata) == Status::invalid_argument);
  CHECK(bad.init(pages.buddy, config_for(kMaxSlabObjectSize + 1, 4), metadata) == Status::invalid_argument);
  config.align = 12;
  CHECK(bad.init(pages.buddy, config, metadata) == Status::invalid_argument);
  config.align = 8;
  config.slab_order = kMaxSlabOrder + 1;
  CHECK(bad.init(pages.buddy, config, metadata) == Status::invalid_argument);
  config.slab_order = 0;
  CHECK(bad.init(pages.buddy, config, metadata.first(SlabCache::metadata_bytes(config) - 1)) ==
        Status::invalid_argument);
  CHECK(bad.init(pages.buddy, config, metadata.subspan(4)) == Status::invalid_argument);
  uint64_t address = 0;
  CHECK(bad.alloc(address) == Status::no_memory);  // never initialised
  CHECK(bad.free(0) == Status::invalid_argument);
}

TEST_CASE("slab objects fill a slab, then a new one, and empty slabs go back", "[slab]") {
  Pages pages(0x20'0000, 16);
  SlabCacheConfig config = config_for(100, 8);  // stride 104, 39 per page
  config.slab_order = 0;
  config.keep_empty_slabs = 0;
  Cache c(pages.buddy, config);
  std::vector<uint64_t> objects;
  for (int i = 0; i < 40; ++i) {
    uint64_t address = 0;
    REQUIRE(c.slab.alloc(address) == Status::ok);
    objects.push_back(address);
  }
  SlabStats s = c.slab.stats();
  CHECK(s.objects_per_slab == 39);
  CHECK(s.slabs == 2);
  CHECK(s.pages == 2);
  CHECK(s.objects_in_use == 40);
  CHECK(s.object_capacity == 78);
  // Two tails of 4096 - 39 * 104 = 40 bytes, 40 objects padded by 4 bytes.
  CHECK(s.internal_fragmentation_bytes == 2 * 40 + 40 * 4);
  CHECK(pages.buddy.free_pages() == 14);
  // The first 39 objects share one page, 104 bytes apart.
  for (int i = 1; i < 39; ++i) CHECK(objects[i] - objects[i - 1] == 104);
  CHECK(c.slab.audit() == Status::ok);

  for (uint64_t address : objects) REQUIRE(c.slab.free(address) == Status::ok);
  CHECK(c.slab.stats().slabs == 0);
  CHECK(pages.buddy.free_pages() == 16);
  CHECK(c.slab.audit() == Status::ok);
}

TEST_CASE("slab free rejects double, misaligned and foreign objects", "[slab]") {
  Pages pages(0x20'0000, 16);
  Cache a(pages.buddy, config_for(64, 2));
  Cache b(pages.buddy, config_for(64, 2));
  uint64_t x = 0, y = 0, z = 0;
  REQUIRE(a.slab.alloc(x) == Status::ok);
  REQUIRE(a.slab.alloc(y) == Status::ok);
  REQUIRE(b.slab.alloc(z) == Status::ok);
  uint64_t run = 0;
  REQUIRE(pages.buddy.allocate(0, run) == Status::ok);
  const SlabStats before = a.slab.stats();

  CHECK(a.slab.free(x + 8) == Status::invalid_argument);  // misaligned
  CHECK(a.slab.free(z) == Status::invalid_argument);      // another cache's object
  CHECK(a.slab.free(run) == Status::invalid_argument);    // a plain buddy block
  CHECK(a.slab.free(0x10'0000) == Status::out_of_range);  // outside the region
  CHECK(a.slab.free(y + 64) == Status::double_free);      // never handed out
  const SlabStats after = a.slab.stats();
  CHECK(after.objects_in_use == before.objects_in_use);  // errors change nothing
  CHECK(after.slabs == before.slabs);
  CHECK(after.internal_fragmentation_bytes == before.internal_fragmentation_bytes);
  CHECK(a.slab.audit() == Status::ok);
  REQUIRE(a.slab.free(x) == Status::ok);
  CHECK(a.slab.free(x) == Status::double_free);
  CHECK(a.slab.stats().objects_in_use == before.objects_in_use - 1);
  CHECK(a.slab.audit() == Status::ok);
  CHECK(b.slab.audit() == Status::ok);
}

TEST_CASE("slab runs out cleanly when records or pages are exhausted", "[slab]") {
  Pages pages(0, 2);
  SlabCacheConfig config = config_for(2048, 4);  // 2 objects per page at order 0
  config.slab_order = 0;
  Cache c(pages.buddy, config);
  uint64_t address = 0;
  for (int i = 0; i < 4; ++i) REQUIRE(c.slab.alloc(address) == Status::ok);
  CHECK(c.slab.alloc(address) == Status::no_memory);  // buddy has no page
  CHECK(c.slab.stats().objects_in_use == 4);
  CHECK(c.slab.audit() == Status::ok);

  Pages more(0, 64);
  config.max_slabs = 1;
  Cache one(more.buddy, config);
  REQUIRE(one.slab.alloc(address) == Status::ok);
  REQUIRE(one.slab.alloc(address) == Status::ok);
  CHECK(one.slab.alloc(address) == Status::no_memory);  // no slab record left
  CHECK(one.slab.audit() == Status::ok);
}

TEST_CASE("slab random alloc/free keeps objects disjoint and accounted", "[slab][property]") {
  const char* text = std::getenv("CRASHTWIN_PROPERTY_OPS");
  const uint64_t operations = text != nullptr ? std::strtoull(text, nullptr, 10) : 1'000'000;
  for (uint32_t object_size : {24u, 64u, 1000u}) {
    Pages pages(0x4000'0000 + 5 * kPage, 200);
    SlabCacheConfig config = config_for(object_size, 64);
    config.keep_empty_slabs = 2;
    Cache c(pages.buddy, config);
    const uint32_t stride = c.slab.stats().object_stride;
    const uint64_t slab_bytes = kPage << c.slab.stats().slab_order;
    std::set<uint64_t> live;
    std::vector<uint64_t> live_list;  // for uniform picks
    std::mt19937_64 rng(object_size);
    for (uint64_t step = 0; step < operations / 3; ++step) {
      // Drift between filling and draining so slabs empty and refill.
      const bool grow = (step / 5000) % 2 == 0 ? rng() % 100 < 60 : rng() % 100 < 40;
      if (grow || live_list.empty()) {
        uint64_t address = 0;
        const Status s = c.slab.alloc(address);
        if (!ok(s)) {
          REQUIRE(s == Status::no_memory);
          continue;
        }
        Allocation slab;
        const uint64_t slab_base = address & ~(slab_bytes - 1);
        REQUIRE(pages.buddy.find(slab_base, slab) == Status::ok);  // inside a slab block
        REQUIRE(slab.kind == AllocationKind::slab);
        REQUIRE((address - slab_base) % stride == 0);
        REQUIRE(address - slab_base + object_size <= slab_bytes);
        REQUIRE(live.insert(address).second);  // never handed out twice
        // No overlap with the neighbours (objects are at stride multiples).
        auto it = live.find(address);
        if (it != live.begin()) REQUIRE(*std::prev(it) + object_size <= address);
        if (std::next(it) != live.end()) REQUIRE(address + object_size <= *std::next(it));
        live_list.push_back(address);
      } else {
        const size_t i = rng() % live_list.size();
        const uint64_t address = live_list[i];
        REQUIRE(c.slab.free(address) == Status::ok);
        if (rng() % 16 == 0) REQUIRE(c.slab.free(address) == Status::double_free);
        live.erase(address);
        live_list[i] = live_list.back();
        live_list.pop_back();
      }
      const SlabStats s = c.slab.stats();
      REQUIRE(s.objects_in_use == live.size());
      REQUIRE(s.pages == 200 - pages.buddy.free_pages());
      if (step % 1024 == 0) REQUIRE(c.slab.audit() == Status::ok);
    }
    for (uint64_t address : live_list) REQUIRE(c.slab.free(address) == Status::ok);
    c.slab.shrink();
    REQUIRE(c.slab.stats().slabs == 0);
    REQUIRE(c.slab.audit() == Status::ok);
    REQUIRE(pages.buddy.free_pages() == 200);
    REQUIRE(pages.buddy.audit() == Status::ok);
  }
}
