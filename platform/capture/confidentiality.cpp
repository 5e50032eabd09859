#include "platform/capture/confidentiality.h"

#include <cstring>

namespace crashtwin {

bool CaptureConfidentiality::overlaps(uint64_t address, uint64_t bytes) const {
  if (bytes == 0) return false;
  const uint64_t last = address + (bytes - 1);
  for (uint32_t i = 0; i < range_count && i < kMaxSecretRanges; ++i) {
    const SecretRange& r = ranges[i];
    if (r.size == 0) continue;
    const uint64_t r_last = r.base + (r.size - 1);
    if (address <= r_last && r.base <= last) return true;
  }
  return false;
}

uint64_t CaptureConfidentiality::redact(uint64_t address, std::span<std::byte> data) const {
  uint64_t zeroed = 0;
  if (data.empty()) return 0;
  const uint64_t end = address + data.size();
  for (uint32_t i = 0; i < range_count && i < kMaxSecretRanges; ++i) {
    const SecretRange& r = ranges[i];
    const uint64_t from = r.base > address ? r.base : address;
    const uint64_t r_end = r.base + r.size;
    const uint64_t to = r_end < end ? r_end : end;
    if (r.size == 0 || from >= to) continue;
    std::memset(data.data() + (from - address), 0, static_cast<size_t>(to - from));
    zeroed += to - from;  // ranges may overlap: an upper bound, used as "any"
  }
  return zeroed;
}

namespace {
int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}
bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }
}  // namespace

bool parse_key_hex(const char* text, size_t length, uint8_t (&out)[kOperatorKeyBytes]) {
  size_t begin = 0, end = length;
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  if (end - begin != 2 * kOperatorKeyBytes) return false;
  uint8_t key[kOperatorKeyBytes];
  for (size_t i = 0; i < kOperatorKeyBytes; ++i) {
    const int hi = hex_digit(text[begin + 2 * i]), lo = hex_digit(text[begin + 2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    key[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  for (size_t i = 0; i < kOperatorKeyBytes; ++i) out[i] = key[i];
  return true;
}

}  // namespace crashtwin
