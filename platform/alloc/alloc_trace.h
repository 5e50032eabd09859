// Allocation tracking of the crash-region allocator: a fixed-size ring of
// allocation events (what happened, to which pages, for which caller and
// owner, at what firmware time) and running counts per caller, in memory the
// owner hands in. The buddy allocator records into it from its public entry
// points when one is attached (BuddyAllocator::set_trace); the caller says
// who it allocates for with set_context() before its calls, the way a kernel
// tags an allocation with its call site.
//
// The ring never blocks and never allocates: when it is full the oldest
// event is overwritten. Readers keep their own cursor (a sequence number)
// and read with read_from(), which tells them how many events they lost, so
// reading is const and any number of readers may follow the ring. The twin's
// runner reads after every agent step (scenarios/runner/memory_recorder.h);
// a BMC or debugger could read the same ring from the firmware's memory.
// Cost: a few stores per event (docs/PERFORMANCE.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin::alloc {

enum class AllocOp : uint8_t {
  alloc,   // a block, run, reservation or slab taken
  free,    // an allocation given back
  grow,    // resize() to more pages in place
  shrink,  // resize() to fewer pages
};
inline constexpr size_t kAllocOpCount = 4;
const char* to_string(AllocOp op);

// Who asked: the hotspots of an allocation profile are counted per caller.
enum class AllocCaller : uint8_t {
  unknown,  // no context set (e.g. a slab cache's pages)
  boot,     // a (re)boot reformats the region: every live allocation is freed
  slice,    // a slice placed, grown or shrunk to its policy target
  pack,     // a slice moved by packing (gathering scattered free pages)
  move,     // the old home of a slice whose records were copied elsewhere
  release,  // release_region: a range given back to the running kernel
};
// Captures write records into their slice and the agent's metadata is carved
// once at init: neither allocates from the region, so neither is a caller.
inline constexpr size_t kAllocCallerCount = 6;
const char* to_string(AllocCaller caller);

// The owner an event was made for: a component's slice (class and instance)
// or nobody in particular.
inline constexpr uint8_t kNoOwnerClass = 0xFF;

struct AllocEvent {
  uint64_t time_ns = 0;
  uint64_t address = 0;
  uint32_t pages = 0;         // of the allocation after the event (free: what was freed)
  uint32_t delta_pages = 0;   // alloc/free: pages; grow/shrink: pages added or given back
  uint64_t requested_bytes = 0;  // what the caller asked for (0: not said)
  AllocOp op = AllocOp::alloc;
  AllocCaller caller = AllocCaller::unknown;
  uint8_t owner_class = kNoOwnerClass;
  uint8_t reserved = 0;
  uint16_t owner_instance = 0;
  uint16_t reserved2 = 0;
};

// Running totals of one caller.
struct AllocCallerCounts {
  uint64_t allocs = 0;  // alloc and grow events
  uint64_t frees = 0;   // free and shrink events
  uint64_t pages_allocated = 0;
  uint64_t pages_freed = 0;
};

class AllocTrace {
 public:
  AllocTrace() = default;
  AllocTrace(const AllocTrace&) = delete;
  AllocTrace& operator=(const AllocTrace&) = delete;

  // Takes `ring` (at least one event) as the ring's storage; it must outlive
  // the trace. Clears every count. invalid_argument for an empty span.
  Status init(std::span<AllocEvent> ring);
  // Forgets every event and count (a reboot) but keeps the storage.
  void clear();

  // Who the next calls allocate for (saved and restored around nested work).
  struct Context {
    AllocCaller caller = AllocCaller::unknown;
    uint8_t owner_class = kNoOwnerClass;
    uint16_t owner_instance = 0;
    uint64_t requested_bytes = 0;
  };
  Context context() const { return Context{caller_, owner_class_, owner_instance_, requested_bytes_}; }
  void restore(const Context& c) { set_context(c.caller, c.owner_class, c.owner_instance, c.requested_bytes); }

  // Who the next calls allocate for, and when (firmware time).
  void set_time(uint64_t time_ns) { time_ns_ = time_ns; }
  void set_context(AllocCaller caller, uint8_t owner_class = kNoOwnerClass, uint16_t owner_instance = 0,
                   uint64_t requested_bytes = 0) {
    caller_ = caller;
    owner_class_ = owner_class;
    owner_instance_ = owner_instance;
    requested_bytes_ = requested_bytes;
  }

  // One event in the current context. Inline: it is on every allocation path.
  void record(AllocOp op, uint64_t address, uint64_t pages, uint64_t delta_pages) {
    if (capacity_ == 0) return;
    AllocEvent& e = ring_[next_slot_];
    next_slot_ = next_slot_ + 1 == capacity_ ? 0 : next_slot_ + 1;  // no divide on the hot path
    e.time_ns = time_ns_;
    e.address = address;
    e.pages = static_cast<uint32_t>(pages);
    e.delta_pages = static_cast<uint32_t>(delta_pages);
    e.requested_bytes = requested_bytes_;
    e.op = op;
    e.caller = caller_;
    e.owner_class = owner_class_;
    e.owner_instance = owner_instance_;
    ++written_;
    AllocCallerCounts& c = counts_[static_cast<size_t>(caller_)];
    if (op == AllocOp::alloc || op == AllocOp::grow) {
      ++c.allocs;
      c.pages_allocated += delta_pages;
    } else {
      ++c.frees;
      c.pages_freed += delta_pages;
    }
  }

  // Events recorded since init or clear (the next event's sequence number).
  uint64_t written() const { return written_; }
  size_t capacity() const { return capacity_; }
  // Copies the events from sequence number `from` on, oldest first, into
  // `out` (as many as fit) and returns how many it copied. `lost` is set to
  // the events between `from` and the oldest one still in the ring (the ring
  // overwrote them). The reader's next `from` is from + lost + copied.
  size_t read_from(uint64_t from, std::span<AllocEvent> out, uint64_t& lost) const;
  const AllocCallerCounts& counts(AllocCaller caller) const { return counts_[static_cast<size_t>(caller)]; }

 private:
  AllocEvent* ring_ = nullptr;
  size_t capacity_ = 0;
  size_t next_slot_ = 0;  // written_ % capacity_
  uint64_t written_ = 0;
  uint64_t time_ns_ = 0;
  uint64_t requested_bytes_ = 0;
  AllocCaller caller_ = AllocCaller::unknown;
  uint8_t owner_class_ = kNoOwnerClass;
  uint16_t owner_instance_ = 0;
  AllocCallerCounts counts_[kAllocCallerCount] = {};
};

}  // namespace crashtwin::alloc
