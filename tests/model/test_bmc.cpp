// BMC: drains a crash region prepared by the platform code (format, slice,
// selective capture, commit) through its DMA window at its link bandwidth,
// decodes it with the platform reader, names the failed component and error
// type; it reads only what host firmware's locked window grants.
#include <algorithm>
#include <vector>

#include "models/bmc/bmc.h"
#include "models/board/board.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "platform/capture/capture.h"
#include "models/hal/tlm_bus.h"
#include "platform/core/bmc_alert.h"
#include "platform/hal/mmio_bus.h"
#include "platform/region/crash_region.h"
#include "platform/region/dma_window.h"
#include "tests/model/sim_thread.h"
#include "tests/model/strict_systemc.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kRegionBase = 0x4000'0000;
constexpr uint64_t kRegionSize = 1ull << 20;
constexpr uint64_t kSliceSize = 64 * 1024;

struct Observer final : BoardObserver {
  std::vector<DmaTransfer> transfers;
  std::vector<BmcDrainReport> reports;
  std::vector<uint64_t> alerts;
  void on_dma_transfer(const DmaTransfer& t) override { transfers.push_back(t); }
  void on_bmc_report(const BmcDrainReport& r) override { reports.push_back(r); }
  void on_alert(uint64_t, uint64_t code) override { alerts.push_back(code); }
};

struct Bench {
  ParamTree tree;
  std::unique_ptr<Board> board;
  Observer observer;
  test::SimThread driver;
  Bench() {
    tree.set("board.bmc.link_bandwidth", "50 MB/s", {"bmc.yaml", 5, 21});
    tree.set("board.bmc.alert_latency", "10 us", {"bmc.yaml", 6, 20});
    tree.set("board.bmc.report_time", "2 ms", {"bmc.yaml", 7, 18});
    board = std::make_unique<Board>(tree, "board");
    board->add_observer(observer);
  }
};

// The bench with host firmware's grant done: the BMC may read
// [kRegionBase, +window_size) and nothing else, locked. The table stays
// locked until power-on and SystemC elaborates once per process, so the
// first case decides the window for the process: ctest runs each case in its
// own process; a case that needs another window, run after one in the same
// process, fails here saying so instead of in its own checks.
Bench& bench(uint64_t window_size = kRegionSize) {
  static Bench b;
  static const uint64_t granted = [&] {
    b.driver.run([&] {
      REQUIRE(grant_bmc_dma_windows(b.board->host_hal(), b.board->bmc_dma_grant(kRegionBase, window_size)) ==
              Status::ok);
    });
    return window_size;
  }();
  if (granted != window_size)
    FAIL("this case needs a DMA window of " << window_size << " bytes, but an earlier case in this process locked "
                                           << granted << ": run it alone (ctest does)");
  return b;
}

// What the host firmware does on a memory uncorrectable error: capture into
// the DIMM's slice, commit the table, alert the BMC.
CaptureResult crash_with_capture(Bench& b, ComponentId dimm, uint64_t address) {
  CaptureResult result;
  b.driver.run([&] {
    Hal& hal = b.board->host_hal();
    PartitionTable table;
    REQUIRE(format_crash_region(hal, kRegionBase, kRegionSize, table) == Status::ok);
    table.slice_count = 2;
    table.slices[0] = SliceEntry{{ComponentClass::cpu, 0}, table.slice_area_base(), kSliceSize, 0, 0, 0};
    table.slices[1] = SliceEntry{dimm, table.slice_area_base() + kSliceSize, kSliceSize, 0, 0, 0};
    REQUIRE(commit_partition_table(hal, table) == Status::ok);
    ErrorEvent event{dimm, ErrorType::memory_uncorrectable, hal.now_ns(), address, 0x11};
    std::vector<std::byte> scratch(capture_scratch_bytes(kSliceSize));
    const Status s = capture_error(hal, event, /*record_id=*/1, table.slices[1], {}, scratch, result);
    REQUIRE((s == Status::ok || s == Status::truncated));
    table.slices[1].used_bytes += result.record_bytes;
    table.slices[1].record_count += 1;
    table.slices[1].flags |= kSliceFlagHasRecords | (result.truncated ? kSliceFlagTruncated : 0);
    REQUIRE(commit_partition_table(hal, table) == Status::ok);
    hal.alert_bmc(encode_bmc_alert({dimm, ErrorType::memory_uncorrectable, 1}));
  });
  return result;
}

// An alert for `component` without a capture; returns the BMC's report.
BmcDrainReport alert_only(Bench& b, ComponentId component, ErrorType error, uint32_t sequence) {
  const size_t reports = b.board->bmc().reports().size();
  b.driver.run([&] {
    b.board->host_hal().alert_bmc(encode_bmc_alert({component, error, sequence}));
    sc_core::wait(100, sc_core::SC_MS);
  });
  REQUIRE(b.board->bmc().reports().size() == reports + 1);
  return b.board->bmc().reports().back();
}

}  // namespace

TEST_CASE("the BMC drains the crash region and names the failed DIMM and error type") {
  Bench& b = bench();
  const ComponentId dimm{ComponentClass::memory, 2};
  const uint64_t address = 2 * b.board->dram().dimm_size() + 0x8000;
  const CaptureResult capture = crash_with_capture(b, dimm, address);
  REQUIRE(capture.record_bytes > 0);
  const size_t transfers_before = b.observer.transfers.size();
  for (int i = 0; i < 100 && b.board->bmc().reports().empty(); ++i)
    b.driver.run([] { sc_core::wait(1, sc_core::SC_MS); });
  REQUIRE(b.board->bmc().reports().size() == 1);
  const BmcDrainReport& r = b.board->bmc().reports().front();
  CHECK(r.alert_code == encode_bmc_alert({dimm, ErrorType::memory_uncorrectable, 1}));
  CHECK(r.identified);
  CHECK(r.failed_component == dimm);
  CHECK(r.error == ErrorType::memory_uncorrectable);
  CHECK(r.failure_sequence == 1);
  CHECK(r.slice_found);
  CHECK(r.record_found);
  CHECK(r.record_truncated == capture.truncated);
  // A 64 KiB slice cuts a full capture (about 1 MiB with the kernel log): the
  // verdict says so, and nothing else.
  REQUIRE(r.diagnostics.size() == (capture.truncated ? 1u : 0u));
  if (capture.truncated) CHECK(r.diagnostics[0].find("is truncated") != std::string::npos);
  CHECK(r.refused_accesses == 0);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].slice == 1);
  CHECK(r.records[0].record_id == 1);
  CHECK(r.records[0].component == dimm);
  CHECK(r.records[0].severity == "fatal");
  CHECK(r.records[0].cper.size() == capture.record_bytes);
  CHECK_FALSE(r.records[0].sections.empty());
  uint64_t captured = 0;
  for (const DrainedSection& s : r.records[0].sections) captured += s.captured;
  CHECK(captured > 0);
  // Header area and the one used slice, nothing else, at the link bandwidth,
  // then the report time (both the BMC's parameters).
  CHECK(r.bytes_drained == kHeaderAreaBytes + capture.record_bytes);
  const double link_s = static_cast<double>(r.bytes_drained) / 50e6;
  CHECK(r.alert_to_report_s() > link_s + 0.002);
  CHECK(r.alert_to_report_s() < link_s + 0.002 + 0.0001);
  // Observers saw the alert, both DMA transfers by the BMC, and the report.
  CHECK(b.observer.alerts == std::vector<uint64_t>{encode_bmc_alert({dimm, ErrorType::memory_uncorrectable, 1})});
  CHECK(b.observer.reports.size() == 1);
  REQUIRE(b.observer.transfers.size() - transfers_before == 2);
  for (size_t i = transfers_before; i < b.observer.transfers.size(); ++i) {
    CHECK(b.observer.transfers[i].initiator == "board.bmc");
    CHECK_FALSE(b.observer.transfers[i].refused);
    CHECK(b.observer.transfers[i].source >= kRegionBase);
    CHECK(b.observer.transfers[i].source + b.observer.transfers[i].bytes <= kRegionBase + kRegionSize);
  }
}

TEST_CASE("the BMC reads the drained bytes through its own mem socket, by DMI, and the header read delays the slices") {
  Bench& b = bench();
  Dram& bmc_memory = b.board->bmc().memory();
  const ComponentId dimm{ComponentClass::memory, 1};
  const size_t reports = b.board->bmc().reports().size();
  const CaptureResult capture = crash_with_capture(b, dimm, b.board->dram().dimm_size() + 0x40);
  REQUIRE(capture.record_bytes > 0);
  const uint64_t grants_before = bmc_memory.dmi_grants();
  const uint64_t host_dram_grants_before = b.board->dram().dmi_grants();
  const size_t transfers_before = b.observer.transfers.size();
  for (int i = 0; i < 100 && b.board->bmc().reports().size() == reports; ++i)
    b.driver.run([] { sc_core::wait(1, sc_core::SC_MS); });
  REQUIRE(b.board->bmc().reports().size() == reports + 1);
  CHECK(b.board->bmc().reports().back().record_found);
  // One grant per page read (the memory grants a page at a time): the header
  // area's pages and the slice's, and no grant of the host's memory.
  const auto pages = [](uint64_t offset, uint64_t bytes) {
    return (offset + bytes - 1) / SparseMemory::kPageBytes - offset / SparseMemory::kPageBytes + 1;
  };
  const uint64_t slice_offset = kHeaderAreaBytes + kSliceSize;  // the DIMM's slice, after the CPU's
  REQUIRE(kHeaderAreaBytes % SparseMemory::kPageBytes == 0);
  CHECK(bmc_memory.dmi_grants() - grants_before ==
        pages(0, kHeaderAreaBytes) + pages(slice_offset, capture.record_bytes));
  CHECK(b.board->dram().dmi_grants() == host_dram_grants_before);
  // The partition table is read before the slice is fetched: the slice's DMA
  // starts at least the header's read after the header's DMA ends (one
  // access per page: read latency, then the bytes at the memory's bandwidth).
  REQUIRE(b.observer.transfers.size() - transfers_before == 2);
  const DmaTransfer& header = b.observer.transfers[transfers_before];
  const DmaTransfer& slice = b.observer.transfers[transfers_before + 1];
  const uint64_t header_read_ns =
      pages(0, kHeaderAreaBytes) * 80 + to_ns(bmc_memory.transfer_time(kHeaderAreaBytes));  // 80 ns: read_latency
  CHECK(header_read_ns == 4 * 80 + 640);
  CHECK(slice.start_ns - header.end_ns >= header_read_ns);
}

TEST_CASE("the BMC names the alerted failure, not the newest record: a failure whose record did not fit says so") {
  Bench& b = bench();
  // The DIMM's slice holds failure 1's record; failure 2 of the CPU (whose
  // slice holds nothing) and failure 3 of the DIMM (its capture did not fit)
  // are alerted without records.
  const ComponentId dimm{ComponentClass::memory, 2};
  const size_t before = b.board->bmc().reports().size();
  REQUIRE(crash_with_capture(b, dimm, 2 * b.board->dram().dimm_size()).record_bytes > 0);
  for (int i = 0; i < 100 && b.board->bmc().reports().size() == before; ++i)
    b.driver.run([] { sc_core::wait(1, sc_core::SC_MS); });
  REQUIRE(b.board->bmc().reports().back().record_found);
  const BmcDrainReport cpu = alert_only(b, {ComponentClass::cpu, 0}, ErrorType::page_fault, 2);
  CHECK(cpu.identified);
  CHECK(cpu.failed_component == ComponentId{ComponentClass::cpu, 0});
  CHECK(cpu.error == ErrorType::page_fault);
  CHECK(cpu.slice_found);
  CHECK_FALSE(cpu.record_found);
  const BmcDrainReport again = alert_only(b, dimm, ErrorType::memory_uncorrectable, 3);
  CHECK(again.identified);
  CHECK(again.failed_component == dimm);
  CHECK(again.slice_found);
  CHECK_FALSE(again.record_found);  // failure 1's record is there, but it is not this failure's
  REQUIRE_FALSE(again.diagnostics.empty());
  CHECK(again.diagnostics.back().find("holds no record of failure 3") != std::string::npos);
  const BmcDrainReport nic = alert_only(b, {ComponentClass::network, 0}, ErrorType::nic_fatal, 4);
  CHECK(nic.identified);
  CHECK_FALSE(nic.slice_found);
  REQUIRE_FALSE(nic.diagnostics.empty());
  CHECK(nic.diagnostics.front().find("network.0 has no slice") != std::string::npos);
}

TEST_CASE("a corrupt partition table gives a report that says so, not a guess") {
  Bench& b = bench();
  std::vector<std::byte> garbage(kHeaderAreaBytes, std::byte{0x5C});
  b.board->dram().memory().write(kRegionBase, garbage);
  const BmcDrainReport r = alert_only(b, {ComponentClass::cpu, 0}, ErrorType::page_fault, 5);
  CHECK(r.identified);  // the alert names the failure
  CHECK_FALSE(r.slice_found);
  CHECK_FALSE(r.record_found);
  CHECK(r.records.empty());
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics[0].find("partition table: corrupt") != std::string::npos);
  CHECK(r.bytes_drained == kHeaderAreaBytes);
}

TEST_CASE("a window smaller than the region: the DMA refuses the slice outside it and the report counts it") {
  Bench& b = bench(32 * 1024);  // host firmware granted less than the region
  const ComponentId dimm{ComponentClass::memory, 1};
  const size_t reports = b.board->bmc().reports().size();
  const size_t refusals = b.board->dma().refusals().size();
  crash_with_capture(b, dimm, b.board->dram().dimm_size() + 0x1000);  // its slice starts at +80 KiB
  for (int i = 0; i < 100 && b.board->bmc().reports().size() == reports; ++i)
    b.driver.run([] { sc_core::wait(1, sc_core::SC_MS); });
  REQUIRE(b.board->bmc().reports().size() == reports + 1);
  const BmcDrainReport& r = b.board->bmc().reports().back();
  CHECK(r.refused_accesses == 1);
  CHECK(r.identified);  // from the alert
  CHECK(r.slice_found);
  CHECK_FALSE(r.record_found);  // the slice could not be read: reported, never decoded
  CHECK(r.records.empty());
  REQUIRE(b.board->dma().refusals().size() == refusals + 1);
  const DmaTransfer& refused = b.board->dma().refusals().back();
  CHECK(refused.initiator == "board.bmc");
  CHECK(refused.source == kRegionBase + kHeaderAreaBytes + kSliceSize);
  CHECK(refused.reason.find("outside board.bmc's readable windows") != std::string::npos);
  CHECK(b.observer.transfers.back().refused);
}

TEST_CASE("the grant is locked: a second grant that widens it is refused, the same grant after a reboot is not") {
  Bench& b = bench();
  Status wider = Status::ok, same = Status::io_error;
  b.driver.run([&] {
    wider = grant_bmc_dma_windows(b.board->host_hal(), b.board->bmc_dma_grant(kRegionBase, 2 * kRegionSize));
    b.board->warm_reset();
    same = grant_bmc_dma_windows(b.board->host_hal(), b.board->bmc_dma_grant(kRegionBase, kRegionSize));
  });
  CHECK(wider == Status::busy);
  CHECK(same == Status::ok);
  const std::vector<AccessWindow> w = b.board->dma().windows(b.board->bmc_dma_grant(0, 0).bmc_requester);
  REQUIRE(w.size() == 2);
  CHECK(w[0].base == kRegionBase);
  CHECK(w[0].size == kRegionSize);
  CHECK(w[0].read);
  CHECK_FALSE(w[0].write);
  CHECK(w[1].write);
  CHECK_FALSE(w[1].read);
}

TEST_CASE("a grant naming the host or an empty or wrapping range is refused before any register is written") {
  Bench& b = bench();
  BmcDmaGrant g = b.board->bmc_dma_grant(kRegionBase, kRegionSize);
  Status host = Status::ok, empty = Status::ok, wrapping = Status::ok;
  b.driver.run([&] {
    BmcDmaGrant h = g;
    h.bmc_requester = 0;
    host = grant_bmc_dma_windows(b.board->host_hal(), h);
    BmcDmaGrant e = g;
    e.region_size = 0;
    empty = grant_bmc_dma_windows(b.board->host_hal(), e);
    BmcDmaGrant w = g;
    w.region_base = ~0ull - 4095;
    w.region_size = 8192;
    wrapping = grant_bmc_dma_windows(b.board->host_hal(), w);
  });
  CHECK(host == Status::invalid_argument);
  CHECK(empty == Status::invalid_argument);
  CHECK(wrapping == Status::invalid_argument);
}

TEST_CASE("the BMC logs the host's predictive-failure alarms and a failure's report says it was announced") {
  Bench& b = bench();
  const ComponentId dimm{ComponentClass::memory, 1}, disk{ComponentClass::disk, 0};
  Hal& hal = b.board->host_hal();
  const Bmc& bmc = b.board->bmc();
  const size_t logged = bmc.event_log().size();
  uint64_t asserted_at = 0;
  b.driver.run([&] {
    sc_core::wait(1, sc_core::SC_MS);
    asserted_at = hal.now_ns();
    REQUIRE(hal.report_predictive_failure({dimm, true, 882'845}) == Status::ok);
    sc_core::wait(1, sc_core::SC_MS);
    REQUIRE(hal.report_predictive_failure({disk, true, 9'000}) == Status::ok);
    sc_core::wait(1, sc_core::SC_MS);
    REQUIRE(hal.report_predictive_failure({disk, false, 3'000}) == Status::ok);
    // A value the firmware never writes: logged as malformed, nothing else.
    REQUIRE(write_register(b.board->host_bus(), b.board->base_of(bmc) + CT_BMC_PFA, 0x2) == Status::ok);
  });
  const auto& log = bmc.event_log();
  REQUIRE(log.size() == logged + 4);
  const BmcLogEntry& first = log[logged];
  CHECK(first.sensor == "memory.1");
  CHECK(first.event == "predictive failure asserted");
  CHECK(first.component == dimm);
  CHECK(first.probability == Approx(0.882845));
  // Stamped when the BMC takes the write: the firmware runs ahead of the
  // kernel by up to one quantum (the board's default, 1 us).
  CHECK(first.t_ns <= asserted_at);
  CHECK(first.t_ns + 1'000 >= asserted_at);
  CHECK(log[logged + 1].event == "predictive failure asserted");
  CHECK(log[logged + 2].sensor == "disk.0");
  CHECK(log[logged + 2].event == "predictive failure deasserted");
  CHECK(log[logged + 2].probability == Approx(0.003));
  CHECK(log[logged + 3].sensor == "pfa");
  CHECK(log[logged + 3].event == "malformed predictive-failure report 0x2");
  CHECK_FALSE(log[logged + 3].component.has_value());

  // The DIMM fails with its alarm up: announced, its assertion related. The
  // disk, whose alarm cleared, fails unannounced with its two events related.
  const BmcDrainReport announced = alert_only(b, dimm, ErrorType::memory_uncorrectable, 7);
  REQUIRE(announced.alarm_asserted_t_ns.has_value());
  CHECK(*announced.alarm_asserted_t_ns == first.t_ns);
  CHECK(announced.related_events == std::vector<uint32_t>{static_cast<uint32_t>(logged)});
  const BmcDrainReport unannounced = alert_only(b, disk, ErrorType::disk_timeout, 8);
  CHECK_FALSE(unannounced.alarm_asserted_t_ns.has_value());
  CHECK(unannounced.related_events ==
        std::vector<uint32_t>{static_cast<uint32_t>(logged + 1), static_cast<uint32_t>(logged + 2)});
  // A host reset clears the alarms the BMC holds up: the rebooted firmware
  // raises again what it still predicts.
  b.driver.run([&] { b.board->warm_reset(); });
  CHECK_FALSE(alert_only(b, dimm, ErrorType::memory_uncorrectable, 9).alarm_asserted_t_ns.has_value());
}
