#include "models/dram/error_log.h"

#include <algorithm>
#include <cstring>

namespace crashtwin {
namespace {
template <typename T>
void put(std::byte* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::byte>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF);
}
}  // namespace

void MemoryErrorLog::append(const MemoryErrorLogEntry& e) {
  if (capacity_ == 0) return;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(e);
  ++logged_per_dimm_[e.dimm];
}

uint64_t MemoryErrorLog::logged(uint32_t dimm) const { return dimm < 256 ? logged_per_dimm_[dimm] : 0; }

size_t MemoryErrorLog::encode(uint32_t dimm, std::span<std::byte> out) const {
  if (out.size() < kErrorLogHeaderBytes) return 0;
  const size_t room = (out.size() - kErrorLogHeaderBytes) / kErrorLogEntryBytes;
  size_t of_dimm = 0;
  for (const MemoryErrorLogEntry& e : entries_) of_dimm += e.dimm == dimm;
  const size_t n = std::min(room, of_dimm);
  size_t skip = of_dimm - n;  // keep the newest
  std::byte* p = out.data() + kErrorLogHeaderBytes;
  for (const MemoryErrorLogEntry& e : entries_) {
    if (e.dimm != dimm) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    encode_error_log_entry(e, std::span<std::byte>(p, kErrorLogEntryBytes));
    p += kErrorLogEntryBytes;
  }
  put<uint32_t>(out.data(), static_cast<uint32_t>(n));
  put<uint32_t>(out.data() + 4, static_cast<uint32_t>(logged(dimm)));
  return kErrorLogHeaderBytes + n * kErrorLogEntryBytes;
}

size_t MemoryErrorLog::decode(std::span<const std::byte> block, MemoryErrorLogEntry* out, size_t max) {
  const size_t n = std::min(error_log_entries(block), max);
  const std::byte* p = block.data() + kErrorLogHeaderBytes;
  for (size_t i = 0; i < n; ++i, p += kErrorLogEntryBytes) {
    out[i] = decode_error_log_entry(std::span<const std::byte>(p, kErrorLogEntryBytes));
  }
  return n;
}

}  // namespace crashtwin
