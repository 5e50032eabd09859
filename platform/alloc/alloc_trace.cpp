#include "platform/alloc/alloc_trace.h"

namespace crashtwin::alloc {

const char* to_string(AllocOp op) {
  switch (op) {
    case AllocOp::alloc: return "alloc";
    case AllocOp::free: return "free";
    case AllocOp::grow: return "grow";
    case AllocOp::shrink: return "shrink";
  }
  return "unknown";
}

const char* to_string(AllocCaller caller) {
  switch (caller) {
    case AllocCaller::unknown: return "unknown";
    case AllocCaller::boot: return "boot";
    case AllocCaller::slice: return "slice";
    case AllocCaller::pack: return "pack";
    case AllocCaller::move: return "move";
    case AllocCaller::release: return "release";
  }
  return "unknown";
}

Status AllocTrace::init(std::span<AllocEvent> ring) {
  if (ring.empty()) return Status::invalid_argument;
  ring_ = ring.data();
  capacity_ = ring.size();
  clear();
  return Status::ok;
}

void AllocTrace::clear() {
  written_ = 0;
  next_slot_ = 0;
  time_ns_ = 0;
  set_context(AllocCaller::unknown);
  for (AllocCallerCounts& c : counts_) c = AllocCallerCounts{};
}

size_t AllocTrace::read_from(uint64_t from, std::span<AllocEvent> out, uint64_t& lost) const {
  lost = 0;
  if (capacity_ == 0 || from >= written_) return 0;
  const uint64_t oldest = written_ > capacity_ ? written_ - capacity_ : 0;
  if (from < oldest) {
    lost = oldest - from;
    from = oldest;
  }
  size_t copied = 0;
  for (uint64_t seq = from; seq < written_ && copied < out.size(); ++seq) out[copied++] = ring_[seq % capacity_];
  return copied;
}

}  // namespace crashtwin::alloc
