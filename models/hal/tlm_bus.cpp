#include "models/hal/tlm_bus.h"

#include <algorithm>
#include <cstring>

#include "models/core/tlm_types.h"

namespace crashtwin {

namespace {
constexpr size_t kDmiCacheEntries = 16;
bool in_thread() {
  return sc_core::sc_get_current_process_handle().proc_kind() == sc_core::SC_THREAD_PROC_;
}
}  // namespace

TlmBus::TlmBus(sc_core::sc_module_name name, sc_core::sc_time quantum, TlmBusTiming timing)
    : sc_core::sc_module(name), out("out"), timing_(std::move(timing)) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(quantum);
  keeper_.reset();
  out.register_invalidate_direct_mem_ptr(this, &TlmBus::invalidate_direct_mem_ptr);
  tx_.set_extension(&origin_);
}

TlmBus::~TlmBus() { tx_.clear_extension(&origin_); }

void TlmBus::charge(const sc_core::sc_time& delay) {
  keeper_.inc(delay);
  if (keeper_.need_sync() && in_thread()) keeper_.sync();
}

void TlmBus::sync() {
  if (in_thread() && keeper_.get_local_time() != sc_core::SC_ZERO_TIME) keeper_.sync();
}

uint64_t TlmBus::now_ns() { return to_ns(keeper_.get_current_time()); }

bool TlmBus::dmi_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes) {
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
    if (timing_.memory_transfer_time) delay += timing_.memory_transfer_time(bytes);
    charge(delay);
    return true;
  }
  return false;
}

Status TlmBus::access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, size_t bytes) {
  if (dmi_access(cmd, address, data, bytes)) return Status::ok;
  prepare_access(tx_, cmd, address, data, bytes);
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

void TlmBus::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  dmi_.erase(std::remove_if(dmi_.begin(), dmi_.end(),
                            [&](const Grant& g) {
                              return g.dmi.get_start_address() <= end && start <= g.dmi.get_end_address();
                            }),
             dmi_.end());
}

Status TlmBus::read(uint64_t address, std::span<std::byte> out_bytes) {
  if (out_bytes.empty()) return Status::ok;
  return access(tlm::TLM_READ_COMMAND, address, reinterpret_cast<unsigned char*>(out_bytes.data()), out_bytes.size());
}

Status TlmBus::write(uint64_t address, std::span<const std::byte> data) {
  if (data.empty()) return Status::ok;
  return access(tlm::TLM_WRITE_COMMAND, address,
                const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(data.data())), data.size());
}

void TlmBus::log(LogLevel level, const char* message) {
  if (timing_.log_sink) timing_.log_sink(level, message);
}

}  // namespace crashtwin
