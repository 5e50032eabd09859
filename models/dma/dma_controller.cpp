#include "models/dma/dma_controller.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/core/tlm_types.h"

namespace crashtwin {

using namespace dma_regs;

DmaController::DmaController(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      out("out"),
      channel_irq("channel_irq"),
      bandwidth_(param<double>(context.params, "bandwidth", ParamKind::bandwidth, 4e9,
                               "transfer bandwidth of host-programmed channels", 1.0)),
      latency_(param<sc_core::sc_time>(context.params, "latency", ParamKind::duration, ns(500),
                                       "setup latency of each transfer (descriptor fetch, arbitration)")),
      register_latency_(param<sc_core::sc_time>(context.params, "register_latency", ParamKind::duration, ns(10),
                                                "simulated cost of one access to the controller's registers")),
      burst_(param<uint64_t>(context.params, "burst", ParamKind::size, 64 * 1024, "bytes per bus transaction", 64,
                             16ull << 20)),
      regs_(std::string(name) + ".regs"),
      window_table_(regs_, CT_DMA_WINDOW_TABLE, "window_table."),
      buffer_(burst_) {
  const uint64_t count =
      param<uint64_t>(context.params, "channels", ParamKind::count, 4, "DMA channels", 1, kMaxChannels);
  channel_irq.init(static_cast<unsigned>(count));
  in.register_b_transport(this, &DmaController::b_transport);
  in.register_transport_dbg(this, &DmaController::transport_dbg);
  initiators_.push_back({"host", false, bandwidth_});
  for (uint32_t c = 0; c < count; ++c) {
    auto ch = std::make_unique<Channel>(regs_, c);
    Channel* p = ch.get();
    ch->r.ctrl.on_write([this, p](uint64_t v) {
      if ((v & kCtrlStart) == 0) return;
      p->r.ctrl.set(v & ~kCtrlStart);  // START reads back 0
      if (p->r.status.value() & kStatusBusy) return;  // already running: ignored
      p->r.owner.set(static_cast<uint64_t>(current_initiator_));
      p->r.status.set((p->r.status.value() & ~(kStatusDone | kStatusRefused | kStatusError)) | kStatusBusy);
      p->start.notify(sc_core::SC_ZERO_TIME);
    });
    ch->r.status.on_write([this](uint64_t) { irq_event_.notify(sc_core::SC_ZERO_TIME); });
    channels_.push_back(std::move(ch));
  }
  window_table_.lock.on_write([this](uint64_t v) { window_table_.lock.set(v & kWindowLocked); });
  window_table_.requester_id.on_read([this] { return static_cast<uint64_t>(current_initiator_); });
  for (uint32_t w = 0; w < kWindowCount; ++w)
    window_entries_.push_back(
        std::make_unique<regs::DmaWindowRegisters>(regs_, CT_DMA_WINDOW(w), fmt::format("window{}.", w)));
  for (uint32_t c = 0; c < count; ++c)
    sc_core::sc_spawn([this, c] { channel_thread(c); }, sc_core::sc_gen_unique_name("channel"));
  SC_METHOD(update_irq);
  sensitive << irq_event_;
  dont_initialize();
}

uint64_t DmaController::mmio_size() const { return window_entry(kWindowCount); }

uint32_t DmaController::add_initiator(std::string initiator_name, bool restricted, double bandwidth_bytes_per_s) {
  initiators_.push_back({std::move(initiator_name), restricted, bandwidth_bytes_per_s});
  return static_cast<uint32_t>(initiators_.size() - 1);
}

std::vector<AccessWindow> DmaController::windows(uint32_t initiator) const {
  std::vector<AccessWindow> list;
  for (const auto& e : window_entries_) {
    const uint64_t attr = e->attr.value();
    if ((attr & kAttrEnable) == 0 || ((attr >> kAttrInitiatorShift) & 0xFF) != initiator) continue;
    list.push_back({e->base.value(), e->size.value(), (attr & kAttrRead) != 0, (attr & kAttrWrite) != 0});
  }
  return list;
}

bool DmaController::windows_locked() const { return (window_table_.lock.value() & kWindowLocked) != 0; }

sc_core::sc_time DmaController::transfer_time(uint32_t initiator, uint64_t bytes) const {
  return latency_ + sc_core::sc_time(static_cast<double>(bytes) / initiators_.at(initiator).bandwidth, sc_core::SC_SEC);
}

void DmaController::b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  current_initiator_ = id;
  delay += register_latency_;
  if (tx.is_write() && tx.get_address() + tx.get_data_length() > kWindowTable &&
      !window_table_write_allowed(static_cast<uint32_t>(id), tx)) {
    tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  regs_.transport(tx);
}

bool DmaController::window_table_write_allowed(uint32_t initiator, const tlm::tlm_generic_payload& tx) {
  const Initiator& who = initiators_.at(initiator);
  if (who.restricted) {
    DmaTransfer t;
    t.start_ns = t.end_ns = to_ns(sc_core::sc_time_stamp());
    t.destination = tx.get_address();
    t.bytes = tx.get_data_length();
    t.initiator = who.name;
    t.channel = UINT32_MAX;  // a register write, not a channel's transfer
    refuse(t, fmt::format("{} may not program the DMA window table (write at {:#x}): host firmware owns it",
                          who.name, tx.get_address()));
    return false;
  }
  if (windows_locked()) {
    SC_REPORT_INFO("crashtwin/dma/locked",
                   fmt::format("{}: window table write at {:#x} refused: the table is locked until power-on", name(),
                               tx.get_address())
                       .c_str());
    return false;
  }
  return true;
}

void DmaController::refuse(DmaTransfer t, const std::string& reason) {
  t.refused = true;
  t.reason = reason;
  refusals_.push_back(t);
  SC_REPORT_INFO("crashtwin/dma/refused", fmt::format("{}: refused: {}", name(), reason).c_str());
  if (on_transfer) on_transfer(t);
}

unsigned DmaController::transport_dbg(int id, tlm::tlm_generic_payload& tx) {
  current_initiator_ = id;  // the requester-id register answers per initiator
  return regs_.debug_transport(tx);
}

bool DmaController::readable(uint32_t initiator, uint64_t address, uint64_t bytes) const {
  if (!initiators_.at(initiator).restricted) return true;
  for (const AccessWindow& w : windows(initiator))
    if (w.read && w.contains(address, bytes)) return true;
  return false;
}

std::string DmaController::check_windows(uint32_t initiator, uint64_t src, uint64_t dst, uint64_t bytes) const {
  const Initiator& who = initiators_.at(initiator);
  if (!who.restricted) return {};
  bool writable = false;
  for (const AccessWindow& w : windows(initiator)) writable = writable || (w.write && w.contains(dst, bytes));
  if (!readable(initiator, src, bytes))
    return fmt::format("source [{:#x}, {:#x}) outside {}'s readable windows", src, src + bytes, who.name);
  if (!writable)
    return fmt::format("destination [{:#x}, {:#x}) outside {}'s writable windows", dst, dst + bytes, who.name);
  return {};
}

bool DmaController::bus_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, uint64_t bytes,
                               sc_core::sc_time& delay) {
  prepare_access(tx_, cmd, address, data, bytes);
  out->b_transport(tx_, delay);
  return tx_.is_response_ok();
}

bool DmaController::move(uint32_t index, uint64_t src, uint64_t dst, uint64_t bytes, bool& refused,
                         std::string& reason) {
  Channel& ch = *channels_[index];
  const auto owner = static_cast<uint32_t>(ch.r.owner.value());
  const Initiator& who = initiators_.at(owner);
  DmaTransfer t;
  t.start_ns = to_ns(sc_core::sc_time_stamp());
  t.source = src;
  t.destination = dst;
  t.bytes = bytes;
  t.channel = index;
  t.initiator = who.name;
  reason = check_windows(owner, src, dst, bytes);
  if (!reason.empty()) {
    refused = true;
    t.end_ns = t.start_ns;
    refuse(t, fmt::format("channel {}: {}", index, reason));
    return false;
  }
  // The link is the bottleneck: the transfer ends at start + latency +
  // bytes / bandwidth, unless the bus was slower for some burst.
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  wait(latency_);
  uint64_t done = 0;
  bool bus_ok = true;
  while (done < bytes && bus_ok) {
    const uint64_t n = std::min<uint64_t>(burst_, bytes - done);
    sc_core::sc_time bus_delay = sc_core::SC_ZERO_TIME;
    bus_ok = bus_access(tlm::TLM_READ_COMMAND, src + done, buffer_.data(), n, bus_delay) &&
             bus_access(tlm::TLM_WRITE_COMMAND, dst + done, buffer_.data(), n, bus_delay);
    if (!bus_ok) break;
    const sc_core::sc_time link_done =
        start + latency_ + sc_core::sc_time(static_cast<double>(done + n) / who.bandwidth, sc_core::SC_SEC);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time bus_done = now + bus_delay;
    wait(std::max(link_done, bus_done) - now);
    done += n;
    ch.r.bytes_done.set(ch.r.bytes_done.value() + n);
  }
  t.end_ns = to_ns(sc_core::sc_time_stamp());
  if (!bus_ok) {
    reason = fmt::format("bus error at {:#x} or {:#x}", src + done, dst + done);
    t.reason = reason;
  }
  if (on_transfer) on_transfer(t);
  return bus_ok;
}

void DmaController::channel_thread(uint32_t index) {
  Channel& ch = *channels_[index];
  for (;;) {
    wait(ch.start);
    ch.r.bytes_done.set(0);
    bool refused = false;
    bool ok = true;
    std::string reason;
    if (ch.r.ctrl.value() & kCtrlChain) {
      uint64_t next = ch.r.desc.value();
      uint32_t guard = 0;
      const auto owner = static_cast<uint32_t>(ch.r.owner.value());
      while (ok && next != 0) {
        unsigned char d[kDescriptorBytes];
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        // A descriptor is a read on the owner's behalf: outside its readable
        // windows it would let a restricted initiator steer transfers with
        // host memory it may not see.
        if (!readable(owner, next, kDescriptorBytes)) {
          DmaTransfer t;
          t.start_ns = t.end_ns = to_ns(sc_core::sc_time_stamp());
          t.source = next;
          t.bytes = kDescriptorBytes;
          t.channel = index;
          t.initiator = initiators_.at(owner).name;
          reason = fmt::format("descriptor [{:#x}, {:#x}) outside {}'s readable windows", next,
                               next + kDescriptorBytes, t.initiator);
          refuse(t, fmt::format("channel {}: {}", index, reason));
          refused = true;
          ok = false;
          break;
        }
        if (!bus_access(tlm::TLM_READ_COMMAND, next, d, kDescriptorBytes, delay) || ++guard > 1u << 16) {
          ok = false;
          break;
        }
        wait(delay);
        auto field = [&](int i) {
          uint64_t v = 0;
          for (int b = 0; b < 8; ++b) v |= uint64_t{d[i * 8 + b]} << (8 * b);
          return v;
        };
        ok = move(index, field(0), field(1), field(2), refused, reason);
        next = field(3);
      }
    } else {
      ok = move(index, ch.r.src.value(), ch.r.dst.value(), ch.r.len.value(), refused, reason);
    }
    uint64_t status = ch.r.status.value() & ~kStatusBusy;
    status |= refused ? kStatusRefused : (ok ? kStatusDone : kStatusError);
    ch.r.status.set(status);
    if (ok) ++completed_;
    irq_event_.notify(sc_core::SC_ZERO_TIME);
  }
}

void DmaController::update_irq() {
  for (size_t c = 0; c < channels_.size(); ++c) {
    const Channel& ch = *channels_[c];
    channel_irq[c].write((ch.r.ctrl.value() & kCtrlIrqEnable) &&
                         (ch.r.status.value() & (kStatusDone | kStatusRefused | kStatusError)));
  }
}

void DmaController::warm_reset() {
  // The window table and its lock are on power-on reset only.
  std::vector<uint64_t> table;
  for (const auto& e : window_entries_) table.insert(table.end(), {e->base.value(), e->size.value(), e->attr.value()});
  const uint64_t lock = window_table_.lock.value();
  regs_.reset();
  for (size_t w = 0; w < window_entries_.size(); ++w) {
    window_entries_[w]->base.set(table[3 * w]);
    window_entries_[w]->size.set(table[3 * w + 1]);
    window_entries_[w]->attr.set(table[3 * w + 2]);
  }
  window_table_.lock.set(lock);
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

CRASHTWIN_REGISTER_MODEL("dma", std::nullopt, "DMA controller: channels, descriptor chains, access windows",
                         DmaController);

}  // namespace crashtwin
