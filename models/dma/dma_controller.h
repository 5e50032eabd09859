// DMA controller: several channels, each programmed through memory-mapped
// registers, moving data over its `out` bus in bursts at a bandwidth set per
// initiator (the BMC's channels run at its link's bandwidth), raising the
// completion interrupt of that channel. Each initiator (a binding of `in`)
// may be restricted: its transfers must read inside a readable window and
// write inside a writable one of the window table, or they are refused:
// nothing moves, STATUS.REFUSED is set, the refusal is logged and reported
// to the observer. Descriptors a restricted initiator's chain points at
// must lie in its readable windows too.
//
// The window table is an IOMMU-like set of entries only the host (initiator
// 0, through the router) may write, and only until it sets WINDOW_LOCK:
// host firmware grants the BMC exactly the crash region, read-only, and its
// own memory, write-only, then locks (platform/region/dma_window.h). A write
// to the table by a restricted initiator is refused like a transfer (an
// error response, logged, reported); a write after the lock is refused with
// an error response. The table and its lock survive a host warm reset (the
// lock is cleared only by power-on, so a rebooting host cannot be tricked
// into widening a window); the channels reset.
//
// Parameters: channels, bandwidth (host initiator), latency (per transfer),
//   burst (bytes per bus transaction)
// Sockets: in (multi: 0 = host via router, then one per add_initiator),
//   out (to the host router), channel_irq[c] (channel c's DONE/REFUSED/ERROR
//   with its CTRL.IRQ_ENABLE; one line per channel, so a driver waits only
//   on its own channel)
// Registers: the register map's `dma` device (docs/registers.md): channel
//   c's SRC, DST, LEN, CTRL (START, IRQ_ENABLE, CHAIN), STATUS (BUSY, DONE,
//   REFUSED, ERROR; W1C), DESC, BYTES_DONE and OWNER at c * 0x40; the window
//   table's WINDOW_LOCK and REQUESTER_ID at 0x1000, its 8 entries (BASE,
//   SIZE, ATTR) from 0x1010.
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
#include "models/regs/register_blocks.h"
#include "platform/region/dma_window.h"

namespace crashtwin {

namespace dma_regs {
// The register map's dma_channel block (platform/regs/crashtwin_regs.h).
inline constexpr uint64_t kChannelStride = CT_DMA_CHANNEL_STRIDE;
inline constexpr uint32_t kMaxChannels = CT_DMA_CHANNEL_MAX;
inline constexpr uint64_t kSrc = CT_DMA_CHANNEL_SRC, kDst = CT_DMA_CHANNEL_DST, kLen = CT_DMA_CHANNEL_LEN,
                          kCtrl = CT_DMA_CHANNEL_CTRL, kStatus = CT_DMA_CHANNEL_STATUS, kDesc = CT_DMA_CHANNEL_DESC,
                          kBytesDone = CT_DMA_CHANNEL_BYTES_DONE, kOwner = CT_DMA_CHANNEL_OWNER;
inline constexpr uint64_t kCtrlStart = CT_DMA_CHANNEL_CTRL_START_MASK, kCtrlIrqEnable = CT_DMA_CHANNEL_CTRL_IRQ_ENABLE_MASK,
                          kCtrlChain = CT_DMA_CHANNEL_CTRL_CHAIN_MASK;
inline constexpr uint64_t kStatusBusy = CT_DMA_CHANNEL_STATUS_BUSY_MASK, kStatusDone = CT_DMA_CHANNEL_STATUS_DONE_MASK,
                          kStatusRefused = CT_DMA_CHANNEL_STATUS_REFUSED_MASK,
                          kStatusError = CT_DMA_CHANNEL_STATUS_ERROR_MASK;
inline constexpr uint64_t kDescriptorBytes = 32;
// The window table's layout is the firmware's (platform/region/dma_window.h).
inline constexpr uint64_t kWindowTable = dma_window_regs::kTable;
static_assert(kWindowTable == kMaxChannels * kChannelStride);
inline constexpr uint64_t kWindowLock = dma_window_regs::kLock, kRequesterId = dma_window_regs::kRequesterId;
inline constexpr uint64_t kWindowBase = dma_window_regs::kBase, kWindowSize = dma_window_regs::kSize,
                          kWindowAttr = dma_window_regs::kAttr;
inline constexpr uint32_t kWindowCount = dma_window_regs::kCount;
inline constexpr uint64_t kWindowLocked = dma_window_regs::kLocked;
using dma_window_regs::kAttrEnable;
using dma_window_regs::kAttrInitiatorShift;
using dma_window_regs::kAttrRead;
using dma_window_regs::kAttrWrite;
constexpr uint64_t window_entry(uint32_t w) { return dma_window_regs::entry(w); }
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
  sc_core::sc_vector<IrqOut> channel_irq;

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
  // What the window table grants `initiator` (enabled entries). Windows are
  // set only through the registers, by the host; this is for observers.
  std::vector<AccessWindow> windows(uint32_t initiator) const;
  bool windows_locked() const;

  uint32_t channels() const { return static_cast<uint32_t>(channels_.size()); }
  sc_core::sc_time latency() const { return latency_; }
  double host_bandwidth() const { return bandwidth_; }  // bytes/s of host-programmed channels
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
  };
  struct Channel {
    Channel(RegisterBank& bank, uint32_t index)
        : r(bank, CT_DMA_CHANNEL(index), "ch" + std::to_string(index) + ".") {}
    regs::DmaChannelRegisters r;
    sc_core::sc_event start;
  };

  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
  void channel_thread(uint32_t index);
  // Moves one segment; false with `reason` when refused or a bus error.
  bool move(uint32_t index, uint64_t src, uint64_t dst, uint64_t bytes, bool& refused, std::string& reason);
  bool bus_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, uint64_t bytes, sc_core::sc_time& delay);
  void update_irq();
  // Empty when `initiator` may read [src, src + bytes) and write [dst, dst +
  // bytes); otherwise why not. Unrestricted initiators may do anything.
  std::string check_windows(uint32_t initiator, uint64_t src, uint64_t dst, uint64_t bytes) const;
  bool readable(uint32_t initiator, uint64_t address, uint64_t bytes) const;
  // Whether the write `tx` from `initiator` may reach the window table;
  // records and reports the refusal otherwise.
  bool window_table_write_allowed(uint32_t initiator, const tlm::tlm_generic_payload& tx);
  void refuse(DmaTransfer t, const std::string& reason);

  double bandwidth_;
  sc_core::sc_time latency_;
  sc_core::sc_time register_latency_;  // one register access, added to the initiator's delay
  uint64_t burst_;
  RegisterBank regs_;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<Initiator> initiators_;
  regs::DmaWindowTableRegisters window_table_;
  std::vector<std::unique_ptr<regs::DmaWindowRegisters>> window_entries_;
  int current_initiator_ = 0;  // initiator of the bus write being served
  std::vector<unsigned char> buffer_;
  tlm::tlm_generic_payload tx_;  // reused for every bus access
  std::vector<DmaTransfer> refusals_;
  uint64_t completed_ = 0;
  sc_core::sc_event irq_event_;
};

}  // namespace crashtwin
