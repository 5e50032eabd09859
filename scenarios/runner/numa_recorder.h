// Follows where the crash slices lie on a NUMA board (results' `numa`
// metric, docs/results.md): after every agent step it integrates the bytes
// of slices on each node and the bytes on a node other than their
// component's (time-weighted, like reserved byte-seconds), and for each
// capture whether the record went to the failed component's node. At the
// end it adds what the interconnect counted: bytes per node, the share that
// crossed sockets, and the DMA engine's cross-socket bytes (the BMC's drain).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/agent/agent.h"

namespace crashtwin {
class Board;
}

namespace crashtwin::scenario {

class NumaRecorder final : public AgentObserver {
 public:
  explicit NumaRecorder(const NumaLayout& layout);

  void on_tick(const Agent& agent, uint64_t time_ns) override { follow(agent, time_ns); }
  void on_repartition(const Agent& agent, const RepartitionReport& report) override { follow(agent, report.time_ns); }
  void on_capture(const Agent& agent, const ErrorEvent& event, const CaptureResult& result, Status status) override;
  void on_control(const Agent& agent, std::string_view, const ControlResult& result) override {
    follow(agent, result.time_ns);
  }

  // The `numa` metric as the scenario ended at `end_ns` (an empty object on
  // a one-node board: nothing to say).
  nlohmann::ordered_json finish(const Agent& agent, Board& board, uint64_t end_ns);

 private:
  // Integrates the layout in force up to `time_ns`, then takes the table's.
  void follow(const Agent& agent, uint64_t time_ns);

  NumaLayout layout_;
  uint64_t last_ns_ = 0;
  std::vector<uint64_t> bytes_on_node_;       // slices' bytes per node, now
  uint64_t remote_bytes_ = 0;                 // of those, on another node than their component's
  std::vector<double> byte_seconds_on_node_;  // integrals
  double remote_byte_seconds_ = 0;
  uint64_t captures_ = 0;
  uint64_t captures_remote_ = 0;
};

}  // namespace crashtwin::scenario
