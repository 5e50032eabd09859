#include "platform/cper/processor_generic.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {
// Field offsets (UEFI N.2.4.1).
constexpr size_t kValidation = 0, kType = 8, kIsa = 9, kErrorType = 10, kOperation = 11, kFlags = 12, kLevel = 13,
                 kVersion = 16, kBrand = 24, kId = 152, kTarget = 160, kRequestor = 168, kResponder = 176,
                 kIp = 184;
}  // namespace

Status encode_processor_generic(const ProcessorGenericSection& s, std::span<std::byte> out) {
  if (out.size() < kProcessorGenericBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kProcessorGenericBytes);
  le::store_u64(out, kValidation, s.validation_bits);
  le::store_u8(out, kType, s.processor_type);
  le::store_u8(out, kIsa, s.isa);
  le::store_u8(out, kErrorType, s.error_type);
  le::store_u8(out, kOperation, s.operation);
  le::store_u8(out, kFlags, s.flags);
  le::store_u8(out, kLevel, s.level);
  le::store_u64(out, kVersion, s.cpu_version);
  std::memcpy(out.data() + kBrand, s.cpu_brand, kCpuBrandBytes);
  le::store_u64(out, kId, s.processor_id);
  le::store_u64(out, kTarget, s.target_address);
  le::store_u64(out, kRequestor, s.requestor_id);
  le::store_u64(out, kResponder, s.responder_id);
  le::store_u64(out, kIp, s.instruction_ip);
  return Status::ok;
}

Status decode_processor_generic(std::span<const std::byte> in, ProcessorGenericSection& s) {
  if (in.size() < kProcessorGenericBytes) return Status::corrupt;
  s.validation_bits = le::load_u64(in, kValidation);
  s.processor_type = le::load_u8(in, kType);
  s.isa = le::load_u8(in, kIsa);
  s.error_type = le::load_u8(in, kErrorType);
  s.operation = le::load_u8(in, kOperation);
  s.flags = le::load_u8(in, kFlags);
  s.level = le::load_u8(in, kLevel);
  s.cpu_version = le::load_u64(in, kVersion);
  std::memcpy(s.cpu_brand, in.data() + kBrand, kCpuBrandBytes);
  s.processor_id = le::load_u64(in, kId);
  s.target_address = le::load_u64(in, kTarget);
  s.requestor_id = le::load_u64(in, kRequestor);
  s.responder_id = le::load_u64(in, kResponder);
  s.instruction_ip = le::load_u64(in, kIp);
  return Status::ok;
}

}  // namespace crashtwin::cper
