// A register-level fake board for the firmware's drivers
// (platform/drivers/register_hal.h): an MmioBus that answers the register
// map (platform/regs/crashtwin_regs.h) from plain values the test sets and
// records every access, so a test can compare the MMIO sequence with what a
// silicon team reviewed. Memory is a byte vector at a base; registers that
// were never set read 0; an access outside memory and every mapped device
// answers out_of_range (a bus error). Host-only (heap).
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "platform/cper/byte_order.h"
#include "platform/drivers/board_map.h"
#include "platform/hal/mmio_bus.h"
#include "platform/regs/crashtwin_regs.h"

namespace crashtwin {

class RegisterFake final : public MmioBus {
 public:
  struct Device {
    std::string name;
    uint64_t base, size;
  };

  RegisterFake(uint64_t memory_base, size_t memory_bytes) : memory_base_(memory_base), memory_(memory_bytes) {}

  // A device window [base, base + size) served as registers, named in the log.
  void map_device(std::string name, uint64_t base, uint64_t size) { devices_.push_back({std::move(name), base, size}); }
  void set(uint64_t address, uint64_t value) { registers_[address] = value; }
  uint64_t get(uint64_t address) const {
    const auto it = registers_.find(address);
    return it == registers_.end() ? 0 : it->second;
  }
  // Bytes a window (a state snapshot, the model ROM, CMD_DATA) shows.
  void set_window(uint64_t address, std::vector<std::byte> bytes) { windows_[address] = std::move(bytes); }
  // Writes to `address` clear the written 1 bits within `mask` instead of
  // storing (a W1C status register).
  void clear_on_write(uint64_t address, uint64_t mask) { w1c_[address] = mask; }
  void set_time_ns(uint64_t t) { now_ = t; }
  std::span<std::byte> memory() { return memory_; }

  // The accesses so far, one line each: "R bmc+0x18 -> 0x1", "W unit... <- ...",
  // memory as "R mem+0x1000 [4096 bytes]".
  const std::vector<std::string>& log_lines() const { return trace_; }
  void clear_log() { trace_.clear(); }
  uint64_t memory_bytes_written() const { return memory_written_; }

  Status read(uint64_t address, std::span<std::byte> out) override {
    if (in_memory(address, out.size())) {
      std::memcpy(out.data(), memory_.data() + (address - memory_base_), out.size());
      trace_.push_back(fmt::format("R mem+{:#x} [{} bytes]", address - memory_base_, out.size()));
      return Status::ok;
    }
    const Device* d = device_of(address, out.size());
    if (!d) return refuse('R', address, out.size());
    for (const auto& [at, bytes] : windows_)
      if (address >= at && address + out.size() <= at + bytes.size()) {
        std::memcpy(out.data(), bytes.data() + (address - at), out.size());
        trace_.push_back(fmt::format("R {}+{:#x} [{} bytes]", d->name, address - d->base, out.size()));
        return Status::ok;
      }
    if (out.size() != 8 || address % 8 != 0) return refuse('R', address, out.size());
    const uint64_t v = get(address);
    le::store_u64(out, 0, v);
    trace_.push_back(fmt::format("R {}+{:#x} -> {:#x}", d->name, address - d->base, v));
    return Status::ok;
  }

  Status write(uint64_t address, std::span<const std::byte> data) override {
    if (in_memory(address, data.size())) {
      std::memcpy(memory_.data() + (address - memory_base_), data.data(), data.size());
      memory_written_ += data.size();
      trace_.push_back(fmt::format("W mem+{:#x} [{} bytes]", address - memory_base_, data.size()));
      return Status::ok;
    }
    const Device* d = device_of(address, data.size());
    if (!d || data.size() != 8 || address % 8 != 0) return refuse('W', address, data.size());
    const uint64_t v = le::load_u64(data, 0);
    if (const auto it = w1c_.find(address); it != w1c_.end()) registers_[address] = get(address) & ~(v & it->second);
    else registers_[address] = v;
    trace_.push_back(fmt::format("W {}+{:#x} <- {:#x}", d->name, address - d->base, v));
    return Status::ok;
  }

  uint64_t now_ns() override { return now_; }
  void log(LogLevel, const char* message) override { console_.push_back(message); }
  const std::vector<std::string>& console() const { return console_; }

 private:
  bool in_memory(uint64_t address, size_t n) const {
    return address >= memory_base_ && address - memory_base_ <= memory_.size() &&
           n <= memory_.size() - (address - memory_base_);
  }
  const Device* device_of(uint64_t address, size_t n) const {
    for (const Device& d : devices_)
      if (address >= d.base && address + n <= d.base + d.size) return &d;
    return nullptr;
  }
  Status refuse(char what, uint64_t address, size_t n) {
    trace_.push_back(fmt::format("{} {:#x} [{} bytes] -> bus error", what, address, n));
    return Status::out_of_range;
  }

  uint64_t memory_base_;
  std::vector<std::byte> memory_;
  std::vector<Device> devices_;
  std::map<uint64_t, uint64_t> registers_;
  std::map<uint64_t, uint64_t> w1c_;
  std::map<uint64_t, std::vector<std::byte>> windows_;
  std::vector<std::string> trace_, console_;
  uint64_t now_ = 0;
  uint64_t memory_written_ = 0;
};

}  // namespace crashtwin
