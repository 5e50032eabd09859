// Host-side CPER decoder behind `crashtwin cper decode FILE...`: every field
// of the record header, each section descriptor and the body of each section
// type crashtwin writes (processor generic, IA32/X64, platform memory, PCIe,
// the capture manifest and the NVMe status; other vendor sections by type
// and length), as JSON. Parsing is platform/cper's (untrusted bytes: a
// corrupt record is an "error" object naming the offset, not an exception).
// Field names follow UEFI appendix N; validation bits are given raw and as
// the list of valid field names, so a field that is not valid is visible as
// such rather than as a value. `kernel_stacks` reads each captured kernel
// stack (platform/capture/captured_stacks.h): end-of-stack magic, overflow,
// high-water, depth at rsp and the return addresses of the rbp chain.
#pragma once

#include <cstddef>
#include <span>

#include <nlohmann/json.hpp>

namespace crashtwin::traces {

// The records in `bytes` (a .cper file holds one; records back to back are
// decoded in order): {"records": [...]} and, when a record does not parse,
// {"error": {"offset", "status", "what"}} after the ones that did.
nlohmann::ordered_json decode_cper(std::span<const std::byte> bytes);

}  // namespace crashtwin::traces
