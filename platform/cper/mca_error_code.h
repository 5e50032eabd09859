// The MCA error code (IA32_MCi_STATUS bits 0..15) decoded into what the CPER
// processor sections need: which check it is, the transaction type, the
// request (operation) and the memory-hierarchy level. Intel SDM vol. 3B,
// 16.9 "Interpreting the MCA error codes": simple codes, and compound codes
//   generic cache hierarchy  000F 0000 0000 11LL
//   TLB                      000F 0000 0001 TTLL
//   memory controller        000F 0000 1MMM CCCC
//   cache hierarchy          000F 0001 RRRR TTLL
//   bus and interconnect     000F 1PPT RRRR IILL
// (F, bit 12, is the corrected-error filtering bit and is ignored).
#pragma once

#include <cstdint>

namespace crashtwin::cper {

enum class McaCodeClass : uint8_t {
  no_error,            // 0x0000
  simple,              // an internal/microcode/external error: an MS check
  generic_cache,       // cache hierarchy, request and transaction type unknown
  tlb,
  memory_controller,
  cache,
  bus,
  unknown,             // a pattern the SDM does not define
};

// The values below use the IA32/X64 check-information encodings (UEFI
// N.2.4.2.1), which follow the SDM's field orders exactly.
inline constexpr uint8_t kMcaNone = 0xFF;  // field not encoded by this code

struct McaErrorCode {
  McaCodeClass cls = McaCodeClass::unknown;
  uint8_t transaction_type = kMcaNone;  // TT: 0 instruction, 1 data, 2 generic
  uint8_t operation = kMcaNone;         // RRRR: 0 generic error, 1 generic read, 2 generic write,
                                        // 3 data read, 4 data write, 5 instruction fetch,
                                        // 6 prefetch, 7 eviction, 8 snoop
  uint8_t level = kMcaNone;             // LL: 0..2 (3, "generic", is kMcaNone)
  uint8_t ms_error_type = kMcaNone;     // simple codes: MS check error type (N.2.4.2.1.4)
  uint8_t participation = kMcaNone;     // bus: PP
  bool timeout = false;                 // bus: T
  uint8_t address_space = kMcaNone;     // bus: II
};

McaErrorCode decode_mca_error_code(uint16_t code);

// The generic processor section's view (N.2.4.1) of the same code:
// error type (cache 0x01, TLB 0x02, bus 0x04, micro-architectural 0x08),
// operation (0 generic, 1 data read, 2 data write, 3 instruction
// execution) and level; kMcaNone where the code does not say.
struct GenericProcessorView {
  uint8_t error_type = kMcaNone;
  uint8_t operation = kMcaNone;
  uint8_t level = kMcaNone;
};
GenericProcessorView generic_view(const McaErrorCode& code);

}  // namespace crashtwin::cper
