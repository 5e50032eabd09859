#include "platform/cper/memory_error.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {
// Field offsets (UEFI N.2.5).
constexpr size_t kValidation = 0, kStatus = 8, kAddress = 16, kMask = 24, kNode = 32, kCard = 34, kModule = 36,
                 kBank = 38, kDevice = 40, kRow = 42, kColumn = 44, kBit = 46, kRequestor = 48, kResponder = 56,
                 kTarget = 64, kErrorType = 72, kExtended = 73, kRank = 74, kCardHandle = 76, kModuleHandle = 78;
}  // namespace

Status encode_memory_error(const MemoryErrorSection& s, std::span<std::byte> out) {
  if (out.size() < kMemoryErrorBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kMemoryErrorBytes);
  le::store_u64(out, kValidation, s.validation_bits);
  le::store_u64(out, kStatus, s.error_status);
  le::store_u64(out, kAddress, s.physical_address);
  le::store_u64(out, kMask, s.physical_address_mask);
  le::store_u16(out, kNode, s.node);
  le::store_u16(out, kCard, s.card);
  le::store_u16(out, kModule, s.module);
  le::store_u16(out, kBank, s.bank);
  le::store_u16(out, kDevice, s.device);
  le::store_u16(out, kRow, s.row);
  le::store_u16(out, kColumn, s.column);
  le::store_u16(out, kBit, s.bit_position);
  le::store_u64(out, kRequestor, s.requestor_id);
  le::store_u64(out, kResponder, s.responder_id);
  le::store_u64(out, kTarget, s.target_id);
  le::store_u8(out, kErrorType, s.error_type);
  le::store_u8(out, kExtended, s.extended);
  le::store_u16(out, kRank, s.rank);
  le::store_u16(out, kCardHandle, s.card_handle);
  le::store_u16(out, kModuleHandle, s.module_handle);
  return Status::ok;
}

Status decode_memory_error(std::span<const std::byte> in, MemoryErrorSection& s) {
  if (in.size() < kMemoryErrorBytes) return Status::corrupt;
  s.validation_bits = le::load_u64(in, kValidation);
  s.error_status = le::load_u64(in, kStatus);
  s.physical_address = le::load_u64(in, kAddress);
  s.physical_address_mask = le::load_u64(in, kMask);
  s.node = le::load_u16(in, kNode);
  s.card = le::load_u16(in, kCard);
  s.module = le::load_u16(in, kModule);
  s.bank = le::load_u16(in, kBank);
  s.device = le::load_u16(in, kDevice);
  s.row = le::load_u16(in, kRow);
  s.column = le::load_u16(in, kColumn);
  s.bit_position = le::load_u16(in, kBit);
  s.requestor_id = le::load_u64(in, kRequestor);
  s.responder_id = le::load_u64(in, kResponder);
  s.target_id = le::load_u64(in, kTarget);
  s.error_type = le::load_u8(in, kErrorType);
  s.extended = le::load_u8(in, kExtended);
  s.rank = le::load_u16(in, kRank);
  s.card_handle = le::load_u16(in, kCardHandle);
  s.module_handle = le::load_u16(in, kModuleHandle);
  return Status::ok;
}

}  // namespace crashtwin::cper
