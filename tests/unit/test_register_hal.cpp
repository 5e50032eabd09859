// The firmware's register-level drivers (platform/drivers/register_hal.h)
// against a register-level fake that records every access: each Hal call
// is the register sequence of the map (platform/regs/crashtwin_regs.h), and
// the agent's boot and first ticks, driven through them, match the
// reviewed sequence in tests/data/mmio/agent_boot.txt and give the same
// crash region as the in-memory Hal.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "platform/drivers/register_hal.h"
#include "tests/support/register_fake.h"
#include "tests/unit/agent_rig.h"

using namespace crashtwin;
using namespace crashtwin::agent_rig;

namespace {

// The fake board: the devices at the bases a board description would give.
constexpr uint64_t kCpu = 0x4000'0000, kDram = 0x4100'0000, kDisk = 0x4200'0000, kNic = 0x4300'0000,
                   kBmc = 0x4400'0000, kFlash = 0x4500'0000;

struct FakeBoard {
  RegisterFake bus{0, 64 * MiB};
  BoardMap map;
  RegisterHal hal{bus, map};

  FakeBoard() {
    bus.map_device("cpu", kCpu, CT_CPU_CLUSTER_UNIT(2));
    bus.map_device("dram", kDram, CT_DRAM_UNIT(2));
    bus.map_device("disk", kDisk, CT_DISK_UNIT + CT_UNIT_STATE + CT_UNIT_STATE_SIZE);
    bus.map_device("nic", kNic, CT_NIC_UNIT + CT_UNIT_STATE + CT_UNIT_STATE_SIZE);
    bus.map_device("bmc", kBmc, CT_BMC_CMD_DATA + CT_BMC_CMD_DATA_SIZE);
    bus.map_device("flash", kFlash, CT_FLASH_BLOB + CT_FLASH_BLOB_SIZE);
    REQUIRE(map.add_unit_device({ComponentClass::cpu, 0, 2, kCpu}) == Status::ok);
    REQUIRE(map.add_unit_device({ComponentClass::memory, 0, 2, kDram}) == Status::ok);
    REQUIRE(map.add_unit_device({ComponentClass::disk, 0, 1, kDisk}) == Status::ok);
    REQUIRE(map.add_unit_device({ComponentClass::network, 0, 1, kNic}) == Status::ok);
    map.bmc_base = kBmc;
    map.flash_base = kFlash;
    for (uint64_t c = 0; c < 2; ++c) bus.set(kCpu + CT_CPU_CLUSTER_UNIT(c) + CT_UNIT_STATE_KIND, 0);
    for (uint64_t d = 0; d < 2; ++d) bus.set(kDram + CT_DRAM_UNIT(d) + CT_UNIT_STATE_KIND, 1);
    bus.set(kDisk + CT_DISK_UNIT + CT_UNIT_STATE_KIND, 2);
    bus.set(kNic + CT_NIC_UNIT + CT_UNIT_STATE_KIND, 2);
    bus.clear_on_write(kDram + CT_DRAM_UNIT(1) + CT_UNIT_ERR_STATUS, CT_UNIT_ERR_STATUS_VALID_MASK);
    bus.clear_on_write(kBmc + CT_BMC_CMD_STATUS, CT_BMC_CMD_STATUS_PENDING_MASK);
  }

  void provision_model(const std::vector<std::byte>& blob) {
    bus.set(kFlash + CT_FLASH_LENGTH, blob.size());
    bus.set_window(kFlash + CT_FLASH_BLOB, blob);
  }
  void set_metric(ComponentId c, Metric m, uint64_t v) {
    uint64_t unit = 0;
    REQUIRE(map.unit_base(c, unit));
    bus.set(unit + CT_UNIT_METRIC(metric_slot(m)), v);
  }
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a metric is one 8-byte read of its slot in the component's unit window") {
  FakeBoard b;
  b.set_metric(kDimm1, Metric::mem_corrected_errors, 7);
  uint64_t v = 0;
  REQUIRE(b.hal.read_metric(kDimm1, Metric::mem_corrected_errors, v) == Status::ok);
  CHECK(v == 7);
  CHECK(b.bus.log_lines() == Lines{"R dram+0x20010 -> 0x7"});  // DIMM 1's unit, slot 2
  CHECK(b.hal.read_metric(kDimm1, Metric::cpu_temperature, v) == Status::invalid_argument);
  CHECK(b.hal.read_metric({ComponentClass::memory, 2}, Metric::mem_pressure, v) == Status::not_found);
  CHECK(b.bus.log_lines().size() == 1);  // refused calls touch no register
}

TEST_CASE("a state read checks the kind, takes the snapshot, then reads the window") {
  FakeBoard b;
  const uint64_t unit = kDram + CT_DRAM_UNIT(0);
  b.bus.set(unit + CT_UNIT_STATE_LENGTH, 24);
  std::vector<std::byte> log(24, std::byte{0x5a});
  b.bus.set_window(unit + CT_UNIT_STATE, log);
  std::vector<std::byte> out(16);
  size_t n = 0;
  CHECK(b.hal.read_state(kDimm0, StateKind::error_log, out, n) == Status::truncated);
  CHECK(n == 16);
  CHECK(b.bus.log_lines() ==
        Lines{"R dram+0x10208 -> 0x1", "R dram+0x10200 -> 0x18", "R dram+0x11000 [16 bytes]"});
  b.bus.clear_log();
  CHECK(b.hal.read_state(kDimm0, StateKind::register_file, out, n) == Status::not_found);
  CHECK(b.bus.log_lines() == Lines{"R dram+0x10208 -> 0x1"});  // the wrong kind: no snapshot taken
  b.bus.set(unit + CT_UNIT_STATE_LENGTH, CT_UNIT_STATE_SIZE + 1);
  CHECK(b.hal.read_state(kDimm0, StateKind::error_log, out, n) == Status::corrupt);
}

TEST_CASE("an error is read from the unit's status block and acknowledged by W1C") {
  FakeBoard b;
  const uint64_t unit = kDram + CT_DRAM_UNIT(1);
  ErrorEvent e;
  CHECK(b.hal.take_error(kDimm1, e) == Status::not_found);  // VALID clear: another unit raised the line
  b.bus.clear_log();
  b.bus.set(unit + CT_UNIT_ERR_STATUS, 1);
  b.bus.set(unit + CT_UNIT_ERR_TYPE, static_cast<uint64_t>(ErrorType::memory_uncorrectable));
  b.bus.set(unit + CT_UNIT_ERR_ADDRESS, 0x1234'5000);
  b.bus.set(unit + CT_UNIT_ERR_DETAIL, 0x99);
  b.bus.set(unit + CT_UNIT_ERR_TIME, 42'000);
  REQUIRE(b.hal.take_error(kDimm1, e) == Status::ok);
  CHECK(e.type == ErrorType::memory_uncorrectable);
  CHECK(e.address == 0x1234'5000);
  CHECK(e.detail == 0x99);
  CHECK(e.time_ns == 42'000);
  CHECK(e.component == kDimm1);
  REQUIRE(b.hal.acknowledge_error(kDimm1) == Status::ok);
  CHECK(b.bus.get(unit + CT_UNIT_ERR_STATUS) == 0);
  CHECK(b.bus.log_lines() == Lines{"R dram+0x20100 -> 0x1", "R dram+0x20108 -> 0x3", "R dram+0x20110 -> 0x12345000",
                                   "R dram+0x20118 -> 0x99", "R dram+0x20120 -> 0xa410", "W dram+0x20100 <- 0x1"});
}

TEST_CASE("a BMC command is read from the mailbox window and answered with its result") {
  FakeBoard b;
  size_t n = 0;
  char line[CT_BMC_CMD_DATA_SIZE];
  CHECK(b.hal.take_bmc_command(line, n) == Status::not_found);
  b.bus.clear_log();
  const std::string text = "status";
  std::vector<std::byte> data(CT_BMC_CMD_DATA_SIZE);
  std::memcpy(data.data(), text.data(), text.size());
  b.bus.set_window(kBmc + CT_BMC_CMD_DATA, data);
  b.bus.set(kBmc + CT_BMC_CMD_STATUS, 1);
  b.bus.set(kBmc + CT_BMC_CMD_LENGTH, text.size());
  REQUIRE(b.hal.take_bmc_command(line, n) == Status::ok);
  CHECK(std::string(line, n) == "status");
  REQUIRE(b.hal.finish_bmc_command(Status::ok) == Status::ok);
  CHECK(b.bus.get(kBmc + CT_BMC_CMD_STATUS) == 0);
  CHECK(b.bus.log_lines() == Lines{"R bmc+0x18 -> 0x1", "R bmc+0x20 -> 0x6", "R bmc+0x100 [8 bytes]",
                                   "W bmc+0x28 <- 0x0", "W bmc+0x18 <- 0x1"});
  // A line longer than the window is read up to the window's end.
  b.bus.set(kBmc + CT_BMC_CMD_STATUS, 1);
  b.bus.set(kBmc + CT_BMC_CMD_LENGTH, 1000);
  REQUIRE(b.hal.take_bmc_command(line, n) == Status::ok);
  CHECK(n == CT_BMC_CMD_DATA_SIZE);
}

TEST_CASE("a predictive-failure alarm change is one write of the BMC's PFA register, none without a BMC") {
  FakeBoard b;
  b.bus.clear_log();
  REQUIRE(b.hal.report_predictive_failure({{ComponentClass::disk, 2}, true, 8'600}) == Status::ok);
  REQUIRE(b.hal.report_predictive_failure({{ComponentClass::memory, 0x1234}, false, 0}) == Status::ok);
  CHECK(b.bus.log_lines() == Lines{"W bmc+0x30 <- 0x219802000201", "W bmc+0x30 <- 0x1123400"});
  BoardMap no_bmc;
  RegisterHal hal(b.bus, no_bmc);
  b.bus.clear_log();
  CHECK(hal.report_predictive_failure({{ComponentClass::disk, 2}, true, 1}) == Status::unsupported);
  CHECK(b.bus.log_lines().empty());
}

TEST_CASE("resource monitoring selects the event, then reads the counter, and tags a core's RMID") {
  FakeBoard b;
  b.bus.set(kCpu + CT_CPU_CLUSTER_RDT_MAX_RMID, 15);
  b.bus.set(kCpu + CT_CPU_CLUSTER_RDT_UPSCALE, 65536);
  b.bus.set(kCpu + CT_CPU_CLUSTER_RDT_MBM_WIDTH, 8);
  rdt::Capabilities caps;
  REQUIRE(b.hal.read_monitoring_capabilities(caps) == Status::ok);
  CHECK(caps.max_rmid == 15);
  CHECK(caps.upscale_bytes == 65536);
  CHECK(caps.mbm_counter_width == 32);
  b.bus.clear_log();
  uint64_t counter = 0;
  REQUIRE(b.hal.read_monitoring_counter(rdt::event_select(rdt::MonitorEvent::mbm_total, 3), counter) == Status::ok);
  REQUIRE(b.hal.write_core_rmid(1, 0x7ff) == Status::ok);
  CHECK(b.bus.log_lines() == Lines{"W cpu+0x58 <- 0x300000002", "R cpu+0x60 -> 0x0", "W cpu+0x20320 <- 0x3ff"});
}

TEST_CASE("a DIMM's SMBIOS handle is its unit's SMBIOS_HANDLE, 0xFFFF meaning none declared") {
  FakeBoard b;
  b.bus.set(kDram + CT_DRAM_UNIT(1) + CT_UNIT_SMBIOS_HANDLE, 0x1101);
  b.bus.set(kDram + CT_DRAM_UNIT(0) + CT_UNIT_SMBIOS_HANDLE, 0xFFFF);
  uint16_t handle = 0;
  REQUIRE(b.hal.read_smbios_handle(kDimm1, handle) == Status::ok);
  CHECK(handle == 0x1101);
  CHECK(b.hal.read_smbios_handle(kDimm0, handle) == Status::not_found);
  CHECK(b.bus.log_lines() == Lines{"R dram+0x20210 -> 0x1101", "R dram+0x10210 -> 0xffff"});
}

TEST_CASE("a bus error reaches the caller as a status, never as a value") {
  FakeBoard b;
  BoardMap wrong;
  REQUIRE(wrong.add_unit_device({ComponentClass::memory, 0, 2, 0x7000'0000}) == Status::ok);  // nothing there
  RegisterHal hal(b.bus, wrong);
  uint64_t v = 99;
  CHECK(hal.read_metric(kDimm0, Metric::mem_pressure, v) == Status::out_of_range);
  CHECK(v == 0);
  CHECK(wrong.add_unit_device({ComponentClass::memory, 1, 1, 0x7100'0000}) == Status::invalid_argument);
  CHECK(wrong.add_unit_device({ComponentClass::disk, 0, 2, 0x7200'0000}) == Status::invalid_argument);
}

TEST_CASE("a board map holds a device per slice the firmware can give, and refuses one more") {
  BoardMap map;
  for (uint32_t d = 0; d < BoardMap::kMaxUnitDevices; ++d)
    REQUIRE(map.add_unit_device({ComponentClass::disk, static_cast<uint16_t>(d), 1, 0x8000'0000 + d * 0x2'0000ull}) ==
            Status::ok);
  CHECK(map.component_count(ComponentClass::disk) == BoardMap::kMaxUnitDevices);
  uint64_t base = 0;
  REQUIRE(map.unit_base({ComponentClass::disk, 100}, base));
  CHECK(base == 0x8000'0000 + 100 * 0x2'0000ull + CT_DISK_UNIT);
  CHECK(map.add_unit_device({ComponentClass::network, 0, 1, 0x9000'0000}) == Status::no_memory);
}

TEST_CASE("the agent driven through the register drivers boots and ticks as with the in-memory Hal") {
  // The same board twice: the in-memory Hal of the unit tests, and the
  // register fake behind the drivers. Same configuration, same metrics.
  Rig reference;
  FakeBoard b;
  b.provision_model(memory_model_blob(1, 1.0f));
  PolicyStorage storage;
  PartitionPolicy* policy = nullptr;
  REQUIRE(make_policy("proportional", {}, storage, policy) == Status::ok);
  std::vector<std::byte> memory(reference.memory.size());
  Agent agent;
  REQUIRE(agent.init(reference.config, b.hal, *policy, memory) == Status::ok);
  REQUIRE(agent.boot() == Status::ok);
  uint64_t errors = 0;
  for (int period = 0; period < 3; ++period) {
    errors += 3;
    reference.period(3);
    b.set_metric(kDimm1, Metric::mem_corrected_errors, errors);
    b.bus.set_time_ns(b.bus.now_ns() + kPeriod);
    REQUIRE(agent.tick() == Status::ok);
  }
  const uint64_t region_bytes = reference.config.region_size;
  const auto expected = reference.hal.bytes(kRegionBase, region_bytes);
  const auto got = b.bus.memory().subspan(kRegionBase, region_bytes);
  CHECK(std::equal(expected.begin(), expected.end(), got.begin()));

  // The register accesses (memory is the crash region's bytes, compared
  // above) against the reviewed sequence; CRASHTWIN_UPDATE_GOLDEN=1 rewrites it.
  std::string sequence;
  for (const std::string& line : b.bus.log_lines())
    if (line.find(" mem+") == std::string::npos) sequence += line + "\n";
  const std::string golden = std::string(CRASHTWIN_SOURCE_DIR) + "/tests/data/mmio/agent_boot.txt";
  if (std::getenv("CRASHTWIN_UPDATE_GOLDEN") != nullptr) std::ofstream(golden) << sequence;
  std::ifstream in(golden);
  std::stringstream reviewed;
  reviewed << in.rdbuf();
  CHECK(sequence == reviewed.str());
}
