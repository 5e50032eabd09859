#include "models/hal/tlm_hal.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"
#include "models/flash/flash.h"

namespace crashtwin {

namespace dl = device_layout;

namespace {
constexpr size_t kDmiCacheEntries = 16;
bool in_thread() {
  return sc_core::sc_get_current_process_handle().proc_kind() == sc_core::SC_THREAD_PROC_;
}
}  // namespace

TlmHal::TlmHal(sc_core::sc_module_name name, sc_core::sc_time quantum, HalPlatform platform)
    : sc_core::sc_module(name), out("out"), platform_(std::move(platform)) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(quantum);
  keeper_.reset();
  out.register_invalidate_direct_mem_ptr(this, &TlmHal::invalidate_direct_mem_ptr);
  tx_.set_extension(&origin_);
}

TlmHal::~TlmHal() { tx_.clear_extension(&origin_); }

void TlmHal::charge(const sc_core::sc_time& delay) {
  keeper_.inc(delay);
  if (keeper_.need_sync() && in_thread()) keeper_.sync();
}

void TlmHal::sync() {
  if (in_thread() && keeper_.get_local_time() != sc_core::SC_ZERO_TIME) keeper_.sync();
}

uint64_t TlmHal::now_ns() { return to_ns(keeper_.get_current_time()); }

uint32_t TlmHal::component_count(ComponentClass cls) {
  return platform_.component_count ? platform_.component_count(cls) : 0;
}

bool TlmHal::dmi_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes) {
  for (auto it = dmi_.rbegin(); it != dmi_.rend(); ++it) {
    if (it->node != origin_.node) continue;
    const tlm::tlm_dmi& d = it->dmi;
    if (address < d.get_start_address() || bytes == 0 || address + bytes - 1 > d.get_end_address()) continue;
    const bool is_read = cmd == tlm::TLM_READ_COMMAND;
    if (is_read ? !d.is_read_allowed() : !d.is_write_allowed()) continue;
    unsigned char* p = d.get_dmi_ptr() + (address - d.get_start_address());
    if (is_read) std::memcpy(data, p, bytes);
    else std::memcpy(p, data, bytes);
    ++dmi_accesses_;
    sc_core::sc_time delay = is_read ? d.get_read_latency() : d.get_write_latency();
    if (platform_.memory_transfer_time) delay += platform_.memory_transfer_time(bytes);
    charge(delay);
    return true;
  }
  return false;
}

Status TlmHal::access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes) {
  if (dmi_access(cmd, address, data, bytes)) return Status::ok;
  tx_.set_command(cmd);
  tx_.set_address(address);
  tx_.set_data_ptr(data);
  tx_.set_data_length(static_cast<unsigned>(bytes));
  tx_.set_streaming_width(static_cast<unsigned>(bytes));
  tx_.set_byte_enable_ptr(nullptr);
  tx_.set_dmi_allowed(false);
  tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  ++transactions_;
  out->b_transport(tx_, delay);
  charge(delay);
  if (!tx_.is_response_ok()) return tx_.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? Status::out_of_range
                                                                                                   : Status::io_error;
  if (tx_.is_dmi_allowed()) {
    tlm::tlm_dmi dmi;
    tx_.set_address(address);
    tx_.set_command(cmd);
    if (out->get_direct_mem_ptr(tx_, dmi)) {
      if (dmi_.size() == kDmiCacheEntries) dmi_.erase(dmi_.begin());
      dmi_.push_back({dmi, origin_.node});
    }
  }
  return Status::ok;
}

void TlmHal::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  dmi_.erase(std::remove_if(dmi_.begin(), dmi_.end(),
                            [&](const Grant& g) {
                              return g.dmi.get_start_address() <= end && start <= g.dmi.get_end_address();
                            }),
             dmi_.end());
}

Status TlmHal::read64(uint64_t address, uint64_t& value) {
  unsigned char b[8];
  const Status s = access(tlm::TLM_READ_COMMAND, address, b, 8);
  value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t{b[i]} << (8 * i);
  return s;
}

Status TlmHal::write64(uint64_t address, uint64_t value) {
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(value >> (8 * i));
  return access(tlm::TLM_WRITE_COMMAND, address, b, 8);
}

Status TlmHal::read_metric(ComponentId component, Metric metric, uint64_t& value) {
  if (component_class_of(metric) != component.cls) return Status::invalid_argument;
  uint64_t base = 0;
  if (!platform_.locate || !platform_.locate(component, base)) return Status::not_found;
  return read64(base + dl::kMetricsOffset + uint64_t{metric_slot(metric)} * 8, value);
}

Status TlmHal::read_core_tick(ComponentId cpu, CoreTickReading& reading) {
  uint64_t base = 0;
  if (cpu.cls != ComponentClass::cpu) return Status::invalid_argument;
  if (!platform_.locate || !platform_.locate(cpu, base)) return Status::not_found;
  if (Status s = read64(base + dl::kTimerBoundary, reading.boundary_ns); !ok(s)) return s;
  if (Status s = read64(base + dl::kTimerDelivered, reading.delivered_ns); !ok(s)) return s;
  return read64(base + dl::kTimerOverruns, reading.overruns);
}

bool TlmHal::cpu_cluster_base(uint64_t& base) {
  if (!platform_.locate || !platform_.locate(ComponentId{ComponentClass::cpu, 0}, base)) return false;
  base -= dl::unit_base(0);
  return true;
}

Status TlmHal::read_monitoring_capabilities(rdt::Capabilities& caps) {
  uint64_t base = 0, max_rmid = 0, upscale = 0, width = 0;
  if (!cpu_cluster_base(base)) return Status::unsupported;
  if (Status s = read64(base + dl::kRdtMaxRmid, max_rmid); !ok(s)) return s;
  if (Status s = read64(base + dl::kRdtUpscale, upscale); !ok(s)) return s;
  if (Status s = read64(base + dl::kRdtMbmWidth, width); !ok(s)) return s;
  caps = {static_cast<uint32_t>(max_rmid), upscale, static_cast<uint32_t>(width & 0xff) + rdt::kMinMbmCounterWidth};
  return Status::ok;
}

Status TlmHal::write_core_rmid(uint32_t core, uint32_t rmid) {
  uint64_t base = 0;
  if (core > UINT16_MAX || !platform_.locate ||
      !platform_.locate(ComponentId{ComponentClass::cpu, static_cast<uint16_t>(core)}, base))
    return Status::not_found;
  return write64(base + dl::kPqrAssoc, rmid & rdt::kPqrRmidMask);
}

Status TlmHal::read_monitoring_counter(uint64_t event_select, uint64_t& counter) {
  uint64_t base = 0;
  if (!cpu_cluster_base(base)) return Status::unsupported;
  if (Status s = write64(base + dl::kQmEvtsel, event_select); !ok(s)) return s;
  return read64(base + dl::kQmCtr, counter);
}

Status TlmHal::read_state(ComponentId component, StateKind kind, std::span<std::byte> out_bytes, size_t& length) {
  length = 0;
  uint64_t base = 0;
  if (!platform_.locate || !platform_.locate(component, base)) return Status::not_found;
  uint64_t held_kind = 0;
  if (Status s = read64(base + dl::kStateKind, held_kind); !ok(s)) return s;
  if (held_kind != static_cast<uint64_t>(kind)) return Status::not_found;
  uint64_t available = 0;
  if (Status s = read64(base + dl::kStateLength, available); !ok(s)) return s;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(available, out_bytes.size()));
  if (n > 0) {
    if (Status s = access(tlm::TLM_READ_COMMAND, base + dl::kStateWindowOffset,
                          reinterpret_cast<unsigned char*>(out_bytes.data()), n);
        !ok(s))
      return s;
  }
  length = n;
  return n < available ? Status::truncated : Status::ok;
}

Status TlmHal::phys_read(uint64_t address, std::span<std::byte> out_bytes) {
  if (out_bytes.empty()) return Status::ok;
  return access(tlm::TLM_READ_COMMAND, address, reinterpret_cast<unsigned char*>(out_bytes.data()), out_bytes.size());
}

Status TlmHal::phys_write(uint64_t address, std::span<const std::byte> data) {
  if (data.empty()) return Status::ok;
  return access(tlm::TLM_WRITE_COMMAND, address,
                const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(data.data())), data.size());
}

void TlmHal::alert_bmc(uint64_t code) {
  if (!ok(write64(platform_.bmc_mailbox, code))) log(LogLevel::error, "BMC mailbox write failed");
}

Status TlmHal::load_model_blob(std::span<std::byte> buffer, size_t& length) {
  length = 0;
  uint64_t size = 0;
  if (Status s = read64(platform_.flash_base + flash_regs::kLength, size); !ok(s)) return s;
  if (size == 0) return Status::not_found;
  if (size > buffer.size()) return Status::no_memory;
  if (Status s = access(tlm::TLM_READ_COMMAND, platform_.flash_base + flash_regs::kBlob,
                        reinterpret_cast<unsigned char*>(buffer.data()), size);
      !ok(s))
    return s;
  length = size;
  return Status::ok;
}

void TlmHal::log(LogLevel level, const char* message) {
  if (platform_.log_sink) platform_.log_sink(level, message);
}

}  // namespace crashtwin
