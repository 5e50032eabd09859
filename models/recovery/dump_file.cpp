#include "models/recovery/dump_file.h"

#include <algorithm>
#include <cstring>

namespace crashtwin {

void DumpFile::set_notes(uint64_t bytes) { notes_ = bytes; }

void DumpFile::add_memory(uint64_t address, std::vector<std::byte> bytes, uint64_t stream_offset) {
  extents_.push_back({address, stream_offset, std::move(bytes)});
}

uint64_t DumpFile::covered_bytes(uint64_t address, uint64_t bytes) const {
  uint64_t covered = 0;
  const uint64_t end = address + bytes;
  for (const Extent& e : extents_) {
    // Written up to where the stream has reached.
    const uint64_t in_stream =
        written_ > e.stream_offset ? std::min<uint64_t>(written_ - e.stream_offset, e.bytes.size()) : 0;
    const uint64_t lo = std::max(address, e.address);
    const uint64_t hi = std::min(end, e.address + in_stream);
    if (hi > lo) covered += hi - lo;
  }
  return std::min(covered, bytes);
}

bool DumpFile::read(uint64_t address, std::span<std::byte> out) const {
  if (covered_bytes(address, out.size()) < out.size()) return false;
  for (const Extent& e : extents_) {
    const uint64_t lo = std::max(address, e.address);
    const uint64_t hi = std::min(address + out.size(), e.address + e.bytes.size());
    if (hi > lo) std::memcpy(out.data() + (lo - address), e.bytes.data() + (lo - e.address), hi - lo);
  }
  return true;
}

std::vector<std::string_view> printk_texts(std::span<const std::byte> ring) {
  constexpr size_t kHeader = 16;
  std::vector<std::string_view> out;
  const auto u16 = [&](size_t at) {
    return static_cast<size_t>(std::to_integer<unsigned>(ring[at]) | std::to_integer<unsigned>(ring[at + 1]) << 8);
  };
  for (size_t at = 0; at + kHeader <= ring.size();) {
    const size_t len = u16(at + 8);
    const size_t text_len = u16(at + 10);
    if (len == 0) break;  // end of the ring's records (or the wrap marker)
    if (len < kHeader || len > ring.size() - at || text_len > len - kHeader) break;  // not a record
    out.emplace_back(reinterpret_cast<const char*>(ring.data() + at + kHeader), text_len);
    at += len;
  }
  return out;
}

}  // namespace crashtwin
