#include "scenarios/injector/replay_player.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/cpu/cpu_cluster.h"
#include "models/dram/dram.h"
#include "models/nic/nic.h"
#include "models/workload/io_device.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {
namespace {

const char* const kTrack = "board.replay";

IoError error_of(Metric m) {
  switch (m) {
    case Metric::disk_media_errors: return IoError::media;
    case Metric::net_crc_errors: return IoError::crc;
    default: return IoError::timeout;  // disk_timeouts
  }
}

}  // namespace

ReplayPlayer::ReplayPlayer(sc_core::sc_module_name name, Board& board, const ReplaySettings& replay, EventLog& events)
    : sc_core::sc_module(name), board_(board), replay_(replay), events_(events) {
  SC_THREAD(play);
}

void ReplayPlayer::play() {
  Event& begin = events_.add(replay_.start_ns, kTrack, EventKind::precursor);
  begin.fields["precursor"] = "replay";
  begin.fields["trace"] = replay_.trace_path;
  begin.fields["state"] = "begin";
  if (replay_.time_scale != 1.0) begin.fields["time_scale"] = replay_.time_scale;
  for (const replay::ReplayStep& step : replay_.steps) {
    const uint64_t at = replay_.start_ns + step.time_ns;
    const uint64_t now = to_ns(sc_core::sc_time_stamp());
    if (at > now) wait(sc_core::sc_time(static_cast<double>(at - now), sc_core::SC_NS));
    apply(step);
  }
  const uint64_t now = to_ns(sc_core::sc_time_stamp());
  Event& end = events_.add(std::max(now, replay_.start_ns), kTrack, EventKind::precursor);
  end.fields["precursor"] = "replay";
  end.fields["trace"] = replay_.trace_path;
  end.fields["state"] = "end";
}

void ReplayPlayer::apply(const replay::ReplayStep& step) {
  uint32_t unit = 0;
  Model* model = board_.model_of(step.component, unit);
  const auto problem = [&](const std::string& what) {
    const std::string text = fmt::format("replay of {} {} at {} ns: {}", to_string(step.component),
                                         crashtwin::to_string(step.metric), step.time_ns, what);
    if (std::find(problems_.begin(), problems_.end(), text) == problems_.end()) problems_.push_back(text);
  };
  if (model == nullptr) return problem("the board has no such component");
  auto* dram = dynamic_cast<Dram*>(model);
  auto* io = dynamic_cast<IoDevice*>(model);
  auto* nic = dynamic_cast<Nic*>(model);
  auto* cpu = dynamic_cast<CpuCluster*>(model);
  Status st = Status::ok;
  switch (step.hook) {
    case replay::ReplayHook::inject_corrected_errors:
      if (dram == nullptr) return problem("not a DIMM");
      if (step.address == replay::kNoAddress)
        dram->inject_corrected_errors(unit, static_cast<uint32_t>(std::min<uint64_t>(step.value, UINT32_MAX)));
      else
        dram->inject_corrected_errors_at(unit, static_cast<uint32_t>(std::min<uint64_t>(step.value, UINT32_MAX)),
                                         step.address);
      break;
    case replay::ReplayHook::dimm_temperature:
      if (dram == nullptr) return problem("not a DIMM");
      dram->pin_temperature(unit, step.value);
      break;
    case replay::ReplayHook::counter_rate:
      if (cpu != nullptr) {
        // A core's two replayed rates are set together: keep the other.
        CoreRates& rates = core_rates_[{step.component.cls, step.component.instance}];
        (step.metric == Metric::cpu_exceptions ? rates.exceptions : rates.corrected_errors) = step.rate;
        st = cpu->set_replayed_rates(unit, rates.corrected_errors, rates.exceptions);
        break;
      }
      if (io == nullptr) return problem("not a core, disk or NIC");
      st = io->set_error_rate(error_of(step.metric), step.rate);
      break;
    case replay::ReplayHook::latency_offset:
      if (io == nullptr) return problem("not a disk or NIC");
      st = io->set_latency_offset(step.value);
      break;
    case replay::ReplayHook::inlet_temperature:
      if (cpu != nullptr) {
        st = cpu->set_core_inlet(unit, static_cast<double>(step.value) / 1000.0);
        break;
      }
      if (io == nullptr) return problem("not a core, disk or NIC");
      io->set_inlet_temperature(static_cast<double>(step.value) / 1000.0);
      break;
    case replay::ReplayHook::link_flaps:
      if (nic == nullptr) return problem("not a NIC");
      for (uint64_t i = 0; i < step.value; ++i) nic->link_flap();
      break;
  }
  if (!ok(st)) return problem(crashtwin::to_string(st));
  ++applied_;
}

}  // namespace crashtwin::scenario
