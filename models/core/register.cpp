#include "models/core/register.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace crashtwin {

const char* to_string(Access a) {
  switch (a) {
    case Access::ro: return "ro";
    case Access::rw: return "rw";
    case Access::w1c: return "w1c";
    case Access::wo: return "wo";
  }
  return "?";
}

Register::Register(RegisterBank& bank, std::string name, uint64_t offset, uint32_t width_bytes, uint64_t reset,
                   Access access)
    : name_(std::move(name)), offset_(offset), width_(width_bytes), reset_(reset), access_(access), value_(reset) {
  bank.attach(*this);
}

uint64_t Register::bus_read() const {
  if (access_ == Access::wo) return 0;
  last_read_ = (read_hook_ ? read_hook_() : value_) & mask();
  return last_read_;
}

uint64_t Register::debug_read() const {
  if (access_ == Access::wo) return 0;
  return read_changes_state_ ? last_read_ : bus_read();
}

bool Register::bus_write(uint64_t v, uint64_t byte_mask) {
  if (access_ == Access::ro) return false;
  uint64_t bits = 0;
  for (uint32_t i = 0; i < 8; ++i)
    if (byte_mask & (1ull << i)) bits |= 0xFFull << (8 * i);
  bits &= mask();
  if (access_ == Access::w1c) {
    value_ &= ~(v & bits);
  } else {
    value_ = (value_ & ~bits) | (v & bits);
  }
  if (write_hook_) write_hook_(value_);
  return true;
}

Register& RegisterBank::add(std::string name, uint64_t offset, uint32_t width_bytes, uint64_t reset, Access access) {
  owned_.push_back(std::make_unique<Register>(*this, std::move(name), offset, width_bytes, reset, access));
  return *owned_.back();
}

void RegisterBank::attach(Register& r) {
  if (r.width() == 0 || r.width() > 8)
    throw std::invalid_argument(fmt::format("{}.{}: register width {} not in 1..8 bytes", name_, r.name(), r.width()));
  auto it = std::lower_bound(regs_.begin(), regs_.end(), r.offset(),
                             [](const Register* a, uint64_t off) { return a->offset() < off; });
  const bool overlaps_next = it != regs_.end() && (*it)->offset() < r.offset() + r.width();
  const bool overlaps_prev = it != regs_.begin() && (*(it - 1))->offset() + (*(it - 1))->width() > r.offset();
  if (overlaps_next || overlaps_prev)
    throw std::invalid_argument(fmt::format("{}.{}: register at {:#x} overlaps another", name_, r.name(), r.offset()));
  regs_.insert(it, &r);
}

void RegisterBank::add_window(std::string name, uint64_t offset, uint64_t size, WindowRead read) {
  windows_.push_back({std::move(name), offset, size, std::move(read)});
}

const Register* RegisterBank::find(uint64_t offset) const {
  auto it = std::upper_bound(regs_.begin(), regs_.end(), offset,
                             [](uint64_t off, const Register* a) { return off < a->offset(); });
  if (it == regs_.begin()) return nullptr;
  const Register* r = *(it - 1);
  return offset < r->offset() + r->width() ? r : nullptr;
}

const Register* RegisterBank::find(std::string_view name) const {
  for (const Register* r : regs_)
    if (r->name() == name) return r;
  return nullptr;
}

uint64_t RegisterBank::extent() const {
  uint64_t end = 0;
  for (const Register* r : regs_) end = std::max(end, r->offset() + r->width());
  for (const Window& w : windows_) end = std::max(end, w.offset + w.size);
  return end;
}

void RegisterBank::reset() {
  for (Register* r : regs_) r->reset();
}

unsigned RegisterBank::debug_transport(tlm::tlm_generic_payload& tx) {
  if (!tx.is_read()) return 0;
  return serve(tx, true) ? tx.get_data_length() : 0;
}

RegisterArray::RegisterArray(RegisterBank& bank, const std::string& name, uint64_t offset, uint32_t count,
                             uint64_t stride, uint32_t width_bytes, uint64_t reset, Access access) {
  for (uint32_t i = 0; i < count; ++i)
    regs_.emplace_back(bank, name + std::to_string(i), offset + i * stride, width_bytes, reset, access);
}

bool RegisterBank::serve(tlm::tlm_generic_payload& tx, bool debug) {
  const uint64_t start = tx.get_address();
  const uint64_t length = tx.get_data_length();
  unsigned char* data = tx.get_data_ptr();
  const bool is_read = tx.is_read();
  if (!is_read && !tx.is_write()) {
    tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  if (tx.get_byte_enable_ptr() != nullptr) {
    tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  // The whole access must be served; check coverage before side effects.
  uint64_t cursor = start;
  while (cursor < start + length) {
    if (const Register* r = find(cursor)) {
      cursor = r->offset() + r->width();
      continue;
    }
    bool in_window = false;
    for (const Window& w : windows_)
      if (cursor >= w.offset && cursor < w.offset + w.size) {
        if (!is_read) {
          tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
          return false;
        }
        cursor = w.offset + w.size;
        in_window = true;
        break;
      }
    if (!in_window) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return false;
    }
  }
  cursor = start;
  bool all_ok = true;
  while (cursor < start + length) {
    const uint64_t end = start + length;
    if (const Register* rc = find(cursor)) {
      Register* r = const_cast<Register*>(rc);
      const uint64_t first = cursor - r->offset();  // first byte of the register touched
      const uint64_t count = std::min<uint64_t>(r->width() - first, end - cursor);
      unsigned char* p = data + (cursor - start);
      if (is_read) {
        const uint64_t v = (debug ? r->debug_read() : r->bus_read()) >> (8 * first);
        for (uint64_t i = 0; i < count; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
      } else {
        uint64_t v = 0;
        uint64_t byte_mask = 0;
        for (uint64_t i = 0; i < count; ++i) {
          v |= uint64_t{p[i]} << (8 * (first + i));
          byte_mask |= 1ull << (first + i);
        }
        all_ok = r->bus_write(v, byte_mask) && all_ok;
      }
      cursor += count;
      continue;
    }
    for (const Window& w : windows_)
      if (cursor >= w.offset && cursor < w.offset + w.size) {
        const uint64_t count = std::min(w.offset + w.size, end) - cursor;
        w.read(cursor - w.offset, std::span<std::byte>(reinterpret_cast<std::byte*>(data + (cursor - start)), count));
        cursor += count;
        break;
      }
  }
  tx.set_response_status(all_ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_COMMAND_ERROR_RESPONSE);
  return all_ok;
}

}  // namespace crashtwin
