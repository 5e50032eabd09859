// The selective-capture catalog: for each error type, the sections a useful
// crash record needs, in priority order, each with a size formula. The
// capture manifest is not listed: every record starts with it.
//
// Size formulas (body bytes of one section; docs/capture-needs.md says
// where every default comes from):
//   processor_error  192 (UEFI processor generic)
//   processor_ia32x64 64 + 64 + (16 + 244), + (16 + 8) + (16 + 24) with
//                    plan.count = 1 (UEFI IA32/X64: header, one error
//                    information structure, the x64 register state; with
//                    MCA, IA32_MCG_STATUS and bank 0's STATUS/ADDR/MISC)
//   nvme_status      16 (vendor: NVMe completion status)
//   register_file    cpu_cores * (8 + register_file_bytes(mca_banks_per_core))
//                    (every core: general, control and MCA bank registers)
//   stack_snapshot   24 + plan.bytes              (bytes above the stack pointer)
//   code_page        24 + plan.bytes              (the page around the IP)
//   memory_error     80 (UEFI platform memory error)
//   memory_rows      24 + memory_snapshot_rows * memory_row_bytes
//   error_history    8 + facts.error_log_bytes
//   sensor_history   16 + 24 * facts.sensor_history_entries
//   core_power       16 + 24 * 2 * facts.cpu_cores (power and temperature per core)
//   pcie_error       208 (UEFI PCIe error)
//   io_queue_state   8 + facts.queue_state_bytes
//   kernel_log       24 + log_buf_len
//   kernel_stacks    cpu_cores * (24 + kernel_stack_bytes)
//   page_tables      page_table_levels * (24 + 4096)
//   device_queues    disk: nvme_queues * (2 * 24 + nvme_queue_depth * (64 + 16))
//                    NIC:  nic_rings * (24 + nic_ring_descriptors * 16)
// A record adds 128 bytes of header and 72 per section, manifest included.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/capture/register_file.h"
#include "platform/core/types.h"
#include "platform/cper/capture_manifest.h"
#include "platform/cper/guid.h"
#include "platform/cper/processor_ia32x64.h"
#include "platform/cper/record.h"

namespace crashtwin {

inline constexpr size_t kMaxPlanSections = 7;
// Largest device state block (error log, queue state, one core's register
// file) capture reads.
inline constexpr uint32_t kMaxStateBlockBytes = 4096;
inline constexpr uint32_t kPageBytes = 4096;  // x86-64 base page
inline constexpr uint32_t kCodePageBytes = kPageBytes;
inline constexpr uint32_t kStackSnapshotBytes = 4096;
// NVMe base specification: a submission queue entry is 64 bytes, a
// completion queue entry 16 (the sizes Linux programs in CC.IOSQES/IOCQES).
inline constexpr uint32_t kNvmeSqEntryBytes = 64;
inline constexpr uint32_t kNvmeCqEntryBytes = 16;
// NIC descriptor: 16 bytes (Intel 82599/E810 advanced descriptors, the
// common layout of server NICs' rings).
inline constexpr uint32_t kNicDescriptorBytes = 16;
static_assert(register_file_bytes(kMaxMcaBanks) <= kMaxStateBlockBytes, "one core's registers fit a state block");

struct SectionPlan {
  cper::CaptureSource source = cper::CaptureSource::processor_error;
  uint16_t priority = 0;  // lower is more important; a catalog entry lists ascending priorities
  uint32_t bytes = 0;     // formula parameter (see above); 0 where unused
  uint32_t count = 0;     // formula parameter (rows; MCA MSRs); 0 where unused
};

// Body bytes of the IA32/X64 section capture writes (formula above).
inline constexpr uint64_t ia32x64_section_bytes(bool with_mca) {
  return cper::kIa32X64HeaderBytes + cper::kIa32X64ErrorInfoBytes +
         cper::ia32x64_context_bytes(cper::kX64RegisterStateBytes) +
         (with_mca ? cper::ia32x64_context_bytes(8) + cper::ia32x64_context_bytes(3 * 8) : 0);
}

struct CatalogEntry {
  ErrorType type = ErrorType::page_fault;
  cper::Severity severity = cper::Severity::fatal;
  cper::Guid notification_type;
  uint8_t section_count = 0;
  SectionPlan sections[kMaxPlanSections];
};

// Facts about the board and its operating system the size formulas depend
// on. The runner builds them from the board and the scenario's `capture:`
// section (scenarios/schema/capture_params.h lists each with its default and
// source); the agent captures with the same facts the policies plan with.
struct BoardFacts {
  uint32_t cpu_cores = 1;
  uint32_t mca_banks_per_core = 20;         // IA32_MCG_CAP.Count of the board's cores
  uint32_t numa_nodes = 1;                  // NUMA nodes the DIMMs are split over, evenly in DIMM order
  uint64_t log_buf_len = 1ull << 20;        // printk ring (log_buf_len=1M)
  uint64_t log_buf_address = 0;             // where the kernel keeps it (physical)
  uint32_t kernel_stack_bytes = 16 * 1024;  // THREAD_SIZE on x86-64
  uint32_t memory_snapshot_rows = 3;        // DRAM rows around a failing address
  uint32_t memory_row_bytes = 8192;         // DDR4 rank row (page) size
  uint32_t page_table_levels = 4;           // x86-64 4-level paging
  uint32_t nvme_queues = 8;                 // I/O queue pairs of one NVMe controller
  uint32_t nvme_queue_depth = 1024;         // entries per queue (Linux nvme io_queue_depth)
  uint32_t nic_rings = 16;                  // descriptor rings of one NIC (8 RX + 8 TX)
  uint32_t nic_ring_descriptors = 1024;     // descriptors per ring
  uint64_t device_queue_address = 0;        // host memory of disk 0's queues (then disks, then NICs)
  uint32_t error_log_bytes = kMaxStateBlockBytes;
  uint32_t queue_state_bytes = kMaxStateBlockBytes;
  uint32_t sensor_history_entries = 64;
};

// Bytes of host memory the driver of one disk / one NIC keeps its queues in
// (what a device_queues section snapshots), and where instance `instance`
// of `cls` has them: disks first, then NICs, each block 4 KiB aligned.
uint64_t device_queue_bytes(ComponentClass cls, const BoardFacts& facts);
uint64_t device_queue_address(ComponentId device, uint32_t disks, const BoardFacts& facts);
// Bytes of the whole device queue area for `disks` disks and `nics` NICs.
uint64_t device_queue_area_bytes(uint32_t disks, uint32_t nics, const BoardFacts& facts);

const CatalogEntry& catalog_entry(ErrorType type);

// Body bytes of one planned section under `facts` (formulas above). The
// class of the failed component chooses the device queues' formula.
uint64_t section_body_bytes(const SectionPlan& plan, const BoardFacts& facts,
                            ComponentClass cls = ComponentClass::disk);

// Bytes of the whole record a full capture of `type` writes: record header,
// manifest, every planned section, and their descriptors. This is the
// "needed bytes" of a failure (completeness = captured / needed).
uint64_t needed_bytes(ErrorType type, const BoardFacts& facts);

}  // namespace crashtwin
