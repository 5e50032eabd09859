// What the host firmware tells the BMC. The code it writes to the BMC's
// mailbox when it handles a fatal error: which component failed, with which
// error, and which failure this is, so the BMC can find that failure's
// record in the crash region (and say so when there is none) instead of
// guessing from the newest one.
//
//   bits 63..32  failure sequence: the low 32 bits of the record id the
//                capture gave this failure's CPER record (record_id.h)
//   bits 31..24  component class
//   bits 23..8   component instance
//   bits  7..0   error type
#pragma once

#include <cstdint>

#include "platform/core/types.h"
#include "platform/regs/crashtwin_regs.h"

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

// A component's predictive-failure alarm changed (platform/predictor/
// alarm.h): what the firmware writes to the BMC's PFA register, laid out as
// the register map's fields say (registers/crashtwin.yaml, bmc.pfa):
//   bits 63..32  probability at the change, parts per million
//   bits 31..24  component class
//   bits 23..8   component instance
//   bit  0       1 asserted, 0 deasserted (bits 7..1 are 0)
// The BMC logs it as IPMI's generic predictive-failure event (event/reading
// type 04h: offset 01h asserted, 00h deasserted).
struct PredictiveFailure {
  ComponentId component;
  bool asserted = false;
  uint32_t probability_ppm = 0;  // 0..kPpm
};
inline constexpr uint32_t kPpm = 1'000'000;

// A probability as whole parts per million, rounded to nearest; NaN and
// values outside [0, 1] are clamped (NaN to 0).
constexpr uint32_t probability_to_ppm(float probability) {
  if (!(probability > 0.0f)) return 0;
  if (probability >= 1.0f) return kPpm;
  return static_cast<uint32_t>(static_cast<double>(probability) * kPpm + 0.5);
}

constexpr uint64_t encode_predictive_failure(const PredictiveFailure& p) {
  return ((uint64_t{p.probability_ppm} << CT_BMC_PFA_PROBABILITY_SHIFT) & CT_BMC_PFA_PROBABILITY_MASK) |
         ((uint64_t{static_cast<uint8_t>(p.component.cls)} << CT_BMC_PFA_CLASS_SHIFT) & CT_BMC_PFA_CLASS_MASK) |
         ((uint64_t{p.component.instance} << CT_BMC_PFA_INSTANCE_SHIFT) & CT_BMC_PFA_INSTANCE_MASK) |
         (p.asserted ? CT_BMC_PFA_ASSERTED_MASK : 0);
}

// false when the value is not one encode_predictive_failure writes: a class
// out of range, reserved bits set, or a probability above one.
constexpr bool decode_predictive_failure(uint64_t value, PredictiveFailure& out) {
  constexpr uint64_t kDefined =
      CT_BMC_PFA_PROBABILITY_MASK | CT_BMC_PFA_CLASS_MASK | CT_BMC_PFA_INSTANCE_MASK | CT_BMC_PFA_ASSERTED_MASK;
  const auto cls = static_cast<uint8_t>((value & CT_BMC_PFA_CLASS_MASK) >> CT_BMC_PFA_CLASS_SHIFT);
  const auto ppm = static_cast<uint32_t>((value & CT_BMC_PFA_PROBABILITY_MASK) >> CT_BMC_PFA_PROBABILITY_SHIFT);
  if ((value & ~kDefined) != 0 || cls >= kComponentClassCount || ppm > kPpm) return false;
  out.component = ComponentId{static_cast<ComponentClass>(cls),
                              static_cast<uint16_t>((value & CT_BMC_PFA_INSTANCE_MASK) >> CT_BMC_PFA_INSTANCE_SHIFT)};
  out.asserted = (value & CT_BMC_PFA_ASSERTED_MASK) != 0;
  out.probability_ppm = ppm;
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
