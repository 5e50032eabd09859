// Little-endian field access for the on-media formats (CPER, partition table).
// The formats are little-endian whatever the host; callers check the span is
// long enough once per structure, these helpers then index without checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin::le {

template <typename T>
inline void store(std::span<std::byte> out, size_t offset, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out[offset + i] = static_cast<std::byte>(static_cast<uint64_t>(value) >> (8 * i));
  }
}

template <typename T>
inline T load(std::span<const std::byte> in, size_t offset) {
  uint64_t value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<uint64_t>(in[offset + i]) << (8 * i);
  }
  return static_cast<T>(value);
}

inline void store_u8(std::span<std::byte> out, size_t offset, uint8_t v) { store<uint8_t>(out, offset, v); }
inline void store_u16(std::span<std::byte> out, size_t offset, uint16_t v) { store<uint16_t>(out, offset, v); }
inline void store_u32(std::span<std::byte> out, size_t offset, uint32_t v) { store<uint32_t>(out, offset, v); }
inline void store_u64(std::span<std::byte> out, size_t offset, uint64_t v) { store<uint64_t>(out, offset, v); }
inline uint8_t load_u8(std::span<const std::byte> in, size_t offset) { return load<uint8_t>(in, offset); }
inline uint16_t load_u16(std::span<const std::byte> in, size_t offset) { return load<uint16_t>(in, offset); }
inline uint32_t load_u32(std::span<const std::byte> in, size_t offset) { return load<uint32_t>(in, offset); }
inline uint64_t load_u64(std::span<const std::byte> in, size_t offset) { return load<uint64_t>(in, offset); }

}  // namespace crashtwin::le
