// A small simulated board for capture and dump-reader tests: DRAM with a
// crash region, 4 cores whose register files point at a stack and code page,
// DIMM 1 with an error log holding an uncorrectable error at kBadAddress, a disk and a NIC with queue state, metric
// values, and a precursor sensor history; a kernel log ring, page tables
// that map kBadAddress from every core's cr3, and driver queues, where
// facts() says they are (tests/support/capture_board_layout.h).
#pragma once

#include <cstring>
#include <vector>

#include "platform/capture/catalog.h"
#include "platform/capture/memory_error_log.h"
#include "platform/capture/register_file.h"
#include "platform/cper/vendor_sections.h"
#include "tests/support/capture_board_layout.h"
#include "tests/support/memory_hal.h"

namespace crashtwin::test_board {

inline constexpr uint64_t kDramBase = 0x0;
inline constexpr uint64_t kDramBytes = 4 << 20;
inline constexpr uint64_t kRegionBase = 0x200000;
inline constexpr uint64_t kRegionBytes = 1 << 20;

// Encoded by the format's own encoder, as the CPU model does: a fixture
// that lays the bytes out by hand can agree with a wrong reader.
inline CoreRegisterFile registers_for(uint16_t core) {
  CoreRegisterFile r;
  r.core = core;
  for (uint8_t g = 0; g < 16; ++g) r.gpr[g] = 0x1000u * g + core;
  r.gpr[Gpr::rsp] = kStackTop + uint64_t{kStackBytes} * core - 0x200 * (core + 1);
  r.rip = kRip + core;
  r.cr2 = kBadAddress;
  r.cr3 = kPageTables + kPageTableStride * core;
  r.cs = 0x10;
  r.ss = 0x18;
  r.tr = 0x40;
  r.gdtr_base = 0x1400000 + 0x1000u * core;
  r.gdtr_limit = 127;
  r.cpuid1 = {0x000606A6, (uint32_t{core} << 24) | 0x00040800, 0x7FFEFBFF, 0xBFEBFBFF};
  return r;
}

inline std::vector<std::byte> register_file_for(uint16_t core) {
  std::vector<std::byte> regs(kRegisterFileBytes);
  (void)encode_register_file(registers_for(core), regs);
  return regs;
}

// DIMM 1's memory-controller log (platform/capture/memory_error_log.h): one
// uncorrectable error at kBadAddress, where the DIMM geometry puts it;
// kErrorLogBytes long like DIMM 0's (whose bytes are no log at all).
inline constexpr MemoryErrorLogEntry kDimm1Error{6'400'000'000ull, kBadAddress, 1, 1, 5, true, 0x12345, 77, 0xBEEF};

inline std::vector<std::byte> dimm1_error_log() {
  std::vector<std::byte> log(kErrorLogBytes);
  log[0] = log[4] = std::byte{1};  // one entry, one error logged
  encode_error_log_entry(kDimm1Error, std::span(log).subspan(kErrorLogHeaderBytes, kErrorLogEntryBytes));
  return log;
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
    write_page_walk(hal.memory(), registers_for(core).cr3, kBadAddress);
  }
  hal.set_state(ComponentId{ComponentClass::memory, 0}, StateKind::error_log,
                std::vector<std::byte>(kErrorLogBytes, std::byte{0xE0}));
  hal.set_state(ComponentId{ComponentClass::memory, 1}, StateKind::error_log, dimm1_error_log());
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
