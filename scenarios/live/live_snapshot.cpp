#include "scenarios/live/live_snapshot.h"

#include <algorithm>

#include "models/board/board.h"
#include "models/cpu/cache_model.h"
#include "models/cpu/cpu_cluster.h"
#include "models/cpu/kernel_layout.h"
#include "models/dram/dram.h"
#include "platform/agent/agent.h"
#include "scenarios/runner/memory_recorder.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::live {
namespace {

const char* state_name(CoreRunState s) {
  switch (s) {
    case CoreRunState::running: return "running";
    case CoreRunState::hung: return "hung";
    case CoreRunState::halted: return "halted";
  }
  return "?";
}

const CpuCluster* cluster_of(Board& board) { return dynamic_cast<const CpuCluster*>(board.cpu_cluster()); }

}  // namespace

void fill_overview(const Agent& agent, OverviewTab& out) {
  out = OverviewTab{};
  const PartitionTable& table = agent.partition_table();
  for (size_t i = 0; i < agent.instance_count(); ++i) {
    const ComponentId c = agent.instance(i);
    SliceRow row;
    row.component = scenario::to_string(c);
    row.probability = agent.probability(c);
    row.alarmed = agent.alarmed(c);
    uint32_t index = 0;
    if (ok(table.find_slice(c, index))) {
      const SliceEntry& e = table.slices[index];
      row.has_slice = true;
      row.base = e.base;
      row.size = e.size;
      row.used_bytes = e.used_bytes;
      row.records = e.record_count;
      row.truncated = (e.flags & kSliceFlagTruncated) != 0;
    }
    out.components.push_back(std::move(row));
  }
  const AgentStats& st = agent.stats();
  out.reserved_bytes = st.reserved_bytes;
  out.budget_bytes = agent.config().budget_bytes - st.released_bytes;
  out.model_generation = agent.model_generation();
  out.ticks = st.ticks;
  out.repartitions = st.repartitions;
  out.captures = st.captures;
  out.truncated_captures = st.truncated_captures;
  out.failed_captures = st.failed_captures;
}

void fill_memory(const Agent& agent, uint64_t now_ns, MemoryTab& out) {
  out = MemoryTab{};
  const alloc::BuddyAllocator& buddy = agent.buddy();
  out.region_bytes = buddy.page_count() << alloc::kPageShift;
  out.sample = scenario::memory_sample_of(agent, now_ns);
  out.health = fragmentation_point(out.sample, out.region_bytes);
  out.free_blocks_per_order = scenario::free_blocks_per_order(buddy);
  const alloc::AllocTrace& trace = agent.alloc_trace();
  out.events_recorded = trace.written();
  for (size_t c = 0; c < alloc::kAllocCallerCount; ++c) {
    const auto caller = static_cast<alloc::AllocCaller>(c);
    const alloc::AllocCallerCounts& n = trace.counts(caller);
    if (n.allocs + n.frees == 0) continue;
    out.callers.push_back({alloc::to_string(caller), n.allocs, n.frees, n.pages_allocated, n.pages_freed});
  }
}

void fill_cache(Board& board, const Agent& agent, CacheTab& out) {
  out = CacheTab{};
  const CpuCluster* cluster = cluster_of(board);
  if (cluster == nullptr) return;
  const ResourceMonitoring& rdt = cluster->monitoring();
  out.has_cluster = true;
  out.llc_bytes = rdt.llc().capacity_bytes();
  out.occupied_bytes = rdt.llc().total_bytes();
  out.rmids = rdt.capabilities().max_rmid + 1;
  std::vector<std::vector<uint32_t>> cores(out.rmids);
  for (uint32_t c = 0; c < cluster->core_count(); ++c)
    if (rdt.core_rmid(c) < out.rmids) cores[rdt.core_rmid(c)].push_back(c);
  for (uint32_t r = 0; r < out.rmids; ++r) {
    const double occupancy = rdt.llc().occupancy_bytes(r);
    if (cores[r].empty() && occupancy < 1.0) continue;
    CacheRow row;
    row.rmid = r;
    row.cores = cores[r];
    row.occupancy_bytes = occupancy;
    for (const WorkloadFeatures& w : agent.monitor().workloads()) {
      if (w.rmid != r || r == 0) continue;
      row.workload = w.owner.name;
      row.mbm_total_bytes_per_s = w.mbm_total_bytes_per_s;
      row.mbm_local_bytes_per_s = w.mbm_local_bytes_per_s;
    }
    out.rows.push_back(std::move(row));
  }
  if (const CacheModel* model = cluster->cache_model()) {
    auto ratio = [](uint64_t hits, uint64_t lookups) {
      return lookups > 0 ? static_cast<double>(hits) / static_cast<double>(lookups) : -1.0;
    };
    for (uint32_t c = 0; c < model->cores(); ++c) {
      const CoreCacheStats& st = model->stats(c);
      out.cores.push_back({c, st.accesses, ratio(st.l1_hits, st.accesses), ratio(st.l2_hits, st.l2_accesses),
                           ratio(st.llc_hits, st.llc_accesses), ratio(st.tlb_hits, st.tlb_accesses),
                           st.accesses > 0 ? 1000.0 * static_cast<double>(st.coherence_events()) /
                                                 static_cast<double>(st.accesses)
                                           : 0.0});
    }
  }
}

void fill_stacks(Board& board, StacksTab& out) {
  out = StacksTab{};
  out.stack_bytes = kernel_layout::kStackBytes;
  const CpuCluster* cluster = cluster_of(board);
  if (cluster == nullptr) return;
  for (uint32_t c = 0; c < cluster->core_count(); ++c) {
    const CpuCore& core = cluster->core_as_is(c);
    // The stack as last realised (at the agent's tick or a register read):
    // reading it here draws nothing, so a watched run writes the same bytes.
    const KernelStack& stack = core.kernel_stack();
    const StackUsage usage = stack.usage();
    StackRow row;
    row.core = c;
    row.state = state_name(core.run_state());
    row.rsp = stack.rsp();
    row.stack_top = stack.top();
    row.depth_bytes = stack.depth_bytes();
    row.high_water_bytes = usage.used_bytes;
    row.magic_intact = usage.magic_intact;
    out.cores.push_back(std::move(row));
  }
}

void fill_numa(Board& board, const Agent& agent, const NumaTab* previous, uint64_t elapsed_ns, NumaTab& out) {
  out = NumaTab{};
  Dram& dram = board.dram();
  const uint32_t nodes = std::max<uint32_t>(1, dram.numa_nodes());
  out.nodes.resize(nodes);
  for (uint32_t n = 0; n < nodes; ++n) out.nodes[n].node = n;
  for (uint32_t d = 0; d < dram.dimms(); ++d) {
    NumaNodeRow& node = out.nodes[std::min(nodes - 1, dram.numa_node(uint64_t{d} * dram.dimm_size()))];
    ++node.dimms;
    node.bytes += dram.dimm_size();
    node.traffic_bytes += dram.dimm_traffic_bytes(d);
  }
  // Where the slices lie (the agent's view of the nodes, platform/agent/numa_layout.h).
  const NumaLayout& layout = agent.config().numa;
  out.slice_placement = to_string(agent.config().slice_placement);
  const PartitionTable& table = agent.partition_table();
  for (uint32_t s = 0; s < table.slice_count && layout.nodes > 1; ++s) {
    const SliceEntry& slice = table.slices[s];
    const uint32_t home = layout.node_of(slice.component);
    for (uint32_t n = 0; n < layout.nodes && n < nodes; ++n) {
      const uint64_t on = layout.bytes_on_node(slice.base, slice.size, n);
      out.nodes[n].slice_bytes += on;
      if (n != home) out.nodes[n].slice_bytes_off_home += on;
    }
  }
  const CpuCluster* cluster = cluster_of(board);
  if (cluster != nullptr)
    for (uint32_t c = 0; c < cluster->core_count(); ++c) {
      const uint32_t n = cluster->monitoring().numa_node(c);
      if (n < nodes) out.nodes[n].cores.push_back(c);
    }
  if (previous != nullptr && previous->nodes.size() == nodes && elapsed_ns > 0)
    for (uint32_t n = 0; n < nodes; ++n) {
      const uint64_t before = previous->nodes[n].traffic_bytes;
      const uint64_t now = out.nodes[n].traffic_bytes;
      out.nodes[n].traffic_bytes_per_s =
          now >= before ? static_cast<double>(now - before) / (static_cast<double>(elapsed_ns) * 1e-9) : 0;
    }
  const uint32_t rmids = cluster != nullptr ? cluster->monitoring().capabilities().max_rmid + 1 : 0;
  for (uint32_t r = 0; r < rmids; ++r) {
    const RmidTraffic t = dram.rmid_traffic(r);
    if (t.total_bytes == 0) continue;
    out.rmids.push_back({r, t.total_bytes, t.local_bytes});
  }
}

}  // namespace crashtwin::live
