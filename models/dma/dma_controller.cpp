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
      irq("irq"),
      bandwidth_(param<double>(context.params, "bandwidth", ParamKind::bandwidth, 4e9,
                               "transfer bandwidth of host-programmed channels", 1.0)),
      latency_(ns(param<uint64_t>(context.params, "latency", ParamKind::duration, 500,
                                  "setup latency of each transfer (descriptor fetch, arbitration)"))),
      burst_(param<uint64_t>(context.params, "burst", ParamKind::size, 64 * 1024, "bytes per bus transaction", 64,
                             16ull << 20)),
      regs_(std::string(name) + ".regs"),
      buffer_(burst_) {
  const uint64_t count = param<uint64_t>(context.params, "channels", ParamKind::count, 4, "DMA channels", 1, 64);
  in.register_b_transport(this, &DmaController::b_transport);
  in.register_transport_dbg(this, &DmaController::transport_dbg);
  initiators_.push_back({"host", false, bandwidth_, {}});
  for (uint32_t c = 0; c < count; ++c) {
    auto ch = std::make_unique<Channel>();
    const uint64_t b = c * kChannelStride;
    auto reg = [&](const char* what, uint64_t off, Access access) {
      return &regs_.add(fmt::format("ch{}.{}", c, what), b + off, 8, 0, access);
    };
    ch->src = reg("src", kSrc, Access::rw);
    ch->dst = reg("dst", kDst, Access::rw);
    ch->len = reg("len", kLen, Access::rw);
    ch->ctrl = reg("ctrl", kCtrl, Access::rw);
    ch->status = reg("status", kStatus, Access::w1c);
    ch->desc = reg("desc", kDesc, Access::rw);
    ch->bytes_done = reg("bytes_done", kBytesDone, Access::ro);
    Channel* p = ch.get();
    ch->ctrl->on_write([this, p](uint64_t v) {
      if ((v & kCtrlStart) == 0) return;
      p->ctrl->set(v & ~kCtrlStart);  // START reads back 0
      if (p->status->value() & kStatusBusy) return;  // already running: ignored
      p->owner = static_cast<uint32_t>(current_initiator_);
      p->status->set((p->status->value() & ~(kStatusDone | kStatusRefused | kStatusError)) | kStatusBusy);
      p->start.notify(sc_core::SC_ZERO_TIME);
    });
    ch->status->on_write([this](uint64_t) { irq_event_.notify(sc_core::SC_ZERO_TIME); });
    channels_.push_back(std::move(ch));
  }
  for (uint32_t c = 0; c < count; ++c)
    sc_core::sc_spawn([this, c] { channel_thread(c); }, sc_core::sc_gen_unique_name("channel"));
  SC_METHOD(update_irq);
  sensitive << irq_event_;
  dont_initialize();
}

uint64_t DmaController::mmio_size() const { return channels_.size() * kChannelStride; }

uint32_t DmaController::add_initiator(std::string initiator_name, bool restricted, double bandwidth_bytes_per_s) {
  initiators_.push_back({std::move(initiator_name), restricted, bandwidth_bytes_per_s, {}});
  return static_cast<uint32_t>(initiators_.size() - 1);
}

uint32_t DmaController::open_window(uint32_t initiator, AccessWindow window) {
  const uint32_t id = next_window_id_++;
  initiators_.at(initiator).windows.emplace_back(id, window);
  return id;
}

void DmaController::close_window(uint32_t initiator, uint32_t window_id) {
  auto& w = initiators_.at(initiator).windows;
  w.erase(std::remove_if(w.begin(), w.end(), [&](const auto& e) { return e.first == window_id; }), w.end());
}

std::vector<AccessWindow> DmaController::windows(uint32_t initiator) const {
  std::vector<AccessWindow> list;
  for (const auto& e : initiators_.at(initiator).windows) list.push_back(e.second);
  return list;
}

sc_core::sc_time DmaController::transfer_time(uint32_t initiator, uint64_t bytes) const {
  return latency_ + sc_core::sc_time(static_cast<double>(bytes) / initiators_.at(initiator).bandwidth, sc_core::SC_SEC);
}

void DmaController::b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  current_initiator_ = id;
  regs_.transport(tx);
  delay += sc_core::sc_time(10, sc_core::SC_NS);  // register access
}

unsigned DmaController::transport_dbg(int id, tlm::tlm_generic_payload& tx) {
  if (!tx.is_read()) return 0;  // debug writes must not start transfers
  current_initiator_ = id;
  return regs_.transport(tx) ? tx.get_data_length() : 0;
}

std::string DmaController::check_windows(const Initiator& who, uint64_t src, uint64_t dst, uint64_t bytes) const {
  if (!who.restricted) return {};
  bool readable = false, writable = false;
  for (const auto& [id, w] : who.windows) {
    readable = readable || (w.read && w.contains(src, bytes));
    writable = writable || (w.write && w.contains(dst, bytes));
  }
  if (!readable) return fmt::format("source [{:#x}, {:#x}) outside {}'s readable windows", src, src + bytes, who.name);
  if (!writable)
    return fmt::format("destination [{:#x}, {:#x}) outside {}'s writable windows", dst, dst + bytes, who.name);
  return {};
}

bool DmaController::bus_access(tlm::tlm_command cmd, uint64_t address, unsigned char* data, uint64_t bytes,
                               sc_core::sc_time& delay) {
  tx_.set_command(cmd);
  tx_.set_address(address);
  tx_.set_data_ptr(data);
  tx_.set_data_length(static_cast<unsigned>(bytes));
  tx_.set_streaming_width(static_cast<unsigned>(bytes));
  tx_.set_byte_enable_ptr(nullptr);
  tx_.set_dmi_allowed(false);
  tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  out->b_transport(tx_, delay);
  return tx_.is_response_ok();
}

bool DmaController::move(uint32_t index, uint64_t src, uint64_t dst, uint64_t bytes, bool& refused,
                         std::string& reason) {
  Channel& ch = *channels_[index];
  const Initiator& who = initiators_.at(ch.owner);
  DmaTransfer t;
  t.start_ns = to_ns(sc_core::sc_time_stamp());
  t.source = src;
  t.destination = dst;
  t.bytes = bytes;
  t.channel = index;
  t.initiator = who.name;
  reason = check_windows(who, src, dst, bytes);
  if (!reason.empty()) {
    refused = true;
    t.end_ns = t.start_ns;
    t.refused = true;
    t.reason = reason;
    refusals_.push_back(t);
    SC_REPORT_INFO("crashtwin/dma/refused", fmt::format("{}: channel {} refused: {}", name(), index, reason).c_str());
    if (on_transfer) on_transfer(t);
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
    ch.bytes_done->set(ch.bytes_done->value() + n);
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
    ch.bytes_done->set(0);
    bool refused = false;
    bool ok = true;
    std::string reason;
    if (ch.ctrl->value() & kCtrlChain) {
      uint64_t next = ch.desc->value();
      uint32_t guard = 0;
      while (ok && next != 0) {
        unsigned char d[kDescriptorBytes];
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
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
      ok = move(index, ch.src->value(), ch.dst->value(), ch.len->value(), refused, reason);
    }
    uint64_t status = ch.status->value() & ~kStatusBusy;
    status |= refused ? kStatusRefused : (ok ? kStatusDone : kStatusError);
    ch.status->set(status);
    if (ok) ++completed_;
    irq_event_.notify(sc_core::SC_ZERO_TIME);
  }
}

void DmaController::update_irq() {
  bool level = false;
  for (const auto& ch : channels_)
    level = level || ((ch->ctrl->value() & kCtrlIrqEnable) &&
                      (ch->status->value() & (kStatusDone | kStatusRefused | kStatusError)));
  irq.write(level);
}

void DmaController::warm_reset() {
  regs_.reset();
  for (Initiator& i : initiators_) i.windows.clear();
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

CRASHTWIN_REGISTER_MODEL("dma", std::nullopt, "DMA controller: channels, descriptor chains, access windows",
                         DmaController);

}  // namespace crashtwin
