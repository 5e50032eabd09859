// Registers as declared objects (VCML style): each has a name, an offset in
// its bank, a width, a reset value, an access rule and optional callbacks.
// A RegisterBank serves TLM reads and writes by offset: an access may cover
// several adjacent registers or part of one (little-endian), and any byte
// not covered by a register or window gets TLM_ADDRESS_ERROR_RESPONSE.
//
//   class Uart : public Model {
//     RegisterBank regs{"regs"};
//     Register status{regs, "status", 0x00, 4, 0, Access::ro};
//     Register ctrl{regs, "ctrl", 0x08, 4, 0, Access::rw};
//   };
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <tlm>

namespace crashtwin {

enum class Access : uint8_t {
  ro,   // writes answer TLM_COMMAND_ERROR_RESPONSE
  rw,
  w1c,  // writing 1 to a bit clears it (status flags)
  wo,   // reads return 0 (doorbells, commands)
};
const char* to_string(Access a);

class RegisterBank;

class Register {
 public:
  // Reads return the callback's value when one is set, else the stored one.
  using ReadHook = std::function<uint64_t()>;
  // Called after a write has been applied to the stored value (with the
  // access rule); receives the new stored value.
  using WriteHook = std::function<void(uint64_t)>;

  Register(RegisterBank& bank, std::string name, uint64_t offset, uint32_t width_bytes = 8, uint64_t reset = 0,
           Access access = Access::rw);
  Register(const Register&) = delete;
  Register& operator=(const Register&) = delete;

  Register& on_read(ReadHook hook) {
    read_hook_ = std::move(hook);
    return *this;
  }
  Register& on_write(WriteHook hook) {
    write_hook_ = std::move(hook);
    return *this;
  }
  // The read hook changes state (STATE_LENGTH takes the state snapshot the
  // window then shows): a debug read returns what the last bus read
  // returned instead of running the hook.
  Register& read_changes_state() {
    read_changes_state_ = true;
    return *this;
  }

  const std::string& name() const { return name_; }
  uint64_t offset() const { return offset_; }
  uint32_t width() const { return width_; }
  uint64_t reset_value() const { return reset_; }
  Access access() const { return access_; }

  // Model side: the stored value, unaffected by access rules and hooks.
  uint64_t value() const { return value_; }
  void set(uint64_t v) { value_ = v & mask(); }
  void reset() { value_ = reset_; }
  uint64_t mask() const { return width_ >= 8 ? ~0ull : ((1ull << (8 * width_)) - 1); }

  // Bus side: what a read returns / applying a bus write of `v` to the bytes
  // selected by `byte_mask` (bit i set = byte i written).
  uint64_t bus_read() const;
  bool bus_write(uint64_t v, uint64_t byte_mask);
  // What a debugger reads: bus_read() unless the read changes state.
  uint64_t debug_read() const;

 private:
  std::string name_;
  uint64_t offset_;
  uint32_t width_;
  uint64_t reset_;
  Access access_;
  uint64_t value_;
  ReadHook read_hook_;
  WriteHook write_hook_;
  bool read_changes_state_ = false;
  mutable uint64_t last_read_ = 0;  // the last bus read's value (debug reads of state-changing registers)
};

// A run of registers of one kind at a stride (metric slots, sensor
// channels): element i named "<name><i>" at offset + i * stride.
class RegisterArray {
 public:
  RegisterArray(RegisterBank& bank, const std::string& name, uint64_t offset, uint32_t count, uint64_t stride,
                uint32_t width_bytes, uint64_t reset, Access access);
  RegisterArray(const RegisterArray&) = delete;
  RegisterArray& operator=(const RegisterArray&) = delete;
  Register& operator[](size_t i) { return regs_.at(i); }
  const Register& operator[](size_t i) const { return regs_.at(i); }
  size_t size() const { return regs_.size(); }

 private:
  std::deque<Register> regs_;  // a deque: Registers neither move nor copy
};

class RegisterBank {
 public:
  explicit RegisterBank(std::string name) : name_(std::move(name)) {}
  RegisterBank(const RegisterBank&) = delete;
  RegisterBank& operator=(const RegisterBank&) = delete;

  // A register owned by the bank (for registers created in loops: one per
  // channel, per unit). Returns a reference that stays valid.
  Register& add(std::string name, uint64_t offset, uint32_t width_bytes = 8, uint64_t reset = 0,
                Access access = Access::rw);

  // A read-only byte window [offset, offset+size) served by `read(offset
  // within window, out)`; used for state blocks and the model ROM.
  using WindowRead = std::function<void(uint64_t offset, std::span<std::byte> out)>;
  void add_window(std::string name, uint64_t offset, uint64_t size, WindowRead read);

  // Serves one transaction whose address is an offset into the bank. Sets
  // the response status; returns false for address/command errors.
  bool transport(tlm::tlm_generic_payload& tx) { return serve(tx, false); }
  // The debug interface (transport_dbg) of a target made of this bank:
  // reads are served as transport() serves them, so a debugger sees what
  // the bus would, except that registers marked read_changes_state()
  // answer their last read's value without running their hook (every
  // other read hook must be a plain getter); writes are refused, since they would start what a register write
  // starts (a DMA transfer, a mailbox alert) outside simulated time.
  // Returns the bytes read, 0 when refused.
  unsigned debug_transport(tlm::tlm_generic_payload& tx);

  void reset();
  const Register* find(uint64_t offset) const;
  const Register* find(std::string_view name) const;
  const std::vector<Register*>& registers() const { return regs_; }
  const std::string& name() const { return name_; }
  // One past the highest offset served.
  uint64_t extent() const;

 private:
  friend class Register;
  void attach(Register& r);
  bool serve(tlm::tlm_generic_payload& tx, bool debug);  // debug: transport_dbg's rules
  struct Window {
    std::string name;
    uint64_t offset;
    uint64_t size;
    WindowRead read;
  };
  std::string name_;
  std::vector<Register*> regs_;  // sorted by offset, non-overlapping
  std::deque<std::unique_ptr<Register>> owned_;
  std::vector<Window> windows_;
};

}  // namespace crashtwin
