#include "models/cpu/kernel_stack.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/core/tlm_types.h"

namespace crashtwin {
namespace {
// struct pt_regs on x86-64: 21 words (arch/x86/include/asm/ptrace.h).
constexpr uint32_t kPtRegsWords = 21;
// Selectors and flags of the saved contexts (arch/x86/include/asm/segment.h):
// __USER_CS, __USER_DS, __KERNEL_CS, __KERNEL_DS; IF | reserved bit 1 | PF | ZF.
constexpr uint64_t kUserCs = 0x33, kUserSs = 0x2B, kKernelCs = 0x10, kKernelSs = 0x18, kFlags = 0x246;
constexpr uint64_t kUserTextBase = 0x0000'5555'5555'0000ull, kUserStackTop = 0x0000'7FFF'FFFF'F000ull;
constexpr uint64_t kSyscalls = 450;  // x86-64 syscall numbers in use
constexpr uint32_t kMaxDrawnFrames = 4096;

// x^n by squaring: the same bits on every machine (libm's pow may take an FMA
// path on one and not another) and a few multiplications instead of a pow call
// per path and depth on every realisation.
double integer_power(double x, uint32_t n) {
  double result = 1.0;
  for (; n != 0; n >>= 1) {
    if ((n & 1u) != 0) result *= x;
    x *= x;
  }
  return result;
}
}  // namespace

KernelStackParams read_kernel_stack_params(const ParamScope& p) {
  KernelStackParams s;
  s.enabled = param<bool>(p, "enabled", ParamKind::boolean, s.enabled,
                          "per-core kernel stacks written into DRAM (false: rsp at the top, no contents)");
  s.kernel_entry_rate = param<double>(p, "kernel_entry_rate", ParamKind::rate, s.kernel_entry_rate,
                                      "system calls per second of a fully busy core", 0.0, 1e9);
  auto frames = [&](const char* name, uint32_t value, const char* what) {
    return static_cast<uint32_t>(param<uint64_t>(p, name, ParamKind::count, value, what, 0, 512).value());
  };
  s.syscall_frames = frames("syscall_frames", s.syscall_frames, "frames of a system call's base chain");
  s.exception_frames = frames("exception_frames", s.exception_frames, "frames of an exception handler's base chain");
  s.interrupt_frames = frames("interrupt_frames", s.interrupt_frames,
                              "frames an interrupt leaves on the task stack (its handler runs on the irq stack)");
  s.idle_frames = frames("idle_frames", s.idle_frames, "frames of the idle loop");
  s.extra_frames_mean = param<double>(p, "extra_frames_mean", ParamKind::real, s.extra_frames_mean,
                                      "mean frames below a path's base chain (geometric)", 0.0, 256.0);
  s.frame_bytes = static_cast<uint32_t>(param<uint64_t>(p, "frame_bytes", ParamKind::size, s.frame_bytes,
                                                        "mean stack frame: return address, saved rbp, locals", 16,
                                                        1024)
                                            .value());
  auto seconds = [&](const char* name, double value, const char* what) {
    const sc_core::sc_time given = param<sc_core::sc_time>(p, name, ParamKind::duration,
                                                           ns(static_cast<uint64_t>(std::llround(value * 1e9))), what,
                                                           sc_core::SC_ZERO_TIME, ns(1'000'000'000));
    return static_cast<double>(to_ns(given)) * 1e-9;
  };
  s.handler_time_s = seconds("handler_time", s.handler_time_s, "time an exception or interrupt spends on the stack");
  s.sample_period_s = seconds("sample_period", s.sample_period_s,
                              "shortest time between two realisations of a stack (one capture reads one stack)");
  return s;
}

KernelStack::KernelStack(uint64_t base, const KernelStackParams& params, RngStream rng)
    : base_(base), params_(params), rng_(rng), words_(params.stack_bytes / 8, 0) {
  reboot();
}

void KernelStack::reboot() {
  std::fill(words_.begin(), words_.end(), 0);
  words_[0] = kStackEndMagic;  // set_task_stack_end_magic() at fork
  dirty_lo_ = 0;
  dirty_hi_ = words_.size();
  rsp_ = top() - 8;
  rbp_ = 0;
  overflowed_ = false;
  recursion_bytes_ = recursion_rate_ = recursion_target_ = recursion_peak_ = 0.0;
  std::fill(std::begin(expected_), std::end(expected_), 0.0);
  since_realised_s_ = 0.0;
  if (!params_.enabled) return;
  write_path(shape(idle), 0);  // the idle task at boot
  flush();
}

void KernelStack::attach(KernelMemory* memory) {
  memory_ = memory;
  dirty_lo_ = 0;
  dirty_hi_ = words_.size();
  if (params_.enabled) flush();
}

KernelStack::Shape KernelStack::shape(Path p) const {
  switch (p) {
    case syscall: return {true, params_.syscall_frames, false, 0};
    case idle: return {false, params_.idle_frames, false, 0};
    case exception_user: return {true, 0, true, params_.exception_frames};
    case exception_nested: return {true, params_.syscall_frames, true, params_.exception_frames};
    case interrupt_idle: return {false, params_.idle_frames, true, params_.interrupt_frames};
    case interrupt_nested: return {true, params_.syscall_frames, true, params_.interrupt_frames};
    case kPaths: break;
  }
  return {};
}

uint32_t KernelStack::geometric() {
  const double m = params_.extra_frames_mean;
  if (!(m > 0.0)) return 0;
  const double u = 1.0 - rng_.uniform();  // (0, 1]
  const double g = std::floor(std::log(u) / std::log(m / (1.0 + m)));
  return static_cast<uint32_t>(std::min<double>(g, kMaxDrawnFrames));
}

void KernelStack::advance(double seconds, const KernelStackLoad& load) {
  if (!params_.enabled || !(seconds > 0.0)) return;
  since_realised_s_ += seconds;
  const double busy = std::clamp(load.utilization, 0.0, 1.0);
  expected_[syscall] += busy * params_.kernel_entry_rate * seconds;
  expected_[idle] += (1.0 - busy) * params_.kernel_entry_rate * seconds;
  expected_[exception_user] += (1.0 - busy) * load.exception_rate * seconds;
  expected_[exception_nested] += busy * load.exception_rate * seconds;
  expected_[interrupt_idle] += (1.0 - busy) * load.interrupt_rate * seconds;
  expected_[interrupt_nested] += busy * load.interrupt_rate * seconds;
  if (recursion_rate_ > 0.0) {
    recursion_bytes_ = std::min(recursion_target_, recursion_bytes_ + recursion_rate_ * seconds);
    recursion_peak_ = std::max(recursion_peak_, recursion_bytes_);
  }
}

void KernelStack::realise(const KernelStackLoad& load) {
  if (!params_.enabled || overflowed_ || since_realised_s_ < params_.sample_period_s) return;
  since_realised_s_ = 0.0;
  ++realisations_;
  // The deepest path of the interval: the smallest depth d (frames) with
  // sum_j L_j P(D_j > d) <= E, E ~ Exp(1), is distributed as the maximum.
  double total = 0.0;
  for (double l : expected_) total += l;
  const double e = rng_.exponential(1.0);
  if (total > 0.0 && e < total) {
    const double m = std::max(params_.extra_frames_mean, 0.0);
    const double q = m / (1.0 + m);
    auto depth = [&](Path p) { const Shape s = shape(p); return s.outer + s.inner; };
    uint32_t d = 0;
    for (; d < kMaxDrawnFrames; ++d) {
      double tail = 0.0;
      for (int p = 0; p < kPaths; ++p) {
        const uint32_t b = depth(static_cast<Path>(p));
        tail += expected_[p] * (d < b ? 1.0 : integer_power(q, d - b + 1));
      }
      if (tail <= e) break;
    }
    // Which path reached it: in proportion to L_j P(D_j = d).
    double weights[kPaths] = {}, sum = 0.0;
    for (int p = 0; p < kPaths; ++p) {
      const uint32_t b = depth(static_cast<Path>(p));
      weights[p] = d < b ? 0.0 : expected_[p] * (1.0 - q) * integer_power(q, d - b);
      sum += weights[p];
    }
    double pick = rng_.uniform() * sum;
    int chosen = 0;
    while (chosen < kPaths - 1 && (weights[chosen] == 0.0 || pick >= weights[chosen])) {
      pick -= weights[chosen];
      ++chosen;
    }
    const Path p = static_cast<Path>(chosen);
    write_path(shape(p), d - depth(p));
  }
  if (recursion_peak_ > 0.0) write_recursion(recursion_peak_);
  std::fill(std::begin(expected_), std::end(expected_), 0.0);
  recursion_peak_ = recursion_bytes_;
  // The path running now.
  const double busy = std::clamp(load.utilization, 0.0, 1.0);
  const bool in_system_call = rng_.bernoulli(busy);
  const bool in_exception = rng_.bernoulli(std::min(1.0, load.exception_rate * params_.handler_time_s));
  const bool in_interrupt = rng_.bernoulli(std::min(1.0, load.interrupt_rate * params_.handler_time_s));
  if (in_system_call && recursion_bytes_ > 0.0) {
    write_recursion(recursion_bytes_);  // the runaway path is what the busy core runs
  } else {
    const Path now = in_exception   ? (in_system_call ? exception_nested : exception_user)
                     : in_interrupt ? (in_system_call ? interrupt_nested : interrupt_idle)
                     : in_system_call ? syscall
                                      : idle;
    write_path(shape(now), geometric());
  }
  flush();
}

void KernelStack::push(uint64_t word) {
  if (cursor_ <= floor_) return;
  words_[--cursor_] = word;
  dirty_lo_ = std::min(dirty_lo_, cursor_);
  dirty_hi_ = std::max(dirty_hi_, cursor_ + 1);
}

void KernelStack::push_frame(uint32_t local_words) {
  push(params_.code_base + rng_.below(params_.code_size));  // call: the return address
  push(frame_rbp_);                                         // push %rbp
  frame_rbp_ = base_ + cursor_ * 8;                         // mov %rsp, %rbp
  for (uint32_t i = 0; i < local_words; ++i) push(rng_.next());
}

void KernelStack::push_pt_regs(bool user) {
  const uint64_t interrupted_sp = base_ + cursor_ * 8;
  push(user ? kUserSs : kKernelSs);
  push(user ? kUserStackTop - 8 * rng_.below(1u << 20) : interrupted_sp);
  push(kFlags);
  push(user ? kUserCs : kKernelCs);
  push(user ? kUserTextBase + rng_.below(1u << 24) : params_.code_base + rng_.below(params_.code_size));
  push(user ? rng_.below(kSyscalls) : ~uint64_t{0x20 + rng_.below(224)});  // orig_ax: syscall nr, ~vector
  for (uint32_t i = 6; i < kPtRegsWords; ++i) {
    constexpr uint32_t kBpSlot = kPtRegsWords - 5;  // r15 r14 r13 r12 bp are the lowest five
    push(i == kBpSlot ? frame_rbp_ : rng_.next());
  }
  // A user entry starts the frame chain afresh; a nested one continues it
  // through the interrupted frame (what the unwinder follows).
  if (user) frame_rbp_ = 0;
}

void KernelStack::write_path(Shape s, uint32_t extra_frames) {
  cursor_ = words_.size();
  floor_ = 1;  // a drawn path never reaches the magic: only a recursion overflows
  frame_rbp_ = 0;
  const uint32_t mean_locals = params_.frame_bytes / 8 > 2 ? params_.frame_bytes / 8 - 2 : 0;
  auto frames = [&](uint32_t n) {
    for (uint32_t i = 0; i < n && cursor_ > floor_; ++i)
      push_frame(static_cast<uint32_t>(rng_.below(2 * uint64_t{mean_locals} + 1)));
  };
  if (s.user_entry) push_pt_regs(true);
  frames(s.outer + (s.nested ? 0 : extra_frames));
  if (s.nested) {
    push_pt_regs(false);
    frames(s.inner + extra_frames);
  }
  rsp_ = base_ + cursor_ * 8;
  rbp_ = frame_rbp_;
}

void KernelStack::write_recursion(double depth_bytes) {
  cursor_ = words_.size();
  const bool through = depth_bytes >= static_cast<double>(params_.stack_bytes);
  floor_ = through ? 0 : 1;
  frame_rbp_ = 0;
  const uint32_t locals = params_.frame_bytes / 8 > 2 ? params_.frame_bytes / 8 - 2 : 0;
  const auto want = static_cast<size_t>(std::min(depth_bytes, static_cast<double>(params_.stack_bytes)) / 8.0);
  push_pt_regs(true);
  while (cursor_ > floor_ && words_.size() - cursor_ < want) push_frame(locals);
  rsp_ = base_ + cursor_ * 8;
  rbp_ = frame_rbp_;
}

void KernelStack::set_recursion(uint64_t target_bytes, double seconds) {
  if (!params_.enabled || overflowed_) return;
  if (target_bytes == 0) {
    recursion_bytes_ = recursion_rate_ = recursion_target_ = 0.0;
    return;
  }
  // It starts where a system call's chain ends, or where it already is.
  const double start = std::max(recursion_bytes_, 8.0 * (kPtRegsWords + params_.syscall_frames * (params_.frame_bytes / 8)));
  recursion_target_ = static_cast<double>(target_bytes);
  if (seconds > 0.0 && recursion_target_ > start) {
    recursion_bytes_ = start;
    recursion_rate_ = (recursion_target_ - start) / seconds;
  } else {
    recursion_bytes_ = recursion_target_;
    recursion_rate_ = 0.0;
  }
  recursion_peak_ = std::max(recursion_peak_, recursion_bytes_);
}

double KernelStack::seconds_to_overflow() const {
  // Overflowing is pushing past end_of_stack: one word beyond a full stack
  // (a recursion that just fills it has clobbered the magic; its next push,
  // or a fault taken there, hits the guard page: recursion_fills_stack()).
  const auto size = static_cast<double>(params_.stack_bytes) + 8.0;
  if (overflowed_ || recursion_target_ < size) return std::numeric_limits<double>::infinity();
  if (recursion_bytes_ >= size) return 0.0;
  return recursion_rate_ > 0.0 ? (size - recursion_bytes_) / recursion_rate_ : std::numeric_limits<double>::infinity();
}

bool KernelStack::recursion_fills_stack() const {
  // Half a byte absorbs the rounding of a deadline to whole nanoseconds.
  return !overflowed_ && recursion_target_ > 0.0 && recursion_bytes_ >= static_cast<double>(params_.stack_bytes) - 0.5;
}

uint64_t KernelStack::overflow() {
  write_recursion(static_cast<double>(params_.stack_bytes));
  overflowed_ = true;
  recursion_bytes_ = recursion_rate_ = recursion_target_ = recursion_peak_ = 0.0;
  flush();
  return base_ - 8;  // the push below end_of_stack: the guard page
}

void KernelStack::flush() {
  if (memory_ != nullptr && dirty_hi_ > dirty_lo_) {
    const auto bytes = image().subspan(dirty_lo_ * 8, (dirty_hi_ - dirty_lo_) * 8);
    memory_->write_kernel_memory(base_ + dirty_lo_ * 8, bytes);
  }
  dirty_lo_ = words_.size();
  dirty_hi_ = 0;
}

}  // namespace crashtwin
