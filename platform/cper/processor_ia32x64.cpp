#include "platform/cper/processor_ia32x64.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {

// Header offsets (N.2.4.2).
constexpr size_t kValidation = 0, kApicId = 8, kCpuid = 16;
// Error information offsets (N.2.4.2.1).
constexpr size_t kInfoType = 0, kInfoValidation = 16, kInfoCheck = 24, kInfoTarget = 32, kInfoRequestor = 40,
                 kInfoResponder = 48, kInfoIp = 56;
// Context header offsets (N.2.4.2.2).
constexpr size_t kCtxType = 0, kCtxSize = 2, kCtxMsr = 4, kCtxMmAddress = 8;
// x64 register state offsets: 16 GPRs, 6 selectors + 4 reserved, then
// RFLAGS at 144.
constexpr size_t kRegGpr = 0, kRegSelectors = 128, kRegRflags = 144, kRegRip = 152, kRegCr = 160,
                 kRegGdtr = 208, kRegIdtr = 224, kRegLdtr = 240, kRegTr = 242;
static_assert(kRegTr + 2 == kX64RegisterStateBytes);

void put(uint64_t& word, bool has, uint64_t valid_bit, uint64_t value, unsigned shift) {
  if (!has) return;
  word |= valid_bit | (value << shift);
}

}  // namespace

uint64_t pack_check_info(const Guid& type, const CheckFields& f) {
  uint64_t c = 0;
  if (type == guids::kIaMsCheck) {
    put(c, f.has_ms_error_type, 1u << 0, f.ms_error_type & 0x7u, 16);
    put(c, f.has_pcc, 1u << 1, f.pcc, 19);
    put(c, f.has_uncorrected, 1u << 2, f.uncorrected, 20);
    put(c, f.has_precise_ip, 1u << 3, f.precise_ip, 21);
    put(c, f.has_restartable_ip, 1u << 4, f.restartable_ip, 22);
    put(c, f.has_overflow, 1u << 5, f.overflow, 23);
    return c;
  }
  if (!(type == guids::kIaCacheCheck || type == guids::kIaTlbCheck || type == guids::kIaBusCheck)) return 0;
  put(c, f.has_transaction_type, 1u << 0, f.transaction_type & 0x3u, 16);
  put(c, f.has_operation, 1u << 1, f.operation & 0xFu, 18);
  put(c, f.has_level, 1u << 2, f.level & 0x7u, 22);
  put(c, f.has_pcc, 1u << 3, f.pcc, 25);
  put(c, f.has_uncorrected, 1u << 4, f.uncorrected, 26);
  put(c, f.has_precise_ip, 1u << 5, f.precise_ip, 27);
  put(c, f.has_restartable_ip, 1u << 6, f.restartable_ip, 28);
  put(c, f.has_overflow, 1u << 7, f.overflow, 29);
  if (type == guids::kIaBusCheck) {
    put(c, f.has_participation, 1u << 8, f.participation & 0x3u, 30);
    put(c, f.has_timeout, 1u << 9, f.timeout, 32);
    put(c, f.has_address_space, 1u << 10, f.address_space & 0x3u, 33);
  }
  return c;
}

Status encode_ia32x64_header(const Ia32X64Header& h, std::span<std::byte> out) {
  if (out.size() < kIa32X64HeaderBytes || h.error_info_count > kIaMaxStructures ||
      h.context_count > kIaMaxStructures) {
    return Status::invalid_argument;
  }
  std::memset(out.data(), 0, kIa32X64HeaderBytes);
  const uint64_t validation = (h.validation_bits & (kIaValidLocalApicId | kIaValidCpuid)) |
                              (uint64_t{h.error_info_count} << kIaErrorInfoCountShift) |
                              (uint64_t{h.context_count} << kIaContextCountShift);
  le::store_u64(out, kValidation, validation);
  le::store_u64(out, kApicId, h.local_apic_id);
  for (size_t i = 0; i < 4; ++i) le::store_u64(out, kCpuid + 8 * i, h.cpuid[i]);
  return Status::ok;  // CPUID bytes 32..47 are reserved: zero
}

Status encode_ia32x64_error_info(const Ia32X64ErrorInfo& e, std::span<std::byte> out) {
  if (out.size() < kIa32X64ErrorInfoBytes) return Status::invalid_argument;
  store_guid(out, kInfoType, e.type);
  le::store_u64(out, kInfoValidation, e.validation_bits);
  le::store_u64(out, kInfoCheck, e.check_info);
  le::store_u64(out, kInfoTarget, e.target_id);
  le::store_u64(out, kInfoRequestor, e.requestor_id);
  le::store_u64(out, kInfoResponder, e.responder_id);
  le::store_u64(out, kInfoIp, e.instruction_ip);
  return Status::ok;
}

static Status context_header(uint16_t type, size_t register_bytes, uint32_t msr, std::span<std::byte> out) {
  if (out.size() < ia32x64_context_bytes(register_bytes) || register_bytes > 0xFFFF) return Status::invalid_argument;
  std::memset(out.data(), 0, ia32x64_context_bytes(register_bytes));
  le::store_u16(out, kCtxType, type);
  le::store_u16(out, kCtxSize, static_cast<uint16_t>(register_bytes));
  le::store_u32(out, kCtxMsr, msr);
  le::store_u64(out, kCtxMmAddress, 0);
  return Status::ok;
}

Status encode_ia32x64_msr_context(uint32_t first_msr, std::span<const uint64_t> values, std::span<std::byte> out) {
  const Status s = context_header(kIaContextMsr, 8 * values.size(), first_msr, out);
  if (!ok(s)) return s;
  for (size_t i = 0; i < values.size(); ++i) le::store_u64(out, kIa32X64ContextHeaderBytes + 8 * i, values[i]);
  return Status::ok;
}

Status encode_ia32x64_x64_context(const X64RegisterState& r, std::span<std::byte> out) {
  const Status s = context_header(kIaContextX64, kX64RegisterStateBytes, 0, out);
  if (!ok(s)) return s;
  const auto regs = out.subspan(kIa32X64ContextHeaderBytes);
  const uint64_t gpr[16] = {r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp,
                            r.r[0], r.r[1], r.r[2], r.r[3], r.r[4], r.r[5], r.r[6], r.r[7]};
  for (size_t i = 0; i < 16; ++i) le::store_u64(regs, kRegGpr + 8 * i, gpr[i]);
  const uint16_t sel[6] = {r.cs, r.ds, r.ss, r.es, r.fs, r.gs};
  for (size_t i = 0; i < 6; ++i) le::store_u16(regs, kRegSelectors + 2 * i, sel[i]);
  le::store_u64(regs, kRegRflags, r.rflags);
  le::store_u64(regs, kRegRip, r.rip);
  const uint64_t cr[6] = {r.cr0, r.cr1, r.cr2, r.cr3, r.cr4, r.cr8};
  for (size_t i = 0; i < 6; ++i) le::store_u64(regs, kRegCr + 8 * i, cr[i]);
  for (size_t i = 0; i < 2; ++i) {
    le::store_u64(regs, kRegGdtr + 8 * i, r.gdtr[i]);
    le::store_u64(regs, kRegIdtr + 8 * i, r.idtr[i]);
  }
  le::store_u16(regs, kRegLdtr, r.ldtr);
  le::store_u16(regs, kRegTr, r.tr);
  return Status::ok;
}

Status decode_ia32x64_header(std::span<const std::byte> in, Ia32X64Header& h) {
  if (in.size() < kIa32X64HeaderBytes) return Status::corrupt;
  const uint64_t v = le::load_u64(in, kValidation);
  h.validation_bits = v & (kIaValidLocalApicId | kIaValidCpuid);
  h.error_info_count = static_cast<uint8_t>((v >> kIaErrorInfoCountShift) & 0x3F);
  h.context_count = static_cast<uint8_t>((v >> kIaContextCountShift) & 0x3F);
  h.local_apic_id = le::load_u64(in, kApicId);
  for (size_t i = 0; i < 4; ++i) h.cpuid[i] = le::load_u64(in, kCpuid + 8 * i);
  if (in.size() < kIa32X64HeaderBytes + size_t{h.error_info_count} * kIa32X64ErrorInfoBytes) return Status::corrupt;
  return Status::ok;
}

// The header of `section`, checked to have structure `index` of the error
// information structures (or of the contexts).
static Status header_with(std::span<const std::byte> section, uint8_t index, bool context, Ia32X64Header& h) {
  const Status s = decode_ia32x64_header(section, h);
  if (!ok(s)) return s;
  return index < (context ? h.context_count : h.error_info_count) ? Status::ok : Status::out_of_range;
}

Status decode_ia32x64_error_info(std::span<const std::byte> section, uint8_t index, Ia32X64ErrorInfo& e) {
  Ia32X64Header h;
  const Status s = header_with(section, index, false, h);
  if (!ok(s)) return s;
  const auto in = section.subspan(kIa32X64HeaderBytes + size_t{index} * kIa32X64ErrorInfoBytes, kIa32X64ErrorInfoBytes);
  e.type = load_guid(in, kInfoType);
  e.validation_bits = le::load_u64(in, kInfoValidation);
  e.check_info = le::load_u64(in, kInfoCheck);
  e.target_id = le::load_u64(in, kInfoTarget);
  e.requestor_id = le::load_u64(in, kInfoRequestor);
  e.responder_id = le::load_u64(in, kInfoResponder);
  e.instruction_ip = le::load_u64(in, kInfoIp);
  return Status::ok;
}

Status decode_ia32x64_context(std::span<const std::byte> section, uint8_t index, Ia32X64Context& out) {
  Ia32X64Header h;
  const Status s = header_with(section, index, true, h);
  if (!ok(s)) return s;
  size_t at = kIa32X64HeaderBytes + size_t{h.error_info_count} * kIa32X64ErrorInfoBytes;
  for (uint8_t i = 0;; ++i) {
    if (section.size() < at + kIa32X64ContextHeaderBytes) return Status::corrupt;
    const auto ctx = section.subspan(at);
    const size_t size = le::load_u16(ctx, kCtxSize);
    if (ctx.size() < kIa32X64ContextHeaderBytes + size) return Status::corrupt;
    if (i == index) {
      out.type = le::load_u16(ctx, kCtxType);
      out.msr_address = le::load_u32(ctx, kCtxMsr);
      out.mm_register_address = le::load_u64(ctx, kCtxMmAddress);
      out.registers = ctx.subspan(kIa32X64ContextHeaderBytes, size);
      return Status::ok;
    }
    at += kIa32X64ContextHeaderBytes + size;
  }
}

Status decode_x64_register_state(std::span<const std::byte> in, X64RegisterState& r) {
  if (in.size() < kX64RegisterStateBytes) return Status::corrupt;
  uint64_t* gpr[16] = {&r.rax, &r.rbx, &r.rcx, &r.rdx, &r.rsi, &r.rdi, &r.rbp, &r.rsp,
                       &r.r[0], &r.r[1], &r.r[2], &r.r[3], &r.r[4], &r.r[5], &r.r[6], &r.r[7]};
  for (size_t i = 0; i < 16; ++i) *gpr[i] = le::load_u64(in, kRegGpr + 8 * i);
  uint16_t* sel[6] = {&r.cs, &r.ds, &r.ss, &r.es, &r.fs, &r.gs};
  for (size_t i = 0; i < 6; ++i) *sel[i] = le::load_u16(in, kRegSelectors + 2 * i);
  r.rflags = le::load_u64(in, kRegRflags);
  r.rip = le::load_u64(in, kRegRip);
  uint64_t* cr[6] = {&r.cr0, &r.cr1, &r.cr2, &r.cr3, &r.cr4, &r.cr8};
  for (size_t i = 0; i < 6; ++i) *cr[i] = le::load_u64(in, kRegCr + 8 * i);
  for (size_t i = 0; i < 2; ++i) {
    r.gdtr[i] = le::load_u64(in, kRegGdtr + 8 * i);
    r.idtr[i] = le::load_u64(in, kRegIdtr + 8 * i);
  }
  r.ldtr = le::load_u16(in, kRegLdtr);
  r.tr = le::load_u16(in, kRegTr);
  return Status::ok;
}

}  // namespace crashtwin::cper
