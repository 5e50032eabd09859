#include "platform/drivers/register_hal.h"

#include "platform/regs/crashtwin_regs.h"

namespace crashtwin {

Status RegisterHal::read_metric(ComponentId component, Metric metric, uint64_t& value) {
  if (component_class_of(metric) != component.cls) return Status::invalid_argument;
  uint64_t unit = 0;
  if (!map_->unit_base(component, unit)) return Status::not_found;
  return read_register(*bus_, unit + CT_UNIT_METRIC(metric_slot(metric)), value);
}

Status RegisterHal::read_state(ComponentId component, StateKind kind, std::span<std::byte> out, size_t& length) {
  length = 0;
  uint64_t unit = 0;
  if (!map_->unit_base(component, unit)) return Status::not_found;
  uint64_t held_kind = 0;
  if (Status s = read_register(*bus_, unit + CT_UNIT_STATE_KIND, held_kind); !ok(s)) return s;
  if (held_kind != static_cast<uint64_t>(kind)) return Status::not_found;
  // Reading STATE_LENGTH takes the snapshot the window then shows.
  uint64_t available = 0;
  if (Status s = read_register(*bus_, unit + CT_UNIT_STATE_LENGTH, available); !ok(s)) return s;
  if (available > CT_UNIT_STATE_SIZE) return Status::corrupt;  // a device that claims more than its window
  const size_t n = available < out.size() ? static_cast<size_t>(available) : out.size();
  if (n > 0) {
    if (Status s = bus_->read(unit + CT_UNIT_STATE, out.first(n)); !ok(s)) return s;
  }
  length = n;
  return n < available ? Status::truncated : Status::ok;
}

Status RegisterHal::phys_read(uint64_t address, std::span<std::byte> out) {
  return out.empty() ? Status::ok : bus_->read(address, out);
}

Status RegisterHal::phys_write(uint64_t address, std::span<const std::byte> data) {
  return data.empty() ? Status::ok : bus_->write(address, data);
}

void RegisterHal::alert_bmc(uint64_t code) {
  if (map_->bmc_base == 0 || !ok(write_register(*bus_, map_->bmc_base + CT_BMC_MAILBOX, code)))
    log(LogLevel::error, "BMC mailbox write failed");
}

Status RegisterHal::report_predictive_failure(const PredictiveFailure& change) {
  if (map_->bmc_base == 0) return Status::unsupported;
  return write_register(*bus_, map_->bmc_base + CT_BMC_PFA, encode_predictive_failure(change));
}

Status RegisterHal::load_model_blob(std::span<std::byte> buffer, size_t& length) {
  length = 0;
  if (map_->flash_base == 0) return Status::not_found;
  uint64_t size = 0;
  if (Status s = read_register(*bus_, map_->flash_base + CT_FLASH_LENGTH, size); !ok(s)) return s;
  if (size == 0) return Status::not_found;
  if (size > buffer.size()) return Status::no_memory;
  if (Status s = bus_->read(map_->flash_base + CT_FLASH_BLOB, buffer.first(static_cast<size_t>(size))); !ok(s))
    return s;
  length = static_cast<size_t>(size);
  return Status::ok;
}

Status RegisterHal::read_core_tick(ComponentId cpu, CoreTickReading& out) {
  if (cpu.cls != ComponentClass::cpu) return Status::invalid_argument;
  uint64_t unit = 0;
  if (!map_->unit_base(cpu, unit)) return Status::not_found;
  if (Status s = read_register(*bus_, unit + CT_CORE_TIMER_BOUNDARY, out.boundary_ns); !ok(s)) return s;
  if (Status s = read_register(*bus_, unit + CT_CORE_TIMER_DELIVERED, out.delivered_ns); !ok(s)) return s;
  return read_register(*bus_, unit + CT_CORE_TIMER_OVERRUNS, out.overruns);
}

Status RegisterHal::read_smbios_handle(ComponentId component, uint16_t& handle) {
  uint64_t unit = 0, value = 0;
  if (!map_->unit_base(component, unit)) return Status::not_found;
  if (Status s = read_register(*bus_, unit + CT_UNIT_SMBIOS_HANDLE, value); !ok(s)) return s;
  if (value >= 0xFFFF) return Status::not_found;  // the tables declare none
  handle = static_cast<uint16_t>(value);
  return Status::ok;
}

bool RegisterHal::cpu_cluster_registers(uint64_t& base) const {
  if (!map_->device_base({ComponentClass::cpu, 0}, base)) return false;
  base += CT_CPU_CLUSTER_REGS;
  return true;
}

Status RegisterHal::read_monitoring_capabilities(rdt::Capabilities& out) {
  uint64_t base = 0, max_rmid = 0, upscale = 0, width = 0;
  if (!cpu_cluster_registers(base)) return Status::unsupported;
  if (Status s = read_register(*bus_, base + CT_CPU_CLUSTER_RDT_MAX_RMID, max_rmid); !ok(s)) return s;
  if (Status s = read_register(*bus_, base + CT_CPU_CLUSTER_RDT_UPSCALE, upscale); !ok(s)) return s;
  if (Status s = read_register(*bus_, base + CT_CPU_CLUSTER_RDT_MBM_WIDTH, width); !ok(s)) return s;
  out = {static_cast<uint32_t>(max_rmid), upscale, static_cast<uint32_t>(width & 0xff) + rdt::kMinMbmCounterWidth};
  return Status::ok;
}

Status RegisterHal::write_core_rmid(uint32_t core, uint32_t rmid) {
  uint64_t unit = 0;
  if (core > UINT16_MAX || !map_->unit_base(ComponentId{ComponentClass::cpu, static_cast<uint16_t>(core)}, unit))
    return Status::not_found;
  return write_register(*bus_, unit + CT_CORE_PQR_ASSOC, rmid & CT_CORE_PQR_ASSOC_RMID_MASK);
}

Status RegisterHal::read_monitoring_counter(uint64_t event_select, uint64_t& counter) {
  uint64_t base = 0;
  if (!cpu_cluster_registers(base)) return Status::unsupported;
  if (Status s = write_register(*bus_, base + CT_CPU_CLUSTER_QM_EVTSEL, event_select); !ok(s)) return s;
  return read_register(*bus_, base + CT_CPU_CLUSTER_QM_CTR, counter);
}

Status RegisterHal::take_error(ComponentId component, ErrorEvent& event) {
  uint64_t unit = 0;
  if (!map_->unit_base(component, unit)) return Status::not_found;
  uint64_t status = 0;
  if (Status s = read_register(*bus_, unit + CT_UNIT_ERR_STATUS, status); !ok(s)) return s;
  if ((status & CT_UNIT_ERR_STATUS_VALID_MASK) == 0) return Status::not_found;
  uint64_t type = 0, address = 0, detail = 0, time = 0;
  if (Status s = read_register(*bus_, unit + CT_UNIT_ERR_TYPE, type); !ok(s)) return s;
  if (Status s = read_register(*bus_, unit + CT_UNIT_ERR_ADDRESS, address); !ok(s)) return s;
  if (Status s = read_register(*bus_, unit + CT_UNIT_ERR_DETAIL, detail); !ok(s)) return s;
  if (Status s = read_register(*bus_, unit + CT_UNIT_ERR_TIME, time); !ok(s)) return s;
  event = ErrorEvent{};
  event.type = static_cast<ErrorType>(type);
  event.address = address;
  event.detail = detail;
  event.time_ns = time;
  event.component = component;
  return Status::ok;
}

Status RegisterHal::acknowledge_error(ComponentId component) {
  uint64_t unit = 0;
  if (!map_->unit_base(component, unit)) return Status::not_found;
  return write_register(*bus_, unit + CT_UNIT_ERR_STATUS, CT_UNIT_ERR_STATUS_VALID_MASK);
}

Status RegisterHal::take_bmc_command(std::span<char> line, size_t& length) {
  length = 0;
  if (map_->bmc_base == 0) return Status::not_found;
  const uint64_t bmc = map_->bmc_base;
  uint64_t status = 0, available = 0;
  if (Status s = read_register(*bus_, bmc + CT_BMC_CMD_STATUS, status); !ok(s)) return s;
  if ((status & CT_BMC_CMD_STATUS_PENDING_MASK) == 0) return Status::not_found;
  if (Status s = read_register(*bus_, bmc + CT_BMC_CMD_LENGTH, available); !ok(s)) return s;
  uint64_t n = available < CT_BMC_CMD_DATA_SIZE ? available : CT_BMC_CMD_DATA_SIZE;
  if (n > line.size()) n = line.size();
  // Whole registers of the window, as its bus serves them.
  for (size_t at = 0; at < n; at += 8) {
    uint64_t word = 0;
    if (Status s = read_register(*bus_, bmc + CT_BMC_CMD_DATA + at, word); !ok(s)) return s;
    for (size_t b = 0; b < 8 && at + b < n; ++b) line[at + b] = static_cast<char>(word >> (8 * b));
  }
  length = static_cast<size_t>(n);
  return Status::ok;
}

Status RegisterHal::finish_bmc_command(Status result) {
  if (map_->bmc_base == 0) return Status::not_found;
  const uint64_t bmc = map_->bmc_base;
  if (Status s = write_register(*bus_, bmc + CT_BMC_CMD_RESULT, static_cast<uint64_t>(result)); !ok(s)) return s;
  return write_register(*bus_, bmc + CT_BMC_CMD_STATUS, CT_BMC_CMD_STATUS_PENDING_MASK);
}

}  // namespace crashtwin
