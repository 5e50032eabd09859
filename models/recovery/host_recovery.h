// The host's recovery after a fatal error, as board behaviour in simulated
// time. The strategy decides the sequence; every phase is a wait of this
// module's thread or work done through the models:
//
//   kdump            kexec into the capture kernel held in the crashkernel
//                    reservation (its image must fit, or no capture kernel
//                    was loaded: reboot), capture-kernel boot (out of memory
//                    below its need: reboot), makedumpfile reading the
//                    crashed kernel's memory through TLM and writing the
//                    filtered dump to the dump target device command by
//                    command (IoDevice::bulk_write: its bandwidth, latency
//                    and stall), then firmware POST and boot.
//   cma-crashkernel  the same; the capture kernel takes back the CMA pages
//                    it had lent to the workload: their DRAM contents are
//                    overwritten, and the DMA quiesce wait comes first.
//   fadump           the DMA controller copies boot memory into the
//                    registered save area (programmed through its registers),
//                    reset keeping DRAM, boot into boot memory, then the dump
//                    written while each dumped chunk of preserved memory is
//                    handed back through ReleaseRegion (memory returned over
//                    time).
//   predictive-bmc   the agent's capture, alert and the BMC's drain are the
//                    board's own (the firmware and the BMC model); this
//                    module waits for the BMC's report of the failure, then
//                    restarts the host as predictive_bmc.restart says.
//
// A baseline's completeness and identification come from its DumpFile: the
// catalog's sections located in DRAM, in the dump if the written part of the
// stream covers them; identified when the dump's printk ring holds the line
// the kernel printed for the failure. A failure raised while a recovery runs
// waits for it (the host is down) and then recovers in turn.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include <systemc>

#include "models/board/board.h"
#include "models/recovery/dump_file.h"
#include "platform/capture/catalog.h"
#include "policies/strategies/strategy.h"
#include "policies/strategies/strategy_params.h"

namespace crashtwin {

class TlmBus;
class IoDevice;

// predictive-bmc's note when the failure's record did not fit its slice: the
// outcome counts what the BMC decoded of it.
inline constexpr const char* kTruncatedRecordNote =
    "record truncated in its slice: completeness is what the BMC decoded of it";

enum class RecoveryKind : uint8_t { predictive_bmc, kdump, cma_crashkernel, fadump };
// The device a dump is written to: the first disk, or the first NIC
// (strategy.dump.target); nullptr when the board has none.
IoDevice* dump_target(Board& board, DumpTarget target);

// The strategy names of policies/strategies; nullopt for another name.
std::optional<RecoveryKind> recovery_kind(std::string_view strategy_name);

struct RecoverySetup {
  RecoveryKind kind = RecoveryKind::kdump;
  StrategyParams params;
  BoardFacts facts;  // catalog sizes and the kernel's addresses
  // The baselines' reservation: the crashkernel (fixed part first, then the
  // CMA area) or fadump's save area, physical.
  uint64_t reservation_base = 0;
  uint64_t reservation_bytes = 0;
  // predictive-bmc: crash memory the agent holds now (its slices).
  std::function<uint64_t()> predictive_reserved;
};

struct SimulatedRecovery {
  ErrorEvent event;
  CrashFacts crash;  // the facts the analytic model is given (cross-check)
  StrategyOutcome outcome;
  uint64_t dump_planned_bytes = 0;
  uint64_t dump_written_bytes = 0;
};

// A point of the dump target's cumulative bytes written (traces).
struct DumpProgress {
  uint64_t t_ns = 0;
  uint64_t bytes = 0;
};

class HostRecovery : public sc_core::sc_module, public BoardObserver {
 public:
  SC_HAS_PROCESS(HostRecovery);
  // Throws ConfigError when the dump target the parameters name is not on
  // the board, or the reservation is not inside DRAM.
  HostRecovery(sc_core::sc_module_name name, Board& board, RecoverySetup setup);

  void on_error_raised(const ErrorEvent& event) override;
  void on_bmc_report(const BmcDrainReport& report) override;

  // A failure waits or a recovery runs.
  bool busy() const { return running_ || !pending_.empty(); }
  const std::vector<SimulatedRecovery>& recoveries() const { return done_; }
  const std::vector<DumpProgress>& dump_progress() const { return progress_; }
  // The dump target's write bandwidth (bytes/s) and the DMA controller's,
  // for the analytic model's parameters.
  uint64_t dump_target_bandwidth() const;

 private:
  struct DumpPlan;
  void run();
  void recover(SimulatedRecovery& r);
  void capture_kernel_path(SimulatedRecovery& r, bool cma);
  void fadump_path(SimulatedRecovery& r);
  void predictive_path(SimulatedRecovery& r);
  // Waits `duration_ns` as phase `name` of `r`; returns the end.
  uint64_t phase(SimulatedRecovery& r, const char* name, uint64_t duration_ns);
  // Full POST + OS boot from now; production at its end.
  void reboot(SimulatedRecovery& r, const char* reason, uint64_t steady_held);
  // Writes the dump; false when the target failed. Fills completeness.
  bool write_dump(SimulatedRecovery& r, const DumpPlan& plan);
  void copy_by_dma(uint64_t src, uint64_t dst, uint64_t bytes);
  uint64_t used_bytes() const;

  Board& board_;
  RecoverySetup setup_;
  TlmBus& bus_;  // the host CPU as its recovery code uses it
  IoDevice* target_ = nullptr;
  // Failures waiting for the host, with the memory in use and the agent's
  // reservation as they were when each was raised.
  struct PendingFailure {
    ErrorEvent event;
    uint64_t used_bytes;
    uint64_t predictive_reserved;
  };
  std::deque<PendingFailure> pending_;
  bool running_ = false;
  sc_core::sc_event failure_event_;
  sc_core::sc_event report_event_;
  std::vector<BmcDrainReport> reports_;
  std::vector<SimulatedRecovery> done_;
  std::vector<DumpProgress> progress_;
  uint64_t written_total_ = 0;
};

}  // namespace crashtwin
