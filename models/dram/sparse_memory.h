// Sparse backing store for a large memory: 4 KiB pages are materialised on
// first write (or write-DMI request); reads of pages never written return
// zeros without materialising, so a 1 TiB DRAM that the workload touches in
// a few places costs a few pages of host memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>
#include <span>
#include <unordered_map>

namespace crashtwin {

class SparseMemory {
 public:
  static constexpr uint64_t kPageBytes = 4096;
  using Page = std::array<std::byte, kPageBytes>;

  explicit SparseMemory(uint64_t size) : size_(size) {}

  uint64_t size() const { return size_; }
  // Caller guarantees offset + bytes <= size().
  void read(uint64_t offset, std::span<std::byte> out) const;
  void write(uint64_t offset, std::span<const std::byte> data);

  // The page holding `offset`, materialised if needed (for DMI grants).
  Page& page(uint64_t offset);
  // The page holding `offset` if it was ever written, else nullptr.
  const Page* find_page(uint64_t offset) const;
  // All-zero page shared by read-only DMI grants of untouched pages.
  static const Page& zero_page();

  uint64_t materialised_pages() const { return pages_.size(); }
  uint64_t materialised_bytes() const { return pages_.size() * kPageBytes; }
  // Pages materialised in [offset, offset + bytes).
  uint64_t materialised_pages_in(uint64_t offset, uint64_t bytes) const;
  // Offsets of the materialised pages in [offset, offset + bytes), ascending.
  std::vector<uint64_t> materialised_offsets_in(uint64_t offset, uint64_t bytes) const;

 private:
  uint64_t size_;
  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
  // Last page touched: bursts and DMI-less streams hit the same page often.
  mutable uint64_t cached_index_ = ~0ull;
  mutable Page* cached_page_ = nullptr;
};

}  // namespace crashtwin
