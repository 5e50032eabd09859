// One DMA transfer as observed on the controller (for events.jsonl and
// traces): who asked, what moved, whether the access windows refused it.
#pragma once

#include <cstdint>
#include <string>

namespace crashtwin {

struct DmaTransfer {
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  uint64_t source = 0;
  uint64_t destination = 0;
  uint64_t bytes = 0;
  uint32_t channel = 0;
  std::string initiator;  // "board.bmc" / "board.host"
  bool refused = false;
  std::string reason;     // why it was refused ("source 0x... outside window ...")
};

}  // namespace crashtwin
