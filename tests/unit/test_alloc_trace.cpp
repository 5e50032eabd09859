// Allocation tracking (platform/alloc/alloc_trace.h): the buddy allocator
// records every successful call with the caller's context; the ring
// overwrites its oldest events and tells readers what they lost; tracking
// changes no address; the agent tags its allocations and the leaky_test
// fixture leaks exactly what it plants.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

#include "platform/alloc/alloc_trace.h"
#include "platform/alloc/buddy.h"
#include "policies/fixtures/leaky_test_policy.h"
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::alloc;

namespace {

constexpr uint64_t kBase = 1ull << 30;

struct TracedBuddy {
  std::vector<std::byte> metadata;
  std::vector<AllocEvent> ring;
  AllocTrace trace;
  BuddyAllocator buddy;
  explicit TracedBuddy(uint64_t pages, size_t events = 64)
      : metadata(BuddyAllocator::metadata_bytes(pages * kPageSize)), ring(events) {
    REQUIRE(trace.init(ring) == Status::ok);
    REQUIRE(buddy.init(kBase, pages * kPageSize, metadata) == Status::ok);
    buddy.set_trace(&trace);
  }
  std::vector<AllocEvent> events() const {
    std::vector<AllocEvent> out(trace.capacity());
    uint64_t lost = 0;
    out.resize(trace.read_from(0, out, lost));
    REQUIRE(lost == 0);
    return out;
  }
};

}  // namespace

TEST_CASE("alloc trace: every successful buddy call is one event in the caller's context", "[alloc_trace]") {
  TracedBuddy t(256);
  t.trace.set_time(5);
  t.trace.set_context(AllocCaller::slice, 1, 3, 3 * kPageSize);
  uint64_t run = 0, block = 0;
  REQUIRE(t.buddy.allocate_pages(3, run) == Status::ok);
  t.trace.set_context(AllocCaller::pack);
  REQUIRE(t.buddy.allocate(2, block) == Status::ok);
  REQUIRE(t.buddy.reserve(kBase + 128 * kPageSize, 2 * kPageSize) == Status::ok);
  REQUIRE(t.buddy.reserve(kBase + 128 * kPageSize, kPageSize) == Status::busy);  // failures are not events
  t.trace.set_time(9);
  REQUIRE(t.buddy.resize(run, 4) == Status::ok);
  REQUIRE(t.buddy.resize(run, 1) == Status::ok);
  REQUIRE(t.buddy.free(block) == Status::ok);
  const uint64_t ranges[] = {kPageSize, 3 * kPageSize};
  REQUIRE(t.buddy.reserve_runs(kBase + 200 * kPageSize, ranges) == Status::ok);

  const std::vector<AllocEvent> e = t.events();
  REQUIRE(e.size() == 8);
  CHECK(e[0].op == AllocOp::alloc);
  CHECK(e[0].address == run);
  CHECK(e[0].pages == 3);
  CHECK(e[0].caller == AllocCaller::slice);
  CHECK(e[0].owner_class == 1);
  CHECK(e[0].owner_instance == 3);
  CHECK(e[0].requested_bytes == 3 * kPageSize);
  CHECK(e[0].time_ns == 5);
  CHECK(e[1].pages == 4);
  CHECK(e[1].caller == AllocCaller::pack);
  CHECK(e[1].owner_class == kNoOwnerClass);
  CHECK(e[2].address == kBase + 128 * kPageSize);
  CHECK((e[3].op == AllocOp::grow && e[3].pages == 4 && e[3].delta_pages == 1 && e[3].time_ns == 9));
  CHECK((e[4].op == AllocOp::shrink && e[4].pages == 1 && e[4].delta_pages == 3));
  CHECK((e[5].op == AllocOp::free && e[5].address == block && e[5].delta_pages == 4));
  CHECK((e[6].pages == 1 && e[7].pages == 3 && e[7].address == kBase + 201 * kPageSize));
  const AllocCallerCounts& slice = t.trace.counts(AllocCaller::slice);
  CHECK((slice.allocs == 1 && slice.pages_allocated == 3 && slice.frees == 0));
  const AllocCallerCounts& pack = t.trace.counts(AllocCaller::pack);
  CHECK((pack.allocs == 5 && pack.frees == 2));
  CHECK(pack.pages_allocated == 4 + 2 + 1 + 1 + 3);
  CHECK(pack.pages_freed == 3 + 4);
}

TEST_CASE("alloc trace: a full ring overwrites its oldest events and readers learn how many they lost",
          "[alloc_trace]") {
  std::vector<AllocEvent> ring(4);
  AllocTrace trace;
  REQUIRE(trace.init(std::span<AllocEvent>()) == Status::invalid_argument);
  REQUIRE(trace.init(ring) == Status::ok);
  for (uint64_t i = 0; i < 10; ++i) {
    trace.set_time(i);
    trace.record(AllocOp::alloc, i * kPageSize, 1, 1);
  }
  CHECK(trace.written() == 10);
  std::vector<AllocEvent> out(8);
  uint64_t lost = 0;
  REQUIRE(trace.read_from(0, out, lost) == 4);
  CHECK(lost == 6);
  for (size_t i = 0; i < 4; ++i) CHECK(out[i].time_ns == 6 + i);
  REQUIRE(trace.read_from(8, out, lost) == 2);
  CHECK(lost == 0);
  CHECK(out[0].time_ns == 8);
  CHECK(trace.read_from(10, out, lost) == 0);
  // A short buffer: the reader continues from where it stopped.
  std::vector<AllocEvent> two(2);
  REQUIRE(trace.read_from(7, two, lost) == 2);
  CHECK(two[1].time_ns == 8);
  trace.clear();
  CHECK(trace.written() == 0);
  CHECK(trace.counts(AllocCaller::unknown).allocs == 0);
}

TEST_CASE("alloc trace: tracking changes no address and its replay matches the live allocations", "[alloc_trace]") {
  std::mt19937_64 rng(18);
  TracedBuddy traced(1024, 1 << 14);
  std::vector<std::byte> metadata(BuddyAllocator::metadata_bytes(1024 * kPageSize));
  BuddyAllocator plain;
  REQUIRE(plain.init(kBase, 1024 * kPageSize, metadata) == Status::ok);
  std::vector<uint64_t> live;
  for (int step = 0; step < 2000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const uint64_t pages = 1 + rng() % 40;
      uint64_t a = 0, b = 0;
      const Status sa = traced.buddy.allocate_pages(pages, a);
      const Status sb = plain.allocate_pages(pages, b);
      REQUIRE(sa == sb);
      if (ok(sa)) {
        REQUIRE(a == b);
        live.push_back(a);
      }
    } else {
      const size_t i = rng() % live.size();
      REQUIRE(traced.buddy.free(live[i]) == Status::ok);
      REQUIRE(plain.free(live[i]) == Status::ok);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  std::map<uint64_t, uint64_t> replayed;
  for (const AllocEvent& e : traced.events()) {
    if (e.op == AllocOp::alloc) replayed[e.address] = e.pages;
    if (e.op == AllocOp::free) replayed.erase(e.address);
  }
  std::map<uint64_t, uint64_t> walked;
  traced.buddy.walk_allocated(
      [](void* c, const Allocation& a) { (*static_cast<std::map<uint64_t, uint64_t>*>(c))[a.address] = a.pages; },
      &walked);
  CHECK(replayed == walked);
}

TEST_CASE("agent: allocations carry their caller and owner, and no real policy leaves an unowned block",
          "[alloc_trace][agent]") {
  using namespace crashtwin::agent_rig;
  Rig rig("proportional");
  for (int i = 0; i < 30; ++i) rig.period(i % 7 == 0 ? 40 : 0);
  const AllocTrace& trace = rig.agent.alloc_trace();
  CHECK(trace.written() > 0);
  CHECK(trace.counts(AllocCaller::slice).allocs > 0);
  CHECK(trace.counts(AllocCaller::unknown).allocs == 0);
  struct Count {
    const Agent* agent;
    int unowned = 0, owned = 0;
  } count{&rig.agent};
  rig.agent.buddy().walk_allocated(
      [](void* c, const Allocation& a) {
        auto& n = *static_cast<Count*>(c);
        (n.agent->owner_of(a.address).kind == AllocationOwnerKind::none ? n.unowned : n.owned) += 1;
      },
      &count);
  CHECK(count.unowned == 0);
  CHECK(count.owned == static_cast<int>(rig.agent.partition_table().slice_count));
}

TEST_CASE("agent: the leaky_test fixture leaks exactly the slices it plants", "[alloc_trace][agent]") {
  using namespace crashtwin::agent_rig;
  Rig rig("leaky_test");
  for (int i = 0; i < 60; ++i) rig.period(0);
  struct Leaks {
    const Agent* agent;
    std::vector<uint64_t> bytes;
  } leaks{&rig.agent, {}};
  rig.agent.buddy().walk_allocated(
      [](void* c, const Allocation& a) {
        auto& l = *static_cast<Leaks*>(c);
        if (l.agent->owner_of(a.address).kind == AllocationOwnerKind::none) l.bytes.push_back(a.pages * kPageSize);
      },
      &leaks);
  REQUIRE(leaks.bytes.size() == LeakyTestPolicy::kLeakCount);
  for (uint64_t b : leaks.bytes) CHECK(b == 2 * rig.config.minimum_partition_size);
}
