#include "models/board/board.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "models/bmc/bmc.h"
#include "models/config/registry.h"
#include "models/core/device_layout.h"
#include "models/core/numa.h"
#include "models/core/tlm_types.h"
#include "models/cpu/cpu_cluster.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/flash/flash.h"
#include "models/core/tick_source.h"
#include "models/hal/firmware_runner.h"
#include "models/hal/tlm_bus.h"
#include "platform/drivers/register_hal.h"
#include "platform/regs/crashtwin_regs.h"
#include "models/router/router.h"
#include "models/sensors/sensors.h"

namespace crashtwin {

namespace {
// Board-level parameters: never instance names.
constexpr const char* kBoardKeys[] = {"seed", "quantum", "mmio_base"};
// Instances every board has, with their kinds, in construction order.
struct DefaultInstance {
  const char* name;
  const char* kind;
};
constexpr DefaultInstance kDefaults[] = {{"router", "router"}, {"dram", "dram"}, {"flash", "flash"},
                                         {"dma", "dma"},       {"bmc", "bmc"},   {"cpu", "cpu_cluster"}};

std::string kind_from_name(std::string_view name) {
  while (!name.empty() && std::isdigit(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  return std::string(name);
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
}  // namespace

struct Board::Instance {
  std::string name;
  const RegisteredModel* kind = nullptr;
  std::unique_ptr<Model> model;
  uint32_t first_instance = 0;
  std::vector<std::pair<std::string, uint64_t>> bases;  // region param -> physical base
  uint32_t numa_node = 0;  // socket of a device hanging off PCIe (disks, NICs, the DMA engine)
};

Board::Board(ParamTree& tree, sc_core::sc_module_name name) : Board(tree, name, static_cast<const char*>(name)) {}

Board::Board(ParamTree& tree, sc_core::sc_module_name name, std::string prefix)
    // The time resolution first: members below may hold times.
    : sc_core::sc_module((use_time_resolution(), name)), tree_(&tree), prefix_(std::move(prefix)) {
  build(prefix_);
}

Board::~Board() = default;

// The board is built in four phases, each reading its parameters in the
// order the effective configuration (config.yaml) lists them:
//   plan       which instances, of which kinds (nothing is created yet)
//   construct  the models, with the roles the board needs found among them
//   map        every address range on the router, in one place
//   wire       sockets, interrupt lines, DMA channels, the host CPU, observers
void Board::build(std::string_view prefix) {
  const ParamScope scope(*tree_, std::string(prefix));
  const Plan board_plan = plan(scope);
  construct(board_plan, scope);
  map(scope, board_plan.mmio_base);
  wire();
  tree_->reject_unused(prefix);
}

// Guarantees: the board-level parameters are read (seed_, quantum_) and every
// planned instance has a registered kind; the defaults come first, in
// kDefaults order, then the description's other instances in its order.
Board::Plan Board::plan(const ParamScope& scope) {
  seed_ = param<uint64_t>(scope, "seed", ParamKind::count, 1, "seed of every model's random stream");
  quantum_ = param<sc_core::sc_time>(
      scope, "quantum", ParamKind::duration, ns(1000),
      "quantum of the host's quantum keeper (firmware runs ahead of the kernel by up to this)", ns(1));
  Plan out;
  out.mmio_base = param<uint64_t>(scope, "mmio_base", ParamKind::address, 0xF000'0000'0000ull,
                                  "where devices without an explicit base are mapped");
  const ModelRegistry& registry = ModelRegistry::instance();
  auto kind_named = [&](const std::string& instance, const std::string& kind_name) {
    const RegisteredModel* k = registry.find(kind_name);
    if (!k) {
      std::string known;
      for (const std::string& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      scope.sub(instance).fail("kind", fmt::format("unknown model kind '{}' (known: {})", kind_name, known));
    }
    return k;
  };
  for (const DefaultInstance& d : kDefaults) {
    if (!registry.find(d.kind)) continue;  // e.g. no cpu_cluster model linked
    const std::string kind = param<std::string>(scope.sub(d.name), "kind", ParamKind::text, d.kind, "model kind");
    out.instances.push_back({d.name, kind_named(d.name, kind)});
  }
  for (const std::string& child : scope.children()) {
    if (std::find_if(std::begin(kBoardKeys), std::end(kBoardKeys), [&](const char* k) { return child == k; }) !=
        std::end(kBoardKeys))
      continue;
    if (std::any_of(out.instances.begin(), out.instances.end(),
                    [&](const Plan::Entry& p) { return p.name == child; }))
      continue;
    const std::string kind =
        param<std::string>(scope.sub(child), "kind", ParamKind::text, kind_from_name(child), "model kind");
    out.instances.push_back({child, kind_named(child, kind)});
  }
  return out;
}

// Guarantees: instances_ holds every planned model in plan order, with its
// first component instance and NUMA node; router_, dram_, dma_, bmc_ and
// flash_ are set (the first of each class) or ConfigError was thrown. The
// DRAM is planned before the traffic generators, which learn its range
// from their context. The NUMA nodes are read here, not in the plan: their
// range is the DRAM's numa_nodes, known once the DRAM exists.
void Board::construct(const Plan& plan, const ParamScope& scope) {
  uint32_t next_instance[kComponentClassCount] = {};
  uint64_t memory_base = 0, memory_size = 0;
  for (const Plan::Entry& p : plan.instances) {
    auto inst = std::make_unique<Instance>();
    inst->name = p.name;
    inst->kind = p.kind;
    ModelContext context{scope.sub(p.name), seed_, 0, memory_base, memory_size};
    if (p.kind->component_class) context.first_instance = next_instance[static_cast<size_t>(*p.kind->component_class)];
    inst->first_instance = context.first_instance;
    inst->model = p.kind->make(sc_core::sc_module_name(p.name.c_str()), context);
    if (p.kind->component_class)
      next_instance[static_cast<size_t>(*p.kind->component_class)] += inst->model->component_units();
    Model* m = inst->model.get();
    if (auto* r = dynamic_cast<Router*>(m); r && !router_) router_ = r;
    if (auto* d = dynamic_cast<Dram*>(m); d && !dram_) {
      dram_ = d;
      memory_size = d->size();
      memory_base = param<uint64_t>(scope.sub(p.name), "base", ParamKind::address, 0,
                                    "physical base in the host address map");
    }
    if (auto* d = dynamic_cast<DmaController*>(m); d && !dma_) dma_ = d;
    if (auto* b = dynamic_cast<Bmc*>(m); b && !bmc_) bmc_ = b;
    if (auto* f = dynamic_cast<Flash*>(m); f && !flash_) flash_ = f;
    instances_.push_back(std::move(inst));
  }
  if (!router_ || !dram_ || !dma_ || !bmc_ || !flash_)
    throw ConfigError(fmt::format("{}: a board needs a router, dram, dma, bmc and flash", scope.prefix()));

  // PCIe devices hang off one socket's root ports: their DMA starts there,
  // and their interrupts are delivered to that socket's cores (Linux
  // affines a device's vectors to its local node first).
  for (auto& inst : instances_) {
    const auto cls = inst->kind->component_class;
    if (inst->model.get() != dma_ && cls != ComponentClass::disk && cls != ComponentClass::network) continue;
    inst->numa_node = static_cast<uint32_t>(
        param<uint64_t>(scope.sub(inst->name), "numa_node", ParamKind::count, 0,
                        "socket (NUMA node) whose PCIe root port the device hangs off", 0, dram_->numa_nodes() - 1));
  }
}

// Guarantees: every model's MMIO regions are mapped on the router (DRAM at
// 0 unless told, everything else from mmio_base up, 1 MiB aligned), with
// each instance's bases recorded; map_ is sorted by base; the DRAM knows
// its physical base and the BMC's memory base is known. Overlaps throw
// ConfigError naming the base parameter.
void Board::map(const ParamScope& scope, uint64_t mmio_base) {
  uint64_t mmio_cursor = mmio_base;
  for (auto& inst : instances_) {
    const ParamScope s = scope.sub(inst->name);
    for (const Model::MmioRegion& region : inst->model->mmio_regions()) {
      const bool is_main_memory = inst->model.get() == dram_ && region.base_param == "base";
      const uint64_t default_base = is_main_memory ? 0 : mmio_cursor;
      const uint64_t base = param<uint64_t>(s, region.base_param, ParamKind::address, default_base,
                                            "physical base in the host address map");
      if (!is_main_memory && base == default_base)
        mmio_cursor = align_up(base + region.size, 1ull << 20);
      try {
        router_->map(fmt::format("{}.{}", name(), inst->name), base, region.size, *region.socket,
                     is_main_memory ? static_cast<const NumaMemory*>(dram_) : nullptr);
      } catch (const ConfigError& e) {
        s.fail(region.base_param, e.what());
      }
      inst->bases.emplace_back(region.base_param, base);
      map_.push_back({inst->name, base, region.size});
      if (is_main_memory) dram_->set_physical_base(base);
      if (inst->model.get() == bmc_ && region.base_param == "memory_base") bmc_memory_base_ = base;
    }
  }
  std::sort(map_.begin(), map_.end(), [](const AddressRange& a, const AddressRange& b) { return a.base < b.base; });
}

// Guarantees: every bus master is bound to the router from its NUMA node;
// every socket, interrupt line and DMA channel is bound (SystemC's
// elaboration checks none is left open); the host CPU's firmware runner
// exists; the models' callbacks reach the observers.
void Board::wire() {
  for (auto& inst : instances_)
    for (InitiatorSocket* master : inst->model->bus_masters())
      router_->bind_initiator(*master, fmt::format("{}.{}", name(), inst->name), inst->numa_node);
  wire_interrupts();
  wire_bmc();
  wire_host_cpu();
}

// Each model's error interrupt on a line of its own ("irq_<instance>"), and
// one line per DMA channel ("irq_dma_ch<c>").
void Board::wire_interrupts() {
  for (auto& inst : instances_) {
    if (IrqOut* line_out = inst->model->error_irq()) {
      irq_lines_.push_back(std::make_unique<IrqLine>(fmt::format("irq_{}", inst->name).c_str()));
      line_out->bind(*irq_lines_.back());
    }
  }
  for (uint32_t c = 0; c < dma_->channels(); ++c) {
    dma_irq_lines_.push_back(std::make_unique<IrqLine>(fmt::format("irq_dma_ch{}", c).c_str()));
    dma_->channel_irq[c].bind(*dma_irq_lines_.back());
  }
}

// The BMC: a restricted initiator of the DMA controller at its link's
// bandwidth, driving the last channel (host firmware keeps the low ones)
// and hearing only that channel's line. Which windows it gets is host
// firmware's grant (bmc_dma_grant).
void Board::wire_bmc() {
  const uint32_t bmc_channel = dma_->channels() - 1;
  bmc_->dma_irq.bind(*dma_irq_lines_[bmc_channel]);
  bmc_requester_ = dma_->add_initiator(bmc_->name(), true, bmc_->link_bandwidth());
  bmc_->dma_out.bind(dma_->in);
  bmc_->attach_dma(bmc_channel, bmc_memory_base_);
  // The BMC's own sensor bus to the board's sensors block, when there is one.
  for (auto& inst : instances_)
    if (auto* sensors = dynamic_cast<Sensors*>(inst->model.get())) {
      bmc_->sensor_bus.bind(sensors->bmc_in);
      bmc_->attach_sensors([sensors](uint32_t c) {
        return c < sensors->channels().size() ? sensors->channels()[c].name : fmt::format("temp{}", c);
      });
      break;
    }
  bmc_->on_alert = [this](uint64_t t, uint64_t code) { notify_alert(t, code); };
  bmc_->on_report = [this](const BmcDrainReport& r) { notify_bmc_report(r); };
  dma_->on_transfer = [this](const DmaTransfer& t) { notify_dma(t); };
}

// The MMIO bases the firmware is given (what an integrator writes down for
// silicon, docs/porting.md): every device with unit windows, the BMC, the
// model ROM, the DMA controller, as the map phase placed them.
void Board::plan_firmware_map() {
  host_map_ = std::make_unique<BoardMap>();
  for (auto& inst : instances_) {
    if (!inst->kind->component_class) continue;
    const UnitDevice device{*inst->kind->component_class, static_cast<uint16_t>(inst->first_instance),
                            static_cast<uint16_t>(inst->model->component_units()), base_of(*inst->model)};
    if (device.units > 0 && !ok(host_map_->add_unit_device(device)))
      throw ConfigError(fmt::format("{}: the firmware's board map cannot hold this device", inst->name));
  }
  host_map_->bmc_base = base_of(*bmc_) + CT_BMC_REGS;
  host_map_->flash_base = base_of(*flash_) + CT_FLASH_REGS;
}

// What the host CPU's bus needs of the board: the memory's speed, the log sink.
TlmBusTiming Board::host_bus_timing() {
  TlmBusTiming timing;
  timing.memory_transfer_time = [this](uint64_t bytes) { return dram_->transfer_time(bytes); };
  timing.log_sink = [this](LogLevel level, const char* message) {
    static constexpr const char* kLevels[] = {"debug", "info", "warning", "error"};
    SC_REPORT_INFO_VERB("crashtwin/firmware",
                        fmt::format("{} [{}] {}", name(), kLevels[static_cast<int>(level)], message).c_str(),
                        sc_core::SC_MEDIUM);
    for (BoardObserver* o : observers_) o->on_firmware_log(to_ns(sc_core::sc_time_stamp()), level, message);
  };
  return timing;
}

// The host CPU: two initiators on the router (the firmware's bus and the
// crashed host's recovery code, told apart in traffic), the firmware's
// register drivers on the first, and the firmware runner with every error
// interrupt line and the units behind each.
void Board::wire_host_cpu() {
  plan_firmware_map();
  TlmBusTiming timing = host_bus_timing();
  // The recovery code (capture kernel, fadump's boot kernel) as the host CPU runs it.
  recovery_bus_ = std::make_unique<TlmBus>("host_recovery", quantum_, timing);
  router_->bind_initiator(recovery_bus_->out, fmt::format("{}.host_recovery", name()));
  host_bus_ = std::make_unique<TlmBus>("host", quantum_, std::move(timing));
  router_->bind_initiator(host_bus_->out, fmt::format("{}.host", name()));
  hal_ = std::make_unique<RegisterHal>(*host_bus_, *host_map_);

  std::vector<HostFirmwareRunner::ErrorSource> sources;
  size_t line = 0;
  for (auto& inst : instances_) {
    if (!inst->model->error_irq()) continue;
    HostFirmwareRunner::ErrorSource source{irq_lines_[line++].get(), {}};
    const ComponentClass cls = inst->kind->component_class.value_or(ComponentClass::cpu);
    for (uint32_t u = 0; u < inst->model->component_units(); ++u) {
      const ComponentId component{cls, static_cast<uint16_t>(inst->first_instance + u)};
      source.units.push_back({component, numa_node_of(component)});
    }
    sources.push_back(std::move(source));
  }
  firmware_runner_ = std::make_unique<HostFirmwareRunner>(
      "host_cpu", *hal_, *host_bus_, std::move(sources), [this](const ErrorEvent& e) { notify_error(e); },
      HostFirmwareRunner::CommandMailbox{&bmc_->command_irq()});
  // The firmware's ticks come from the host's per-core timers.
  firmware_runner_->set_tick_source(dynamic_cast<TickSource*>(cpu_cluster()));
  if (auto* cluster = dynamic_cast<CpuCluster*>(cpu_cluster())) cluster->attach_rmid_traffic(dram_);
}

Hal& Board::host_hal() { return *hal_; }
TlmBus& Board::host_bus() { return *host_bus_; }
TlmBus& Board::recovery_bus() { return *recovery_bus_; }

void Board::run_firmware(Firmware& firmware) {
  if (firmware_runner_->attached()) throw ConfigError(fmt::format("{}: run_firmware called twice", name()));
  firmware_runner_->attach(firmware);
}

void Board::write_control(std::string line) { firmware_runner_->write_control(std::move(line)); }
void Board::notify_workload(const WorkloadNotice& notice) { firmware_runner_->notify_workload(notice); }

Router& Board::router() { return *router_; }
Dram& Board::dram() { return *dram_; }
DmaController& Board::dma() { return *dma_; }
Bmc& Board::bmc() { return *bmc_; }
Flash& Board::flash() { return *flash_; }

Model* Board::find_model(std::string_view instance_name) {
  for (auto& inst : instances_)
    if (inst->name == instance_name) return inst->model.get();
  return nullptr;
}

std::vector<Model*> Board::models() const {
  std::vector<Model*> out;
  for (const auto& inst : instances_) out.push_back(inst->model.get());
  return out;
}

Model* Board::model_of(ComponentId component, uint32_t& unit) {
  for (auto& inst : instances_) {
    if (!inst->kind->component_class || *inst->kind->component_class != component.cls) continue;
    if (component.instance >= inst->first_instance &&
        component.instance < inst->first_instance + inst->model->component_units()) {
      unit = component.instance - inst->first_instance;
      return inst->model.get();
    }
  }
  return nullptr;
}

Model* Board::cpu_cluster() {
  uint32_t unit = 0;
  return model_of({ComponentClass::cpu, 0}, unit);
}
Model* Board::disk(uint32_t index) {
  uint32_t unit = 0;
  return model_of({ComponentClass::disk, static_cast<uint16_t>(index)}, unit);
}
Model* Board::nic(uint32_t index) {
  uint32_t unit = 0;
  return model_of({ComponentClass::network, static_cast<uint16_t>(index)}, unit);
}

uint64_t Board::base_of(const Model& model) const {
  for (const auto& inst : instances_)
    if (inst->model.get() == &model && !inst->bases.empty()) {
      // Component devices: their register/unit window. DRAM: its controller.
      for (const auto& [param_name, base] : inst->bases)
        if (param_name == "ctrl_base") return base;
      return inst->bases.front().second;
    }
  return 0;
}

uint32_t Board::numa_nodes() const { return dram_->numa_nodes(); }

uint32_t Board::numa_node_of(ComponentId component) const {
  for (const auto& inst : instances_) {
    if (!inst->kind->component_class || *inst->kind->component_class != component.cls) continue;
    const uint32_t units = inst->model->component_units();
    if (component.instance < inst->first_instance || component.instance >= inst->first_instance + units) continue;
    const uint32_t unit = component.instance - inst->first_instance;
    switch (component.cls) {
      case ComponentClass::cpu: return even_split_node(unit, units, numa_nodes());
      case ComponentClass::memory: return dram_->numa_node(uint64_t{unit} * dram_->dimm_size());
      default: return inst->numa_node;
    }
  }
  return 0;
}

uint32_t Board::component_count(ComponentClass cls) const {
  uint32_t n = 0;
  for (const auto& inst : instances_)
    if (inst->kind->component_class && *inst->kind->component_class == cls) n += inst->model->component_units();
  return n;
}

void Board::add_observer(BoardObserver& observer) { observers_.push_back(&observer); }

uint64_t Board::transaction_count() const { return router_->transactions(); }

std::vector<std::pair<std::string, const IrqLine*>> Board::interrupt_lines() const {
  std::vector<std::pair<std::string, const IrqLine*>> out;
  for (const auto* lines : {&irq_lines_, &dma_irq_lines_})
    for (const auto& line : *lines) out.emplace_back(line->basename(), line.get());
  // The BMC's command mailbox raises a line to the host firmware too.
  if (bmc_) out.emplace_back("irq_bmc_command", &bmc_->command_irq());
  return out;
}

void Board::warm_reset() {
  for (auto& inst : instances_) inst->model->warm_reset();
}

Status Board::inject_failure(ComponentId component, ErrorType type, uint64_t address, uint64_t detail) {
  uint32_t unit = 0;
  Model* m = model_of(component, unit);
  if (!m) return Status::not_found;
  return m->inject_failure(unit, type, address, detail) ? Status::ok : Status::unsupported;
}

void Board::update_model_blob(std::span<const std::byte> blob) { flash_->install(blob); }

BmcDmaGrant Board::bmc_dma_grant(uint64_t region_base, uint64_t region_size) const {
  BmcDmaGrant g;
  g.dma_registers = base_of(*dma_);
  g.bmc_requester = static_cast<uint8_t>(bmc_requester_);
  g.region_base = region_base;
  g.region_size = region_size;
  g.bmc_memory_base = bmc_memory_base_;
  g.bmc_memory_size = bmc_->memory().size();
  return g;
}

std::vector<EffectiveParam> Board::effective_config() const {
  std::vector<EffectiveParam> out;
  for (const EffectiveParam& p : tree_->effective())
    if (p.name.rfind(prefix_ + ".", 0) == 0) out.push_back(p);
  return out;
}

void Board::notify_error(const ErrorEvent& e) {
  for (BoardObserver* o : observers_) o->on_error_raised(e);
}
void Board::notify_alert(uint64_t t_ns, uint64_t code) {
  for (BoardObserver* o : observers_) o->on_alert(t_ns, code);
}
void Board::notify_dma(const DmaTransfer& t) {
  for (BoardObserver* o : observers_) o->on_dma_transfer(t);
}
void Board::notify_bmc_report(const BmcDrainReport& r) {
  for (BoardObserver* o : observers_) o->on_bmc_report(r);
}

}  // namespace crashtwin
