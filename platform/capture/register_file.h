// The CPU register file state block: what read_state(core, register_file)
// returns. It is a contract between the CPU model (models/) and capture: a
// fixed array of 64-bit little-endian registers in this slot order (x86-64
// encoding order for the general-purpose registers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

enum class Register : uint8_t {
  rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi,
  r8, r9, r10, r11, r12, r13, r14, r15,
  rip = 16,
  rflags,
  cr0,
  cr2,         // faulting linear address of a page fault
  cr3,
  cr4,
  mcg_status,  // machine-check global status
  mci_status,  // status of the bank that signalled
  mci_addr,
  mci_misc,
  error_code,  // exception error code
  vector,      // exception vector (14 page fault, 6 invalid opcode, 18 machine check)
};
inline constexpr size_t kRegisterCount = 32;  // slots 28..31 reserved (zero)
inline constexpr size_t kRegisterFileBytes = kRegisterCount * 8;

// Value of `reg` in a register file; 0 when the file is too short to hold it
// (a short read from a failing core is reported as what it is, not trusted).
inline uint64_t register_value(std::span<const std::byte> file, Register reg) {
  const size_t offset = static_cast<size_t>(reg) * 8;
  if (offset + 8 > file.size()) return 0;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value |= static_cast<uint64_t>(file[offset + i]) << (8 * i);
  return value;
}

}  // namespace crashtwin
