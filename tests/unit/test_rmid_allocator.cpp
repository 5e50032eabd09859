// The RMID allocator against a model: lowest free RMID first, RMID 0 never
// handed out, a freed RMID in limbo until its minimum free time has passed,
// exhaustion and limbo told apart, owners kept.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "platform/monitor/rmid_allocator.h"

using namespace crashtwin;

namespace {

RmidOwner owner(uint32_t id, const char* name) {
  RmidOwner o;
  o.workload_id = id;
  std::strncpy(o.name, name, sizeof o.name - 1);
  return o;
}

}  // namespace

TEST_CASE("RMID allocator: init, exhaustion, limbo and reuse", "[rmid]") {
  std::vector<RmidEntry> storage(4);  // RMIDs 0..3, 0 reserved
  RmidAllocator a;
  REQUIRE(a.init(storage, 1000) == Status::ok);
  CHECK(a.counts(0).free == 3);
  uint32_t r1 = 0, r2 = 0, r3 = 0, r4 = 0;
  REQUIRE(a.allocate(owner(10, "db"), 0, r1) == Status::ok);
  REQUIRE(a.allocate(owner(11, "web"), 0, r2) == Status::ok);
  REQUIRE(a.allocate(owner(12, "batch-job-with-a-long-name"), 0, r3) == Status::ok);
  CHECK((r1 == 1 && r2 == 2 && r3 == 3));
  CHECK(a.allocate(owner(13, "late"), 0, r4) == Status::no_memory);
  RmidEntry e;
  REQUIRE(a.query(r3, e) == Status::ok);
  CHECK(e.state == RmidState::in_use);
  CHECK(e.owner.workload_id == 12);
  CHECK(std::string(e.owner.name) == "batch-job-with-");  // truncated to 15 + NUL
  // Freed at 500: in limbo until 1500.
  REQUIRE(a.free(r2, 500) == Status::ok);
  CHECK(a.free(r2, 600) == Status::double_free);
  CHECK(a.allocate(owner(13, "late"), 1499, r4) == Status::busy);
  CHECK(a.limbo_ends_ns() == 1500);
  CHECK(a.counts(1499).limbo == 1);
  REQUIRE(a.allocate(owner(13, "late"), 1500, r4) == Status::ok);
  CHECK(r4 == r2);
  CHECK(a.limbo_ends_ns() == UINT64_MAX);
  CHECK(a.free(0, 0) == Status::out_of_range);
  CHECK(a.free(4, 0) == Status::out_of_range);
  CHECK(a.query(0, e) == Status::ok);
  CHECK(e.state == RmidState::reserved);
  RmidAllocator tiny;
  std::vector<RmidEntry> one(1);
  CHECK(tiny.init(one, 0) == Status::invalid_argument);
  uint32_t r = 0;
  CHECK(tiny.allocate(owner(1, "x"), 0, r) == Status::invalid_argument);
}

TEST_CASE("RMID allocator matches a model over random operations", "[rmid][property]") {
  std::mt19937_64 rng(20261204);
  for (int round = 0; round < 50; ++round) {
    const size_t count = 2 + rng() % 64;
    const uint64_t min_free = rng() % 4 == 0 ? 0 : rng() % 10'000;
    std::vector<RmidEntry> storage(count);
    RmidAllocator a;
    REQUIRE(a.init(storage, min_free) == Status::ok);
    std::map<uint32_t, uint32_t> in_use;    // rmid -> workload
    std::map<uint32_t, uint64_t> freed_at;  // rmid -> free time
    uint64_t now = 0;
    for (int step = 0; step < 2000; ++step) {
      now += rng() % 500;
      if (rng() % 2 == 0) {
        // Model: lowest RMID >= 1 neither in use nor in limbo.
        uint32_t expected = 0;
        bool limbo = false;
        for (uint32_t id = 1; id < count && expected == 0; ++id) {
          if (in_use.count(id)) continue;
          auto f = freed_at.find(id);
          if (f != freed_at.end() && now - f->second < min_free) {
            limbo = true;
            continue;
          }
          expected = id;
        }
        uint32_t got = 0;
        const uint32_t workload = static_cast<uint32_t>(rng());
        const Status s = a.allocate(owner(workload, "w"), now, got);
        if (expected == 0) {
          CHECK(s == (limbo ? Status::busy : Status::no_memory));
        } else {
          REQUIRE(s == Status::ok);
          CHECK(got == expected);
          in_use[got] = workload;
          freed_at.erase(got);
        }
      } else {
        const auto id = static_cast<uint32_t>(rng() % (count + 1));
        const Status s = a.free(id, now);
        if (id == 0 || id >= count) CHECK(s == Status::out_of_range);
        else if (!in_use.count(id)) CHECK(s == Status::double_free);
        else {
          CHECK(s == Status::ok);
          in_use.erase(id);
          freed_at[id] = now;
        }
      }
      const RmidCounts c = a.counts(now);
      CHECK(c.in_use == in_use.size());
      CHECK(c.free + c.in_use + c.limbo == count - 1);
      for (const auto& [id, workload] : in_use) {
        RmidEntry e;
        REQUIRE(a.query(id, e) == Status::ok);
        CHECK(e.owner.workload_id == workload);
      }
    }
  }
}
