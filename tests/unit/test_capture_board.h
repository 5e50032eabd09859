// A small simulated board for capture and dump-reader tests: DRAM with a
// crash region, 4 cores whose register files point at a stack and code page,
// one DIMM with an error log, a disk and a NIC with queue state, metric
// values, and a precursor sensor history; a kernel log ring, page tables
// that map kBadAddress from every core's cr3, and driver queues, where
// facts() says they are.
#pragma once

#include <cstring>
#include <vector>

#include "platform/capture/catalog.h"
#include "platform/capture/register_file.h"
#include "platform/cper/vendor_sections.h"
#include "tests/support/memory_hal.h"

namespace crashtwin::test_board {

inline constexpr uint64_t kDramBase = 0x0;
inline constexpr uint64_t kDramBytes = 4 << 20;
inline constexpr uint64_t kRegionBase = 0x200000;
inline constexpr uint64_t kRegionBytes = 1 << 20;
inline constexpr uint64_t kStackTop = 0x10000;  // core 0's; core i's is i * kStackBytes higher
inline constexpr uint32_t kStackBytes = 16 * 1024;
inline constexpr uint64_t kPageTables = 0x100000;  // core i's cr3: + i * 16 KiB
inline constexpr uint64_t kLogBase = 0x120000;
inline constexpr uint64_t kLogBytes = 64 * 1024;
inline constexpr uint64_t kQueueBase = 0x140000;
inline constexpr uint64_t kRip = 0x20123;
inline constexpr uint64_t kBadAddress = 0x40000 + 0x1238;
inline constexpr uint32_t kCores = 4;
inline constexpr size_t kErrorLogBytes = 600;
inline constexpr size_t kQueueStateBytes = 900;

// Encoded by the format's own encoder, as the CPU model does: a fixture
// that lays the bytes out by hand can agree with a wrong reader.
inline CoreRegisterFile registers_for(uint16_t core) {
  CoreRegisterFile r;
  r.core = core;
  for (uint8_t g = 0; g < 16; ++g) r.gpr[g] = 0x1000u * g + core;
  r.gpr[Gpr::rsp] = kStackTop + uint64_t{kStackBytes} * core - 0x200 * (core + 1);
  r.rip = kRip + core;
  r.cr2 = kBadAddress;
  r.cr3 = kPageTables + 0x4000 * core;
  return r;
}

// Sizes of this board small enough for its 4 MiB of DRAM; one MCA bank per
// core (the register files above are the fixed part only).
inline BoardFacts facts(uint32_t sensor_history_entries) {
  BoardFacts f;
  f.cpu_cores = kCores;
  f.mca_banks_per_core = 1;
  f.log_buf_len = kLogBytes;
  f.log_buf_address = kLogBase;
  f.kernel_stack_bytes = kStackBytes;
  f.nvme_queues = 2;
  f.nvme_queue_depth = 64;
  f.nic_rings = 2;
  f.nic_ring_descriptors = 64;
  f.device_queue_address = kQueueBase;
  f.error_log_bytes = kErrorLogBytes;
  f.queue_state_bytes = kQueueStateBytes;
  f.sensor_history_entries = sensor_history_entries;
  return f;
}

// A 4-level walk of `address` from `cr3`: PML4, PDPT, PD and PT on the four
// pages from cr3 up, the last entry mapping the address's own frame.
inline void write_page_walk(MemoryHal& hal, uint64_t cr3, uint64_t address) {
  auto mem = hal.memory();
  for (uint64_t level = 4; level >= 1; --level) {
    const uint64_t table = cr3 + (4 - level) * 4096;
    const uint64_t index = (address >> (12 + 9 * (level - 1))) & 511;
    const uint64_t entry = (level == 1 ? address & ~uint64_t{4095} : table + 4096) | 0x3;
    for (size_t b = 0; b < 8; ++b) mem[table + index * 8 + b] = static_cast<std::byte>((entry >> (8 * b)) & 0xFF);
  }
}

inline std::vector<std::byte> register_file_for(uint16_t core) {
  std::vector<std::byte> regs(kRegisterFileBytes);
  (void)encode_register_file(registers_for(core), regs);
  return regs;
}

inline void populate(MemoryHal& hal) {
  hal.set_time_ns(7'000'000'000ull);
  hal.set_component_count(ComponentClass::cpu, kCores);
  hal.set_component_count(ComponentClass::memory, 2);
  hal.set_component_count(ComponentClass::disk, 1);
  hal.set_component_count(ComponentClass::network, 1);
  auto mem = hal.memory();
  for (size_t i = 0; i < kRegionBase; ++i) mem[i] = static_cast<std::byte>(i * 7 + (i >> 9));
  for (uint16_t core = 0; core < kCores; ++core) {
    const ComponentId id{ComponentClass::cpu, core};
    hal.set_state(id, StateKind::register_file, register_file_for(core));
    hal.set_metric(id, Metric::cpu_power, 15000 + core);
    hal.set_metric(id, Metric::cpu_temperature, 60000 + 1000 * core);
    write_page_walk(hal, registers_for(core).cr3, kBadAddress);
  }
  for (uint16_t dimm = 0; dimm < 2; ++dimm) {
    hal.set_state(ComponentId{ComponentClass::memory, dimm}, StateKind::error_log,
                  std::vector<std::byte>(kErrorLogBytes, std::byte{0xE0}));
  }
  hal.set_state(ComponentId{ComponentClass::disk, 0}, StateKind::queue_state,
                std::vector<std::byte>(kQueueStateBytes, std::byte{0xD0}));
  hal.set_state(ComponentId{ComponentClass::network, 0}, StateKind::queue_state,
                std::vector<std::byte>(kQueueStateBytes, std::byte{0xC0}));
}

inline std::vector<SensorReading> history(size_t n) {
  std::vector<SensorReading> readings;
  for (size_t i = 0; i < n; ++i) {
    readings.push_back(SensorReading{1'000'000ull * i, ComponentId{ComponentClass::cpu, static_cast<uint16_t>(i % kCores)},
                                     Metric::cpu_temperature, 50000 + 100 * i});
  }
  return readings;
}

// The component each error type is injected on in these tests.
inline ErrorEvent event_for(ErrorType type, uint64_t time_ns = 6'500'000'000ull) {
  ErrorEvent e;
  e.type = type;
  e.time_ns = time_ns;
  e.component = ComponentId{component_class_of(type), 1};
  if (e.component.cls == ComponentClass::disk || e.component.cls == ComponentClass::network) e.component.instance = 0;
  e.address = kBadAddress;
  e.detail = 0xBAD;
  return e;
}

}  // namespace crashtwin::test_board
