// Processor Generic Error Section (UEFI N.2.4.1), 192 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin::cper {

inline constexpr size_t kProcessorGenericBytes = 192;

// Validation bits (N.2.4.1 table).
inline constexpr uint64_t kProcValidType = 0x0001;
inline constexpr uint64_t kProcValidIsa = 0x0002;
inline constexpr uint64_t kProcValidErrorType = 0x0004;
inline constexpr uint64_t kProcValidOperation = 0x0008;
inline constexpr uint64_t kProcValidFlags = 0x0010;
inline constexpr uint64_t kProcValidLevel = 0x0020;
inline constexpr uint64_t kProcValidVersion = 0x0040;
inline constexpr uint64_t kProcValidBrand = 0x0080;
inline constexpr uint64_t kProcValidId = 0x0100;
inline constexpr uint64_t kProcValidTargetAddress = 0x0200;
inline constexpr uint64_t kProcValidRequestorId = 0x0400;
inline constexpr uint64_t kProcValidResponderId = 0x0800;
inline constexpr uint64_t kProcValidIp = 0x1000;

// Field values (N.2.4.1).
inline constexpr uint8_t kProcTypeIa32X64 = 0x00;
inline constexpr uint8_t kProcIsaX64 = 0x02;
inline constexpr uint8_t kProcErrorUnknown = 0x00;
inline constexpr uint8_t kProcErrorCache = 0x01;
inline constexpr uint8_t kProcErrorTlb = 0x02;
inline constexpr uint8_t kProcErrorBus = 0x04;
inline constexpr uint8_t kProcErrorMicroArch = 0x08;
inline constexpr uint8_t kProcOpUnknown = 0x00;
inline constexpr uint8_t kProcOpDataRead = 0x01;
inline constexpr uint8_t kProcOpDataWrite = 0x02;
inline constexpr uint8_t kProcOpInstructionExecution = 0x03;
inline constexpr uint8_t kProcFlagRestartable = 0x01;
inline constexpr uint8_t kProcFlagPreciseIp = 0x02;
inline constexpr uint8_t kProcFlagOverflow = 0x04;
inline constexpr uint8_t kProcFlagCorrected = 0x08;

inline constexpr size_t kCpuBrandBytes = 128;

struct ProcessorGenericSection {
  uint64_t validation_bits = 0;
  uint8_t processor_type = kProcTypeIa32X64;
  uint8_t isa = kProcIsaX64;
  uint8_t error_type = kProcErrorUnknown;
  uint8_t operation = kProcOpUnknown;
  uint8_t flags = 0;
  uint8_t level = 0;
  uint64_t cpu_version = 0;
  char cpu_brand[kCpuBrandBytes] = {};
  uint64_t processor_id = 0;
  uint64_t target_address = 0;
  uint64_t requestor_id = 0;
  uint64_t responder_id = 0;
  uint64_t instruction_ip = 0;
};

// out/in must hold kProcessorGenericBytes (invalid_argument / corrupt).
Status encode_processor_generic(const ProcessorGenericSection& section, std::span<std::byte> out);
Status decode_processor_generic(std::span<const std::byte> in, ProcessorGenericSection& out);

}  // namespace crashtwin::cper
