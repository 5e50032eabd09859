#include "models/board/host_kernel.h"

#include <array>
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/cpu/cpu_cluster.h"
#include "models/dram/dram.h"

namespace crashtwin {
namespace {

namespace kl = kernel_layout;
constexpr uint64_t kHeaderBytes = 16;  // sizeof(struct printk_log)
constexpr uint64_t kLogAlign = 4;      // LOG_ALIGN with efficient unaligned access (x86)
constexpr uint8_t kLogNewline = 2;     // LOG_NEWLINE: the text ended with a newline
// Console log levels (include/linux/kern_levels.h).
constexpr uint8_t kEmerg = 0, kCrit = 2, kErr = 3, kWarning = 4, kInfo = 6;
// Page-table entry bits (Intel SDM vol. 3A, 4.5): present, writable.
constexpr uint64_t kPresent = 1, kWritable = 2;

std::string error_line(const ErrorEvent& e, uint8_t& level) {
  const unsigned n = e.component.instance;
  level = kEmerg;
  switch (e.type) {
    case ErrorType::page_fault:
      return fmt::format("BUG: unable to handle page fault for address: {:016x}", e.address);
    case ErrorType::invalid_opcode:
      return fmt::format("invalid opcode: 0000 [#1] SMP NOPTI CPU: {} RIP: 0010:{:#x}", n, e.address);
    case ErrorType::machine_check:
      return fmt::format("mce: [Hardware Error]: CPU {}: Machine Check Exception: 5 Bank 0: {:016x}", n, e.detail);
    case ErrorType::memory_uncorrectable:
      return fmt::format("EDAC MC0: 1 UE memory read error on DIMM{} (page:{:#x} offset:{:#x})", n, e.address >> 12,
                         e.address & 0xFFF);
    case ErrorType::thermal_shutdown:
      level = kCrit;
      return fmt::format("mce: CPU{}: Package temperature above threshold, cpu clock throttled", n);
    case ErrorType::disk_timeout:
      level = kWarning;
      return fmt::format("nvme nvme{}: I/O 0 QID 1 timeout, aborting", n);
    case ErrorType::disk_media_error:
      level = kErr;
      return fmt::format("critical medium error, dev nvme{}n1, sector {} op 0x0:(READ)", n, e.detail);
    case ErrorType::nic_fatal:
      level = kErr;
      return fmt::format("ice 0000:{:02x}:00.0: PCI-E link lost, Tx hang on queue 0", 0x20 + n);
    case ErrorType::watchdog_hang:
      return fmt::format("watchdog: BUG: soft lockup - CPU#{} stuck for 22s!", n);
  }
  return "unknown error";
}

}  // namespace

HostKernel::HostKernel(Board& board, uint64_t log_buf_len)
    : board_(board), dram_base_(board.dram().physical_base()), log_buf_len_(log_buf_len) {
  const uint32_t cores = board.component_count(ComponentClass::cpu);
  print(0, kInfo, "Linux version 6.1.0-crashtwin (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC");
  print(0, kInfo, fmt::format("Command line: BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 ro log_buf_len={}", log_buf_len));
  print(0, kInfo, fmt::format("log_buf_len: {} bytes", log_buf_len));
  print(0, kInfo, fmt::format("smpboot: Allowing {} CPUs, 0 hotplug CPUs", cores));
  print(0, kInfo, fmt::format("Memory: {}K available", board.dram().size() >> 10));
  for (uint32_t c = 0; c < cores; ++c) map(c, dram_base_ + kl::kCodeOffset, true);
  if (auto* cpu = dynamic_cast<CpuCluster*>(board.cpu_cluster())) cpu->attach_kernel_memory(this);
  for (uint32_t d = 0; d < board.component_count(ComponentClass::disk); ++d)
    print(0, kInfo, fmt::format("nvme nvme{}: pci function 0000:{:02x}:00.0", d, 0x10 + d));
  for (uint32_t n = 0; n < board.component_count(ComponentClass::network); ++n)
    print(0, kInfo, fmt::format("ice 0000:{:02x}:00.0: NIC Link is up 25 Gbps Full Duplex", 0x20 + n));
}

void HostKernel::write(uint64_t offset, std::span<const std::byte> bytes) { board_.dram().host_write(offset, bytes); }

void HostKernel::write_u64(uint64_t offset, uint64_t value) {
  std::array<std::byte, 8> b;
  for (size_t i = 0; i < 8; ++i) b[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
  write(offset, b);
}

void HostKernel::print(uint64_t t_ns, uint8_t level, std::string_view text) {
  const uint64_t text_len = std::min<uint64_t>(text.size(), 1024);  // LOG_LINE_MAX-ish
  const uint64_t len = (kHeaderBytes + text_len + kLogAlign - 1) / kLogAlign * kLogAlign;
  if (len + kHeaderBytes > log_buf_len_) return;  // a ring this small holds nothing
  if (next_ + len + kHeaderBytes > log_buf_len_) {
    const std::array<std::byte, kHeaderBytes> zero{};
    write(kl::kLogOffset + next_, zero);
    next_ = 0;
  }
  std::array<std::byte, kHeaderBytes> h{};
  auto put = [&](size_t at, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) h[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
  };
  put(0, t_ns, 8);
  put(8, len, 2);
  put(10, text_len, 2);
  put(12, 0, 2);                                          // dict_len
  put(14, 0, 1);                                          // facility: kernel
  put(15, kLogNewline | (uint64_t{level} & 7) << 5, 1);  // flags:5, level:3
  write(kl::kLogOffset + next_, h);
  write(kl::kLogOffset + next_ + kHeaderBytes, std::as_bytes(std::span(text.data(), text_len)));
  next_ += len;
  ++records_;
}

void HostKernel::map(uint32_t core, uint64_t address, bool present) {
  const uint64_t cr3 = dram_base_ + kl::kPageTableOffset + uint64_t{core} * kl::kPageTableBytesPerCore;
  for (uint64_t level = kl::kPageTableLevels; level >= 1; --level) {
    const uint64_t table = cr3 + (kl::kPageTableLevels - level) * kl::kPageBytes;
    const uint64_t index = (address >> (12 + 9 * (level - 1))) & 511;
    const uint64_t frame = level == 1 ? address & ~(kl::kPageBytes - 1) : table + kl::kPageBytes;
    const bool leaf_missing = level == 1 && !present;
    write_u64(table - dram_base_ + index * 8, leaf_missing ? 0 : frame | kPresent | kWritable);
  }
}

std::string HostKernel::error_line(const ErrorEvent& event) {
  uint8_t level = kEmerg;
  return crashtwin::error_line(event, level);
}

void HostKernel::write_kernel_memory(uint64_t physical_address, std::span<const std::byte> bytes) {
  write(physical_address - dram_base_, bytes);
}

bool HostKernel::hit_stack_guard(const ErrorEvent& event) const {
  if (event.type != ErrorType::page_fault || event.component.cls != ComponentClass::cpu) return false;
  const uint64_t stack = dram_base_ + kl::kStackOffset + uint64_t{event.component.instance} * kl::kStackBytes;
  return event.address < stack && stack - event.address <= kl::kPageBytes;
}

void HostKernel::on_error_raised(const ErrorEvent& event) {
  uint8_t level = kEmerg;
  if (hit_stack_guard(event)) {
    // arch/x86/kernel/traps.c handle_stack_overflow(), then die().
    const uint64_t stack = dram_base_ + kl::kStackOffset + uint64_t{event.component.instance} * kl::kStackBytes;
    print(event.time_ns, kEmerg,
          fmt::format("BUG: TASK stack guard page was hit at {:016x} (stack is {:016x}..{:016x})", event.address,
                      stack, stack + kl::kStackBytes - 1));
    print(event.time_ns, kEmerg, fmt::format("stack guard page: 0000 [#1] PREEMPT SMP NOPTI CPU: {}", event.component.instance));
    map(event.component.instance, event.address, false);
    return;
  }
  const std::string line = crashtwin::error_line(event, level);
  print(event.time_ns, level, line);
  // The walk capture reads translates the event's address (cr2 of a page
  // fault, 0 for a NULL dereference; rip of an invalid opcode).
  const bool cpu = event.component.cls == ComponentClass::cpu;
  const uint64_t address = event.address;
  if (event.type == ErrorType::memory_uncorrectable) map(0, address, true);
  // The kernel text holds the instruction that faulted (a BUG()'s UD2):
  // the opcode bytes, least significant first, at the faulting RIP. The
  // twin materialises text only where a failure makes someone read it.
  if (cpu && event.type == ErrorType::invalid_opcode && address >= dram_base_ &&
      address - dram_base_ >= kernel_layout::kCodeOffset &&
      address - dram_base_ < kernel_layout::kCodeOffset + kernel_layout::kCodeBytes) {
    std::array<std::byte, 8> opcode{};
    size_t length = 1;
    for (size_t i = 0; i < opcode.size(); ++i) {
      opcode[i] = static_cast<std::byte>((event.detail >> (8 * i)) & 0xFF);
      if (opcode[i] != std::byte{0}) length = i + 1;
    }
    write(address - dram_base_, std::span<const std::byte>(opcode.data(), length));
  }
  if (cpu && (event.type == ErrorType::page_fault || event.type == ErrorType::invalid_opcode ||
              event.type == ErrorType::machine_check))
    map(event.component.instance, address, event.type != ErrorType::page_fault);
}

}  // namespace crashtwin
