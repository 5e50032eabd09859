// An in-memory Hal for unit tests of platform/ code (host-only: uses the
// heap). Physical memory is a byte vector at a configurable base; time,
// component counts, metric registers, device state blocks and the model blob
// are set by the test; alerts and log lines are recorded.
//
// Crash simulation: fail_after_write_words(n) lets the next n 8-byte words of
// phys_write land and then "loses power": the write in progress is torn at
// that 8-byte boundary and it and every later write return io_error without
// touching memory. Word granularity models what a 64-bit store path
// guarantees: an aligned 8-byte store is atomic, a longer write is not.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "platform/hal/hal.h"

namespace crashtwin {

class MemoryHal final : public crashtwin::Hal {
 public:
  static constexpr uint64_t kWriteWordBytes = 8;

  explicit MemoryHal(size_t memory_bytes, uint64_t phys_base = 0) : base_(phys_base), memory_(memory_bytes) {}

  // --- test controls -------------------------------------------------------
  void set_time_ns(uint64_t t) { now_ = t; }
  void advance_ns(uint64_t dt) { now_ += dt; }
  void set_component_count(ComponentClass cls, uint32_t n) { counts_[static_cast<size_t>(cls)] = n; }
  void set_metric(ComponentId c, Metric m, uint64_t value) { metrics_[key(c, static_cast<uint8_t>(m))] = value; }
  void set_state(ComponentId c, StateKind k, std::vector<std::byte> block) {
    states_[key(c, static_cast<uint8_t>(k))] = std::move(block);
  }
  void set_model_blob(std::vector<std::byte> blob) { model_ = std::move(blob); }
  void set_smbios_handle(ComponentId c, uint16_t handle) { smbios_[key(c, 0)] = handle; }
  void clear_model_blob() { model_.reset(); }

  // Resource monitoring as plain registers: the capabilities CPUID would
  // report (none until set), the raw IA32_QM_CTR value each event select
  // reads (Unavailable until set), and every core's IA32_PQR_ASSOC as written.
  void set_monitoring_capabilities(rdt::Capabilities caps) { rdt_caps_ = caps; }
  void set_monitoring_counter(rdt::MonitorEvent event, uint32_t rmid, uint64_t raw) {
    rdt_counters_[rdt::event_select(event, rmid)] = raw;
  }
  uint32_t core_rmid(uint32_t core) const {
    const auto it = core_rmids_.find(core);
    return it == core_rmids_.end() ? 0 : it->second;
  }
  uint64_t counter_reads() const { return counter_reads_; }

  // Lets `words` more 8-byte words be written, then tears and fails writes.
  void fail_after_write_words(uint64_t words) { write_budget_ = words; }
  // Lets `calls` more phys_write calls land whole; every later one fails
  // without writing.
  void fail_after_writes(uint64_t calls) { call_budget_ = calls; }
  void clear_write_fault() {
    write_budget_.reset();
    call_budget_.reset();
    torn_ = false;
  }
  bool powered_off() const { return torn_; }
  // phys_read of any byte in [address, address + size) returns io_error.
  void fail_reads_in(uint64_t address, uint64_t size) { read_faults_.push_back({address, size}); }

  uint64_t words_written() const { return words_written_; }
  uint64_t write_calls() const { return write_calls_; }
  const std::vector<uint64_t>& alerts() const { return alerts_; }
  // The predictive-failure alarm changes reported, in order; with
  // fail_alarm_reports() each is refused with io_error (and not recorded).
  const std::vector<PredictiveFailure>& predictive_failures() const { return predictive_failures_; }
  void fail_alarm_reports(bool fail) { fail_alarm_reports_ = fail; }
  const std::vector<std::pair<LogLevel, std::string>>& log_lines() const { return log_; }

  uint64_t phys_base() const { return base_; }
  std::span<std::byte> memory() { return memory_; }
  // The bytes at physical [address, address + size); empty span when outside.
  std::span<std::byte> bytes(uint64_t address, size_t size) {
    if (!inside(address, size)) return {};
    return std::span<std::byte>(memory_).subspan(address - base_, size);
  }

  // --- Hal -----------------------------------------------------------------
  uint64_t now_ns() override { return now_; }
  uint32_t component_count(ComponentClass cls) override { return counts_[static_cast<size_t>(cls)]; }

  Status read_metric(ComponentId c, Metric m, uint64_t& value) override {
    if (c.instance >= component_count(c.cls) || component_class_of(m) != c.cls) return Status::not_found;
    auto it = metrics_.find(key(c, static_cast<uint8_t>(m)));
    value = it == metrics_.end() ? 0 : it->second;
    return Status::ok;
  }

  Status read_state(ComponentId c, StateKind k, std::span<std::byte> out, size_t& length) override {
    length = 0;
    auto it = states_.find(key(c, static_cast<uint8_t>(k)));
    if (it == states_.end()) return Status::not_found;
    length = std::min(out.size(), it->second.size());
    std::copy_n(it->second.begin(), length, out.begin());
    return length < it->second.size() ? Status::truncated : Status::ok;
  }

  Status phys_read(uint64_t address, std::span<std::byte> out) override {
    if (!inside(address, out.size())) return Status::out_of_range;
    for (const auto& [a, s] : read_faults_) {
      if (address < a + s && a < address + out.size()) return Status::io_error;
    }
    std::memcpy(out.data(), memory_.data() + (address - base_), out.size());
    return Status::ok;
  }

  Status phys_write(uint64_t address, std::span<const std::byte> data) override {
    ++write_calls_;
    if (!inside(address, data.size())) return Status::out_of_range;
    if (call_budget_) {
      if (*call_budget_ == 0) {
        torn_ = true;
        return Status::io_error;
      }
      --*call_budget_;
    }
    size_t allowed = data.size();
    if (write_budget_) {
      const uint64_t words = (data.size() + kWriteWordBytes - 1) / kWriteWordBytes;
      if (words > *write_budget_) {
        allowed = static_cast<size_t>(*write_budget_ * kWriteWordBytes);
        *write_budget_ = 0;
        torn_ = true;
      } else {
        *write_budget_ -= words;
      }
    }
    std::memcpy(memory_.data() + (address - base_), data.data(), allowed);
    words_written_ += (allowed + kWriteWordBytes - 1) / kWriteWordBytes;
    return allowed == data.size() ? Status::ok : Status::io_error;
  }

  void alert_bmc(uint64_t code) override { alerts_.push_back(code); }
  Status report_predictive_failure(const PredictiveFailure& change) override {
    if (fail_alarm_reports_) return Status::io_error;
    predictive_failures_.push_back(change);
    return Status::ok;
  }

  Status load_model_blob(std::span<std::byte> buffer, size_t& length) override {
    length = 0;
    if (!model_) return Status::not_found;
    if (model_->size() > buffer.size()) return Status::no_memory;
    std::copy(model_->begin(), model_->end(), buffer.begin());
    length = model_->size();
    return Status::ok;
  }

  void log(LogLevel level, const char* message) override { log_.emplace_back(level, message); }

  Status read_smbios_handle(ComponentId c, uint16_t& handle) override {
    const auto it = smbios_.find(key(c, 0));
    if (it == smbios_.end()) return Status::not_found;
    handle = it->second;
    return Status::ok;
  }

  Status read_monitoring_capabilities(rdt::Capabilities& out) override {
    if (!rdt_caps_) return Status::unsupported;
    out = *rdt_caps_;
    return Status::ok;
  }
  Status write_core_rmid(uint32_t core, uint32_t rmid) override {
    if (!rdt_caps_ || core >= counts_[static_cast<size_t>(ComponentClass::cpu)]) return Status::not_found;
    core_rmids_[core] = rmid;
    return Status::ok;
  }
  Status read_monitoring_counter(uint64_t event_select, uint64_t& counter) override {
    if (!rdt_caps_) return Status::unsupported;
    ++counter_reads_;
    const auto it = rdt_counters_.find(event_select);
    counter = it == rdt_counters_.end() ? rdt::kCtrUnavailable : it->second;
    return Status::ok;
  }

 private:
  static uint32_t key(ComponentId c, uint8_t what) {
    return (static_cast<uint32_t>(c.cls) << 24) | (static_cast<uint32_t>(c.instance) << 8) | what;
  }
  bool inside(uint64_t address, uint64_t size) const {
    return address >= base_ && address - base_ <= memory_.size() && size <= memory_.size() - (address - base_);
  }

  uint64_t base_;
  std::vector<std::byte> memory_;
  uint64_t now_ = 0;
  uint32_t counts_[kComponentClassCount] = {};
  std::map<uint32_t, uint64_t> metrics_;
  std::map<uint32_t, std::vector<std::byte>> states_;
  std::map<uint32_t, uint16_t> smbios_;
  std::optional<std::vector<std::byte>> model_;
  std::optional<uint64_t> write_budget_;
  std::optional<uint64_t> call_budget_;
  bool torn_ = false;
  std::vector<std::pair<uint64_t, uint64_t>> read_faults_;
  uint64_t words_written_ = 0;
  uint64_t write_calls_ = 0;
  std::vector<uint64_t> alerts_;
  std::vector<PredictiveFailure> predictive_failures_;
  bool fail_alarm_reports_ = false;
  std::vector<std::pair<LogLevel, std::string>> log_;
  std::optional<rdt::Capabilities> rdt_caps_;
  std::map<uint64_t, uint64_t> rdt_counters_;
  std::map<uint32_t, uint32_t> core_rmids_;
  uint64_t counter_reads_ = 0;
};

}  // namespace crashtwin
