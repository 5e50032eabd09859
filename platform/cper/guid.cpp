#include "platform/cper/guid.h"

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {

void store_guid(std::span<std::byte> out, size_t offset, const Guid& guid) {
  le::store_u32(out, offset, guid.data1);
  le::store_u16(out, offset + 4, guid.data2);
  le::store_u16(out, offset + 6, guid.data3);
  for (size_t i = 0; i < 8; ++i) out[offset + 8 + i] = static_cast<std::byte>(guid.data4[i]);
}

Guid load_guid(std::span<const std::byte> in, size_t offset) {
  Guid g;
  g.data1 = le::load_u32(in, offset);
  g.data2 = le::load_u16(in, offset + 4);
  g.data3 = le::load_u16(in, offset + 6);
  for (size_t i = 0; i < 8; ++i) g.data4[i] = static_cast<uint8_t>(in[offset + 8 + i]);
  return g;
}

bool format_guid(const Guid& guid, std::span<char> out) {
  constexpr size_t kTextBytes = 37;
  if (out.size() < kTextBytes) return false;
  constexpr char kHex[] = "0123456789abcdef";
  size_t pos = 0;
  auto put = [&](uint64_t value, int digits) {
    for (int d = digits - 1; d >= 0; --d) out[pos++] = kHex[(value >> (4 * d)) & 0xF];
  };
  put(guid.data1, 8);
  out[pos++] = '-';
  put(guid.data2, 4);
  out[pos++] = '-';
  put(guid.data3, 4);
  out[pos++] = '-';
  put(guid.data4[0], 2);
  put(guid.data4[1], 2);
  out[pos++] = '-';
  for (size_t i = 2; i < 8; ++i) put(guid.data4[i], 2);
  out[pos] = '\0';
  return true;
}

const char* section_type_name(const Guid& g) {
  namespace id = guids;
  struct Named {
    const Guid* guid;
    const char* name;
  };
  static constexpr Named kNames[] = {
      {&id::kProcessorGeneric, "processor generic"}, {&id::kProcessorIa32X64, "IA32/X64 processor"},
      {&id::kPlatformMemory, "platform memory"},     {&id::kPcieError, "PCIe"},
      {&id::kCaptureManifest, "crashtwin capture manifest"}, {&id::kRegisterFile, "crashtwin register file"},
      {&id::kMemorySnapshot, "crashtwin memory snapshot"},   {&id::kSensorHistory, "crashtwin sensor history"},
      {&id::kIoQueueState, "crashtwin I/O queue state"},     {&id::kErrorLog, "crashtwin error log"},
      {&id::kNvmeStatus, "crashtwin NVMe status"},     {&id::kSealedSection, "crashtwin sealed section"}};
  for (const Named& n : kNames)
    if (*n.guid == g) return n.name;
  return "unknown type";
}

}  // namespace crashtwin::cper
