#include "models/core/component_unit.h"

#include <fmt/format.h>
#include <systemc>

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"

namespace crashtwin {

namespace dl = device_layout;

ComponentUnit::ComponentUnit(RegisterBank& bank, ComponentId id, uint32_t unit_index, StateKind state_kind,
                             MetricSource metrics, StateSource state, PendingChanged on_pending)
    : id_(id),
      index_(unit_index),
      state_kind_(state_kind),
      state_(std::move(state)),
      on_pending_(std::move(on_pending)),
      err_status_(bank.add(fmt::format("unit{}.err_status", unit_index), dl::unit_base(unit_index) + dl::kErrStatus,
                           8, 0, Access::w1c)),
      err_type_(bank.add(fmt::format("unit{}.err_type", unit_index), dl::unit_base(unit_index) + dl::kErrType, 8, 0,
                         Access::ro)),
      err_address_(bank.add(fmt::format("unit{}.err_address", unit_index),
                            dl::unit_base(unit_index) + dl::kErrAddress, 8, 0, Access::ro)),
      err_detail_(bank.add(fmt::format("unit{}.err_detail", unit_index), dl::unit_base(unit_index) + dl::kErrDetail,
                           8, 0, Access::ro)),
      err_time_(bank.add(fmt::format("unit{}.err_time", unit_index), dl::unit_base(unit_index) + dl::kErrTime, 8, 0,
                         Access::ro)),
      err_count_(bank.add(fmt::format("unit{}.err_count", unit_index), dl::unit_base(unit_index) + dl::kErrCount, 8,
                          0, Access::ro)),
      snapshot_(dl::kStateWindowSize) {
  const uint64_t base = dl::unit_base(unit_index);
  const ComponentClass cls = id.cls;
  for (uint32_t slot = 0; slot < metric_count(cls); ++slot) {
    const Metric m = metric_at(cls, slot);
    bank.add(fmt::format("unit{}.{}", unit_index, to_string(m)), base + dl::kMetricsOffset + slot * 8, 8, 0,
             Access::ro)
        .on_read([metrics, m] { return metrics ? metrics(m) : 0; });
  }
  err_status_.on_write([this](uint64_t) {
    if (on_pending_) on_pending_(pending());
  });
  bank.add(fmt::format("unit{}.state_length", unit_index), base + dl::kStateLength, 8, 0, Access::ro)
      .on_read([this] {
        snapshot_length_ = state_ ? state_(std::span<std::byte>(snapshot_)) : 0;
        return static_cast<uint64_t>(snapshot_length_);
      })
      .read_changes_state();
  bank.add(fmt::format("unit{}.state_kind", unit_index), base + dl::kStateKind, 8,
           static_cast<uint64_t>(state_kind_), Access::ro);
  bank.add_window(fmt::format("unit{}.state", unit_index), base + dl::kStateWindowOffset, dl::kStateWindowSize,
                  [this](uint64_t offset, std::span<std::byte> out) {
                    for (size_t i = 0; i < out.size(); ++i)
                      out[i] = offset + i < snapshot_length_ ? snapshot_[offset + i] : std::byte{0};
                  });
}

void ComponentUnit::raise(const ErrorEvent& event) {
  err_type_.set(static_cast<uint64_t>(event.type));
  err_address_.set(event.address);
  err_detail_.set(event.detail);
  err_time_.set(event.time_ns != 0 ? event.time_ns : to_ns(sc_core::sc_time_stamp()));
  err_count_.set(err_count_.value() + 1);
  err_status_.set(dl::kErrStatusValid);
  if (on_pending_) on_pending_(true);
}

bool ComponentUnit::pending() const { return (err_status_.value() & dl::kErrStatusValid) != 0; }

}  // namespace crashtwin
