// Machine checks of a CPU core as the field sees them, for the cpu_cluster
// model: corrected errors logged per MCA bank, and uncorrectable ones, per
// core, on the degradation process of models/core/degradation.h
// (look-alikes, warned and sudden failures, acceleration and time
// compression).
//
// Banks. A core reports through the banks of the machine-check
// architecture (Intel SDM vol. 3B ch. 15/16), each an array or link with
// its own IA32_MCi_STATUS. The roles and bank numbers are those of Intel
// Xeon server cores (core banks 0-3, the datasheets of the E5 families
// list them as core-specific; bank 4 the PCU, 5 the QPI/UPI link; the LLC
// in an uncore bank, 9 here), with the architectural compound error codes
// (MCACOD, SDM 15.9.2) a log of each shows:
//   role               bank  MCACOD  decoded                                   weight
//   instruction fetch     0  0x0150  cache, IRD, instruction, level 0 (L1I)      32
//   data cache            1  0x0134  cache, DRD, data, level 0 (L1D)             48
//   data TLB              2  0x0014  TLB, data, level 0                          16
//   mid-level cache       3  0x0119  cache, RD, generic, level 1 (L2)          1280
//   interconnect          5  0x0C0F  bus, observed, generic, other transaction  150
//   last-level cache      9  0x011A  cache, RD, generic, level 2 (LLC)         1536
// (0x0134 and 0x0150 are the SDM's own examples of data-load and
// instruction-fetch errors.) A healthy core's corrected errors fall in a
// bank in proportion to its weight: the KiB of SRAM behind it (Ice Lake-SP:
// 32 KiB L1I, 48 KiB L1D, 1.25 MiB L2, a 1.5 MiB LLC slice per core; the
// TLBs' few thousand entries as 16 KiB), since soft errors strike each bit
// alike; the link's 150 (5 %) is a modelling choice. A degrading core's
// precursor errors and its uncorrectable error are in one bank, drawn by the
// same weights (a weak line or link wearing out, not the whole core).
//
// Rates. failure_rate: Nightingale, Douceur and Orgovan ("Cycles, Cells and
// Platters", EuroSys 2011) found a 1 in 190 chance of a crash from a CPU
// subsystem fault over 8 months for machines with at least 30 days of CPU
// time: 0.79 % a year per processor, split evenly over its cores (the
// cluster divides it). That a failed CPU fails again (1 in 3.3) says these
// faults persist, which the degradation models; the warned share, lead time,
// growth, the healthy corrected-error rate and the look-alikes are
// modelling choices (docs/models.md).
//
// Plain C++ without SystemC: the cluster asks for the next event and
// applies it to the core's MCA banks at its time.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "models/core/degradation.h"

namespace crashtwin {

enum class McaBankRole : uint8_t {
  instruction_fetch,
  data_cache,
  data_tlb,
  mid_level_cache,
  interconnect,
  last_level_cache,
};
inline constexpr size_t kMcaBankRoleCount = 6;

struct McaBankRoleInfo {
  McaBankRole role;
  uint32_t bank;     // IA32_MCi number
  uint16_t mcacod;   // MCi_STATUS[15:0] of an error there
  double weight;     // KiB of SRAM behind it (share of healthy corrected errors)
  std::string_view name;
};
inline constexpr std::array<McaBankRoleInfo, kMcaBankRoleCount> kMcaBankRoles = {{
    {McaBankRole::instruction_fetch, 0, 0x0150, 32.0, "instruction_fetch"},
    {McaBankRole::data_cache, 1, 0x0134, 48.0, "data_cache"},
    {McaBankRole::data_tlb, 2, 0x0014, 16.0, "data_tlb"},
    {McaBankRole::mid_level_cache, 3, 0x0119, 1280.0, "mid_level_cache"},
    {McaBankRole::interconnect, 5, 0x0C0F, 150.0, "interconnect"},
    {McaBankRole::last_level_cache, 9, 0x011A, 1536.0, "last_level_cache"},
}};
// The banks a core needs for every role (IA32_MCG_CAP.Count at least this).
inline constexpr uint32_t kMcaFieldBanksNeeded = 10;

struct McaFieldSettings {
  DegradationSettings degradation = default_degradation();
  double corrected_error_rate = 1.0 / (30 * 86400.0);  // healthy core, per second (field)

  // Nightingale et al.'s 1 in 190 over 8 months, per processor.
  static DegradationSettings default_degradation() {
    return {.failure_rate = (1.0 / 190.0) / (8.0 / 12.0 * kSecondsPerYear), .warned_fraction = 0.5,
            .lead_time_s = 86400.0, .growth = 1e4, .lookalike_fraction = 0.05, .lookalike_factor = 100.0};
  }
};

enum class McaFieldEventKind : uint8_t { corrected, uncorrected, none };

struct McaFieldEvent {
  double time_s = DegradationPlan::kNever;
  McaFieldEventKind kind = McaFieldEventKind::none;
  McaBankRole role = McaBankRole::instruction_fetch;
  bool precursor = false;
  const McaBankRoleInfo& info() const { return kMcaBankRoles[static_cast<size_t>(role)]; }
};

class McaFieldProcess {
 public:
  McaFieldProcess(const McaFieldSettings& settings, RngStream rng);

  McaFieldEvent next();
  const DegradationPlan& plan() const { return process_.plan(); }
  // The bank a degrading core's precursors and any failure of it are in.
  McaBankRole failing_role() const { return failing_role_; }

 private:
  McaBankRole draw_role();

  DegradationProcess process_;
  McaBankRole failing_role_;
};

}  // namespace crashtwin
