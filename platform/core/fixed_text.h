// Text built into a caller's fixed buffer, without the heap or printf (the
// firmware links neither): always NUL-terminated, cut at the buffer's end.
// For the firmware's few composed strings: a CPER FRU text ("dimm3"), a
// log line naming a model's mismatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

class FixedText {
 public:
  explicit FixedText(std::span<char> out) : out_(out) {
    if (!out_.empty()) out_[0] = '\0';
  }
  FixedText& operator<<(const char* text) {
    while (*text != '\0' && pos_ + 1 < out_.size()) out_[pos_++] = *text++;
    if (!out_.empty()) out_[pos_] = '\0';
    return *this;
  }
  // In decimal.
  FixedText& operator<<(uint32_t value) {
    char text[11] = {};
    size_t n = sizeof text - 1;  // digits fill from the end, before the NUL
    do {
      text[--n] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    return *this << static_cast<const char*>(text + n);
  }

 private:
  std::span<char> out_;
  size_t pos_ = 0;
};

}  // namespace crashtwin
