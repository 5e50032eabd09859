#include "bench/models/bench_design.h"

int sc_main(int, char*[]) { return 0; }  // libsystemc's main needs it; benchmark_main runs instead

namespace crashtwin::bench {

namespace {
ParamTree make_tree() {
  ParamTree t;
  t.set("memory.size", "1 GiB");
  t.set("day.dram.size", "1 TiB");
  t.set("day.dram.dimms", "16");
  t.set("day.cpu.cores", "8");
  t.set("day.cpu.workload.memory_traffic", "2 GB/s");
  t.set("day.cpu.traffic_quantum", "1 s");  // one 64 KiB burst per core per second of a day
  return t;
}
}  // namespace

Design::Design()
    : tree(make_tree()),
      bare_memory("bare_memory", ModelContext{ParamScope(tree, "memory")}),
      routed_memory("routed_memory", ModelContext{ParamScope(tree, "memory")}),
      router("router", ModelContext{ParamScope(tree, "router")}) {
  bare.out.bind(bare_memory.in);
  router.map("routed_memory", 0, routed_memory.size(), routed_memory.in);
  router.bind_initiator(routed.out, "routed");
  bare_memory.irq.bind(irq_bare);
  routed_memory.irq.bind(irq_routed);
  ctrl_bare.out.bind(bare_memory.ctrl);
  ctrl_routed.out.bind(routed_memory.ctrl);
  day_board = std::make_unique<Board>(tree, "day");
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate: bindings resolved
}

Design& design() {
  static Design d;
  return d;
}

}  // namespace crashtwin::bench
