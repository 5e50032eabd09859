// IA32/X64 Processor Error Section (UEFI N.2.4.2): a 64-byte header
// (validation bits with the structure counts, local APIC id, CPUID leaf 1),
// then `error_info_count` 64-byte processor error information structures
// (N.2.4.2.1), then `context_count` processor context information
// structures (N.2.4.2.2: 16-byte header + register array).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/cper/guid.h"

namespace crashtwin::cper {

inline constexpr size_t kIa32X64HeaderBytes = 64;
inline constexpr size_t kIa32X64ErrorInfoBytes = 64;
inline constexpr size_t kIa32X64ContextHeaderBytes = 16;
// UEFI's x64 register state table (RAX..R15, selectors, RFLAGS, RIP,
// CR0..CR4, CR8, GDTR, IDTR, LDTR, TR): 244 bytes.
inline constexpr size_t kX64RegisterStateBytes = 244;

// Header validation bits; the counts are 6-bit fields.
inline constexpr uint64_t kIaValidLocalApicId = 0x1;
inline constexpr uint64_t kIaValidCpuid = 0x2;
inline constexpr unsigned kIaErrorInfoCountShift = 2;
inline constexpr unsigned kIaContextCountShift = 8;
inline constexpr uint8_t kIaMaxStructures = 63;

// Error information validation bits.
inline constexpr uint64_t kIaInfoValidCheck = 0x01;
inline constexpr uint64_t kIaInfoValidTarget = 0x02;
inline constexpr uint64_t kIaInfoValidRequestor = 0x04;
inline constexpr uint64_t kIaInfoValidResponder = 0x08;
inline constexpr uint64_t kIaInfoValidIp = 0x10;

// Processor context types.
inline constexpr uint16_t kIaContextUnclassified = 0;
inline constexpr uint16_t kIaContextMsr = 1;
inline constexpr uint16_t kIaContextX64 = 3;

// Architectural MSR numbers the MSR contexts name (Intel SDM vol. 4).
inline constexpr uint32_t kMsrMcgStatus = 0x17A;
inline constexpr uint32_t kMsrMc0Status = 0x401;  // then MC0_ADDR 0x402, MC0_MISC 0x403

namespace guids {
// Error structure types of N.2.4.2.1.
inline constexpr Guid kIaCacheCheck{0xA55701F5, 0xE3EF, 0x43DE, {0xAC, 0x72, 0x24, 0x9B, 0x57, 0x3F, 0xAD, 0x2C}};
inline constexpr Guid kIaTlbCheck{0xFC06B535, 0x5E1F, 0x4562, {0x9F, 0x25, 0x0A, 0x3B, 0x9A, 0xDB, 0x63, 0xC3}};
inline constexpr Guid kIaBusCheck{0x1CF3F8B3, 0xC5B1, 0x49A2, {0xAA, 0x59, 0x5E, 0xEF, 0x92, 0xFF, 0xA6, 0x3C}};
inline constexpr Guid kIaMsCheck{0x48AB7F57, 0xDC34, 0x4F6C, {0xA7, 0xD3, 0xB0, 0xB5, 0xB0, 0xA7, 0x43, 0x14}};
}  // namespace guids

// Check information (N.2.4.2.1.1-4). A field is written only when it is
// known (has_*): its validation bit says so.
struct CheckFields {
  bool has_transaction_type = false;
  uint8_t transaction_type = 0;  // 0 instruction, 1 data access, 2 generic
  bool has_operation = false;
  uint8_t operation = 0;         // cache/TLB/bus: 0..8 (mca_error_code.h)
  bool has_level = false;
  uint8_t level = 0;
  bool has_pcc = false, pcc = false;
  bool has_uncorrected = false, uncorrected = false;
  bool has_precise_ip = false, precise_ip = false;
  bool has_restartable_ip = false, restartable_ip = false;
  bool has_overflow = false, overflow = false;
  // Bus check only.
  bool has_participation = false;
  uint8_t participation = 0;
  bool has_timeout = false, timeout = false;
  bool has_address_space = false;
  uint8_t address_space = 0;
  // MS check only.
  bool has_ms_error_type = false;
  uint8_t ms_error_type = 0;
};
// Packs the fields as the structure type `type` lays them out (the MS check
// differs from the other three); 0 for an unknown type.
uint64_t pack_check_info(const Guid& type, const CheckFields& fields);

struct Ia32X64ErrorInfo {
  Guid type;
  uint64_t validation_bits = 0;
  uint64_t check_info = 0;
  uint64_t target_id = 0;
  uint64_t requestor_id = 0;
  uint64_t responder_id = 0;
  uint64_t instruction_ip = 0;
};

struct Ia32X64Header {
  uint64_t validation_bits = 0;  // kIaValid* only; the counts come from the fields below
  uint8_t error_info_count = 0;
  uint8_t context_count = 0;
  uint64_t local_apic_id = 0;
  uint64_t cpuid[4] = {};  // CPUID leaf 1: EAX, EBX, ECX, EDX
};

// The x64 register state, in UEFI's order.
struct X64RegisterState {
  uint64_t rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rbp = 0, rsp = 0;
  uint64_t r[8] = {};  // r8..r15
  uint16_t cs = 0, ds = 0, ss = 0, es = 0, fs = 0, gs = 0;
  uint64_t rflags = 0, rip = 0, cr0 = 0, cr1 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0;
  uint64_t gdtr[2] = {}, idtr[2] = {};
  uint16_t ldtr = 0, tr = 0;
};

// Bytes of a context structure with `register_bytes` of registers.
inline constexpr size_t ia32x64_context_bytes(size_t register_bytes) {
  return kIa32X64ContextHeaderBytes + register_bytes;
}

// Encoders: out must hold the structure (invalid_argument otherwise).
Status encode_ia32x64_header(const Ia32X64Header& header, std::span<std::byte> out);
Status encode_ia32x64_error_info(const Ia32X64ErrorInfo& info, std::span<std::byte> out);
// An MSR context: `values` of consecutive MSRs from `first_msr`.
Status encode_ia32x64_msr_context(uint32_t first_msr, std::span<const uint64_t> values, std::span<std::byte> out);
Status encode_ia32x64_x64_context(const X64RegisterState& regs, std::span<std::byte> out);

// Decoders over untrusted bytes (corrupt when short or when the counts
// run past the section).
Status decode_ia32x64_header(std::span<const std::byte> in, Ia32X64Header& out);
Status decode_ia32x64_error_info(std::span<const std::byte> section, uint8_t index, Ia32X64ErrorInfo& out);
struct Ia32X64Context {
  uint16_t type = 0;
  uint32_t msr_address = 0;
  uint64_t mm_register_address = 0;
  std::span<const std::byte> registers;
};
// Context `index`: walks the contexts before it (their sizes vary).
Status decode_ia32x64_context(std::span<const std::byte> section, uint8_t index, Ia32X64Context& out);
Status decode_x64_register_state(std::span<const std::byte> registers, X64RegisterState& out);

}  // namespace crashtwin::cper
