#include "platform/capture/catalog.h"

#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/processor_ia32x64.h"
#include "platform/cper/vendor_sections.h"

namespace crashtwin {
namespace {

using cper::CaptureSource;
using Src = cper::CaptureSource;

constexpr SectionPlan plan(Src source, uint16_t priority, uint32_t bytes = 0, uint32_t count = 0) {
  return SectionPlan{source, priority, bytes, count};
}

// Priorities are spaced by 10 so a platform team can insert a section between
// two without renumbering. Order within an entry = capture order.
// Every fatal error keeps the kernel log last: the story the kernel told up
// to the failure, and the largest section of most records.
constexpr CatalogEntry kCatalog[kErrorTypeCount] = {
    // page_fault: where every core was, the faulting core's code, and the
    // page-table walk that failed.
    {ErrorType::page_fault, cper::Severity::fatal, cper::guids::kNotifyNmi, 7,
     {plan(Src::processor_error, 0), plan(Src::processor_ia32x64, 5), plan(Src::register_file, 10), plan(Src::code_page, 20, kCodePageBytes),
      plan(Src::page_tables, 30), plan(Src::kernel_stacks, 40), plan(Src::kernel_log, 50)}},
    // invalid_opcode: the bytes that failed to decode come before the stacks.
    {ErrorType::invalid_opcode, cper::Severity::fatal, cper::guids::kNotifyNmi, 7,
     {plan(Src::processor_error, 0), plan(Src::processor_ia32x64, 5), plan(Src::register_file, 10), plan(Src::code_page, 20, kCodePageBytes),
      plan(Src::kernel_stacks, 30), plan(Src::page_tables, 40), plan(Src::kernel_log, 50)}},
    // machine_check: the MCA banks of every core are in the register state;
    // precursors (corrected errors, temperature) explain it.
    // The IA32/X64 section adds the MCA bank's MSRs (count 1).
    {ErrorType::machine_check, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 6,
     {plan(Src::processor_error, 0), plan(Src::processor_ia32x64, 5, 0, 1), plan(Src::register_file, 10), plan(Src::sensor_history, 20),
      plan(Src::kernel_stacks, 30), plan(Src::kernel_log, 40)}},
    // memory_uncorrectable: the error, the rows around it, the corrected
    // errors that preceded it, and the mapping of the poisoned page.
    {ErrorType::memory_uncorrectable, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 6,
     {plan(Src::memory_error, 0), plan(Src::memory_rows, 10), plan(Src::error_history, 20),
      plan(Src::page_tables, 30), plan(Src::sensor_history, 40), plan(Src::kernel_log, 50)}},
    // thermal_shutdown: the tripped processor (a UEFI section every RAS tool
    // decodes), how the temperature got there, and who drew the power.
    {ErrorType::thermal_shutdown, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 4,
     {plan(Src::processor_error, 0), plan(Src::sensor_history, 10), plan(Src::core_power, 20),
      plan(Src::kernel_log, 30)}},
    // Device errors: the AER status, the controller's registers, the queues
    // the driver had in flight. A disk's failed command also has its NVMe
    // completion status: first for a media error (the error itself), after
    // the PCIe section (the completion timeout) for a timeout.
    {ErrorType::disk_timeout, cper::Severity::fatal, cper::guids::kNotifyPcie, 6,
     {plan(Src::pcie_error, 0), plan(Src::nvme_status, 5), plan(Src::io_queue_state, 10),
      plan(Src::device_queues, 20), plan(Src::sensor_history, 30), plan(Src::kernel_log, 40)}},
    {ErrorType::disk_media_error, cper::Severity::fatal, cper::guids::kNotifyPcie, 6,
     {plan(Src::nvme_status, 0), plan(Src::pcie_error, 5), plan(Src::io_queue_state, 10), plan(Src::device_queues, 20),
      plan(Src::sensor_history, 30), plan(Src::kernel_log, 40)}},
    {ErrorType::nic_fatal, cper::Severity::fatal, cper::guids::kNotifyPcie, 5,
     {plan(Src::pcie_error, 0), plan(Src::io_queue_state, 10), plan(Src::device_queues, 20),
      plan(Src::sensor_history, 30), plan(Src::kernel_log, 40)}},
    // watchdog_hang: where every core is stuck, and whether it was throttled.
    {ErrorType::watchdog_hang, cper::Severity::fatal, cper::guids::kNotifyNmi, 7,
     {plan(Src::processor_error, 0), plan(Src::processor_ia32x64, 5), plan(Src::register_file, 10), plan(Src::kernel_stacks, 20),
      plan(Src::core_power, 30), plan(Src::sensor_history, 40), plan(Src::kernel_log, 50)}},
};

constexpr uint64_t align_page(uint64_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes; }

}  // namespace

const CatalogEntry& catalog_entry(ErrorType type) {
  const auto i = static_cast<size_t>(type);
  return kCatalog[i < kErrorTypeCount ? i : 0];
}

uint64_t device_queue_bytes(ComponentClass cls, const BoardFacts& f) {
  if (cls == ComponentClass::disk)
    return uint64_t{f.nvme_queues} * uint64_t{f.nvme_queue_depth} * (kNvmeSqEntryBytes + kNvmeCqEntryBytes);
  if (cls == ComponentClass::network) return uint64_t{f.nic_rings} * f.nic_ring_descriptors * kNicDescriptorBytes;
  return 0;
}

uint64_t device_queue_address(ComponentId device, uint32_t disks, const BoardFacts& f) {
  const uint64_t disk_block = align_page(device_queue_bytes(ComponentClass::disk, f));
  if (device.cls == ComponentClass::disk) return f.device_queue_address + device.instance * disk_block;
  return f.device_queue_address + disks * disk_block +
         device.instance * align_page(device_queue_bytes(ComponentClass::network, f));
}

uint64_t device_queue_area_bytes(uint32_t disks, uint32_t nics, const BoardFacts& f) {
  return disks * align_page(device_queue_bytes(ComponentClass::disk, f)) +
         nics * align_page(device_queue_bytes(ComponentClass::network, f));
}

uint64_t section_body_bytes(const SectionPlan& p, const BoardFacts& facts, ComponentClass cls) {
  constexpr uint64_t kSnap = cper::kMemorySnapshotHeaderBytes;
  switch (p.source) {
    case Src::processor_error: return cper::kProcessorGenericBytes;
    case Src::processor_ia32x64: return ia32x64_section_bytes(p.count != 0);
    case Src::nvme_status: return cper::kNvmeStatusBytes;
    case Src::register_file:
      return uint64_t{facts.cpu_cores} * (cper::kDeviceBlockHeaderBytes + register_file_bytes(facts.mca_banks_per_core));
    case Src::stack_snapshot:
    case Src::code_page: return kSnap + p.bytes;
    case Src::memory_error: return cper::kMemoryErrorBytes;
    case Src::memory_rows: return kSnap + uint64_t{facts.memory_snapshot_rows} * facts.memory_row_bytes;
    case Src::error_history: return cper::kDeviceBlockHeaderBytes + facts.error_log_bytes;
    case Src::sensor_history: return cper::sensor_history_bytes(facts.sensor_history_entries);
    case Src::core_power: return cper::sensor_history_bytes(2 * size_t{facts.cpu_cores});
    case Src::pcie_error: return cper::kPcieErrorBytes;
    case Src::io_queue_state: return cper::kDeviceBlockHeaderBytes + facts.queue_state_bytes;
    case Src::kernel_log: return kSnap + facts.log_buf_len;
    case Src::kernel_stacks: return uint64_t{facts.cpu_cores} * (kSnap + facts.kernel_stack_bytes);
    case Src::page_tables: return uint64_t{facts.page_table_levels} * (kSnap + kPageBytes);
    case Src::device_queues:
      // NVMe: an SQ and a CQ snapshot per queue pair; NIC: one per ring.
      if (cls == ComponentClass::disk) return 2 * kSnap * facts.nvme_queues + device_queue_bytes(cls, facts);
      return kSnap * facts.nic_rings + device_queue_bytes(ComponentClass::network, facts);
  }
  return 0;
}

uint64_t needed_bytes(ErrorType type, const BoardFacts& facts) {
  const CatalogEntry& e = catalog_entry(type);
  uint64_t total = cper::kRecordHeaderBytes + cper::kSectionDescriptorBytes + cper::manifest_bytes(e.section_count);
  for (uint8_t i = 0; i < e.section_count; ++i) {
    total += cper::kSectionDescriptorBytes + section_body_bytes(e.sections[i], facts, component_class_of(type));
  }
  return total;
}

}  // namespace crashtwin
