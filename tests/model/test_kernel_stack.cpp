// The kernel stack model (models/cpu/kernel_stack.h), Linux's reading of a
// stack (platform/capture/stack_usage.h), and the BMC side reading a
// captured record (platform/capture/captured_stacks.h): the figures the
// model computes are the ones the record gives back. No SystemC.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "models/cpu/kernel_stack.h"
#include "platform/capture/capture.h"
#include "platform/capture/captured_stacks.h"
#include "platform/capture/register_file.h"
#include "tests/model/strict_systemc.h"
#include "tests/support/memory_hal.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kStack = 16 * 1024;
constexpr uint64_t kStackBase = 1ull << 20;  // core i's stack at kStackBase + i * kStack
constexpr uint64_t kCodeBase = 2ull << 20, kCodeBytes = 1ull << 20;

KernelStackParams params() {
  KernelStackParams p;
  p.code_base = kCodeBase;
  p.code_size = kCodeBytes;
  return p;
}

const KernelStackLoad kBusy{0.9, 2000.0, 20000.0};
const KernelStackLoad kIdle{0.0, 0.0, 100.0};

std::vector<std::byte> words(std::initializer_list<std::pair<size_t, uint64_t>> set, size_t bytes = kStack) {
  std::vector<std::byte> s(bytes);
  for (auto [offset, value] : set)
    for (size_t i = 0; i < 8; ++i) s[offset + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
  return s;
}

// Where the host kernel's stores go, here a plain byte array from address 0.
struct Memory final : KernelMemory {
  std::vector<std::byte> bytes = std::vector<std::byte>(4ull << 20);
  uint64_t writes = 0;
  void write_kernel_memory(uint64_t address, std::span<const std::byte> b) override {
    std::memcpy(bytes.data() + address, b.data(), b.size());
    ++writes;
  }
  std::span<const std::byte> at(uint64_t address, size_t n) const { return std::span(bytes).subspan(address, n); }
};

}  // namespace

TEST_CASE("stack_usage reads a stack as stack_not_used and end_of_stack do", "[kernel_stack]") {
  const StackUsage unused = stack_usage(words({{0, kStackEndMagic}}));
  CHECK(unused.magic_intact);
  CHECK(unused.used_bytes == 0);
  // The first non-zero word above the magic marks the deepest use.
  const StackUsage used = stack_usage(words({{0, kStackEndMagic}, {800, 1}, {9000, 5}}));
  CHECK(used.magic_intact);
  CHECK(used.used_bytes == kStack - 800);
  const StackUsage clobbered = stack_usage(words({{0, 0xFFFFFFFF81000000ull}, {8, 7}}));
  CHECK_FALSE(clobbered.magic_intact);
  CHECK(clobbered.used_bytes == kStack - 8);
}

TEST_CASE("walk_stack_frames follows the rbp chain and stops where it leaves the stack", "[kernel_stack]") {
  const uint64_t base = 0x10000;
  // Innermost frame at 0x100 -> 0x400 -> 0x3F00 -> 0 (end).
  const auto s = words({{0x100, base + 0x400}, {0x108, 0xA1}, {0x400, base + 0x3F00}, {0x408, 0xA2},
                        {0x3F00, 0}, {0x3F08, 0xA3}});
  StackFrame frames[8];
  REQUIRE(walk_stack_frames(s, base, base + 0x100, frames) == 3);
  CHECK(frames[0].return_address == 0xA1);
  CHECK(frames[1].return_address == 0xA2);
  CHECK(frames[2].return_address == 0xA3);
  CHECK(frames[2].frame_address == base + 0x3F00);
  CHECK(walk_stack_frames(s, base, base + 0x101, frames) == 0);  // misaligned
  CHECK(walk_stack_frames(s, base, base - 8, frames) == 0);      // below the stack
}

TEST_CASE("a modelled stack is walkable: magic at the bottom, rsp and rbp in its frames", "[kernel_stack]") {
  KernelStack stack(kStackBase, params(), RngStream(7, "core0.kernel_stack"));
  for (int i = 0; i < 50; ++i) {
    stack.advance(0.1, kBusy);
    stack.realise(kBusy);
    INFO("realisation " << i);
    CHECK(stack.rsp() % 8 == 0);
    CHECK(stack.rsp() > stack.base());
    CHECK(stack.rsp() < stack.top());
    CHECK(stack.depth_bytes() == stack.top() - stack.rsp());
    const StackUsage u = stack.usage();
    CHECK(u.magic_intact);
    CHECK(u.used_bytes >= stack.depth_bytes());
    StackFrame frames[64];
    const size_t n = walk_stack_frames(stack.image(), stack.base(), stack.rbp(), frames);
    REQUIRE(n >= 1);
    CHECK(frames[0].frame_address >= stack.rsp());
    for (size_t f = 0; f < n; ++f) {
      CHECK(frames[f].return_address >= kCodeBase);
      CHECK(frames[f].return_address < kCodeBase + kCodeBytes);
    }
  }
}

TEST_CASE("the high-water mark only rises, and rises with time and load", "[kernel_stack]") {
  auto high_water = [](double seconds, KernelStackLoad load, uint64_t seed) {
    KernelStack stack(kStackBase, params(), RngStream(seed));
    uint64_t previous = 0;
    for (int i = 0; i < 10; ++i) {
      stack.advance(seconds / 10, load);
      stack.realise(load);
      CHECK(stack.usage().used_bytes >= previous);
      previous = stack.usage().used_bytes;
    }
    return static_cast<double>(previous);
  };
  double idle_short = 0, busy_short = 0, busy_long = 0;
  constexpr int kRuns = 40;
  for (int s = 0; s < kRuns; ++s) {
    idle_short += high_water(1e-2, kIdle, 100 + s) / kRuns;
    busy_short += high_water(1e-2, kBusy, 200 + s) / kRuns;
    busy_long += high_water(3600.0, kBusy, 300 + s) / kRuns;
  }
  CHECK(idle_short < busy_short);
  CHECK(busy_short < busy_long);
  // A day's worth of a busy core stays far from THREAD_SIZE with the defaults.
  CHECK(busy_long < 0.5 * kStack);
}

TEST_CASE("reads within the sample period see one stack", "[kernel_stack]") {
  KernelStack stack(kStackBase, params(), RngStream(5));
  stack.advance(1.0, kBusy);
  stack.realise(kBusy);
  const uint64_t rsp = stack.rsp(), rbp = stack.rbp(), realised = stack.realisations();
  const std::vector<std::byte> before(stack.image().begin(), stack.image().end());
  for (int i = 0; i < 10; ++i) {  // a capture's register reads, 100 ns apart
    stack.advance(100e-9, kBusy);
    stack.realise(kBusy);
  }
  CHECK(stack.realisations() == realised);
  CHECK(stack.rsp() == rsp);
  CHECK(stack.rbp() == rbp);
  CHECK(std::equal(before.begin(), before.end(), stack.image().begin()));
  stack.advance(1e-3, kBusy);
  stack.realise(kBusy);
  CHECK(stack.realisations() == realised + 1);
}

TEST_CASE("the same seed gives the same stack bytes", "[kernel_stack]") {
  KernelStack a(kStackBase, params(), RngStream(42)), b(kStackBase, params(), RngStream(42));
  for (int i = 0; i < 5; ++i) {
    a.advance(1.0, kBusy);
    b.advance(1.0, kBusy);
    a.realise(kBusy);
    b.realise(kBusy);
  }
  CHECK(std::equal(a.image().begin(), a.image().end(), b.image().begin()));
  CHECK(a.rsp() == b.rsp());
}

TEST_CASE("a recursion that fills the stack overwrites the magic and faults in the guard page", "[kernel_stack]") {
  Memory memory;
  KernelStack stack(kStackBase, params(), RngStream(3));
  stack.attach(&memory);
  // Reaching exactly THREAD_SIZE: the stack is full, the next push overflows.
  stack.set_recursion(kStack, 10.0);
  CHECK(std::isinf(stack.seconds_to_overflow()));
  stack.advance(5.0, kBusy);
  stack.realise(kBusy);
  CHECK_FALSE(stack.recursion_fills_stack());
  CHECK(stack.usage().magic_intact);
  CHECK(stack.usage().used_bytes >= kStack / 2);
  stack.advance(5.0, kBusy);
  REQUIRE(stack.recursion_fills_stack());
  const uint64_t guard = stack.overflow();
  CHECK(guard == kStackBase - 8);
  CHECK(stack.overflowed());
  CHECK(stack.rsp() == kStackBase);
  CHECK_FALSE(stack.usage().magic_intact);
  CHECK(stack.usage().used_bytes == kStack - 8);
  // What the host kernel stored is the model's image.
  const auto stored = memory.at(kStackBase, kStack);
  CHECK(std::equal(stored.begin(), stored.end(), stack.image().begin()));
  CHECK_FALSE(stack_usage(stored).magic_intact);

  // Past THREAD_SIZE: the model knows when it overflows on its own.
  KernelStack deeper(kStackBase, params(), RngStream(4));
  deeper.set_recursion(2 * kStack, 10.0);
  const double t = deeper.seconds_to_overflow();
  CHECK(t > 4.0);
  CHECK(t < 5.5);
  deeper.advance(t, kBusy);
  CHECK(deeper.recursion_fills_stack());
}

TEST_CASE("disabled, the stack has no contents and rsp stays at the top", "[kernel_stack]") {
  KernelStackParams p = params();
  p.enabled = false;
  Memory memory;
  KernelStack stack(kStackBase, p, RngStream(1));
  stack.attach(&memory);
  stack.advance(100.0, kBusy);
  stack.realise(kBusy);
  stack.set_recursion(kStack, 1.0);
  CHECK(memory.writes == 0);
  CHECK(stack.rsp() == stack.top() - 8);
  CHECK(std::isinf(stack.seconds_to_overflow()));
}

TEST_CASE("the BMC reading a captured record finds the model's high-water, depth and frames", "[kernel_stack][decode]") {
  constexpr uint16_t kCores = 2;
  Memory memory;
  std::vector<KernelStack> stacks;
  for (uint16_t c = 0; c < kCores; ++c) stacks.emplace_back(kStackBase + c * kStack, params(), RngStream(c + 10));
  for (auto& s : stacks) {
    s.attach(&memory);
    s.advance(60.0, kBusy);
    s.realise(kBusy);
  }
  stacks[1].set_recursion(kStack, 1.0);
  stacks[1].advance(1.0, kBusy);
  REQUIRE(stacks[1].recursion_fills_stack());
  const uint64_t guard = stacks[1].overflow();

  MemoryHal hal(memory.bytes.size());
  hal.set_component_count(ComponentClass::cpu, kCores);
  std::memcpy(hal.memory().data(), memory.bytes.data(), memory.bytes.size());
  for (uint16_t c = 0; c < kCores; ++c) {
    CoreRegisterFile r;
    r.core = c;
    r.gpr[Gpr::rsp] = stacks[c].rsp();
    r.gpr[Gpr::rbp] = stacks[c].rbp();
    r.rip = kCodeBase + 0x100;
    r.cr2 = c == 1 ? guard : 0;
    std::vector<std::byte> block(register_file_bytes(1));
    REQUIRE(encode_register_file(r, block) == block.size());
    hal.set_state({ComponentClass::cpu, c}, StateKind::register_file, block);
  }
  BoardFacts facts;
  facts.cpu_cores = kCores;
  facts.mca_banks_per_core = 1;
  facts.log_buf_len = 4096;
  facts.log_buf_address = 0x380000;
  SliceEntry slice;
  slice.base = 3ull << 20;
  slice.size = 256 * 1024;
  std::vector<std::byte> scratch(capture_scratch_bytes(slice.size));
  const ErrorEvent event{{ComponentClass::cpu, 1}, ErrorType::page_fault, 1000, guard, 2};
  CaptureResult result;
  // Partial sections (a page walk of this bare memory ends early) still leave the stacks whole.
  const Status st = capture_error(hal, event, 1, slice, {}, scratch, result, facts);
  REQUIRE((st == Status::ok || st == Status::truncated));
  cper::RecordView view;
  REQUIRE(view.parse(hal.bytes(slice.base + result.record_offset, result.record_bytes)) == Status::ok);

  CapturedStack found[4];
  size_t count = 0;
  REQUIRE(captured_kernel_stacks(view, found, count) == Status::ok);
  REQUIRE(count == kCores);
  for (uint16_t c = 0; c < kCores; ++c) {
    INFO("core " << c);
    const CapturedStack& s = found[c];
    REQUIRE(s.core_known);
    CHECK(s.core == c);
    CHECK(s.base == stacks[c].base());
    CHECK(s.stack_bytes == kStack);
    CHECK(s.usage.used_bytes == stacks[c].usage().used_bytes);
    CHECK(s.usage.magic_intact == stacks[c].usage().magic_intact);
    CHECK(s.depth_bytes == stacks[c].depth_bytes());
    StackFrame model_frames[kMaxWalkedFrames];
    const size_t n = walk_stack_frames(stacks[c].image(), stacks[c].base(), stacks[c].rbp(), model_frames);
    REQUIRE(s.frame_count == n);
    for (size_t f = 0; f < n; ++f) CHECK(s.frames[f].return_address == model_frames[f].return_address);
  }
  CHECK_FALSE(found[0].overflowed());
  CHECK(found[1].overflowed());
  CHECK(found[1].usage.used_bytes == kStack - 8);
}
