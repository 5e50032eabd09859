#include "models/dram/dram.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"
#include "models/sensors/fans.h"
#include "models/workload/traffic_burst.h"

namespace crashtwin {

namespace dl = device_layout;

namespace {
// Far above any DIMM's thermal shutdown (about 95 C): a larger value is a typo.
constexpr double kMaxTemperatureC = 150.0;
// Air heated by P watts in a stream of F cubic feet per minute rises by
// 1.76 * P / F degrees C (the sensible-heat rule, air at sea level).
constexpr double kAirRiseCPerWattPerCfm = 1.76;
uint64_t milli_celsius(double c) { return c <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(std::min(c, kMaxTemperatureC) * 1000.0)); }
}  // namespace

Dram::Dram(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      ctrl("ctrl"),
      irq("irq"),
      size_(param<uint64_t>(context.params, "size", ParamKind::size, 4ull << 30, "capacity", 1ull << 20, 16ull << 40)),
      dimms_(static_cast<uint32_t>(
          param<uint64_t>(context.params, "dimms", ParamKind::count, 4, "DIMMs (memory component instances)", 1, 255))),
      numa_nodes_(static_cast<uint32_t>(
          param<uint64_t>(context.params, "numa_nodes", ParamKind::count, 1, "NUMA nodes the DIMMs are split over", 1, 64))),
      ranks_(static_cast<uint32_t>(param<uint64_t>(context.params, "ranks", ParamKind::count, 2, "ranks per DIMM", 1, 16))),
      banks_(static_cast<uint32_t>(param<uint64_t>(context.params, "banks", ParamKind::count, 16, "banks per rank", 1, 256))),
      columns_(static_cast<uint32_t>(
          param<uint64_t>(context.params, "columns", ParamKind::count, 1024, "8-byte columns per row", 1, 1u << 20))),
      read_latency_(
          param<sc_core::sc_time>(context.params, "read_latency", ParamKind::duration, ns(80), "latency of a read access")),
      write_latency_(param<sc_core::sc_time>(context.params, "write_latency", ParamKind::duration, ns(80),
                                             "latency of a write access")),
      bandwidth_(param<double>(context.params, "bandwidth", ParamKind::bandwidth, 25.6e9,
                               "sustained bandwidth of one access stream", 1.0)),
      rng_(context.board_seed, std::string(name)),
      memory_(size_),
      log_(param<uint64_t>(context.params, "error_log_entries", ParamKind::count, 256,
                           "capacity of the controller's error log ring", 1, 1u << 20)),
      dimm_state_(dimms_),
      regs_(std::string(name) + ".regs") {
  if (size_ % (uint64_t{dimms_} * SparseMemory::kPageBytes) != 0)
    context.params.fail("size", fmt::format("{} is not a multiple of {} DIMMs x 4 KiB", size_, dimms_));
  if (numa_nodes_ > dimms_) context.params.fail("numa_nodes", fmt::format("more nodes than the {} DIMMs", dimms_));
  // Thermal parameters of a DDR4 RDIMM (docs/models.md gives the sources).
  idle_power_w_ = param<double>(context.params, "idle_power", ParamKind::real, 2.5,
                                "power of a DIMM at rest (background and refresh), W", 0.0, 100.0);
  active_power_w_ = param<double>(context.params, "active_power", ParamKind::real, 6.0,
                                  "power of a DIMM streaming at the full bandwidth, W", 0.0, 100.0);
  if (active_power_w_ < idle_power_w_) context.params.fail("active_power", "must not be below idle_power");
  // JEDEC DDR4 (JESD79-4): the normal operating range ends at a case
  // temperature of 85 C; above it the DIMM needs double refresh.
  critical_c_ = param<double>(context.params, "critical_temperature", ParamKind::temperature, 85.0,
                              "a DIMM's upper critical temperature (the BMC's threshold)", -50.0, 200.0);
  const double resistance = param<double>(context.params, "thermal_resistance", ParamKind::real, 5.0,
                                          "DIMM to air, degrees C per W at the reference airflow of 2 CFM", 1e-3, 1e3);
  const double heat_capacity = param<double>(context.params, "heat_capacity", ParamKind::real, 20.0,
                                             "heat capacity of a DIMM, J per degree C", 1e-3, 1e6);
  const double airflow = param<double>(context.params, "airflow", ParamKind::real, 2.0,
                                       "air past one DIMM slot, cubic feet per minute", 0.05, 1000.0);
  const double spread = param<double>(context.params, "slot_airflow_spread", ParamKind::ratio, 0.3,
                                      "slots get airflow x U(1-spread, 1+spread): position in the air stream",
                                      0.0, 0.9);
  const double ce_rate = param<double>(context.params, "corrected_error_rate", ParamKind::rate, 0.0,
                                       "corrected errors per DIMM while healthy", 0.0);
  const uint64_t rows = std::max<uint64_t>(1, dimm_size() / (uint64_t{columns_} * 8 * banks_ * ranks_));
  // Field fault processes (fault_process.h): off unless accelerated; their
  // own random stream, so turning them on changes no other draw.
  const double acceleration = param<double>(context.params, "field_fault_acceleration", ParamKind::real, 0.0,
                                            "DRAM faults at the field FIT rates times this (0: none)", 0.0, 1e12);
  DramFaultSettings faults;
  faults.acceleration = acceleration;
  // Schroeder, Pinheiro and Weber (SIGMETRICS 2009): DIMMs with errors log
  // 3,751 corrected errors a year on average, one fault each mostly.
  faults.activation_rate = param<double>(context.params, "fault_activation_rate", ParamKind::rate, 3751.0 / 31557600.0,
                                         "errors a present permanent DRAM fault gives per second", 0.0, 1e6);
  // DIMM-level faults (fault_process.h): the field's uncorrectable errors
  // that no single device's fault gives.
  faults.dimm.rate_per_s = param<double>(context.params, "dimm_fault_rate", ParamKind::rate, faults.dimm.rate_per_s,
                                         "faults of a DIMM's shared circuits per DIMM per second in the field "
                                         "(several devices at once: uncorrectable)",
                                         0.0, 1e6);
  faults.dimm.warned_fraction =
      param<double>(context.params, "dimm_fault_warned_fraction", ParamKind::ratio, faults.dimm.warned_fraction,
                    "share of DIMM-level faults that start as one device's lane (corrected errors) before "
                    "they spread",
                    0.0, 1.0);
  const auto seconds = [](sc_core::sc_time t) { return static_cast<double>(to_ns(t)) * 1e-9; };
  faults.dimm.lead_min_s = seconds(param<sc_core::sc_time>(
      context.params, "dimm_fault_lead_min", ParamKind::duration, sc_core::sc_time(faults.dimm.lead_min_s, sc_core::SC_SEC),
      "shortest time a warned DIMM-level fault's lane gives corrected errors before it spreads",
      sc_core::sc_time(1.0, sc_core::SC_MS)));
  faults.dimm.lead_max_s = seconds(param<sc_core::sc_time>(
      context.params, "dimm_fault_lead_max", ParamKind::duration, sc_core::sc_time(faults.dimm.lead_max_s, sc_core::SC_SEC),
      "longest such time (lead times are log-uniform between the two)", sc_core::sc_time(1.0, sc_core::SC_MS)));
  if (faults.dimm.lead_max_s < faults.dimm.lead_min_s)
    context.params.fail("dimm_fault_lead_max", "must not be below dimm_fault_lead_min");
  const std::string ecc = param<std::string>(context.params, "ecc", ParamKind::text, "chipkill",
                                             "ECC of the DIMMs: chipkill (one device per word) or secded (one bit)");
  if (ecc == "secded") faults.ecc = DramEcc::secded;
  else if (ecc != "chipkill") context.params.fail("ecc", fmt::format("'{}' is not chipkill or secded", ecc));
  DramGeometry geometry;
  geometry.ranks = ranks_;
  geometry.banks = banks_;
  geometry.rows = static_cast<uint32_t>(std::min<uint64_t>(rows, UINT32_MAX));
  geometry.columns = columns_;
  geometry.devices = static_cast<uint32_t>(param<uint64_t>(context.params, "devices_per_rank", ParamKind::count, 18,
                                                           "DRAM devices per rank (x4 with ECC: 18)", 2, 72));
  if (acceleration > 0)
    field_faults_.emplace(geometry, faults, dimms_, RngStream(context.board_seed, std::string(name) + ".field_faults"),
                          RngStream(context.board_seed, std::string(name) + ".dimm_faults"));
  // Own stream: the slot draws change no other draw of the model.
  RngStream slots(context.board_seed, std::string(name) + ".slots");
  interval_power_w_.assign(dimms_, idle_power_w_);
  for (uint32_t d = 0; d < dimms_; ++d) {
    DimmState& s = dimm_state_[d];
    s.airflow_cfm = airflow * (1.0 - spread + 2.0 * spread * slots.uniform());
    // Forced convection past a DIMM is laminar (Re of a few hundred between
    // slots): the film coefficient grows with the square root of the flow.
    const double r = resistance * std::sqrt(2.0 / s.airflow_cfm);
    s.thermal = ThermalModel({r, r * heat_capacity}, kDefaultInletC, kDefaultInletC);
    s.thermal.set_power(idle_power_w_);
  }
  for (uint32_t d = 0; d < dimms_; ++d) {
    update_air(d);
    dimm_state_[d].weak_row = static_cast<uint32_t>(rng_.below(rows));
    dimm_state_[d].ce_rate = ce_rate;
  }

  in.register_b_transport(this, &Dram::b_transport);
  in.register_transport_dbg(this, &Dram::transport_dbg);
  in.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  ctrl.register_b_transport(this, &Dram::ctrl_b_transport);
  ctrl.register_transport_dbg(this, &Dram::ctrl_transport_dbg);

  controller_regs_ = std::make_unique<regs::DramRegisters>(
      regs_, CT_DRAM_REGS, "", regs::DramRegisters::BoardReset{.size = size_, .dimms = dimms_, .numa_nodes = numa_nodes_});
  controller_regs_->ce_total.on_read([this] {
    uint64_t n = 0;
    for (const DimmState& s : dimm_state_) n += s.corrected;
    return n;
  });
  controller_regs_->ue_total.on_read([this] { return ue_total_; });
  controller_regs_->materialised_pages.on_read([this] { return memory_.materialised_pages(); });
  // SMBIOS Type 17 handles are sequential per DIMM on the boards that
  // declare them (what dmidecode lists as "Handle 0x1100, DMI type 17").
  const uint64_t smbios_first_handle =
      param<uint64_t>(context.params, "smbios_first_handle", ParamKind::count, 0,
                      "SMBIOS handle of DIMM 0's Type 17 structure, the others following (0: none declared)", 0,
                      0xFEFF - 255);
  for (uint32_t d = 0; d < dimms_; ++d) {
    const ComponentId id{ComponentClass::memory, static_cast<uint16_t>(context.first_instance + d)};
    units_.push_back(std::make_unique<ComponentUnit>(
        regs_, id, d, StateKind::error_log, [this, d](Metric m) { return metric(d, m); },
        [this, d](std::span<std::byte> out) { return log_.encode(d, out.first(std::min<size_t>(out.size(), 4096))); },
        [this](bool) { irq_event_.notify(sc_core::SC_ZERO_TIME); },
        smbios_first_handle == 0 ? ComponentUnit::kNoSmbiosHandle : static_cast<uint16_t>(smbios_first_handle + d)));
  }

  SC_METHOD(corrected_error_arrivals);
  sensitive << ce_event_;
  dont_initialize();
  SC_METHOD(update_irq);
  sensitive << irq_event_;
  dont_initialize();
  SC_METHOD(field_fault_events);
  sensitive << fault_event_;
  dont_initialize();
  if (ce_rate > 0) schedule_next_ce();
  schedule_next_field_fault();
}

void Dram::schedule_next_field_fault() {
  if (!field_faults_) return;
  notify_after_seconds(fault_event_, field_faults_->draw_next_delay());
}

void Dram::field_fault_events() {
  if (const std::optional<DramFaultError> e = field_faults_->fire()) {
    const DimmLocation where{e->dimm, e->rank, e->bank, e->row, e->column};
    DramEccDecode decoded;
    if (e->device != DramFaultError::kUnknown) decoded.device = static_cast<uint8_t>(std::min<uint32_t>(e->device, 0xFE));
    if (e->bit_position != DramFaultError::kUnknown)
      decoded.bit_position = static_cast<uint16_t>(std::min<uint32_t>(e->bit_position, 0xFFFE));
    decoded.error_dqs = e->error_dqs;
    decoded.error_beats = e->error_beats;
    if (e->uncorrectable) {
      raise_uncorrectable(e->dimm, encode(where), e->bad_bits, decoded);
      field_faults_->retire_dimm(e->dimm);
    } else {
      log_corrected_at(e->dimm, where, decoded);
    }
  }
  schedule_next_field_fault();
}

std::vector<Model::MmioRegion> Dram::mmio_regions() {
  return {{&in, size_, "base"}, {&ctrl, dl::device_size(dimms_), "ctrl_base"}};
}

DimmLocation Dram::decode(uint64_t offset) const {
  DimmLocation l;
  l.dimm = static_cast<uint32_t>(offset / dimm_size());
  uint64_t rest = (offset % dimm_size()) / 8;
  l.column = static_cast<uint32_t>(rest % columns_);
  rest /= columns_;
  l.bank = static_cast<uint32_t>(rest % banks_);
  rest /= banks_;
  l.rank = static_cast<uint32_t>(rest % ranks_);
  l.row = static_cast<uint32_t>(rest / ranks_);
  return l;
}

uint64_t Dram::encode(const DimmLocation& w) const {
  const uint64_t word = ((uint64_t{w.row} * ranks_ + w.rank) * banks_ + w.bank) * columns_ + w.column;
  return uint64_t{w.dimm} * dimm_size() + word * 8;
}

uint32_t Dram::numa_node(uint64_t offset) const {
  return even_split_node(offset / dimm_size(), dimms_, numa_nodes_);
}

sc_core::sc_time Dram::transfer_time(uint64_t bytes) const {
  return sc_core::sc_time(static_cast<double>(bytes) / bandwidth_, sc_core::SC_SEC);
}

sc_core::sc_time Dram::access_time(bool is_write, uint64_t bytes) const {
  return (is_write ? write_latency_ : read_latency_) + transfer_time(bytes);
}

void Dram::materialising_write(uint64_t offset, uint64_t bytes) {
  if (zero_granted_pages_.empty()) return;
  // A page handed out read-only as zeros is about to get real contents:
  // initiators must drop that grant before the write lands.
  for (uint64_t p = offset / SparseMemory::kPageBytes; p <= (offset + bytes - 1) / SparseMemory::kPageBytes; ++p) {
    if (zero_granted_pages_.erase(p))
      for (unsigned port = 0; port < in.size(); ++port)
        in[port]->invalidate_direct_mem_ptr(p * SparseMemory::kPageBytes, (p + 1) * SparseMemory::kPageBytes - 1);
  }
}

void Dram::host_write(uint64_t offset, std::span<const std::byte> data) {
  if (data.empty() || offset >= size_ || data.size() > size_ - offset) return;
  materialising_write(offset, data.size());
  memory_.write(offset, data);
}

void Dram::b_transport(int, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const uint64_t offset = tx.get_address();
  const uint64_t length = tx.get_data_length();
  if (offset >= size_ || length > size_ - offset) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (tx.get_byte_enable_ptr() != nullptr) {
    tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const bool is_write = tx.is_write();
  if (!is_write && !tx.is_read()) {
    tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  std::byte* data = reinterpret_cast<std::byte*>(tx.get_data_ptr());
  if (is_write) {
    materialising_write(offset, length);
    memory_.write(offset, std::span<const std::byte>(data, length));
  } else {
    memory_.read(offset, std::span<std::byte>(data, length));
  }
  // A workload burst stands for more bytes than it carries: bandwidth and
  // the traffic counter see all of them. Traffic counts against the DIMM
  // the burst starts in (bursts are far smaller than a DIMM).
  const uint64_t represented = traffic_bytes(tx);
  dimm_state_[offset / dimm_size()].traffic_bytes += represented;
  if (const TrafficBurst* burst = tx.get_extension<TrafficBurst>()) count_rmid_traffic(*burst, offset, represented);
  delay += access_time(is_write, represented);
  tx.set_dmi_allowed(true);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Dram::count_rmid_traffic(const TrafficBurst& burst, uint64_t offset, uint64_t bytes) {
  if (burst.rmid >= rmid_traffic_.size()) rmid_traffic_.resize(burst.rmid + 1);
  RmidTraffic& t = rmid_traffic_[burst.rmid];
  t.total_bytes += bytes;
  if (numa_node(offset) == burst.numa_node) t.local_bytes += bytes;
}

RmidTraffic Dram::rmid_traffic(uint32_t rmid) const {
  return rmid < rmid_traffic_.size() ? rmid_traffic_[rmid] : RmidTraffic{};
}

unsigned Dram::transport_dbg(int, tlm::tlm_generic_payload& tx) {
  const uint64_t offset = tx.get_address();
  if (offset >= size_) return 0;
  const uint64_t length = std::min<uint64_t>(tx.get_data_length(), size_ - offset);
  std::byte* data = reinterpret_cast<std::byte*>(tx.get_data_ptr());
  if (tx.is_write()) {
    materialising_write(offset, length);
    memory_.write(offset, std::span<const std::byte>(data, length));
  } else {
    memory_.read(offset, std::span<std::byte>(data, length));
  }
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  return static_cast<unsigned>(length);
}

bool Dram::get_direct_mem_ptr(int, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  const uint64_t offset = tx.get_address();
  if (offset >= size_) {
    dmi.allow_none();
    return false;
  }
  ++dmi_grants_;
  const uint64_t page = offset / SparseMemory::kPageBytes;
  dmi.set_start_address(page * SparseMemory::kPageBytes);
  dmi.set_end_address((page + 1) * SparseMemory::kPageBytes - 1);
  dmi.set_read_latency(read_latency_);
  dmi.set_write_latency(write_latency_);
  const SparseMemory::Page* existing = memory_.find_page(offset);
  if (existing == nullptr && !tx.is_write()) {
    // Reading untouched memory must not materialise it: share the zero page.
    zero_granted_pages_.insert(page);
    dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(const_cast<std::byte*>(SparseMemory::zero_page().data())));
    dmi.allow_read();
    return true;
  }
  materialising_write(offset, 1);
  dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(memory_.page(offset).data()));
  dmi.allow_read_write();
  return true;
}

void Dram::ctrl_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  regs_.transport(tx);
  delay += read_latency_;
}

unsigned Dram::ctrl_transport_dbg(tlm::tlm_generic_payload& tx) { return regs_.debug_transport(tx); }

uint64_t Dram::metric(uint32_t dimm, Metric m) {
  const DimmState& s = dimm_state_.at(dimm);
  switch (m) {
    case Metric::mem_pressure: return s.pressure_ppm;
    case Metric::mem_traffic_bytes: return s.traffic_bytes;
    case Metric::mem_corrected_errors: return s.corrected;
    case Metric::mem_uncorrected_errors: return s.uncorrected;
    case Metric::mem_temperature: return s.pinned_mc ? *s.pinned_mc : milli_celsius(temperature_c(dimm));
    case Metric::mem_ce_rows: return s.ce_rows.size();
    case Metric::mem_ce_banks: return s.ce_banks.size();
    case Metric::mem_ce_columns: return s.ce_columns.size();
    case Metric::mem_ce_repeats: return s.ce_repeats;
    case Metric::mem_ce_multi_dq: return s.ce_multi_dq;
    case Metric::mem_ce_multi_beat: return s.ce_multi_beat;
    default: return 0;
  }
}

double Dram::slot_ambient(uint32_t dimm, double own_air) const {
  // Each neighbour's heat goes half into the gap this DIMM shares with it.
  double neighbours_w = 0;
  if (dimm > 0) neighbours_w += interval_power_w_[dimm - 1];
  if (dimm + 1 < dimms_) neighbours_w += interval_power_w_[dimm + 1];
  return own_air + kAirRiseCPerWattPerCfm * 0.5 * neighbours_w / (dimm_state_[dimm].airflow_cfm * chassis_airflow_);
}

void Dram::update_air(uint32_t dimm) {
  DimmState& s = dimm_state_[dimm];
  s.thermal.set_ambient(slot_ambient(dimm, s.slot_air_c.value_or(inlet_c_)));
  // Before any time has passed the DIMMs have run this way for long.
  if (thermal_ns_ == 0) s.thermal.settle();
}

void Dram::advance_thermal() {
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  if (now <= thermal_ns_) return;
  const double dt = static_cast<double>(now - thermal_ns_) * 1e-9;
  for (uint32_t d = 0; d < dimms_; ++d) {
    DimmState& s = dimm_state_[d];
    const double utilisation =
        std::min(1.0, static_cast<double>(s.traffic_bytes - s.traffic_at_thermal) / (dt * bandwidth_));
    s.traffic_at_thermal = s.traffic_bytes;
    interval_power_w_[d] = idle_power_w_ + (active_power_w_ - idle_power_w_) * utilisation;
  }
  for (uint32_t d = 0; d < dimms_; ++d) {
    DimmState& s = dimm_state_[d];
    s.thermal.set_power(interval_power_w_[d]);
    s.thermal.set_ambient(slot_ambient(d, s.slot_air_c.value_or(inlet_c_)));
    s.thermal.advance(dt);
  }
  thermal_ns_ = now;
}

double Dram::temperature_c(uint32_t dimm) {
  advance_thermal();
  return dimm_state_.at(dimm).thermal.temperature();
}

double Dram::power_w(uint32_t dimm) {
  advance_thermal();
  return dimm_state_.at(dimm).thermal.power();
}

std::string Dram::thermal_channel_name(uint32_t channel) const { return "dimm" + std::to_string(channel); }

void Dram::settle_thermal() {
  advance_thermal();
  for (uint32_t d = 0; d < dimms_; ++d) dimm_state_[d].thermal.settle();
}

void Dram::set_airflow(double airflow_fraction) {
  advance_thermal();
  // Every slot gets that share of its own air (fans.h: one plenum); the
  // film coefficient goes as its square root, as at the slot's design flow.
  chassis_airflow_ = std::max(FanBank::kNaturalConvectionFloor, airflow_fraction);
  const double factor = FanBank::resistance_factor(airflow_fraction);
  for (uint32_t d = 0; d < dimms_; ++d) {
    dimm_state_[d].thermal.set_resistance_factor(factor);
    update_air(d);
  }
}

void Dram::set_inlet_temperature(double celsius) {
  advance_thermal();
  inlet_c_ = celsius;
  for (uint32_t d = 0; d < dimms_; ++d) update_air(d);
}

void Dram::set_slot_air(uint32_t dimm, double celsius) {
  if (dimm >= dimms_) return;
  advance_thermal();
  dimm_state_[dimm].slot_air_c = celsius;
  update_air(dimm);
}

void Dram::set_heat_ramp(uint32_t dimm, double c_per_s, double limit_c) {
  if (dimm >= dimms_) return;
  advance_thermal();
  dimm_state_[dimm].thermal.set_offset_ramp(c_per_s, limit_c);  // a zero rate holds the offset
}

void Dram::pin_temperature(uint32_t dimm, uint64_t milli_celsius) {
  if (dimm >= dimms_) return;
  dimm_state_[dimm].pinned_mc = milli_celsius;
}

void Dram::log_corrected(uint32_t dimm) {
  DimmLocation where = decode(uint64_t{dimm} * dimm_size() + rng_.below(dimm_size()));
  // Precursors cluster: a weak row produces most corrected errors.
  if (rng_.uniform() < 0.75) where.row = dimm_state_[dimm].weak_row;
  log_corrected_at(dimm, where);
}

void Dram::log_corrected_at(uint32_t dimm, DimmLocation where, DramEccDecode decoded) {
  DimmState& s = dimm_state_[dimm];
  where.dimm = dimm;
  MemoryErrorLogEntry e;
  e.time_ns = to_ns(sc_core::sc_time_stamp());
  e.address = physical_base_ + encode(where);
  e.dimm = static_cast<uint8_t>(dimm);
  e.rank = static_cast<uint8_t>(where.rank);
  e.bank = static_cast<uint8_t>(where.bank);
  e.row = where.row;
  e.column = where.column;
  e.syndrome = static_cast<uint32_t>(rng_.below(1u << 16));
  e.device = decoded.device;
  e.bit_position = decoded.bit_position;
  log_.append(e);
  ++s.corrected;
  if (decoded.error_dqs >= 2) ++s.ce_multi_dq;
  if (decoded.error_beats >= 2) ++s.ce_multi_beat;
  const uint64_t bank = (uint64_t{where.rank} << 48) | (uint64_t{where.bank} << 32);
  if (s.ce_rows.size() < kCeRowTableEntries) s.ce_rows.insert(bank | where.row);
  if (s.ce_banks.size() < kCeRowTableEntries) s.ce_banks.insert(bank);
  if (s.ce_columns.size() < kCeRowTableEntries) s.ce_columns.insert(bank | where.column);
  // A repeat: the controller has logged this address before (the table is
  // bounded like the others; once full, new addresses are not remembered).
  if (s.ce_addresses.count(e.address) != 0) ++s.ce_repeats;
  else if (s.ce_addresses.size() < kCeRowTableEntries) s.ce_addresses.insert(e.address);
}

void Dram::inject_corrected_errors(uint32_t dimm, uint32_t count) {
  if (dimm >= dimms_) return;
  for (uint32_t i = 0; i < count; ++i) log_corrected(dimm);
}

void Dram::inject_corrected_errors_at(uint32_t dimm, uint32_t count, uint64_t address) {
  if (dimm >= dimms_) return;
  const DimmLocation where = decode(uint64_t{dimm} * dimm_size() + address % dimm_size());
  for (uint32_t i = 0; i < count; ++i) log_corrected_at(dimm, where);
}

void Dram::set_corrected_error_rate(uint32_t dimm, double per_second) {
  if (dimm >= dimms_) return;
  dimm_state_[dimm].ce_rate = std::max(0.0, per_second);
  dimm_state_[dimm].next_ce = sc_core::SC_ZERO_TIME;
  schedule_next_ce();
}

sc_core::sc_time Dram::next_ce_after(const sc_core::sc_time& now, double rate) {
  // An exponential draw shorter than the kernel's time resolution rounds to
  // zero, and a zero delay would re-notify ce_event_ at the same instant
  // forever at very high rates: the next error is at least one resolution
  // step away.
  const sc_core::sc_time delay =
      std::max(sc_core::sc_time(rng_.exponential(rate), sc_core::SC_SEC), sc_core::sc_get_time_resolution());
  assert(delay > sc_core::SC_ZERO_TIME && "the next corrected error must lie in the future");
  return now + delay;
}

void Dram::schedule_next_ce() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  bool any = false;
  sc_core::sc_time earliest = sc_core::sc_max_time();
  for (DimmState& s : dimm_state_) {
    if (s.ce_rate <= 0) continue;
    if (s.next_ce <= now) s.next_ce = next_ce_after(now, s.ce_rate);
    earliest = std::min(earliest, s.next_ce);
    any = true;
  }
  ce_event_.cancel();
  if (any) ce_event_.notify(earliest - now);
}

void Dram::corrected_error_arrivals() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  for (uint32_t d = 0; d < dimms_; ++d) {
    DimmState& s = dimm_state_[d];
    if (s.ce_rate > 0 && s.next_ce <= now) {
      log_corrected(d);
      s.next_ce = next_ce_after(now, s.ce_rate);
    }
  }
  schedule_next_ce();
}

bool Dram::inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) {
  if (unit >= dimms_ || (type != ErrorType::memory_uncorrectable && type != ErrorType::machine_check)) return false;
  uint64_t offset = address - physical_base_;
  if (address < physical_base_ || offset >= size_ || offset / dimm_size() != unit)
    offset = uint64_t{unit} * dimm_size() + (rng_.below(dimm_size()) & ~7ull);
  raise_uncorrectable(unit, offset, detail);
  return true;
}

void Dram::raise_uncorrectable(uint32_t unit, uint64_t offset, uint64_t detail, DramEccDecode decoded) {
  const DimmLocation where = decode(offset);
  MemoryErrorLogEntry e;
  e.time_ns = to_ns(sc_core::sc_time_stamp());
  e.address = physical_base_ + offset;
  e.dimm = static_cast<uint8_t>(unit);
  e.rank = static_cast<uint8_t>(where.rank);
  e.bank = static_cast<uint8_t>(where.bank);
  e.row = where.row;
  e.column = where.column;
  e.uncorrectable = true;
  e.syndrome = static_cast<uint32_t>(detail);
  e.device = decoded.device;
  e.bit_position = decoded.bit_position;
  log_.append(e);
  ++dimm_state_[unit].uncorrected;
  ++ue_total_;
  ErrorEvent event;
  event.component = units_[unit]->id();
  event.type = ErrorType::memory_uncorrectable;
  event.time_ns = e.time_ns;
  event.address = e.address;
  event.detail = detail;
  units_[unit]->raise(event);
}

void Dram::update_irq() {
  bool pending = false;
  for (const auto& u : units_) pending = pending || u->pending();
  irq.write(pending);
}

uint64_t Dram::used_bytes() const {
  uint64_t used = 0;
  for (uint32_t d = 0; d < dimms_; ++d)
    used += static_cast<uint64_t>(static_cast<double>(dimm_size()) * static_cast<double>(dimm_state_[d].pressure_ppm) *
                                  1e-6);
  return std::min(used, size_);
}

void Dram::warm_reset() {
  // Contents and the error log survive (the controller's log is in
  // battery-backed registers on real boards); latched status does not.
  regs_.reset();
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

CRASHTWIN_REGISTER_MODEL("dram", ComponentClass::memory, "main memory: sparse store, DIMMs, NUMA, error log", Dram);

}  // namespace crashtwin
