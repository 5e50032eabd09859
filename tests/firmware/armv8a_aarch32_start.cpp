// Bring-up an A-profile core needs before C++ that uses floating point or
// unaligned accesses can run; picolibc's crt0 does neither (on Cortex-M the
// FPU is enabled by crt0 and unaligned accesses to RAM work without an MMU).
//
//  - FPU/NEON: CPACR grants cp10/cp11 access, FPEXC.EN turns the unit on.
//    Without it the first floating-point instruction is undefined.
//  - MMU: with it off every access is Device/Strongly-ordered, where an
//    unaligned access faults, and GCC emits unaligned loads for ARMv8-A
//    (-munaligned-access). An identity map of 1 MiB sections makes QEMU
//    virt's RAM (0x40000000..0x7FFFFFFF) Normal write-back memory and the
//    rest Device.
//
// It runs as the first constructor: crt0 has copied .data and zeroed .bss
// (the translation table lives there) with plain aligned stores.
#include <cstdint>

namespace {

alignas(16384) uint32_t g_sections[4096];  // short-descriptor first-level table

constexpr uint32_t kSection = 0x2;
constexpr uint32_t kFullAccess = 3u << 10;                    // AP[1:0] = 0b11
constexpr uint32_t kNormalWriteBack = (1u << 12) | (1u << 3) | (1u << 2);  // TEX=001 C=1 B=1
constexpr uint32_t kSharedDevice = 1u << 2;                   // TEX=000 C=0 B=1

__attribute__((constructor(101))) void start_a_profile_core() {
  uint32_t cpacr = 0;
  asm volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
  cpacr |= 0xFu << 20;
  asm volatile("mcr p15, 0, %0, c1, c0, 2" ::"r"(cpacr));
  asm volatile("isb");
  asm volatile("vmsr fpexc, %0" ::"r"(0x4000'0000u));

  for (uint32_t i = 0; i < 4096; ++i) {
    const uint32_t base = i << 20;
    const bool ram = base >= 0x4000'0000u && base < 0x8000'0000u;
    g_sections[i] = base | kFullAccess | kSection | (ram ? kNormalWriteBack : kSharedDevice);
  }
  asm volatile("dsb");
  asm volatile("mcr p15, 0, %0, c2, c0, 2" ::"r"(0u));                                      // TTBCR: TTBR0 only
  asm volatile("mcr p15, 0, %0, c2, c0, 0" ::"r"(reinterpret_cast<uintptr_t>(g_sections)));  // TTBR0
  asm volatile("mcr p15, 0, %0, c3, c0, 0" ::"r"(1u));                                      // DACR: domain 0 client
  asm volatile("mcr p15, 0, %0, c8, c7, 0" ::"r"(0u));                                      // TLBIALL
  asm volatile("dsb");
  asm volatile("isb");
  uint32_t sctlr = 0;
  asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
  sctlr |= (1u << 0) | (1u << 2) | (1u << 12);  // MMU, data and instruction caches
  sctlr &= ~(1u << 1);                          // no alignment faults on Normal memory
  asm volatile("mcr p15, 0, %0, c1, c0, 0" ::"r"(sctlr));
  asm volatile("isb");
}

}  // namespace
