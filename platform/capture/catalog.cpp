#include "platform/capture/catalog.h"

#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
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
constexpr CatalogEntry kCatalog[kErrorTypeCount] = {
    // page_fault: where the core was and what it touched.
    {ErrorType::page_fault, cper::Severity::fatal, cper::guids::kNotifyNmi, 4,
     {plan(Src::processor_error, 0), plan(Src::register_file, 10), plan(Src::stack_snapshot, 20, kStackSnapshotBytes),
      plan(Src::code_page, 30, kCodePageBytes)}},
    // invalid_opcode: the bytes that failed to decode come before the stack.
    {ErrorType::invalid_opcode, cper::Severity::fatal, cper::guids::kNotifyNmi, 4,
     {plan(Src::processor_error, 0), plan(Src::register_file, 10), plan(Src::code_page, 20, kCodePageBytes),
      plan(Src::stack_snapshot, 30, kStackSnapshotBytes)}},
    // machine_check: bank registers live in the register file; precursors
    // (corrected errors, temperature) explain it.
    {ErrorType::machine_check, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 4,
     {plan(Src::processor_error, 0), plan(Src::register_file, 10), plan(Src::sensor_history, 20),
      plan(Src::stack_snapshot, 30, kStackSnapshotBytes)}},
    // memory_uncorrectable: the error, the rows around it, and the corrected
    // errors that preceded it.
    {ErrorType::memory_uncorrectable, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 4,
     {plan(Src::memory_error, 0), plan(Src::memory_rows, 10, kDramRowBytes, 3), plan(Src::error_history, 20),
      plan(Src::sensor_history, 30)}},
    // thermal_shutdown: how the temperature got there, and who drew the power.
    {ErrorType::thermal_shutdown, cper::Severity::fatal, cper::guids::kNotifyMachineCheck, 2,
     {plan(Src::sensor_history, 0), plan(Src::core_power, 10)}},
    {ErrorType::disk_timeout, cper::Severity::fatal, cper::guids::kNotifyPcie, 3,
     {plan(Src::pcie_error, 0), plan(Src::io_queue_state, 10), plan(Src::sensor_history, 20)}},
    {ErrorType::disk_media_error, cper::Severity::fatal, cper::guids::kNotifyPcie, 3,
     {plan(Src::pcie_error, 0), plan(Src::io_queue_state, 10), plan(Src::sensor_history, 20)}},
    {ErrorType::nic_fatal, cper::Severity::fatal, cper::guids::kNotifyPcie, 3,
     {plan(Src::pcie_error, 0), plan(Src::io_queue_state, 10), plan(Src::sensor_history, 20)}},
    // watchdog_hang: where the core is stuck, and whether it was throttled.
    {ErrorType::watchdog_hang, cper::Severity::fatal, cper::guids::kNotifyNmi, 5,
     {plan(Src::processor_error, 0), plan(Src::register_file, 10), plan(Src::stack_snapshot, 20, kStackSnapshotBytes),
      plan(Src::core_power, 30), plan(Src::sensor_history, 40)}},
};

}  // namespace

const CatalogEntry& catalog_entry(ErrorType type) {
  const auto i = static_cast<size_t>(type);
  return kCatalog[i < kErrorTypeCount ? i : 0];
}

uint64_t section_body_bytes(const SectionPlan& p, const BoardFacts& facts) {
  switch (p.source) {
    case Src::processor_error: return cper::kProcessorGenericBytes;
    case Src::register_file: return cper::kDeviceBlockHeaderBytes + facts.register_file_bytes;
    case Src::stack_snapshot:
    case Src::code_page: return cper::kMemorySnapshotHeaderBytes + p.bytes;
    case Src::memory_error: return cper::kMemoryErrorBytes;
    case Src::memory_rows: return cper::kMemorySnapshotHeaderBytes + uint64_t{p.count} * p.bytes;
    case Src::error_history: return cper::kDeviceBlockHeaderBytes + facts.error_log_bytes;
    case Src::sensor_history: return cper::sensor_history_bytes(facts.sensor_history_entries);
    case Src::core_power: return cper::sensor_history_bytes(2 * size_t{facts.cpu_cores});
    case Src::pcie_error: return cper::kPcieErrorBytes;
    case Src::io_queue_state: return cper::kDeviceBlockHeaderBytes + facts.queue_state_bytes;
  }
  return 0;
}

uint64_t needed_bytes(ErrorType type, const BoardFacts& facts) {
  const CatalogEntry& e = catalog_entry(type);
  uint64_t total = cper::kRecordHeaderBytes + cper::kSectionDescriptorBytes + cper::manifest_bytes(e.section_count);
  for (uint8_t i = 0; i < e.section_count; ++i) {
    total += cper::kSectionDescriptorBytes + section_body_bytes(e.sections[i], facts);
  }
  return total;
}

}  // namespace crashtwin
