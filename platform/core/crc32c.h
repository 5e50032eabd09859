// CRC32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of the
// crash-region partition table. Chosen over CRC32 because hardware computes it
// (SSE4.2 crc32, ARMv8 CRC32C) on the boards this firmware targets; this
// portable version is slicing-by-8 over constexpr tables (no heap, no statics
// to initialise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

// CRC32C of `data`. Incremental: crc32c(b, crc32c(a)) == crc32c(a ++ b); pass
// 0 to start. Known vector: crc32c("123456789") == 0xE3069283.
uint32_t crc32c(std::span<const std::byte> data, uint32_t crc = 0);

}  // namespace crashtwin
