// The CPU register file state block: what read_state(core, register_file)
// returns and what capture copies into a CPER register-file section
// (guids::kRegisterFile). The one definition of the format: the CPU model
// (models/cpu) encodes it, capture and the BMC decode it. Two copies used to
// disagree (capture read rsp and rip from the wrong slots, so the stack and
// code-page snapshots were read at garbage addresses and lost).
//
// Layout, little-endian, 8-byte fields unless noted (kRegisterFileBytes):
//   0x000 magic "CTRF" (u32), version (u16), core index (u16)
//   0x008 rip, 0x010 rflags, 0x018 cr0, 0x020 cr2, 0x028 cr3, 0x030 cr4
//   0x038 gpr[16] in x86 encoding order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15
//   0x0B8 mcg_status, 0x0C0 mc_status, 0x0C8 mc_addr, 0x0D0 mc_misc (MCA bank 0)
//   0x0D8 tsc (core cycles since reset)
//   0x0E0 selectors (u16 each): cs, ss, ds, es, fs, gs, ldtr, tr
//   0x0F0 fs_base, 0x0F8 gs_base (IA32_FS_BASE, IA32_GS_BASE), 0x100 cr8
//   0x108 gdtr base, 0x110 idtr base, 0x118 gdtr limit (u16), 0x11A idtr
//         limit (u16), 0x11C reserved (u32, zero)
//   0x120 CPUID leaf 1 (u32 each): eax (signature), ebx, ecx, edx
//   0x130 MCA banks 1..N-1 (bank 0 is above), 32 bytes each:
//         IA32_MCi_CTL, IA32_MCi_STATUS, IA32_MCi_ADDR, IA32_MCi_MISC
//         (a bank that logged corrected errors counts them in MCi_STATUS
//         bits 52:38, the SDM's corrected error count)
// A core with N MCA banks (IA32_MCG_CAP.Count) returns
// register_file_bytes(N) bytes.
// The addresses in rip, rsp and cr3 are physical: the twin's kernel runs
// identity-mapped, so firmware reads the stack and code page through
// Hal::phys_read without walking page tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

inline constexpr uint32_t kRegisterFileMagic = 0x46525443;  // "CTRF"
// Version 2 added the selectors, segment bases, CR8, descriptor tables and
// CPUID (the IA32/X64 CPER section needs them); version 1 blocks are refused.
inline constexpr uint16_t kRegisterFileVersion = 2;
inline constexpr size_t kRegisterFileBytes = 0x130;  // the fixed part, with MCA bank 0
inline constexpr size_t kMcaBankBytes = 32;          // CTL, STATUS, ADDR, MISC
inline constexpr uint32_t kMaxMcaBanks = 64;          // IA32_MCG_CAP.Count is 8 bits; no part ships more

inline constexpr size_t register_file_bytes(uint32_t mca_banks) {
  return kRegisterFileBytes + (mca_banks > 1 ? mca_banks - 1 : 0) * kMcaBankBytes;
}

// Indices into gpr (x86 register encoding).
enum Gpr : uint8_t { rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

// RFLAGS bits the model uses.
inline constexpr uint64_t kRflagsReserved1 = 1ull << 1;
inline constexpr uint64_t kRflagsInterruptEnable = 1ull << 9;
// IA32_MCG_STATUS / IA32_MCi_STATUS bits (Intel SDM vol. 3B, 16.3).
inline constexpr uint64_t kMcgStatusRipv = 1ull << 0;
inline constexpr uint64_t kMcgStatusEipv = 1ull << 1;
inline constexpr uint64_t kMcgStatusMcip = 1ull << 2;
inline constexpr uint64_t kMciStatusVal = 1ull << 63;
inline constexpr uint64_t kMciStatusOver = 1ull << 62;
inline constexpr uint64_t kMciStatusUc = 1ull << 61;
inline constexpr uint64_t kMciStatusEn = 1ull << 60;
inline constexpr uint64_t kMciStatusMiscv = 1ull << 59;
inline constexpr uint64_t kMciStatusAddrv = 1ull << 58;
inline constexpr uint64_t kMciStatusPcc = 1ull << 57;
// Corrected error count, MCi_STATUS[52:38] (15 bits; it stays at its
// maximum once there).
inline constexpr unsigned kMciStatusCeCountShift = 38;
inline constexpr uint64_t kMciStatusCeCountMax = 0x7FFF;
inline constexpr uint64_t kMciStatusCeCountMask = kMciStatusCeCountMax << kMciStatusCeCountShift;
inline constexpr uint64_t mci_status_ce_count(uint64_t status) {
  return (status & kMciStatusCeCountMask) >> kMciStatusCeCountShift;
}

// One MCA bank's registers; CTL all ones (every error enabled), the others
// zero, as after a reset. Banks above 0 are not part of CoreRegisterFile
// (a block holds up to 63 of them: 2 KiB the firmware's stack has no room
// for); encode takes them apart and read_mca_bank reads one from a block.
struct McaBankRegisters {
  uint64_t ctl = ~uint64_t{0};
  uint64_t status = 0;
  uint64_t addr = 0;
  uint64_t misc = 0;
  friend bool operator==(const McaBankRegisters&, const McaBankRegisters&) = default;
};

struct CoreRegisterFile {
  uint16_t core = 0;
  uint64_t rip = 0;
  uint64_t rflags = kRflagsReserved1 | kRflagsInterruptEnable;
  uint64_t cr0 = 0;
  uint64_t cr2 = 0;  // last page-fault linear address
  uint64_t cr3 = 0;  // page-table base
  uint64_t cr4 = 0;
  std::array<uint64_t, 16> gpr{};
  uint64_t mcg_status = 0;
  uint64_t mc_status = 0;
  uint64_t mc_addr = 0;
  uint64_t mc_misc = 0;
  uint64_t tsc = 0;
  // Selectors in x86 order of the layout: cs, ss, ds, es, fs, gs, ldtr, tr.
  uint16_t cs = 0, ss = 0, ds = 0, es = 0, fs = 0, gs = 0, ldtr = 0, tr = 0;
  uint64_t fs_base = 0;
  uint64_t gs_base = 0;
  uint64_t cr8 = 0;
  uint64_t gdtr_base = 0;
  uint64_t idtr_base = 0;
  uint16_t gdtr_limit = 0;
  uint16_t idtr_limit = 0;
  std::array<uint32_t, 4> cpuid1{};  // CPUID leaf 1: eax, ebx, ecx, edx

  uint64_t rsp() const { return gpr[Gpr::rsp]; }
  friend bool operator==(const CoreRegisterFile&, const CoreRegisterFile&) = default;
};

// Returns the bytes written (register_file_bytes(mca_banks)), or 0 if `out`
// is too small. Bank i >= 1 is upper_banks[i - 1]; banks past the span are
// at their reset values (McaBankRegisters{}).
size_t encode_register_file(const CoreRegisterFile& regs, std::span<std::byte> out, uint32_t mca_banks = 1,
                            std::span<const McaBankRegisters> upper_banks = {});
// False if `in` is short or does not start with the magic and version (a
// short or foreign block from a failing core is reported, not trusted).
bool decode_register_file(std::span<const std::byte> in, CoreRegisterFile& out);
// The MCA banks a register-file block holds (IA32_MCG_CAP.Count as the core
// encoded it); 0 for a block decode_register_file refuses.
uint32_t mca_banks_in(std::span<const std::byte> in);
// Bank `bank` of a block (bank 0 from the fixed part, CTL all ones there);
// false when the block does not hold it.
bool read_mca_bank(std::span<const std::byte> in, uint32_t bank, McaBankRegisters& out);

}  // namespace crashtwin
