// A crash dump as it lands on the simulated dump target: the old kernel's
// memory the dump tool chose, laid out as a stream (note segment first, then
// memory in physical address order, as makedumpfile writes it), and how much
// of that stream the target has actually accepted.
//
// The twin keeps the bytes of the ranges a failure's analysis needs (the
// catalog's sections located in DRAM, read through TLM when the dump ran);
// the rest of the stream (pages of the workload and the kernel nobody
// analyses) is counted, not stored: its bytes cost the same disk time. A
// range is in the dump only once the stream has been written past it: a dump
// cut by a failing disk holds what came before the cut.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace crashtwin {

class DumpFile {
 public:
  // The note segment (saved registers and the kernel's error records): the
  // stream's first `bytes`.
  void set_notes(uint64_t bytes);
  // Old-memory bytes at physical `address` the dump holds, read when the
  // dump tool passed them; `stream_offset` is where in the stream they sit.
  // Ranges are added in stream order.
  void add_memory(uint64_t address, std::vector<std::byte> bytes, uint64_t stream_offset);
  // The stream's total size (notes + every dumped page, filtered).
  void set_planned_bytes(uint64_t bytes) { planned_ = bytes; }
  // The target accepted the stream up to `bytes`.
  void set_written(uint64_t bytes) { written_ = bytes; }

  uint64_t planned_bytes() const { return planned_; }
  uint64_t written_bytes() const { return written_; }
  bool complete() const { return written_ >= planned_; }
  bool notes_written() const { return notes_ > 0 && written_ >= notes_; }

  // Bytes of [address, address + bytes) the written part of the dump holds.
  uint64_t covered_bytes(uint64_t address, uint64_t bytes) const;
  // The dump's copy of [address, address + out.size()), if it holds all of it.
  bool read(uint64_t address, std::span<std::byte> out) const;

 private:
  struct Extent {
    uint64_t address;
    uint64_t stream_offset;
    std::vector<std::byte> bytes;
  };
  uint64_t notes_ = 0;
  uint64_t planned_ = 0;
  uint64_t written_ = 0;
  std::vector<Extent> extents_;
};

// What a crash tool's `log` command shows of a printk ring (the printk_log
// layout HostKernel writes: u64 ts_nsec, u16 len, u16 text_len, u16
// dict_len, u8 facility, u8 flags:5 level:3, text) read from `ring`: the
// record texts, oldest first, parsing from offset 0 to the end marker (a
// zero length) or a malformed record.
std::vector<std::string_view> printk_texts(std::span<const std::byte> ring);

}  // namespace crashtwin
