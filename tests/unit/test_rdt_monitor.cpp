// The firmware's resource monitoring (platform/monitor/rdt_monitor.h) over
// plain registers: RMIDs assigned when a workload starts and freed into
// limbo when it stops, the workload's cores programmed, exhaustion reported
// as an event, counters turned into bytes with the upscaling factor and
// into rates by the difference modulo the counter width (wraps included),
// readings with the Error or Unavailable bit skipped; and the agent's
// features each tick.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "platform/monitor/rdt_monitor.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using rdt::MonitorEvent;
using agent_rig::kPeriod;
using agent_rig::Rig;

namespace {

constexpr uint64_t kUpscale = 64 * 1024;
constexpr uint64_t kLimboNs = 1'000'000'000;
constexpr uint64_t kWrap = 1ull << 24;

WorkloadNotice start(uint32_t id, const char* name, std::initializer_list<uint32_t> cores) {
  WorkloadNotice n;
  n.kind = WorkloadNotice::Kind::start;
  n.owner.workload_id = id;
  std::snprintf(n.owner.name, sizeof n.owner.name, "%s", name);
  for (uint32_t c : cores) n.add_core(c);
  return n;
}
WorkloadNotice stop(uint32_t id) {
  WorkloadNotice n;
  n.kind = WorkloadNotice::Kind::stop;
  n.owner.workload_id = id;
  return n;
}

struct Board {
  MemoryHal hal{4096};
  RdtMonitor monitor;
  Board(uint32_t max_rmid = 3) {
    hal.set_component_count(ComponentClass::cpu, 4);
    hal.set_monitoring_capabilities({max_rmid, kUpscale, 24});
    monitor.reset(kLimboNs);
  }
  RmidEvent change(const WorkloadNotice& n, Status expected = Status::ok) {
    RmidEvent e;
    bool has_event = false;
    REQUIRE(monitor.workload_changed(hal, n, hal.now_ns(), e, has_event) == expected);
    return e;
  }
  void counters(uint32_t rmid, uint64_t occupancy, uint64_t total, uint64_t local) {
    hal.set_monitoring_counter(MonitorEvent::llc_occupancy, rmid, occupancy);
    hal.set_monitoring_counter(MonitorEvent::mbm_total, rmid, total);
    hal.set_monitoring_counter(MonitorEvent::mbm_local, rmid, local);
  }
  const WorkloadFeatures& features(uint32_t id) {
    for (const WorkloadFeatures& w : monitor.workloads())
      if (w.owner.workload_id == id) return w;
    FAIL("workload " << id << " is not monitored");
    return monitor.workloads().front();
  }
};

}  // namespace

TEST_CASE("a starting workload gets the lowest free RMID and its cores are tagged with it") {
  Board b;
  const RmidEvent e = b.change(start(7, "db", {1, 2}));
  CHECK(e.kind == RmidEventKind::assigned);
  CHECK(e.rmid == 1);
  CHECK(e.counts.in_use == 1);
  CHECK(b.hal.core_rmid(1) == 1);
  CHECK(b.hal.core_rmid(2) == 1);
  CHECK(b.hal.core_rmid(0) == 0);
  RmidEntry entry;
  REQUIRE(b.monitor.allocator().query(1, entry) == Status::ok);
  CHECK(entry.owner.workload_id == 7);
  CHECK(std::string(entry.owner.name) == "db");
  CHECK(b.change(start(8, "web", {3})).rmid == 2);
  b.change(start(7, "db", {0}), Status::invalid_argument);  // already running
}

TEST_CASE("a stopping workload's cores go back to RMID 0 and its RMID waits in limbo before reuse") {
  Board b(2);  // RMIDs 1 and 2
  b.change(start(1, "a", {0}));
  b.change(start(2, "b", {1}));
  b.hal.advance_ns(5'000'000);
  const RmidEvent freed = b.change(stop(1));
  CHECK(freed.kind == RmidEventKind::freed);
  CHECK(freed.rmid == 1);
  CHECK(freed.counts.limbo == 1);
  CHECK(b.hal.core_rmid(0) == 0);
  // Inside the limbo: nothing to hand out, an event, no crash; the workload
  // runs untagged and is listed without an RMID.
  b.hal.advance_ns(kLimboNs - 1);
  const RmidEvent none = b.change(start(3, "c", {2}));
  CHECK(none.kind == RmidEventKind::exhausted);
  CHECK(none.status == Status::busy);
  CHECK(b.features(3).rmid == 0);
  CHECK(b.hal.core_rmid(2) == 0);
  CHECK(b.monitor.stats().exhausted == 1);
  b.change(stop(3));  // no RMID to free: nothing happens to the allocator
  CHECK(b.monitor.stats().freed == 1);
  // After the limbo the same RMID goes to the next workload.
  b.hal.advance_ns(1);
  const RmidEvent again = b.change(start(4, "d", {3}));
  CHECK(again.kind == RmidEventKind::assigned);
  CHECK(again.rmid == 1);
  b.change(stop(99), Status::not_found);
}

TEST_CASE("a board without resource monitoring refuses workload notices and is never probed again") {
  MemoryHal hal{4096};
  RdtMonitor monitor;
  monitor.reset(kLimboNs);
  RmidEvent e;
  bool has_event = true;
  CHECK(monitor.workload_changed(hal, start(1, "a", {0}), 0, e, has_event) == Status::unsupported);
  CHECK_FALSE(has_event);
  CHECK(monitor.probed());
  CHECK_FALSE(monitor.available());
}

TEST_CASE("samples turn counters into bytes and rates, across a wrap of the 24-bit MBM counters") {
  Board b;
  b.change(start(1, "hog", {0}));
  const uint64_t start_total = kWrap - 1000;  // just below the wrap
  b.counters(1, 100, start_total, start_total - 10);
  b.monitor.sample(b.hal, b.hal.now_ns());
  CHECK(b.features(1).llc_occupancy_bytes == 100 * kUpscale);
  CHECK_FALSE(b.features(1).has_rates);  // one reading: no interval yet

  // 100 ms later the counter wrapped: 3000 counts moved, 2000 of them local.
  b.hal.advance_ns(100'000'000);
  b.counters(1, 120, (start_total + 3000) % kWrap, (start_total - 10 + 2000) % kWrap);
  b.monitor.sample(b.hal, b.hal.now_ns());
  const WorkloadFeatures& f = b.features(1);
  REQUIRE(f.has_rates);
  CHECK(f.llc_occupancy_bytes == 120 * kUpscale);
  CHECK(f.mbm_total_bytes == 3000 * kUpscale);
  CHECK(f.mbm_local_bytes == 2000 * kUpscale);
  CHECK(f.mbm_total_bytes_per_s == Approx(3000.0 * kUpscale / 0.1));
  CHECK(f.mbm_local_bytes_per_s == Approx(2000.0 * kUpscale / 0.1));
  CHECK(rdt::mbm_counts_since(kWrap - 1, 0, 24) == 1);
  CHECK(rdt::mbm_counts_since(5, 5, 24) == 0);
}

TEST_CASE("readings with the Error or Unavailable bit are counted and skipped, and restart the interval") {
  Board b;
  b.change(start(1, "a", {0}));
  b.counters(1, 10, 1000, 1000);
  b.monitor.sample(b.hal, b.hal.now_ns());
  b.hal.advance_ns(100'000'000);
  b.counters(1, rdt::kCtrUnavailable, rdt::kCtrError, 1500);
  b.monitor.sample(b.hal, b.hal.now_ns());
  CHECK(b.monitor.stats().counter_unavailable == 1);
  CHECK(b.monitor.stats().counter_errors == 1);
  CHECK(b.features(1).llc_occupancy_bytes == 10 * kUpscale);  // the last good reading stays
  CHECK_FALSE(b.features(1).has_rates);
  // The next good pair starts a new interval: no rate across the bad reading.
  b.hal.advance_ns(100'000'000);
  b.counters(1, 11, 2000, 2000);
  b.monitor.sample(b.hal, b.hal.now_ns());
  CHECK_FALSE(b.features(1).has_rates);
  b.hal.advance_ns(100'000'000);
  b.counters(1, 12, 2100, 2050);
  b.monitor.sample(b.hal, b.hal.now_ns());
  REQUIRE(b.features(1).has_rates);
  CHECK(b.features(1).mbm_total_bytes == 100 * kUpscale);
}

TEST_CASE("the agent monitors workloads from their notices and reads their counters at each tick") {
  Rig rig;
  rig.hal.set_monitoring_capabilities({15, kUpscale, 24});
  const uint64_t reads_before = rig.hal.counter_reads();
  rig.period(0);
  CHECK(rig.hal.counter_reads() == reads_before);  // no workload: no access
  REQUIRE(rig.agent.workload_changed(start(42, "cache", {1})) == Status::ok);
  CHECK(rig.hal.core_rmid(1) == 1);
  rig.hal.set_monitoring_counter(MonitorEvent::llc_occupancy, 1, 50);
  rig.hal.set_monitoring_counter(MonitorEvent::mbm_total, 1, 0);
  rig.hal.set_monitoring_counter(MonitorEvent::mbm_local, 1, 0);
  rig.period(0);
  rig.hal.set_monitoring_counter(MonitorEvent::mbm_total, 1, 1000);
  rig.hal.set_monitoring_counter(MonitorEvent::mbm_local, 1, 400);
  rig.period(0);
  REQUIRE(rig.agent.monitor().workloads().size() == 1);
  const WorkloadFeatures& f = rig.agent.monitor().workloads()[0];
  CHECK(f.llc_occupancy_bytes == 50 * kUpscale);
  CHECK(f.mbm_total_bytes_per_s == Approx(1000.0 * kUpscale * 1e9 / kPeriod));
  CHECK(f.mbm_local_bytes_per_s == Approx(400.0 * kUpscale * 1e9 / kPeriod));
  REQUIRE(rig.agent.workload_changed(stop(42)) == Status::ok);
  CHECK(rig.agent.monitor().workloads().empty());
  CHECK(rig.agent.monitor().stats().freed == 1);
  CHECK(rig.hal.core_rmid(1) == 0);
}
