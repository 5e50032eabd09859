#include "platform/core/crc32c.h"

#include <array>

namespace crashtwin {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, reflected

using SliceTables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the classic byte-at-a-time table; tables[k][b] is the CRC of
// byte b followed by k zero bytes, which lets the loop fold 8 bytes per step.
constexpr SliceTables make_tables() {
  SliceTables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (size_t k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
  return t;
}

constexpr SliceTables kTables = make_tables();

inline uint32_t byte_at(std::span<const std::byte> data, size_t i) { return static_cast<uint32_t>(data[i]); }

}  // namespace

uint32_t crc32c(std::span<const std::byte> data, uint32_t crc) {
  uint32_t c = ~crc;
  size_t i = 0;
  const size_t n = data.size();
  for (; i + 8 <= n; i += 8) {
    const uint32_t lo = c ^ (byte_at(data, i) | byte_at(data, i + 1) << 8 | byte_at(data, i + 2) << 16 |
                             byte_at(data, i + 3) << 24);
    c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
        kTables[4][lo >> 24] ^ kTables[3][byte_at(data, i + 4)] ^ kTables[2][byte_at(data, i + 5)] ^
        kTables[1][byte_at(data, i + 6)] ^ kTables[0][byte_at(data, i + 7)];
  }
  for (; i < n; ++i) c = (c >> 8) ^ kTables[0][(c ^ byte_at(data, i)) & 0xFFu];
  return ~c;
}

}  // namespace crashtwin
