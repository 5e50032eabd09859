#include "platform/cper/mca_error_code.h"

#include "platform/cper/processor_generic.h"

namespace crashtwin::cper {
namespace {

// MS check error types (N.2.4.2.1.4).
constexpr uint8_t kMsUnclassified = 1, kMsMicrocodeRomParity = 2, kMsExternal = 3, kMsFrc = 4,
                  kMsInternalUnclassified = 5;
// IA32/X64 check operations that the generic section can name.
constexpr uint8_t kOpGenericRead = 1, kOpGenericWrite = 2, kOpDataRead = 3, kOpDataWrite = 4,
                  kOpInstructionFetch = 5;

uint8_t level_of(uint16_t code) {
  const uint8_t ll = code & 0x3;
  return ll == 3 ? kMcaNone : ll;
}

uint8_t transaction_of(uint16_t code) {
  const uint8_t tt = (code >> 2) & 0x3;
  return tt == 3 ? kMcaNone : tt;  // 11 is reserved
}

uint8_t request_of(uint16_t code) {
  const uint8_t rrrr = (code >> 4) & 0xF;
  return rrrr <= 8 ? rrrr : kMcaNone;
}

}  // namespace

McaErrorCode decode_mca_error_code(uint16_t raw) {
  const uint16_t code = raw & ~uint16_t{1u << 12};  // F: corrected-error filtering
  McaErrorCode out;
  if ((code & 0xF000) != 0) return out;  // bits 13..15 are zero in every defined code
  if (code == 0) {
    out.cls = McaCodeClass::no_error;
    out.ms_error_type = 0;
    return out;
  }
  if (code == 0x0E0B) {  // I/O error: a simple code that would also read as a bus code
    out.cls = McaCodeClass::simple;
    out.ms_error_type = kMsExternal;
    return out;
  }
  if ((code & 0x0800) != 0) {  // 1PPT RRRR IILL
    out.cls = McaCodeClass::bus;
    out.participation = (code >> 9) & 0x3;
    out.timeout = (code & 0x0100) != 0;
    out.operation = request_of(code);
    out.address_space = (code >> 2) & 0x3;
    out.level = level_of(code);
    return out;
  }
  if ((code & 0x0F00) == 0x0100) {  // 0001 RRRR TTLL
    out.cls = McaCodeClass::cache;
    out.operation = request_of(code);
    out.transaction_type = transaction_of(code);
    out.level = level_of(code);
    return out;
  }
  if ((code & 0x0F80) == 0x0080) {  // 0000 1MMM CCCC
    out.cls = McaCodeClass::memory_controller;
    const uint8_t mmm = (code >> 4) & 0x7;  // 000 generic, 001 read, 010 write, 011 address/command, 100 scrub
    out.operation = mmm == 1 ? kOpGenericRead : mmm == 2 ? kOpGenericWrite : 0;
    out.transaction_type = 2;
    return out;
  }
  if ((code & 0x0FF0) == 0x0010) {  // 0000 0001 TTLL
    out.cls = McaCodeClass::tlb;
    out.transaction_type = transaction_of(code);
    out.level = level_of(code);
    return out;
  }
  if ((code & 0x0FFC) == 0x000C) {  // 0000 0000 11LL
    out.cls = McaCodeClass::generic_cache;
    out.level = level_of(code);
    return out;
  }
  if ((code & 0x0C00) == 0x0400) {  // 01xx xxxx xxxx: internal unclassified (0x0400 is the internal timer)
    out.cls = McaCodeClass::simple;
    out.ms_error_type = kMsInternalUnclassified;
    return out;
  }
  out.cls = McaCodeClass::simple;
  switch (code) {
    case 0x0001: out.ms_error_type = kMsUnclassified; break;
    case 0x0002: out.ms_error_type = kMsMicrocodeRomParity; break;
    case 0x0003: out.ms_error_type = kMsExternal; break;
    case 0x0004: out.ms_error_type = kMsFrc; break;
    case 0x0005:  // internal parity
    case 0x0006:  // SMM handler code access violation
      out.ms_error_type = kMsInternalUnclassified;
      break;
    default: out.cls = McaCodeClass::unknown; break;
  }
  return out;
}

GenericProcessorView generic_view(const McaErrorCode& code) {
  GenericProcessorView v;
  switch (code.cls) {
    case McaCodeClass::generic_cache:
    case McaCodeClass::cache: v.error_type = kProcErrorCache; break;
    case McaCodeClass::tlb: v.error_type = kProcErrorTlb; break;
    case McaCodeClass::memory_controller:
    case McaCodeClass::bus: v.error_type = kProcErrorBus; break;
    case McaCodeClass::simple: v.error_type = kProcErrorMicroArch; break;
    case McaCodeClass::no_error:
    case McaCodeClass::unknown: break;
  }
  switch (code.operation) {
    case kOpGenericRead:
    case kOpDataRead: v.operation = kProcOpDataRead; break;
    case kOpGenericWrite:
    case kOpDataWrite: v.operation = kProcOpDataWrite; break;
    case kOpInstructionFetch: v.operation = kProcOpInstructionExecution; break;
    case kMcaNone: break;
    default: v.operation = kProcOpUnknown; break;  // generic error, prefetch, eviction, snoop
  }
  // An instruction-transaction read is an instruction fetch too (TLB codes
  // carry no request).
  if (v.operation == kMcaNone && code.transaction_type == 0) v.operation = kProcOpInstructionExecution;
  v.level = code.level;
  return v;
}

}  // namespace crashtwin::cper
