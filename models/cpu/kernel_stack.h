// The kernel stack of one core: THREAD_SIZE bytes whose contents follow what
// the core does, written into the host's DRAM at kernel_layout.h's stack
// area so a crash capture reads a real, walkable stack.
//
// Depth. A core is in one of the kernel's paths, each a base chain of
// frames plus a geometric tail of deeper calls (mean `extra_frames_mean`):
//   system call  pt_regs (user entry) + syscall_frames        (busy share)
//   idle loop    idle_frames                                (idle share)
//   exception    pt_regs + exception_frames, on top of a system call's
//                chain when it arrives while the core is busy
//   interrupt    pt_regs + interrupt_frames on this stack (the handler
//                itself runs on the per-CPU hardirq stack, as on x86-64
//                since 5.8), on top of a system call or the idle loop
// Kernel entries arrive as Poisson streams: system calls at utilisation x
// kernel_entry_rate, exceptions and interrupts at the phase's rates. The
// model is sampled, not per entry: between two realisations it only
// integrates the expected entries of each path; a realisation then draws
// the deepest path of the interval in O(depth) from the exact law of the
// maximum of a Poisson number of draws (P(max <= d) = exp(-sum_j L_j
// P(D_j > d))), writes it, and writes the path running now over it. What
// the deepest path left below the current one stays (a stack is not cleared
// on return), which is what CONFIG_DEBUG_STACK_USAGE's scan measures.
//
// Frames. Each frame is a return address into the kernel text (code_base,
// code_size), the caller's rbp (the chain a frame-pointer unwinder walks)
// and its locals (random words, mean frame `frame_bytes`). pt_regs is 21
// words: the user context at the top of a system call, the interrupted
// kernel context (cs __KERNEL_CS, rip, rsp) for a nested entry. The lowest
// word holds STACK_END_MAGIC from boot; the rest starts zeroed.
//
// Overflow. A runaway recursion (a scenario `stack_recursion` precursor)
// grows one path linearly, one `frame_bytes` frame after another, to a
// target depth at a target time. When it reaches THREAD_SIZE it has
// overwritten STACK_END_MAGIC, and its next push hits the guard page below
// the stack (VMAP_STACK): the page fault the CPU cannot deliver on the
// stack becomes Linux's "kernel stack overflow" (handle_stack_overflow from
// the double-fault handler). overflow() writes that state and returns the
// faulting address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "models/config/params.h"
#include "models/core/rng.h"
#include "models/cpu/kernel_layout.h"
#include "platform/capture/stack_usage.h"

namespace crashtwin {

// Where a stack's bytes go: the host kernel's stores into DRAM.
class KernelMemory {
 public:
  virtual ~KernelMemory() = default;
  virtual void write_kernel_memory(uint64_t physical_address, std::span<const std::byte> bytes) = 0;
};

struct KernelStackParams {
  bool enabled = true;                // false: no stack contents (rsp at the top, nothing written)
  uint64_t stack_bytes = kernel_layout::kStackBytes;
  double kernel_entry_rate = 10000.0;  // system calls per second of a fully busy core
  uint32_t syscall_frames = 10;        // entry_SYSCALL_64 .. the deepest common frame of a system call
  uint32_t exception_frames = 6;       // exc_page_fault .. handle_mm_fault
  uint32_t interrupt_frames = 2;       // common_interrupt and the switch to the hardirq stack
  uint32_t idle_frames = 6;            // start_secondary .. cpuidle_enter_state
  double extra_frames_mean = 2.0;      // mean frames below a path's base chain (geometric)
  uint32_t frame_bytes = 96;           // mean frame: return address, saved rbp, locals
  double handler_time_s = 2e-6;        // an exception's or interrupt's time on the stack
  // A realisation less than this after the previous one keeps the stack as
  // it is: the register reads of one capture (microseconds apart) see one
  // stack, as after Linux stops the other CPUs for a crash dump.
  double sample_period_s = 1e-3;
  uint64_t code_base = kernel_layout::kCodeOffset;  // kernel text the return addresses point into
  uint64_t code_size = kernel_layout::kCodeBytes;
};

// Board parameters (board.<cpu>.stack.*), each KernelStackParams field of
// the same name: enabled, kernel_entry_rate, syscall_frames,
// exception_frames, interrupt_frames, idle_frames, extra_frames_mean,
// frame_bytes, handler_time, sample_period. The stack's size is THREAD_SIZE
// (kernel_layout.h), the kernel's, not a parameter.
KernelStackParams read_kernel_stack_params(const ParamScope& scope);

// What the core does, for the depth law.
struct KernelStackLoad {
  double utilization = 0.0;
  double exception_rate = 0.0;
  double interrupt_rate = 0.0;
};

class KernelStack {
 public:
  // `base`: physical address of the stack's lowest byte (end_of_stack()).
  KernelStack(uint64_t base, const KernelStackParams& params, RngStream rng);

  // Writes the whole image to `memory` now, and every change from then on.
  void attach(KernelMemory* memory);

  // `seconds` of `load` since the last call (the expected entries of each
  // path), and the recursion's growth.
  void advance(double seconds, const KernelStackLoad& load);
  // The deepest path since the last realisation, then the path running now
  // under `load`; rsp and rbp follow. Nothing within sample_period_s of
  // the last one.
  void realise(const KernelStackLoad& load);

  // Runaway recursion: from now the recursion's path grows linearly to
  // `target_bytes` of stack in `seconds` (at once when 0); 0 bytes: none
  // (what it wrote stays).
  void set_recursion(uint64_t target_bytes, double seconds);
  // Seconds until the recursion pushes past THREAD_SIZE (infinity: never),
  // and whether it fills the stack now (a fault taken now is the overflow).
  double seconds_to_overflow() const;
  bool recursion_fills_stack() const;
  // The recursion pushes past the bottom: its path is written down to
  // end_of_stack (the magic overwritten), rsp at the bottom. Returns the
  // address of the failed push, in the guard page.
  uint64_t overflow();
  bool overflowed() const { return overflowed_; }
  // A reboot (the core's warm reset): a fresh zeroed stack with its magic,
  // the idle task on it; the recursion gone.
  void reboot();

  uint64_t base() const { return base_; }
  uint64_t top() const { return base_ + params_.stack_bytes; }
  uint64_t rsp() const { return rsp_; }
  uint64_t rbp() const { return rbp_; }
  uint64_t depth_bytes() const { return top() - rsp_; }
  // The stack as Linux reads it (platform/capture/stack_usage.h).
  StackUsage usage() const { return stack_usage(image()); }
  std::span<const std::byte> image() const { return std::as_bytes(std::span(words_)); }
  uint64_t realisations() const { return realisations_; }

 private:
  enum Path : uint8_t { syscall, idle, exception_user, exception_nested, interrupt_idle, interrupt_nested, kPaths };
  struct Shape {
    bool user_entry = false;   // pt_regs of the user context at the top
    uint32_t outer = 0;        // frames of the outer chain
    bool nested = false;       // an exception/interrupt's pt_regs, then...
    uint32_t inner = 0;        // ...its frames
  };
  Shape shape(Path p) const;
  uint32_t geometric();
  void write_path(Shape shape, uint32_t extra_frames);
  void write_recursion(double depth_bytes);
  void push(uint64_t word);
  void push_frame(uint32_t local_words);
  void push_pt_regs(bool user);
  void flush();

  uint64_t base_;
  KernelStackParams params_;
  RngStream rng_;
  std::vector<uint64_t> words_;  // index 0 = lowest address
  KernelMemory* memory_ = nullptr;
  size_t cursor_ = 0;                        // word index of the last push
  size_t floor_ = 1;                         // lowest word a push may write
  uint64_t frame_rbp_ = 0;                   // rbp of the innermost frame pushed
  size_t dirty_lo_ = 0, dirty_hi_ = 0;       // words changed since the last flush
  double expected_[kPaths] = {};             // entries of each path since the last realisation
  double since_realised_s_ = 0.0;
  double recursion_bytes_ = 0.0;             // the recursion's depth now (0: none)
  double recursion_rate_ = 0.0;              // bytes per second
  double recursion_target_ = 0.0;
  double recursion_peak_ = 0.0;              // deepest since the last realisation
  uint64_t rsp_ = 0, rbp_ = 0;
  bool overflowed_ = false;
  uint64_t realisations_ = 0;
};

}  // namespace crashtwin
