#include "traces/report/memory_section.h"

#include <algorithm>

#include <fmt/format.h>

#include "traces/memory_analysis.h"
#include "traces/report/format.h"
#include "traces/report/svg_chart.h"

namespace crashtwin::report {
namespace {

std::string bytes_text(uint64_t bytes) { return format_bytes(static_cast<double>(bytes)); }

// Where the live slices lie on a NUMA board at the end, and the slices off
// their component's node.
std::string numa_table(const MemoryAnalysis& a) {
  std::string nodes;
  for (const MemoryNumaNodeUse& n : a.numa_use)
    nodes += fmt::format("{}node {}: {} in {} slices", nodes.empty() ? "" : "; ", n.node, bytes_text(n.slice_bytes),
                         n.slices);
  std::string remote;
  for (const MemoryNumaSlice& r : a.remote_slices)
    remote += fmt::format("{}{} on node {} (home {}, {} off home)", remote.empty() ? "" : "; ", html_escape(r.component),
                          r.node, r.home_node, bytes_text(r.bytes_off_home));
  return fmt::format(
      "<table class=\"compact\"><tbody>"
      "<tr><th class=\"text\">NUMA ({})</th><td class=\"text\" style=\"white-space:normal\">{}</td></tr>"
      "<tr><th class=\"text\">off home</th><td class=\"text\" style=\"white-space:normal\">{:.1f} % of slice bytes "
      "at the end{}; {} of {} placements off home over the run</td></tr>"
      "</tbody></table>\n",
      html_escape(a.slice_placement), nodes, 100 * a.remote_slice_share, remote.empty() ? "" : ": " + remote,
      a.placements_remote, a.placements_home + a.placements_remote);
}

std::string run_card(const results::Run& run, const MemoryAnalysis& a) {
  const std::string who = fmt::format("{} · {} · seed {}", run.summary.policy, run.summary.strategy, run.summary.seed);
  std::string out = fmt::format("<div class=\"run-card\">\n<h3>{}</h3>\n", html_escape(who));
  std::string top_caller = a.callers.empty() ? "none" : a.callers.front().name;
  out += fmt::format(
      "<table class=\"compact\"><tbody>"
      "<tr><th class=\"text\">pattern</th><td class=\"text\" style=\"white-space:normal\">{} ({} bursts, {} spikes)</td></tr>"
      "<tr><th class=\"text\">allocations</th><td class=\"text\" style=\"white-space:normal\">{} ({:.3g}/s), {} frees; hottest caller {}</td></tr>"
      "<tr><th class=\"text\">pressure</th><td class=\"text\" style=\"white-space:normal\">peak {:.1f} %, mean {:.1f} %, trend {}</td></tr>"
      "<tr><th class=\"text\">leaks</th><td class=\"text\" style=\"white-space:normal\">{} direct ({}), {} indirect, {} resource; {} holes below a slice ({}); "
      "{} false positives</td></tr>"
      "<tr><th class=\"text\">fragmentation</th><td class=\"text\" style=\"white-space:normal\">health min {:.1f}, final {:.1f}; a compaction would gain {}</td></tr>"
      "</tbody></table>\n",
      a.pattern, a.bursts, a.spikes, a.allocations, a.allocations_per_s, a.frees, html_escape(top_caller),
      100 * a.pressure_peak, 100 * a.pressure_mean, a.trend, a.direct_leaks, bytes_text(a.direct_leak_bytes),
      a.indirect_leaks, a.resource_leaks, a.fragmentation_holes, bytes_text(a.fragmentation_hole_bytes),
      a.false_positives, a.health_min, a.health_final, bytes_text(a.compaction_gain_final_bytes));
  if (a.numa_nodes > 0) out += numa_table(a);
  out += allocation_rate_figure(a) + fragmentation_health_figure(a);
  return out + "</div>\n";
}

}  // namespace

std::string memory_section(const std::vector<const results::Run*>& runs) {
  std::string cards;
  for (const results::Run* run : runs)
    if (run->memory) cards += run_card(*run, *run->memory);
  std::string out =
      "<section id=\"memory\"><h2>Memory</h2><p class=\"note\">The crash-region allocator's profile "
      "(memory_profile.json) as <code>crashtwin analyze</code> reads it: allocation pattern, leaks against the "
      "agent's ownership map, fragmentation health (docs/memory-analysis.md).</p>\n";
  if (cards.empty()) return out + "<p class=\"note\">No run of this scenario has a memory profile.</p>\n</section>\n";
  return out + "<div class=\"grid\">\n" + cards + "</div>\n</section>\n";
}

std::string memory_summary_line(const results::Batch& batch) {
  size_t analysed = 0, bursty = 0;
  uint64_t leaks = 0, leak_bytes = 0;
  double health_min = 100;
  for (const results::Run& run : batch.runs) {
    if (!run.memory) continue;
    ++analysed;
    bursty += run.memory->bursts > 0 ? 1 : 0;
    leaks += run.memory->direct_leaks;
    leak_bytes += run.memory->direct_leak_bytes;
    health_min = std::min(health_min, run.memory->health_min);
  }
  if (analysed == 0) return {};
  return fmt::format(
      "<p class=\"note\" id=\"memory-summary\">Memory: {} runs profiled, {} direct leaks ({}), {} runs with "
      "allocation bursts, lowest fragmentation health {:.1f} (each scenario's page has its Memory section).</p>\n",
      analysed, leaks, bytes_text(leak_bytes), bursty, health_min);
}

}  // namespace crashtwin::report
