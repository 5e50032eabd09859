#include "platform/capture/register_file.h"

#include <type_traits>

namespace crashtwin {
namespace {

void put(std::span<std::byte> out, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
}
uint64_t get(std::span<const std::byte> in, size_t at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(in[at + i]) << (8 * i);
  return v;
}

// One table of the 8-byte fields after the 8-byte preamble, in layout order,
// so encode and decode cannot disagree.
template <typename Regs, typename Visit>
void each_field(Regs& r, Visit visit) {
  size_t at = 8;
  for (auto* field : {&r.rip, &r.rflags, &r.cr0, &r.cr2, &r.cr3, &r.cr4}) visit(*field, at), at += 8;
  for (auto& g : r.gpr) visit(g, at), at += 8;
  for (auto* field : {&r.mcg_status, &r.mc_status, &r.mc_addr, &r.mc_misc, &r.tsc}) visit(*field, at), at += 8;
}

// The version-2 fields from 0x0E0, in layout order, with their widths.
template <typename Regs, typename Visit>
void each_v2_field(Regs& r, Visit visit) {
  size_t at = 0xE0;
  for (auto* field : {&r.cs, &r.ss, &r.ds, &r.es, &r.fs, &r.gs, &r.ldtr, &r.tr}) visit(*field, at), at += 2;
  for (auto* field : {&r.fs_base, &r.gs_base, &r.cr8, &r.gdtr_base, &r.idtr_base}) visit(*field, at), at += 8;
  for (auto* field : {&r.gdtr_limit, &r.idtr_limit}) visit(*field, at), at += 2;
  at += 4;  // reserved
  for (auto& word : r.cpuid1) visit(word, at), at += 4;
}

}  // namespace

size_t encode_register_file(const CoreRegisterFile& regs, std::span<std::byte> out, uint32_t mca_banks,
                            std::span<const McaBankRegisters> upper_banks) {
  const size_t bytes = register_file_bytes(mca_banks);
  if (out.size() < bytes) return 0;
  put(out, 0, kRegisterFileMagic, 4);
  put(out, 4, kRegisterFileVersion, 2);
  put(out, 6, regs.core, 2);
  each_field(regs, [&](const uint64_t& v, size_t at) { put(out, at, v, 8); });
  put(out, 0x11C, 0, 4);
  each_v2_field(regs, [&](const auto& v, size_t at) { put(out, at, v, sizeof(v)); });
  size_t bank = 0;
  for (size_t at = kRegisterFileBytes; at < bytes; at += kMcaBankBytes, ++bank) {
    const McaBankRegisters b = bank < upper_banks.size() ? upper_banks[bank] : McaBankRegisters{};
    put(out, at, b.ctl, 8);
    put(out, at + 8, b.status, 8);
    put(out, at + 16, b.addr, 8);
    put(out, at + 24, b.misc, 8);
  }
  return bytes;
}

bool decode_register_file(std::span<const std::byte> in, CoreRegisterFile& out) {
  if (in.size() < kRegisterFileBytes) return false;
  if (get(in, 0, 4) != kRegisterFileMagic || get(in, 4, 2) != kRegisterFileVersion) return false;
  out.core = static_cast<uint16_t>(get(in, 6, 2));
  each_field(out, [&](uint64_t& v, size_t at) { v = get(in, at, 8); });
  each_v2_field(out, [&](auto& v, size_t at) { v = static_cast<std::remove_reference_t<decltype(v)>>(get(in, at, sizeof(v))); });
  return true;
}

uint32_t mca_banks_in(std::span<const std::byte> in) {
  if (in.size() < kRegisterFileBytes) return 0;
  if (get(in, 0, 4) != kRegisterFileMagic || get(in, 4, 2) != kRegisterFileVersion) return 0;
  const size_t upper = (in.size() - kRegisterFileBytes) / kMcaBankBytes;
  return static_cast<uint32_t>(1 + (upper < kMaxMcaBanks - 1 ? upper : kMaxMcaBanks - 1));
}

bool read_mca_bank(std::span<const std::byte> in, uint32_t bank, McaBankRegisters& out) {
  if (bank >= mca_banks_in(in)) return false;
  if (bank == 0) {
    out = {~uint64_t{0}, get(in, 0x0C0, 8), get(in, 0x0C8, 8), get(in, 0x0D0, 8)};
    return true;
  }
  const size_t at = kRegisterFileBytes + (bank - 1) * kMcaBankBytes;
  out = {get(in, at, 8), get(in, at + 8, 8), get(in, at + 16, 8), get(in, at + 24, 8)};
  return true;
}

}  // namespace crashtwin
