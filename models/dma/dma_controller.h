// DMA controller: several channels, each programmed through memory-mapped
// registers, moving data over its `out` bus in bursts at a bandwidth set per
// initiator (the BMC's channels run at its link's bandwidth), raising a
// completion interrupt. Each initiator (a binding of `in`) may be
// restricted to access windows: a transfer whose source is not inside a
// readable window, or whose destination is not inside a writable one, is
// refused: nothing moves, STATUS.REFUSED is set, the refusal is logged and
// reported to the observer. The BMC's readable window is exactly the crash
// region, opened at the alert and closed after the drain.
//
// Parameters: channels, bandwidth (host initiator), latency (per transfer),
//   burst (bytes per bus transaction)
// Sockets: in (multi: 0 = host via router, then one per add_initiator),
//   out (to the host router), irq (any channel DONE/REFUSED/ERROR with
//   CTRL.IRQ_ENABLE)
// Registers, channel c at c * 0x40:
//   +0x00 SRC  +0x08 DST  +0x10 LEN (bytes)  +0x28 DESC (first descriptor)
//   +0x18 CTRL   bit 0 START (self-clearing), bit 1 IRQ_ENABLE, bit 2 CHAIN
//                (follow descriptors from DESC instead of SRC/DST/LEN)
//   +0x20 STATUS bit 0 BUSY (RO), bit 1 DONE, bit 2 REFUSED, bit 3 ERROR (W1C)
//   +0x30 BYTES_DONE (RO)
// Descriptor in memory (32 bytes, little-endian): src, dst, len, next
// (0 ends the chain).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/config/registry.h"
#include "models/core/model.h"
#include "models/core/register.h"
#include "models/dma/dma_transfer.h"

namespace crashtwin {

namespace dma_regs {
inline constexpr uint64_t kChannelStride = 0x40;
inline constexpr uint64_t kSrc = 0x00, kDst = 0x08, kLen = 0x10, kCtrl = 0x18, kStatus = 0x20, kDesc = 0x28,
                          kBytesDone = 0x30;
inline constexpr uint64_t kCtrlStart = 1, kCtrlIrqEnable = 2, kCtrlChain = 4;
inline constexpr uint64_t kStatusBusy = 1, kStatusDone = 2, kStatusRefused = 4, kStatusError = 8;
inline constexpr uint64_t kDescriptorBytes = 32;
}  // namespace dma_regs

struct AccessWindow {
  uint64_t base = 0;
  uint64_t size = 0;
  bool read = false;
  bool write = false;
  bool contains(uint64_t address, uint64_t bytes) const {
    return address >= base && bytes <= size && address - base <= size - bytes;
  }
};

class DmaController : public Model {
 public:
  tlm_utils::multi_passthrough_target_socket<DmaController> in;
  tlm_utils::simple_initiator_socket<DmaController> out;
  IrqOut irq;

  SC_HAS_PROCESS(DmaController);
  DmaController(sc_core::sc_module_name name, const ModelContext& context);

  TargetSocket* mmio_target() override { return &in; }
  uint64_t mmio_size() const override;
  std::vector<InitiatorSocket*> bus_masters() override { return {&out}; }
  void warm_reset() override;

  // Initiators: index 0 is the host (unrestricted, host bandwidth). Each
  // further binding of `in` must be declared in binding order.
  uint32_t add_initiator(std::string initiator_name, bool restricted, double bandwidth_bytes_per_s);
  const std::string& initiator_name(uint32_t initiator) const { return initiators_.at(initiator).name; }
  // Windows of a restricted initiator. Returns an id for close_window.
  uint32_t open_window(uint32_t initiator, AccessWindow window);
  void close_window(uint32_t initiator, uint32_t window_id);
  std::vector<AccessWindow> windows(uint32_t initiator) const;

  uint32_t channels() const { return static_cast<uint32_t>(channels_.size()); }
  sc_core::sc_time latency() const { return latency_; }
  // Time a transfer of `bytes` takes for `initiator`: latency + bytes / bandwidth.
  sc_core::sc_time transfer_time(uint32_t initiator, uint64_t bytes) const;

  const std::vector<DmaTransfer>& refusals() const { return refusals_; }
  uint64_t transfers_completed() const { return completed_; }
  std::function<void(const DmaTransfer&)> on_transfer;  // every transfer, refused or not

 private:
  struct Initiator {
    std::string name;
    bool restricted = false;
    double bandwidth = 0;
    std::vector<std::pair<uint32_t, AccessWindow>> windows;
  };
  struct Channel {
    Register* src;
    Register* dst;
    Register* len;
    Register* ctrl;
    Register* status;
    Register* desc;
    Register* bytes_done;
    uint32_t owner = 0;
    sc_core::sc_event start;
  };

  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
  void channel_thread(uint32_t index);
  // Moves one segment; false with `reason` when refused or a bus error.
  bool move(uint32_t index, uint64_t src, uint64_t dst, uint64_t bytes, bool& refused, std::string& reason);
  bool bus_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, uint64_t bytes, sc_core::sc_time& delay);
  void update_irq();
  std::string check_windows(const Initiator& who, uint64_t src, uint64_t dst, uint64_t bytes) const;

  double bandwidth_;
  sc_core::sc_time latency_;
  uint64_t burst_;
  RegisterBank regs_;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<Initiator> initiators_;
  uint32_t next_window_id_ = 1;
  int current_initiator_ = 0;  // initiator of the bus write being served
  std::vector<unsigned char> buffer_;
  tlm::tlm_generic_payload tx_;  // reused for every bus access
  std::vector<DmaTransfer> refusals_;
  uint64_t completed_ = 0;
  sc_core::sc_event irq_event_;
};

}  // namespace crashtwin
