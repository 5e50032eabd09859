#include "traces/cper_decode.h"

#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "platform/capture/captured_stacks.h"
#include "platform/cper/byte_order.h"
#include "platform/cper/capture_manifest.h"
#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/processor_ia32x64.h"
#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"

namespace crashtwin::traces {
namespace {

using ojson = nlohmann::ordered_json;

std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }

std::string guid_text(const cper::Guid& g) {
  std::array<char, 40> text{};
  (void)cper::format_guid(g, text);
  return text.data();
}

// Names of the set bits of `bits`, from `names` (bit i = names[i]).
template <size_t N>
ojson bit_names(uint64_t bits, const std::array<const char*, N>& names) {
  ojson out = ojson::array();
  for (size_t i = 0; i < N; ++i)
    if ((bits >> i) & 1) out.push_back(names[i]);
  return out;
}

const char* notification_name(const cper::Guid& g) {
  namespace id = cper::guids;
  if (g == id::kNotifyMachineCheck) return "machine_check";
  if (g == id::kNotifyCorrectedMachineCheck) return "corrected_machine_check";
  if (g == id::kNotifyPcie) return "pcie";
  if (g == id::kNotifyNmi) return "nmi";
  return "unknown";
}

const char* from(std::span<const char* const> names, uint64_t i) { return i < names.size() ? names[i] : "unknown"; }

ojson processor_generic(std::span<const std::byte> body) {
  cper::ProcessorGenericSection p;
  if (cper::decode_processor_generic(body, p) != Status::ok) return {{"error", "shorter than 192 bytes"}};
  static constexpr std::array<const char*, 13> kValid = {
      "processor_type", "isa", "error_type", "operation", "flags", "level", "cpu_version",
      "cpu_brand", "processor_id", "target_address", "requestor_id", "responder_id", "instruction_ip"};
  static constexpr const char* kTypes[] = {"ia32_x64", "ia64", "arm"};
  static constexpr const char* kIsas[] = {"ia32", "ia64", "x64", "arm_a32_t32", "arm_a64"};
  static constexpr const char* kOps[] = {"unknown_or_generic", "data_read", "data_write", "instruction_execution"};
  static constexpr std::array<const char*, 4> kFlags = {"restartable", "precise_ip", "overflow", "corrected"};
  const char* error_type = "unknown";
  switch (p.error_type) {
    case cper::kProcErrorCache: error_type = "cache"; break;
    case cper::kProcErrorTlb: error_type = "tlb"; break;
    case cper::kProcErrorBus: error_type = "bus"; break;
    case cper::kProcErrorMicroArch: error_type = "micro_architectural"; break;
    default: break;
  }
  size_t brand = 0;
  while (brand < cper::kCpuBrandBytes && p.cpu_brand[brand] != '\0') ++brand;
  return {{"validation_bits", hex(p.validation_bits)},
          {"valid", bit_names(p.validation_bits, kValid)},
          {"processor_type", p.processor_type},
          {"processor_type_name", from(kTypes, p.processor_type)},
          {"isa", p.isa},
          {"isa_name", from(kIsas, p.isa)},
          {"error_type", p.error_type},
          {"error_type_name", error_type},
          {"operation", p.operation},
          {"operation_name", from(kOps, p.operation)},
          {"flags", p.flags},
          {"flag_names", bit_names(p.flags, kFlags)},
          {"level", p.level},
          {"cpu_version", hex(p.cpu_version)},
          {"cpu_brand", std::string(p.cpu_brand, brand)},
          {"processor_id", p.processor_id},
          {"target_address", hex(p.target_address)},
          {"requestor_id", hex(p.requestor_id)},
          {"responder_id", hex(p.responder_id)},
          {"instruction_ip", hex(p.instruction_ip)}};
}

ojson check_info(const cper::Guid& type, uint64_t c) {
  auto field = [c](unsigned lo, unsigned width) { return (c >> lo) & ((uint64_t{1} << width) - 1); };
  ojson out;
  out["raw"] = hex(c);
  if (type == cper::guids::kIaMsCheck) {
    static constexpr const char* kMsTypes[] = {"no_error", "unclassified", "microcode_rom_parity",
                                               "external", "frc", "internal_unclassified"};
    if (field(0, 1)) out["error_type"] = from(kMsTypes, field(16, 3));
    if (field(1, 1)) out["processor_context_corrupt"] = field(19, 1) != 0;
    if (field(2, 1)) out["uncorrected"] = field(20, 1) != 0;
    if (field(3, 1)) out["precise_ip"] = field(21, 1) != 0;
    if (field(4, 1)) out["restartable_ip"] = field(22, 1) != 0;
    if (field(5, 1)) out["overflow"] = field(23, 1) != 0;
    return out;
  }
  static constexpr const char* kTransactions[] = {"instruction", "data_access", "generic"};
  static constexpr const char* kOps[] = {"generic_error", "generic_read", "generic_write", "data_read", "data_write",
                                         "instruction_fetch", "prefetch", "eviction", "snoop"};
  if (field(0, 1)) out["transaction_type"] = from(kTransactions, field(16, 2));
  if (field(1, 1)) out["operation"] = from(kOps, field(18, 4));
  if (field(2, 1)) out["level"] = field(22, 3);
  if (field(3, 1)) out["processor_context_corrupt"] = field(25, 1) != 0;
  if (field(4, 1)) out["uncorrected"] = field(26, 1) != 0;
  if (field(5, 1)) out["precise_ip"] = field(27, 1) != 0;
  if (field(6, 1)) out["restartable_ip"] = field(28, 1) != 0;
  if (field(7, 1)) out["overflow"] = field(29, 1) != 0;
  if (type == cper::guids::kIaBusCheck) {
    static constexpr const char* kParticipation[] = {"local_processor_originated", "local_processor_responded",
                                                     "local_processor_observed", "generic"};
    static constexpr const char* kSpaces[] = {"memory", "reserved", "io", "other"};
    if (field(8, 1)) out["participation"] = from(kParticipation, field(30, 2));
    if (field(9, 1)) out["timeout"] = field(32, 1) != 0;
    if (field(10, 1)) out["address_space"] = from(kSpaces, field(33, 2));
  }
  return out;
}

const char* check_name(const cper::Guid& g) {
  if (g == cper::guids::kIaCacheCheck) return "cache_check";
  if (g == cper::guids::kIaTlbCheck) return "tlb_check";
  if (g == cper::guids::kIaBusCheck) return "bus_check";
  if (g == cper::guids::kIaMsCheck) return "ms_check";
  return "unknown";
}

ojson x64_registers(const cper::X64RegisterState& r) {
  ojson out = {{"rax", hex(r.rax)}, {"rbx", hex(r.rbx)}, {"rcx", hex(r.rcx)}, {"rdx", hex(r.rdx)},
               {"rsi", hex(r.rsi)}, {"rdi", hex(r.rdi)}, {"rbp", hex(r.rbp)}, {"rsp", hex(r.rsp)}};
  for (size_t i = 0; i < 8; ++i) out[fmt::format("r{}", 8 + i)] = hex(r.r[i]);
  out["cs"] = r.cs;
  out["ds"] = r.ds;
  out["ss"] = r.ss;
  out["es"] = r.es;
  out["fs"] = r.fs;
  out["gs"] = r.gs;
  out["rflags"] = hex(r.rflags);
  out["rip"] = hex(r.rip);
  out["cr0"] = hex(r.cr0);
  out["cr1"] = hex(r.cr1);
  out["cr2"] = hex(r.cr2);
  out["cr3"] = hex(r.cr3);
  out["cr4"] = hex(r.cr4);
  out["cr8"] = hex(r.cr8);
  out["gdtr"] = {hex(r.gdtr[0]), hex(r.gdtr[1])};
  out["idtr"] = {hex(r.idtr[0]), hex(r.idtr[1])};
  out["ldtr"] = r.ldtr;
  out["tr"] = r.tr;
  return out;
}

ojson processor_ia32x64(std::span<const std::byte> body) {
  cper::Ia32X64Header h;
  if (cper::decode_ia32x64_header(body, h) != Status::ok) return {{"error", "header or error information runs past the section"}};
  static constexpr std::array<const char*, 2> kValid = {"local_apic_id", "cpuid_info"};
  ojson out = {{"validation_bits", hex(h.validation_bits)},
               {"valid", bit_names(h.validation_bits, kValid)},
               {"error_info_count", h.error_info_count},
               {"context_count", h.context_count},
               {"local_apic_id", h.local_apic_id},
               {"cpuid", {hex(h.cpuid[0]), hex(h.cpuid[1]), hex(h.cpuid[2]), hex(h.cpuid[3])}}};
  ojson infos = ojson::array();
  static constexpr std::array<const char*, 5> kInfoValid = {"check_info", "target_id", "requestor_id", "responder_id",
                                                            "instruction_ip"};
  for (uint8_t i = 0; i < h.error_info_count; ++i) {
    cper::Ia32X64ErrorInfo e;
    if (cper::decode_ia32x64_error_info(body, i, e) != Status::ok) break;
    infos.push_back({{"type", guid_text(e.type)},
                     {"type_name", check_name(e.type)},
                     {"validation_bits", hex(e.validation_bits)},
                     {"valid", bit_names(e.validation_bits, kInfoValid)},
                     {"check_info", check_info(e.type, e.check_info)},
                     {"target_id", hex(e.target_id)},
                     {"requestor_id", hex(e.requestor_id)},
                     {"responder_id", hex(e.responder_id)},
                     {"instruction_ip", hex(e.instruction_ip)}});
  }
  out["error_info"] = infos;
  ojson contexts = ojson::array();
  static constexpr const char* kContextTypes[] = {"unclassified", "msr", "ia32_execution", "x64_execution",
                                                  "fxsave", "ia32_debug", "x64_debug", "memory_mapped"};
  for (uint8_t i = 0; i < h.context_count; ++i) {
    cper::Ia32X64Context ctx;
    if (cper::decode_ia32x64_context(body, i, ctx) != Status::ok) {
      contexts.push_back({{"error", "context runs past the section"}});
      break;
    }
    ojson c = {{"type", ctx.type},
               {"type_name", from(kContextTypes, ctx.type)},
               {"register_array_size", ctx.registers.size()},
               {"msr_address", hex(ctx.msr_address)},
               {"mm_register_address", hex(ctx.mm_register_address)}};
    cper::X64RegisterState regs;
    if (ctx.type == cper::kIaContextX64 && cper::decode_x64_register_state(ctx.registers, regs) == Status::ok) {
      c["registers"] = x64_registers(regs);
    } else {
      ojson words = ojson::array();
      for (size_t at = 0; at + 8 <= ctx.registers.size(); at += 8) words.push_back(hex(le::load_u64(ctx.registers, at)));
      c["registers"] = words;
    }
    contexts.push_back(c);
  }
  out["contexts"] = contexts;
  return out;
}

ojson platform_memory(std::span<const std::byte> body) {
  cper::MemoryErrorSection m;
  if (cper::decode_memory_error(body, m) != Status::ok) return {{"error", "shorter than 80 bytes"}};
  static constexpr std::array<const char*, 22> kValid = {
      "error_status", "physical_address", "physical_address_mask", "node", "card", "module", "bank", "device",
      "row", "column", "bit_position", "requestor_id", "responder_id", "target_id", "error_type", "rank_number",
      "card_handle", "module_handle", "row_extension", "bank_group", "bank_address", "chip_id"};
  static constexpr const char* kTypes[] = {
      "unknown", "no_error", "single_bit_ecc", "multi_bit_ecc", "single_symbol_chipkill", "multi_symbol_chipkill",
      "master_abort", "target_abort", "parity", "watchdog_timeout", "invalid_address", "mirror_broken",
      "memory_sparing", "scrub_corrected", "scrub_uncorrected", "physical_memory_map_out"};
  const uint32_t row = m.row | ((m.validation_bits & cper::kMemValidRowExtension) != 0
                                    ? static_cast<uint32_t>(m.extended & cper::kMemExtendedRowMask) << 16
                                    : 0);
  return {{"validation_bits", hex(m.validation_bits)},
          {"valid", bit_names(m.validation_bits, kValid)},
          {"error_status", hex(m.error_status)},
          {"error_status_type", (m.error_status >> 8) & 0xFF},
          {"physical_address", hex(m.physical_address)},
          {"physical_address_mask", hex(m.physical_address_mask)},
          {"node", m.node},
          {"card", m.card},
          {"module", m.module},
          {"bank", m.bank},
          {"device", m.device},
          {"row", row},
          {"column", m.column},
          {"bit_position", m.bit_position},
          {"requestor_id", hex(m.requestor_id)},
          {"responder_id", hex(m.responder_id)},
          {"target_id", hex(m.target_id)},
          {"error_type", m.error_type},
          {"error_type_name", from(kTypes, m.error_type)},
          {"extended", m.extended},
          {"rank", m.rank},
          {"card_handle", m.card_handle},
          {"module_handle", m.module_handle}};
}

ojson pcie(std::span<const std::byte> body) {
  cper::PcieErrorSection p;
  if (cper::decode_pcie_error(body, p) != Status::ok) return {{"error", "shorter than 208 bytes"}};
  static constexpr std::array<const char*, 8> kValid = {"port_type", "version", "command_status", "device_id",
                                                        "serial_number", "bridge_control", "capability", "aer_info"};
  const auto aer = std::as_bytes(std::span(p.aer_info));
  auto reg = [&](size_t at) { return le::load_u32(aer, at); };
  const uint32_t header = reg(0);
  ojson aer_json = {{"capability_id", hex(header & 0xFFFF)},
                    {"capability_version", (header >> 16) & 0xF},
                    {"next_capability_offset", hex(header >> 20)},
                    {"uncorrectable_status", hex(reg(4))},
                    {"uncorrectable_mask", hex(reg(8))},
                    {"uncorrectable_severity", hex(reg(12))},
                    {"correctable_status", hex(reg(16))},
                    {"correctable_mask", hex(reg(20))},
                    {"capabilities_control", hex(reg(24))},
                    {"first_error_pointer", reg(24) & 0x1F},
                    {"header_log", {hex(reg(28)), hex(reg(32)), hex(reg(36)), hex(reg(40))}}};
  const auto cap = std::as_bytes(std::span(p.capability));
  auto cap16 = [&](size_t at) { return static_cast<uint32_t>(le::load_u16(cap, at)); };
  auto cap32 = [&](size_t at) { return le::load_u32(cap, at); };
  // PCI Express Capability structure (PCIe base spec 7.5.3).
  ojson cap_json = {{"capability_id", hex(static_cast<uint32_t>(p.capability[0]))},
                    {"capability_version", cap16(2) & 0xF},
                    {"device_port_type", (cap16(2) >> 4) & 0xF},
                    {"device_capabilities", hex(cap32(4))},
                    {"device_control", hex(cap16(8))},
                    {"device_status", hex(cap16(10))},
                    {"fatal_error_detected", (cap16(10) & 0x4) != 0},
                    {"non_fatal_error_detected", (cap16(10) & 0x2) != 0},
                    {"correctable_error_detected", (cap16(10) & 0x1) != 0},
                    {"link_capabilities", hex(cap32(12))},
                    {"max_link_speed", cap32(12) & 0xF},
                    {"max_link_width", (cap32(12) >> 4) & 0x3F},
                    {"link_status", hex(cap16(18))},
                    {"current_link_speed", cap16(18) & 0xF},
                    {"negotiated_link_width", (cap16(18) >> 4) & 0x3F},
                    {"device_capabilities2", hex(cap32(36))},
                    {"link_capabilities2", hex(cap32(44))}};
  return {{"validation_bits", hex(p.validation_bits)},
          {"valid", bit_names(p.validation_bits, kValid)},
          {"port_type", p.port_type},
          {"version", fmt::format("{}.{}", p.version_major, p.version_minor)},
          {"command", hex(p.command)},
          {"status", hex(p.status)},
          {"vendor_id", hex(p.vendor_id)},
          {"device_id", hex(p.device_id)},
          {"class_code", hex(uint32_t{p.class_code[2]} << 16 | uint32_t{p.class_code[1]} << 8 | p.class_code[0])},
          {"segment", p.segment},
          {"bus", p.bus},
          {"device", p.device},
          {"function", p.function},
          {"secondary_bus", p.secondary_bus},
          {"slot", p.slot},
          {"serial_number", hex(p.serial_number)},
          {"bridge_secondary_status", hex(p.bridge_secondary_status)},
          {"bridge_control", hex(p.bridge_control)},
          {"signaled_system_error", (p.status & 0x4000) != 0},
          {"capability", cap_json},
          {"aer", aer_json}};
}

ojson manifest(std::span<const std::byte> body) {
  cper::CaptureManifest m;
  if (cper::decode_capture_manifest(body, m) != Status::ok) return {{"error", "not a valid capture manifest"}};
  ojson entries = ojson::array();
  for (uint16_t i = 0; i < m.entry_count; ++i) {
    const cper::ManifestEntry& e = m.entries[i];
    ojson entry = {{"source", cper::to_string(e.source)},
                   {"outcome", cper::to_string(e.outcome)},
                   {"priority", e.priority},
                   {"needed_bytes", e.needed_bytes},
                   {"captured_bytes", e.captured_bytes}};
    // Named only when the confidentiality policy protected the section.
    if (e.protection != cper::SectionProtection::clear) entry["protection"] = cper::to_string(e.protection);
    entries.push_back(std::move(entry));
  }
  return {{"component", {{"class", to_string(m.component.cls)}, {"instance", m.component.instance}}},
          {"error_type", to_string(m.error_type)},
          {"time_ns", m.time_ns},
          {"address", hex(m.address)},
          {"detail", hex(m.detail)},
          {"needed_bytes", m.needed_bytes},
          {"captured_bytes", m.captured_bytes},
          {"truncated", m.truncated},
          {"entries", entries}};
}

ojson nvme_status(std::span<const std::byte> body) {
  cper::NvmeStatus n;
  if (cper::decode_nvme_status(body, n) != Status::ok) return {{"error", "not a version 1 NVMe status"}};
  static constexpr const char* kTypes[] = {"generic", "command_specific", "media_and_data_integrity", "path"};
  return {{"status_code_type", n.status_code_type},
          {"status_code_type_name", from(kTypes, n.status_code_type)},
          {"status_code", hex(n.status_code)},
          {"disk", n.disk},
          {"lba", n.lba}};
}

// Not decoded: only the operator's secret key opens it (`crashtwin cper unseal`).
ojson sealed_section(std::span<const std::byte> body) {
  cper::SealedSection s;
  if (cper::decode_sealed_section(body, s) != Status::ok) return {{"error", "not a version 1 sealed section"}};
  const auto source = static_cast<cper::CaptureSource>(s.source);
  return {{"sealed", true},
          {"source", cper::to_string(source)},
          {"original_type", guid_text(s.original_type)},
          {"original_type_name", cper::section_type_name(s.original_type)},
          {"plaintext_bytes", s.plaintext_bytes}};
}

ojson section_body(const cper::SectionView& s) {
  const cper::Guid& t = s.descriptor.section_type;
  if (t == cper::guids::kProcessorGeneric) return processor_generic(s.body);
  if (t == cper::guids::kProcessorIa32X64) return processor_ia32x64(s.body);
  if (t == cper::guids::kPlatformMemory) return platform_memory(s.body);
  if (t == cper::guids::kPcieError) return pcie(s.body);
  if (t == cper::guids::kCaptureManifest) return manifest(s.body);
  if (t == cper::guids::kNvmeStatus) return nvme_status(s.body);
  if (t == cper::guids::kSealedSection) return sealed_section(s.body);
  return nullptr;  // vendor data (snapshots, register files, histories): type and length say what it is
}

// Each captured kernel stack as Linux would read it (captured_stacks.h).
ojson kernel_stacks(const cper::RecordView& view) {
  std::vector<CapturedStack> stacks(256);
  size_t count = 0;
  (void)captured_kernel_stacks(view, stacks, count);
  ojson out = ojson::array();
  for (size_t i = 0; i < count; ++i) {
    const CapturedStack& c = stacks[i];
    ojson frames = ojson::array();
    for (uint32_t f = 0; f < c.frame_count; ++f) frames.push_back(hex(c.frames[f].return_address));
    ojson s = {{"core", c.core_known ? ojson(c.core) : ojson(nullptr)},
               {"base", hex(c.base)},
               {"stack_bytes", c.stack_bytes},
               {"end_magic", c.usage.magic_intact ? "intact" : "overwritten"},
               {"overflow", c.overflowed()},
               {"high_water_bytes", c.usage.used_bytes}};
    if (c.core_known) {
      s["rsp"] = hex(c.rsp);
      s["rbp"] = hex(c.rbp);
      s["depth_bytes"] = c.depth_bytes;
      s["return_addresses"] = frames;
    }
    if (c.overflowed())
      s["diagnosis"] = "kernel stack overflow: STACK_END_MAGIC at end_of_stack overwritten";
    out.push_back(std::move(s));
  }
  return out;
}

ojson record_json(const cper::RecordView& view) {
  const cper::RecordHeader& h = view.header();
  static constexpr std::array<const char*, 3> kValid = {"platform_id", "timestamp", "partition_id"};
  static constexpr std::array<const char*, 3> kFlags = {"recovered", "previous_error", "simulated"};
  ojson header = {{"revision", fmt::format("{}.{}", h.revision >> 8, h.revision & 0xFF)},
                  {"section_count", h.section_count},
                  {"severity", cper::to_string(h.severity)},
                  {"validation_bits", hex(h.validation_bits)},
                  {"valid", bit_names(h.validation_bits, kValid)},
                  {"record_length", h.record_length},
                  {"timestamp", hex(h.timestamp)},
                  {"platform_id", guid_text(h.platform_id)},
                  {"partition_id", guid_text(h.partition_id)},
                  {"creator_id", guid_text(h.creator_id)},
                  {"notification_type", guid_text(h.notification_type)},
                  {"notification_type_name", notification_name(h.notification_type)},
                  {"record_id", hex(h.record_id)},
                  {"flags", hex(h.flags)},
                  {"flag_names", bit_names(h.flags, kFlags)},
                  {"persistence_information", hex(h.persistence_information)}};
  static constexpr std::array<const char*, 8> kSectionFlags = {
      "primary", "containment_warning", "reset", "error_threshold_exceeded", "resource_not_accessible",
      "latent_error", "propagated", "overflow"};
  ojson sections = ojson::array();
  for (uint16_t i = 0; i < view.section_count(); ++i) {
    cper::SectionView s;
    if (view.section(i, s) != Status::ok) continue;
    const cper::SectionDescriptor& d = s.descriptor;
    size_t fru = 0;
    while (fru < cper::kFruTextBytes && d.fru_text[fru] != '\0') ++fru;
    sections.push_back({{"offset", d.section_offset},
                        {"length", d.section_length},
                        {"revision", fmt::format("{}.{}", d.revision >> 8, d.revision & 0xFF)},
                        {"validation_bits", hex(d.validation_bits)},
                        {"flags", hex(d.flags)},
                        {"flag_names", bit_names(d.flags, kSectionFlags)},
                        {"type", guid_text(d.section_type)},
                        {"type_name", cper::section_type_name(d.section_type)},
                        {"fru_id", guid_text(d.fru_id)},
                        {"severity", cper::to_string(d.severity)},
                        {"fru_text", std::string(d.fru_text, fru)},
                        {"body", section_body(s)}});
  }
  return {{"header", header},
          {"truncated", cper::record_overflowed(view)},
          {"sections", sections},
          {"kernel_stacks", kernel_stacks(view)}};
}

}  // namespace

nlohmann::ordered_json decode_cper(std::span<const std::byte> bytes) {
  ojson out = {{"records", ojson::array()}};
  size_t at = 0;
  while (at < bytes.size()) {
    cper::RecordView view;
    cper::Diagnostic d;
    if (view.parse(bytes.subspan(at), &d) != Status::ok) {
      out["error"] = {{"offset", at + d.offset}, {"status", to_string(d.status)}, {"what", d.what}};
      break;
    }
    out["records"].push_back(record_json(view));
    at += view.header().record_length;
  }
  return out;
}

}  // namespace crashtwin::traces
