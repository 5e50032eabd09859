#include "models/dram/error_log.h"

#include <algorithm>
#include <cstring>

namespace crashtwin {
namespace {
template <typename T>
void put(std::byte* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::byte>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF);
}
template <typename T>
T get(const std::byte* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t{std::to_integer<uint8_t>(p[i])} << (8 * i);
  return static_cast<T>(v);
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
    put<uint64_t>(p, e.time_ns);
    put<uint64_t>(p + 8, e.address);
    put<uint8_t>(p + 16, e.dimm);
    put<uint8_t>(p + 17, e.rank);
    put<uint8_t>(p + 18, e.bank);
    put<uint8_t>(p + 19, e.uncorrectable ? 1 : 0);
    put<uint32_t>(p + 20, e.row);
    put<uint32_t>(p + 24, e.column);
    put<uint32_t>(p + 28, e.syndrome);
    p += kErrorLogEntryBytes;
  }
  put<uint32_t>(out.data(), static_cast<uint32_t>(n));
  put<uint32_t>(out.data() + 4, static_cast<uint32_t>(logged(dimm)));
  return kErrorLogHeaderBytes + n * kErrorLogEntryBytes;
}

size_t MemoryErrorLog::decode(std::span<const std::byte> block, MemoryErrorLogEntry* out, size_t max) {
  if (block.size() < kErrorLogHeaderBytes) return 0;
  const size_t n = std::min<size_t>({get<uint32_t>(block.data()), max,
                                     (block.size() - kErrorLogHeaderBytes) / kErrorLogEntryBytes});
  const std::byte* p = block.data() + kErrorLogHeaderBytes;
  for (size_t i = 0; i < n; ++i, p += kErrorLogEntryBytes) {
    out[i].time_ns = get<uint64_t>(p);
    out[i].address = get<uint64_t>(p + 8);
    out[i].dimm = get<uint8_t>(p + 16);
    out[i].rank = get<uint8_t>(p + 17);
    out[i].bank = get<uint8_t>(p + 18);
    out[i].uncorrectable = (get<uint8_t>(p + 19) & 1) != 0;
    out[i].row = get<uint32_t>(p + 20);
    out[i].column = get<uint32_t>(p + 24);
    out[i].syndrome = get<uint32_t>(p + 28);
  }
  return n;
}

}  // namespace crashtwin
