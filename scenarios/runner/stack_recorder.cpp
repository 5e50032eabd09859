#include "scenarios/runner/stack_recorder.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/cpu/cpu_cluster.h"
#include "scenarios/schema/scenario.h"
#include "traces/timeseries_writer.h"

namespace crashtwin::scenario {
namespace {
std::string core_column(std::string_view prefix, uint32_t core) { return fmt::format("{}cpu.{}", prefix, core); }
}  // namespace

StackRecorder::StackRecorder(Board& board, EventLog& events) : events_(events) {
  cpu_ = dynamic_cast<CpuCluster*>(board.cpu_cluster());
  if (cpu_ == nullptr) return;
  depth_.resize(cpu_->core_count());
  high_water_series_.resize(cpu_->core_count());
}

void StackRecorder::on_tick(const Agent& agent, uint64_t time_ns) {
  (void)agent;
  (void)time_ns;
  if (cpu_ == nullptr || finished_) return;
  for (uint32_t c = 0; c < cpu_->core_count(); ++c) {
    const KernelStack& stack = cpu_->kernel_stack(c);
    const uint64_t used = stack.usage().used_bytes;
    high_water_ = std::max(high_water_, used);
    depth_[c].push_back(static_cast<double>(stack.depth_bytes()));
    high_water_series_[c].push_back(static_cast<double>(used));
  }
}

void StackRecorder::on_error_raised(const ErrorEvent& event) {
  if (cpu_ == nullptr || finished_ || event.type != ErrorType::page_fault || event.component.cls != ComponentClass::cpu ||
      event.component.instance >= cpu_->core_count())
    return;
  const KernelStack& stack = cpu_->kernel_stack(event.component.instance);
  if (!stack.overflowed()) return;
  ++overflows_;
  high_water_ = std::max(high_water_, stack.usage().used_bytes);
  Event& e = events_.add(event.time_ns, fmt::format("board.cpu.core{}", event.component.instance),
                         EventKind::stack_overflow);
  e.fields["component"] = to_string(event.component);
  e.fields["guard_address"] = event.address;
  e.fields["stack_base"] = stack.base();
  e.fields["stack_bytes"] = stack.top() - stack.base();
  e.fields["end_magic"] = stack.usage().magic_intact ? "intact" : "overwritten";
}

void StackRecorder::add_columns(RunRecorder& recorder) const {
  for (uint32_t c = 0; c < depth_.size(); ++c) {
    recorder.add_column_after_run(core_column(kStackDepthPrefix, c), depth_[c]);
    recorder.add_column_after_run(core_column(kStackHighWaterPrefix, c), high_water_series_[c]);
  }
}

void StackRecorder::finish() {
  if (cpu_ == nullptr || finished_) return;
  finished_ = true;
  for (uint32_t c = 0; c < cpu_->core_count(); ++c)
    high_water_ = std::max(high_water_, cpu_->kernel_stack(c).usage().used_bytes);
}

nlohmann::ordered_json StackRecorder::metric() const {
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  if (cpu_ == nullptr) return m;
  m["stack_bytes"] = kernel_layout::kStackBytes;
  m["high_water_bytes"] = high_water_;
  m["overflows"] = overflows_;
  return m;
}

}  // namespace crashtwin::scenario
