#include "models/dram/sparse_memory.h"

#include <algorithm>
#include <cstring>

namespace crashtwin {

const SparseMemory::Page& SparseMemory::zero_page() {
  static const Page zero{};
  return zero;
}

const SparseMemory::Page* SparseMemory::find_page(uint64_t offset) const {
  const uint64_t index = offset / kPageBytes;
  if (index == cached_index_) return cached_page_;
  auto it = pages_.find(index);
  if (it == pages_.end()) return nullptr;
  cached_index_ = index;
  cached_page_ = it->second.get();
  return cached_page_;
}

SparseMemory::Page& SparseMemory::page(uint64_t offset) {
  const uint64_t index = offset / kPageBytes;
  if (index == cached_index_) return *cached_page_;
  std::unique_ptr<Page>& slot = pages_[index];
  if (!slot) slot = std::make_unique<Page>();  // value-initialised: zeros
  cached_index_ = index;
  cached_page_ = slot.get();
  return *slot;
}

void SparseMemory::read(uint64_t offset, std::span<std::byte> out) const {
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t at = offset + done;
    const size_t in_page = static_cast<size_t>(at % kPageBytes);
    const size_t n = std::min<size_t>(kPageBytes - in_page, out.size() - done);
    if (const Page* p = find_page(at)) std::memcpy(out.data() + done, p->data() + in_page, n);
    else std::memset(out.data() + done, 0, n);
    done += n;
  }
}

void SparseMemory::write(uint64_t offset, std::span<const std::byte> data) {
  size_t done = 0;
  while (done < data.size()) {
    const uint64_t at = offset + done;
    const size_t in_page = static_cast<size_t>(at % kPageBytes);
    const size_t n = std::min<size_t>(kPageBytes - in_page, data.size() - done);
    // Zeros written to a page never written leave it as it reads: not
    // materialised (a DMA copy of mostly empty memory stays sparse).
    const std::span<const std::byte> part = data.subspan(done, n);
    const bool zeros = std::all_of(part.begin(), part.end(), [](std::byte b) { return b == std::byte{0}; });
    if (!zeros || find_page(at) != nullptr) std::memcpy(page(at).data() + in_page, part.data(), n);
    done += n;
  }
}

std::vector<uint64_t> SparseMemory::materialised_offsets_in(uint64_t offset, uint64_t bytes) const {
  const uint64_t first = offset / kPageBytes;
  const uint64_t last = (offset + bytes + kPageBytes - 1) / kPageBytes;
  std::vector<uint64_t> out;
  for (const auto& [index, page] : pages_)
    if (index >= first && index < last) out.push_back(index * kPageBytes);
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t SparseMemory::materialised_pages_in(uint64_t offset, uint64_t bytes) const {
  const uint64_t first = offset / kPageBytes;
  const uint64_t last = (offset + bytes + kPageBytes - 1) / kPageBytes;
  uint64_t n = 0;
  if (last - first < pages_.size()) {
    for (uint64_t i = first; i < last; ++i) n += pages_.count(i);
  } else {
    for (const auto& [index, page] : pages_) n += index >= first && index < last;
  }
  return n;
}

}  // namespace crashtwin
