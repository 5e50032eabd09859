#include "models/core/component_unit.h"

#include <fmt/format.h>
#include <systemc>

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"

namespace crashtwin {

namespace dl = device_layout;

ComponentUnit::ComponentUnit(RegisterBank& bank, ComponentId id, uint32_t unit_index, StateKind state_kind,
                             MetricSource metrics, StateSource state, PendingChanged on_pending,
                             uint16_t smbios_handle)
    : id_(id),
      index_(unit_index),
      state_kind_(state_kind),
      state_(std::move(state)),
      on_pending_(std::move(on_pending)),
      regs_(bank, dl::unit_base(unit_index), fmt::format("unit{}.", unit_index),
            {.smbios_handle = smbios_handle, .state_kind = static_cast<uint64_t>(state_kind)},
            metric_count(id.cls)),
      snapshot_(CT_UNIT_STATE_SIZE) {
  for (uint32_t slot = 0; slot < regs_.metric.size(); ++slot)
    regs_.metric[slot].on_read([metrics, m = metric_at(id.cls, slot)] { return metrics ? metrics(m) : 0; });
  regs_.err_status.on_write([this](uint64_t) {
    if (on_pending_) on_pending_(pending());
  });
  regs_.state_length.on_read([this] {
    snapshot_length_ = state_ ? state_(std::span<std::byte>(snapshot_)) : 0;
    return static_cast<uint64_t>(snapshot_length_);
  });
  bank.add_window(fmt::format("unit{}.state", unit_index), dl::unit_base(unit_index) + CT_UNIT_STATE,
                  CT_UNIT_STATE_SIZE, [this](uint64_t offset, std::span<std::byte> out) {
                    for (size_t i = 0; i < out.size(); ++i)
                      out[i] = offset + i < snapshot_length_ ? snapshot_[offset + i] : std::byte{0};
                  });
}

void ComponentUnit::raise(const ErrorEvent& event) {
  regs_.err_type.set(static_cast<uint64_t>(event.type));
  regs_.err_address.set(event.address);
  regs_.err_detail.set(event.detail);
  regs_.err_time.set(event.time_ns != 0 ? event.time_ns : to_ns(sc_core::sc_time_stamp()));
  regs_.err_count.set(regs_.err_count.value() + 1);
  regs_.err_status.set(CT_UNIT_ERR_STATUS_VALID_MASK);
  if (on_pending_) on_pending_(true);
}

bool ComponentUnit::pending() const { return (regs_.err_status.value() & CT_UNIT_ERR_STATUS_VALID_MASK) != 0; }

}  // namespace crashtwin
