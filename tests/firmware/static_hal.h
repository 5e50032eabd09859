// A Hal over caller-provided memory, with no heap: what the firmware digest
// workloads run against both on the host and on an emulated embedded core
// (tests/support/memory_hal.h is the richer host-only Hal of the unit tests;
// it keeps its state in std::vector and std::map).
//
// Physical memory is a span at a configurable physical base. Metric
// registers live in a fixed table; device state blocks are generated from
// the component and kind (a register file whose rsp/rip point into the
// memory and whose cr3 points at the core's page tables, error logs and
// queue states of fixed lengths), so a capture reads the same bytes on every
// machine. Alerts and log lines are counted and
// folded into digests rather than stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "platform/capture/register_file.h"
#include "platform/hal/hal.h"
#include "tests/firmware/digest.h"

namespace crashtwin::firmware_test {

inline constexpr uint32_t kMaxInstancesPerClass = 8;
inline constexpr size_t kErrorLogBytes = 600;
inline constexpr size_t kQueueStateBytes = 900;

class StaticHal final : public Hal {
 public:
  StaticHal(std::span<std::byte> memory, uint64_t phys_base) : memory_(memory), base_(phys_base) {}

  // --- test controls -------------------------------------------------------
  void set_time_ns(uint64_t t) { now_ = t; }
  void advance_ns(uint64_t dt) { now_ += dt; }
  void set_component_count(ComponentClass cls, uint32_t n) { counts_[static_cast<size_t>(cls)] = n; }
  void set_metric(ComponentId c, Metric m, uint64_t value) { metrics_[slot(c)][metric_slot(m)] = value; }
  void set_model_blob(std::span<const std::byte> blob) { model_ = blob; }
  // The register file of core n points its stack and instruction pointer at
  // these physical addresses (inside the memory): core n's stack top is
  // stack_top + n * stack_stride (0: all cores share one stack area).
  void set_core_pointers(uint64_t stack_top, uint64_t rip, uint64_t stack_stride = 0) {
    stack_top_ = stack_top;
    rip_ = rip;
    stack_stride_ = stack_stride;
  }
  // Core n's cr3: first_cr3 + n * stride (the page tables a walk starts from).
  void set_page_tables(uint64_t first_cr3, uint64_t stride) {
    first_cr3_ = first_cr3;
    cr3_stride_ = stride;
  }

  uint64_t phys_base() const { return base_; }
  std::span<std::byte> memory() { return memory_; }
  // The bytes at physical [address, address + size); empty when outside.
  std::span<const std::byte> bytes(uint64_t address, uint64_t size) const {
    if (!inside(address, size)) return {};
    return memory_.subspan(static_cast<size_t>(address - base_), static_cast<size_t>(size));
  }
  uint32_t alert_count() const { return alert_count_; }
  uint64_t alert_digest() const { return alerts_.value(); }
  // The PFA register values the agent wrote (its alarm changes), in order.
  uint32_t pfa_count() const { return pfa_count_; }
  uint64_t pfa_digest() const { return pfa_.value(); }
  uint32_t log_count() const { return log_count_; }
  uint64_t log_digest() const { return log_.value(); }

  // --- Hal -----------------------------------------------------------------
  uint64_t now_ns() override { return now_; }
  uint32_t component_count(ComponentClass cls) override { return counts_[static_cast<size_t>(cls)]; }

  Status read_metric(ComponentId c, Metric m, uint64_t& value) override {
    if (c.instance >= component_count(c.cls) || c.instance >= kMaxInstancesPerClass ||
        component_class_of(m) != c.cls)
      return Status::not_found;
    value = metrics_[slot(c)][metric_slot(m)];
    return Status::ok;
  }

  Status read_state(ComponentId c, StateKind k, std::span<std::byte> out, size_t& length) override {
    length = 0;
    if (c.instance >= component_count(c.cls)) return Status::not_found;
    std::byte block[kQueueStateBytes];
    size_t size = 0;
    if (k == StateKind::register_file && c.cls == ComponentClass::cpu) {
      CoreRegisterFile r;
      r.core = c.instance;
      for (uint8_t g = 0; g < 16; ++g) r.gpr[g] = 0x1000u * g + c.instance;
      r.gpr[Gpr::rsp] = stack_top_ + stack_stride_ * c.instance - 0x200u * (c.instance + 1u);
      r.rip = rip_ + c.instance;
      r.cr2 = rip_ + 0x1238;
      r.cr3 = first_cr3_ + cr3_stride_ * c.instance;
      size = encode_register_file(r, block);
    } else if (k == StateKind::error_log && c.cls == ComponentClass::memory) {
      size = kErrorLogBytes;
    } else if (k == StateKind::queue_state && (c.cls == ComponentClass::disk || c.cls == ComponentClass::network)) {
      size = kQueueStateBytes;
    } else {
      return Status::not_found;
    }
    if (k != StateKind::register_file) {
      Xorshift64 fill(0x5151'0000u + (static_cast<uint64_t>(c.cls) << 16) + c.instance);
      for (size_t i = 0; i < size; ++i) block[i] = static_cast<std::byte>(fill.next());
    }
    length = size < out.size() ? size : out.size();
    std::memcpy(out.data(), block, length);
    return length < size ? Status::truncated : Status::ok;
  }

  Status phys_read(uint64_t address, std::span<std::byte> out) override {
    if (!inside(address, out.size())) return Status::out_of_range;
    std::memcpy(out.data(), memory_.data() + (address - base_), out.size());
    return Status::ok;
  }

  Status phys_write(uint64_t address, std::span<const std::byte> data) override {
    if (!inside(address, data.size())) return Status::out_of_range;
    std::memcpy(memory_.data() + (address - base_), data.data(), data.size());
    return Status::ok;
  }

  void alert_bmc(uint64_t code) override {
    ++alert_count_;
    alerts_.u64(code);
  }

  Status report_predictive_failure(const PredictiveFailure& change) override {
    ++pfa_count_;
    pfa_.u64(encode_predictive_failure(change));
    return Status::ok;
  }

  Status load_model_blob(std::span<std::byte> buffer, size_t& length) override {
    length = 0;
    if (model_.empty()) return Status::not_found;
    if (model_.size() > buffer.size()) return Status::no_memory;
    std::memcpy(buffer.data(), model_.data(), model_.size());
    length = model_.size();
    return Status::ok;
  }

  void log(LogLevel level, const char* message) override {
    ++log_count_;
    log_.u32(static_cast<uint32_t>(level));
    log_.text(message);
  }

 private:
  static size_t slot(ComponentId c) {
    return static_cast<size_t>(c.cls) * kMaxInstancesPerClass + (c.instance % kMaxInstancesPerClass);
  }
  bool inside(uint64_t address, uint64_t size) const {
    return address >= base_ && address - base_ <= memory_.size() && size <= memory_.size() - (address - base_);
  }

  std::span<std::byte> memory_;
  uint64_t base_;
  uint64_t now_ = 0;
  uint32_t counts_[kComponentClassCount] = {};
  uint64_t metrics_[kComponentClassCount * kMaxInstancesPerClass][kMaxMetricsPerClass] = {};
  std::span<const std::byte> model_;
  uint64_t stack_top_ = 0;
  uint64_t rip_ = 0;
  uint64_t stack_stride_ = 0;
  uint64_t first_cr3_ = 0;
  uint64_t cr3_stride_ = 0;
  uint32_t alert_count_ = 0;
  Digest alerts_;
  uint32_t pfa_count_ = 0;
  Digest pfa_;
  uint32_t log_count_ = 0;
  Digest log_;
};

}  // namespace crashtwin::firmware_test
