// The code the host firmware writes to the BMC's mailbox when it handles a
// fatal error: which component failed, with which error, and which failure
// this is, so the BMC can find that failure's record in the crash region
// (and say so when there is none) instead of guessing from the newest one.
//
//   bits 63..32  failure sequence: the low 32 bits of the record id the
//                capture gave this failure's CPER record (record_id.h)
//   bits 31..24  component class
//   bits 23..8   component instance
//   bits  7..0   error type
#pragma once

#include <cstdint>

#include "platform/core/types.h"

namespace crashtwin {

struct BmcAlert {
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  uint32_t failure_sequence = 0;
};

constexpr uint64_t encode_bmc_alert(const BmcAlert& a) {
  return (uint64_t{a.failure_sequence} << 32) | (uint64_t{static_cast<uint8_t>(a.component.cls)} << 24) |
         (uint64_t{a.component.instance} << 8) | (uint64_t{static_cast<uint8_t>(a.error)} & 0xFF);
}

// false when the class or error type is out of range (a corrupt mailbox).
constexpr bool decode_bmc_alert(uint64_t code, BmcAlert& out) {
  const auto cls = static_cast<uint8_t>(code >> 24);
  const auto error = static_cast<uint8_t>(code);
  if (cls >= kComponentClassCount || error >= kErrorTypeCount) return false;
  out.component = ComponentId{static_cast<ComponentClass>(cls), static_cast<uint16_t>(code >> 8)};
  out.error = static_cast<ErrorType>(error);
  out.failure_sequence = static_cast<uint32_t>(code >> 32);
  return true;
}

// CPER record ids: unique per boot and monotonic within it (UEFI asks for a
// unique value; EDK2 and Linux's ERST use a counter): the boot count in the
// high half, the failure sequence of that boot in the low half.
constexpr uint64_t make_record_id(uint32_t boot, uint32_t failure_sequence) {
  return (uint64_t{boot} << 32) | failure_sequence;
}
constexpr uint32_t failure_sequence_of(uint64_t record_id) { return static_cast<uint32_t>(record_id); }

}  // namespace crashtwin
