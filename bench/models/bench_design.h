// The one design every models benchmark uses: SystemC elaborates once per
// process, so the bare initiator-memory pair, the routed DRAM and the 1 TiB
// board are built together on first use and elaborated before any
// benchmark runs.
#pragma once

#include <memory>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/board/board.h"
#include "models/config/params.h"
#include "models/core/irq.h"
#include "models/dram/dram.h"
#include "models/router/router.h"

namespace crashtwin::bench {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> out{"out"};
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

struct Design {
  ParamTree tree;
  Dram bare_memory;
  Dram routed_memory;
  Router router;
  Initiator bare{"bare"}, routed{"routed"}, ctrl_bare{"ctrl_bare"}, ctrl_routed{"ctrl_routed"};
  IrqLine irq_bare{"irq_bare"}, irq_routed{"irq_routed"};
  std::unique_ptr<Board> day_board;  // 1 TiB of DRAM, 8 cores sending bursts

  Design();
};

Design& design();

}  // namespace crashtwin::bench
