#include "scenarios/runner/numa_recorder.h"

#include <string>

#include "models/board/board.h"
#include "models/dma/dma_controller.h"
#include "models/dram/dram.h"
#include "models/router/router.h"

namespace crashtwin::scenario {
namespace {

std::string node_key(uint32_t node) { return "node" + std::to_string(node); }

}  // namespace

NumaRecorder::NumaRecorder(const NumaLayout& layout)
    : layout_(layout), bytes_on_node_(layout.nodes, 0), byte_seconds_on_node_(layout.nodes, 0.0) {}

void NumaRecorder::follow(const Agent& agent, uint64_t time_ns) {
  if (time_ns > last_ns_) {
    const double dt = static_cast<double>(time_ns - last_ns_) * 1e-9;
    for (uint32_t n = 0; n < layout_.nodes; ++n) byte_seconds_on_node_[n] += static_cast<double>(bytes_on_node_[n]) * dt;
    remote_byte_seconds_ += static_cast<double>(remote_bytes_) * dt;
    last_ns_ = time_ns;
  }
  const PartitionTable& table = agent.partition_table();
  for (uint64_t& b : bytes_on_node_) b = 0;
  remote_bytes_ = 0;
  for (uint32_t s = 0; s < table.slice_count; ++s) {
    const SliceEntry& slice = table.slices[s];
    const uint32_t home = layout_.node_of(slice.component);
    for (uint32_t n = 0; n < layout_.nodes; ++n) {
      const uint64_t bytes = layout_.bytes_on_node(slice.base, slice.size, n);
      bytes_on_node_[n] += bytes;
      if (n != home) remote_bytes_ += bytes;
    }
  }
}

void NumaRecorder::on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) {
  follow(agent, event.time_ns);
  if (result.record_bytes == 0 || !(ok(status) || status == Status::truncated)) return;
  const PartitionTable& table = agent.partition_table();
  for (uint32_t s = 0; s < table.slice_count; ++s) {
    const SliceEntry& slice = table.slices[s];
    if (!(slice.component == event.component)) continue;
    ++captures_;
    // The record's own node (a slice across the boundary has records on both).
    if (layout_.node_at(slice.base + result.record_offset) != layout_.node_of(event.component)) ++captures_remote_;
    return;
  }
}

nlohmann::ordered_json NumaRecorder::finish(const Agent& agent, Board& board, uint64_t end_ns) {
  follow(agent, end_ns);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (layout_.nodes < 2) return out;
  const double seconds = static_cast<double>(end_ns) * 1e-9;
  const Router& router = board.router();
  const Dram& dram = board.dram();
  out["nodes"] = layout_.nodes;
  out["remote_latency_ns"] = static_cast<double>(router.remote_latency().value()) /
                             static_cast<double>(sc_core::sc_time(1, sc_core::SC_NS).value());
  double slice_byte_seconds = 0;
  for (double b : byte_seconds_on_node_) slice_byte_seconds += b;
  // summary.json's metrics are numbers or objects of numbers: per-node
  // figures are keys "node<n>_<figure>".
  for (uint32_t n = 0; n < layout_.nodes; ++n)
    out[node_key(n) + "_slice_bytes_mean"] = seconds > 0 ? byte_seconds_on_node_[n] / seconds : 0.0;
  out["remote_slice_share"] = slice_byte_seconds > 0 ? remote_byte_seconds_ / slice_byte_seconds : 0.0;
  out["node_local_placements"] = agent.stats().node_local_placements;
  out["remote_placements"] = agent.stats().remote_placements;
  out["captures"] = captures_;
  out["captures_remote"] = captures_remote_;
  // What the interconnect carried (transactions: cores' bursts, DMA; the
  // host CPU's DMI accesses do not pass it).
  uint64_t all = 0, crossing = 0;
  const double dimms_per_node = static_cast<double>(dram.dimms()) / layout_.nodes;
  for (uint32_t to = 0; to < layout_.nodes; ++to) {
    uint64_t into = 0;
    for (uint32_t from = 0; from < layout_.nodes; ++from) {
      const uint64_t b = router.node_traffic_bytes(from, to);
      into += b;
      if (from != to) crossing += b;
    }
    all += into;
    out[node_key(to) + "_memory_traffic_bytes"] = into;
    const double capacity = seconds * dram.bandwidth_bytes_per_s() * dimms_per_node;
    out[node_key(to) + "_bandwidth_utilisation"] = capacity > 0 ? static_cast<double>(into) / capacity : 0.0;
  }
  out["remote_traffic_share"] = all > 0 ? static_cast<double>(crossing) / static_cast<double>(all) : 0.0;
  const Router::InitiatorTraffic dma = router.initiator_traffic(std::string(board.name()) + ".dma");
  out["dma_bytes"] = dma.memory_bytes;
  out["cross_node_dma_bytes"] = dma.remote_bytes;
  return out;
}

}  // namespace crashtwin::scenario
