// The NIC and CPU models driven by their field fault processes, on one
// elaborated testbench: a NIC whose CRC errors and link flaps grow until it
// raises nic_fatal by itself at the time its process drew; cores whose
// corrected machine checks are counted per MCA bank in the register file
// (MCi_STATUS[52:38]) and in total in cpu_corrected_errors, ending in an
// uncorrected machine check logged in the failing bank.
#include <cmath>
#include <memory>

#include "models/core/device_layout.h"
#include "models/core/irq.h"
#include "models/cpu/cpu_cluster.h"
#include "models/nic/nic.h"
#include "tests/model/strict_systemc.h"
#include "tests/model/test_devices_mmio.h"

using namespace crashtwin;
namespace dl = crashtwin::device_layout;
using test::now_s;
using test::run_for;

namespace {

constexpr uint32_t kCores = 4;

struct Bench {
  ParamTree tree;
  std::unique_ptr<Nic> nic;
  std::unique_ptr<CpuCluster> cpu;
  test::MmioInitiator nic_bus{"nic_bus"};
  test::MmioInitiator cpu_bus{"cpu_bus"};
  test::BurstCounter memory{"memory"};
  IrqLine nic_irq{"nic_irq"};
  IrqLine cpu_irq{"cpu_irq"};

  Bench() {
    // 5 %/yr x 1e8: a failure within seconds; healthy signals at 0.1 and
    // 0.02 per second once compressed 1e6 times; every failure warned, 2 s
    // ahead.
    tree.set("nic0.field_fault_acceleration", "1e8");
    tree.set("nic0.field_time_compression", "1e6");
    tree.set("nic0.field_crc_burst_rate", "1e-7 /s");
    tree.set("nic0.field_link_flap_rate", "2e-8 /s");
    tree.set("nic0.field_warned_fraction", "100 %");
    tree.set("nic0.field_lookalike_fraction", "0");
    tree.set("nic0.field_lead_time", "2000000 s");
    tree.set("nic0.link_flap_duration", "100 ms");
    nic = std::make_unique<Nic>("nic0", ModelContext{ParamScope(tree, "nic0"), 22, 0, 0, 0});
    // 0.79 %/yr per processor x 1e10: each of 4 cores fails within
    // seconds; a healthy core logs one corrected error a second.
    tree.set("cpu.cores", std::to_string(kCores));
    tree.set("cpu.field_fault_acceleration", "1e10");
    tree.set("cpu.field_time_compression", "1e6");
    tree.set("cpu.field_corrected_error_rate", "1e-6 /s");
    tree.set("cpu.field_warned_fraction", "100 %");
    tree.set("cpu.field_lookalike_fraction", "0");
    tree.set("cpu.field_precursor_growth", "1000");
    tree.set("cpu.field_lead_time", "3000000 s");
    cpu = std::make_unique<CpuCluster>("cpu", ModelContext{ParamScope(tree, "cpu"), 21, 0, 0x8000'0000, 1ull << 30});
    nic_bus.out.bind(nic->in);
    nic->irq.bind(nic_irq);
    cpu_bus.out.bind(cpu->in);
    cpu->out.bind(memory.in);
    cpu->irq.bind(cpu_irq);
    test::settle();
  }

  std::vector<std::byte> register_file(uint32_t core) {
    const uint64_t length = cpu_bus.read64(dl::unit_base(core) + dl::kStateLength);
    return cpu_bus.read_bytes(dl::unit_base(core) + dl::kStateWindowOffset, static_cast<unsigned>(length));
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

void run_until(double t_s) {
  if (t_s > now_s()) run_for(t_s - now_s());
}

}  // namespace

TEST_CASE("a NIC's CRC errors and flaps grow until it fails on its own at the drawn time") {
  Bench& b = bench();
  const NicFieldProcess* field = b.nic->field_process();
  REQUIRE(field != nullptr);
  const DegradationPlan plan = field->plan();
  REQUIRE(plan.warned);
  REQUIRE(std::isfinite(plan.failure_s));
  // This seed's NIC degrades after power-on, over a lead long enough for
  // tens of precursors (leads are exponential: some are too short for any).
  REQUIRE(plan.onset_s >= 0.0);
  const double lead = plan.failure_s - plan.onset_s;
  REQUIRE(lead > 1.0);
  const double quarter = lead / 4;
  // CRC errors in the first and the last quarter of the lead.
  run_until(plan.onset_s);
  const uint64_t at_onset = b.nic_bus.metric(Metric::net_crc_errors);
  run_until(plan.onset_s + quarter);
  const uint64_t first_quarter = b.nic_bus.metric(Metric::net_crc_errors) - at_onset;
  run_until(plan.failure_s - quarter);
  const uint64_t before_last = b.nic_bus.metric(Metric::net_crc_errors);
  const uint64_t flaps_before_last = b.nic_bus.metric(Metric::net_link_flaps);
  CHECK(b.nic_bus.unit_reg(dl::kErrCount) == 0);
  run_until(plan.failure_s + 0.001);
  const uint64_t last_quarter = b.nic_bus.metric(Metric::net_crc_errors) - before_last;
  // exp growth by 1000 over the lead: the last quarter's rate is about 180
  // times the first's; require an order of magnitude.
  CHECK(last_quarter > 10 * std::max<uint64_t>(first_quarter, 1));
  CHECK(b.nic_bus.metric(Metric::net_link_flaps) > flaps_before_last);
  // Flaps drop packets while the link is down.
  CHECK(b.nic_bus.metric(Metric::net_drops) > 0);
  // The failure: nic_fatal at the drawn time, raised by the model.
  CHECK(b.nic_irq.read());
  CHECK(b.nic_bus.unit_reg(dl::kErrType) == static_cast<uint64_t>(ErrorType::nic_fatal));
  CHECK(b.nic_bus.unit_reg(dl::kErrDetail) == Nic::kAerSurpriseDown);
  CHECK(static_cast<double>(b.nic_bus.unit_reg(dl::kErrTime)) * 1e-9 == Approx(plan.failure_s).margin(1e-9));
  CHECK_FALSE(b.nic->link_up());
  // A failed NIC counts no more CRC errors and flaps: its process is done.
  const uint64_t crc_after = b.nic_bus.metric(Metric::net_crc_errors);
  run_for(2.0);
  CHECK(b.nic_bus.metric(Metric::net_crc_errors) == crc_after);
  CHECK(b.nic_bus.unit_reg(dl::kErrCount) == 1);
}

TEST_CASE("cores count corrected machine checks per MCA bank and fail in the failing bank") {
  Bench& b = bench();
  double last_failure = 0;
  for (uint32_t core = 0; core < kCores; ++core) {
    const McaFieldProcess* field = b.cpu->field_process(core);
    REQUIRE(field != nullptr);
    REQUIRE(std::isfinite(field->plan().failure_s));
    last_failure = std::max(last_failure, field->plan().failure_s);
  }
  REQUIRE(last_failure < 60.0);
  run_until(last_failure + 0.001);
  for (uint32_t core = 0; core < kCores; ++core) {
    INFO("core " << core);
    const McaFieldProcess& field = *b.cpu->field_process(core);
    const McaBankRoleInfo& failing = kMcaBankRoles[static_cast<size_t>(field.failing_role())];
    CHECK(b.cpu_bus.unit_reg(dl::kErrType, core) == static_cast<uint64_t>(ErrorType::machine_check));
    CHECK(static_cast<double>(b.cpu_bus.unit_reg(dl::kErrTime, core)) * 1e-9 ==
          Approx(field.plan().failure_s).margin(1e-9));
    const uint64_t detail = b.cpu_bus.unit_reg(dl::kErrDetail, core);
    CHECK((detail & 0xFFFF) == failing.mcacod);
    CHECK((detail & kMciStatusUc) != 0);
    const std::vector<std::byte> block = b.register_file(core);
    REQUIRE(mca_banks_in(block) == 20);
    // The uncorrected error sits in the failing bank; every corrected one
    // is counted in its bank, and the banks add up to the metric.
    uint64_t counted = 0, in_failing = 0;
    for (uint32_t bank = 0; bank < 20; ++bank) {
      McaBankRegisters regs;
      REQUIRE(read_mca_bank(block, bank, regs));
      const uint64_t n = mci_status_ce_count(regs.status);
      counted += n;
      if (bank == failing.bank) {
        in_failing = n;
        CHECK(regs.status == detail);
      } else if (n > 0) {
        CHECK((regs.status & kMciStatusUc) == 0);
        CHECK((regs.status & kMciStatusVal) != 0);
      }
    }
    CHECK(counted == b.cpu_bus.metric(Metric::cpu_corrected_errors, core));
    // A warned failure's precursors are all in its bank: most of the count.
    CHECK(in_failing * 2 > counted);
  }
}
