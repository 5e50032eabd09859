#include "scenarios/live/live_text.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>


namespace crashtwin::live {
namespace {

constexpr std::array<const char*, kTabCount> kTabTitles = {"Overview", "Memory", "Cache", "Stacks", "NUMA"};

std::string percent(double fraction) { return fmt::format("{:.1f} %", 100.0 * fraction); }

// "0-3" for a contiguous run, else "0,2,5"; "-" for none.
std::string core_list(const std::vector<uint32_t>& cores) {
  if (cores.empty()) return "-";
  const bool contiguous = cores.back() - cores.front() + 1 == cores.size();
  if (contiguous && cores.size() > 2) return fmt::format("{}-{}", cores.front(), cores.back());
  std::string out;
  for (uint32_t c : cores) out += (out.empty() ? "" : ",") + std::to_string(c);
  return out;
}

// A bar of `width` cells, `fraction` of them filled.
std::string bar(double fraction, size_t width) {
  const double f = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  const auto filled = static_cast<size_t>(std::lround(f * static_cast<double>(width)));
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
}

const char* state_text(RunState s) {
  switch (s) {
    case RunState::running: return "running";
    case RunState::finished: return "finished";
  }
  return "?";
}

void overview(const LiveSnapshot& s, std::vector<std::string>& out) {
  const OverviewTab& o = s.overview;
  out.push_back(fmt::format("crash region: {} reserved of a {} budget   model generation {}",
                            bytes_text(static_cast<double>(o.reserved_bytes)),
                            bytes_text(static_cast<double>(o.budget_bytes)), o.model_generation));
  out.push_back(fmt::format("ticks {}   captures {} ({} truncated, {} failed)", o.ticks, o.captures,
                            o.truncated_captures, o.failed_captures));
  const RepartitionReport& latest = o.last_repartition;
  out.push_back(o.repartitions == 0
                    ? std::string("repartitions 0")
                    : fmt::format("repartitions {}, the latest at {}: {} slice{} changed, {} moved ({} of records)",
                                  o.repartitions, seconds_text(latest.time_ns), latest.slices_changed,
                                  latest.slices_changed == 1 ? "" : "s", latest.slices_moved,
                                  bytes_text(static_cast<double>(latest.bytes_moved))));
  out.emplace_back();
  out.push_back(fmt::format("{:<12}{:>10}  {:<22}{:>12}{:>12}{:>9}", "component", "P(fail)", "probability",
                            "slice", "used", "records"));
  for (const SliceRow& r : o.components)
    out.push_back(fmt::format("{:<12}{:>10.4f}  {:<22}{:>12}{:>12}{:>9}{}", r.component, r.probability,
                              bar(r.probability, 20), r.has_slice ? bytes_text(static_cast<double>(r.size)) : "-",
                              bytes_text(static_cast<double>(r.used_bytes)), r.records,
                              std::string(r.alarmed ? "  ALARM" : "") + (r.truncated ? "  truncated" : "")));
  out.emplace_back();
  out.push_back("events (newest last)");
  if (s.events.empty()) out.push_back("  none yet");
  for (const EventRow& e : s.events)
    out.push_back(e.repeats == 1 ? fmt::format("  {:>12}  {}", seconds_text(e.t_ns), e.text)
                                 : fmt::format("  {:>12}  {}  (x{} since {})", seconds_text(e.t_ns), e.text,
                                               e.repeats, seconds_text(e.first_ns)));
}

void memory(const LiveSnapshot& s, std::vector<std::string>& out) {
  const MemoryTab& m = s.memory;
  const MemorySample& x = m.sample;
  out.push_back(fmt::format("slice allocator: {} managed, {} allocated in {} allocations (pressure {})",
                            bytes_text(static_cast<double>(m.region_bytes)),
                            bytes_text(static_cast<double>(x.allocated_bytes)), x.allocations,
                            percent(m.health.pressure)));
  out.push_back(fmt::format("free: {} in {} blocks, largest {}", bytes_text(static_cast<double>(x.free_bytes)),
                            x.free_blocks, bytes_text(static_cast<double>(x.largest_free_bytes))));
  out.emplace_back();
  out.push_back(fmt::format("health {:.1f} / 100  {}   external fragmentation {}   internal {}", m.health.health,
                            bar(m.health.health / 100.0, 20), percent(m.health.external),
                            percent(m.health.internal)));
  out.push_back(fmt::format("a compaction would gain {} of contiguous space",
                            bytes_text(static_cast<double>(m.health.compaction_gain_bytes))));
  out.emplace_back();
  std::string orders = "free blocks per order (4 KiB << order):";
  for (size_t k = 0; k < m.free_blocks_per_order.size(); ++k)
    orders += fmt::format(" {}:{}", k, m.free_blocks_per_order[k]);
  out.push_back(orders);
  out.emplace_back();
  out.push_back(fmt::format("allocation tracking: {} events since boot", m.events_recorded));
  out.push_back(fmt::format("  {:<10}{:>10}{:>10}{:>14}{:>14}", "caller", "allocs", "frees", "pages taken",
                            "pages given"));
  for (const CallerRow& c : m.callers)
    out.push_back(fmt::format("  {:<10}{:>10}{:>10}{:>14}{:>14}", c.caller, c.allocs, c.frees, c.pages_allocated,
                              c.pages_freed));
}

void cache(const LiveSnapshot& s, std::vector<std::string>& out) {
  const CacheTab& c = s.cache;
  if (!c.has_cluster) {
    out.push_back("the board has no cpu cluster");
    return;
  }
  const double share = c.llc_bytes > 0 ? c.occupied_bytes / static_cast<double>(c.llc_bytes) : 0;
  out.push_back(fmt::format("last-level cache: {}, {} occupied ({}), {} RMIDs", bytes_text(static_cast<double>(c.llc_bytes)),
                            bytes_text(c.occupied_bytes), percent(share), c.rmids));
  out.push_back("occupancy (CMT): the CPU model's, as last integrated; MBM rates: the firmware's latest reading");
  out.emplace_back();
  out.push_back(fmt::format("{:<6}{:<12}{:<10}{:>12}  {:<22}{:>13}{:>13}", "RMID", "workload", "cores",
                            "LLC", "share", "MBM total", "MBM local"));
  for (const CacheRow& r : c.rows) {
    const double f = c.llc_bytes > 0 ? r.occupancy_bytes / static_cast<double>(c.llc_bytes) : 0;
    const bool monitored = !r.workload.empty();
    out.push_back(fmt::format("{:<6}{:<12}{:<10}{:>12}  {:<22}{:>13}{:>13}", r.rmid,
                              monitored ? r.workload : (r.rmid == 0 ? "(default)" : "-"), core_list(r.cores),
                              bytes_text(r.occupancy_bytes), bar(f, 20),
                              monitored ? rate_text(r.mbm_total_bytes_per_s) : "-",
                              monitored ? rate_text(r.mbm_local_bytes_per_s) : "-"));
  }
  if (c.cores.empty()) return;
  out.emplace_back();
  out.push_back("hit ratios since power-on (the cache model's sampled accesses, docs/models.md \"Cache model\")");
  out.push_back(fmt::format("{:<6}{:>10}{:>8}{:>8}{:>8}{:>8}{:>14}", "core", "accesses", "L1", "L2", "LLC", "TLB",
                            "coh./1000"));
  auto ratio = [](double r) { return r < 0 ? std::string("-") : percent(r); };
  for (const CoreCacheRow& r : c.cores)
    out.push_back(fmt::format("{:<6}{:>10}{:>8}{:>8}{:>8}{:>8}{:>14.1f}", r.core, r.accesses, ratio(r.l1), ratio(r.l2),
                              ratio(r.llc), ratio(r.tlb), r.coherence_per_kaccess));
}

void stacks(const LiveSnapshot& s, std::vector<std::string>& out) {
  const StacksTab& t = s.stacks;
  out.push_back(fmt::format("kernel stacks: {} per core (THREAD_SIZE); depth = stack top - rsp",
                            bytes_text(static_cast<double>(t.stack_bytes))));
  out.push_back("the modelled stacks as of the agent's last tick; high-water: Linux's stack_not_used() scan");
  out.emplace_back();
  out.push_back(fmt::format("{:<6}{:<9}{:>14}{:>14}{:>11}  {:<22}{:>12}  {}", "core", "state", "rsp", "stack top",
                            "depth", "", "high-water", "magic"));
  for (const StackRow& r : t.cores) {
    const double f = t.stack_bytes > 0 ? static_cast<double>(r.depth_bytes) / static_cast<double>(t.stack_bytes) : 0;
    out.push_back(fmt::format("{:<6}{:<9}{:>#14x}{:>#14x}{:>11}  {:<22}{:>12}  {}", r.core, r.state, r.rsp, r.stack_top,
                              bytes_text(static_cast<double>(r.depth_bytes)), bar(f, 20),
                              bytes_text(static_cast<double>(r.high_water_bytes)),
                              r.magic_intact ? "intact" : "OVERWRITTEN"));
  }
  if (t.cores.empty()) out.push_back("the board has no cpu cluster");
}

void numa(const LiveSnapshot& s, std::vector<std::string>& out) {
  const NumaTab& n = s.numa;
  out.push_back(fmt::format("{} memory node{}: DRAM traffic per node (every burst, all initiators)", n.nodes.size(),
                            n.nodes.size() == 1 ? "" : "s"));
  out.emplace_back();
  out.push_back(fmt::format("{:<6}{:>7}{:>12}  {:<10}{:>16}{:>14}{:>12}{:>12}", "node", "DIMMs", "memory", "cores",
                            "traffic so far", "traffic now", "slices", "off home"));
  for (const NumaNodeRow& r : n.nodes)
    out.push_back(fmt::format("{:<6}{:>7}{:>12}  {:<10}{:>16}{:>14}{:>12}{:>12}", r.node, r.dimms,
                              bytes_text(static_cast<double>(r.bytes)), core_list(r.cores),
                              bytes_text(static_cast<double>(r.traffic_bytes)), rate_text(r.traffic_bytes_per_s),
                              bytes_text(static_cast<double>(r.slice_bytes)),
                              bytes_text(static_cast<double>(r.slice_bytes_off_home))));
  if (n.nodes.size() > 1) out.push_back(fmt::format("slice placement: {} (slices: crash slices on the node now; off home: "
                                                    "of components on another node)", n.slice_placement));
  out.emplace_back();
  out.push_back("memory bandwidth monitoring per RMID since power-on (local: the issuing core's own node)");
  out.push_back(fmt::format("{:<6}{:>14}{:>14}{:>14}  {}", "RMID", "total", "local", "remote", "remote share"));
  for (const NumaRmidRow& r : n.rmids) {
    const double remote =
        r.total_bytes > 0 ? static_cast<double>(r.remote_bytes()) / static_cast<double>(r.total_bytes) : 0;
    out.push_back(fmt::format("{:<6}{:>14}{:>14}{:>14}  {} {}", r.rmid, bytes_text(static_cast<double>(r.total_bytes)),
                              bytes_text(static_cast<double>(r.local_bytes)),
                              bytes_text(static_cast<double>(r.remote_bytes())), bar(remote, 20), percent(remote)));
  }
  if (n.rmids.empty()) out.push_back("  no tagged traffic yet");
}

// `value` (negative or not finite: 0) in the largest unit of `units`, each
// `step` times the one before, that keeps it at least 1.
struct Scaled {
  double value;
  size_t unit;
};
template <size_t N>
Scaled scaled(double value, double step, const std::array<const char*, N>& units) {
  Scaled v{std::isfinite(value) && value > 0 ? value : 0.0, 0};
  while (v.value >= step && v.unit + 1 < units.size()) {
    v.value /= step;
    ++v.unit;
  }
  return v;
}

std::string fit(std::string line, size_t width) {
  if (line.size() > width) line.resize(width);
  return line;
}

}  // namespace

const char* tab_title(Tab tab) { return kTabTitles[static_cast<size_t>(tab)]; }

Tab after_key(Tab current, Key key) {
  const auto index = static_cast<size_t>(current);
  switch (key) {
    case Key::next_tab: return static_cast<Tab>((index + 1) % kTabCount);
    case Key::previous_tab: return static_cast<Tab>((index + kTabCount - 1) % kTabCount);
    case Key::tab_1: return Tab::overview;
    case Key::tab_2: return Tab::memory;
    case Key::tab_3: return Tab::cache;
    case Key::tab_4: return Tab::stacks;
    case Key::tab_5: return Tab::numa;
    case Key::quit:
    case Key::other: break;
  }
  return current;
}

std::vector<std::string> render_tab(const LiveSnapshot& s, Tab tab) {
  std::vector<std::string> out;
  switch (tab) {
    case Tab::overview: overview(s, out); break;
    case Tab::memory: memory(s, out); break;
    case Tab::cache: cache(s, out); break;
    case Tab::stacks: stacks(s, out); break;
    case Tab::numa: numa(s, out); break;
  }
  return out;
}

std::vector<std::string> render_frame(const LiveSnapshot& s, Tab tab, size_t width, size_t height) {
  const ProgressSnapshot& p = s.progress;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("crashtwin live | {} | policy {} | strategy {} | seed {}", p.scenario, p.policy,
                              p.strategy, p.seed));
  const double done = p.duration_ns > 0 ? static_cast<double>(p.sim_ns) / static_cast<double>(p.duration_ns) : 0;
  const double rtf = p.wall_s > 0 ? static_cast<double>(p.sim_ns) * 1e-9 / p.wall_s : 0;
  lines.push_back(fmt::format("{:<8} {} / {} {} {:5.1f} %  wall {:.1f} s (view {:.2f} s)  RTF {:.0f}",
                              state_text(p.state), seconds_text(p.sim_ns), seconds_text(p.duration_ns),
                              bar(done, 20), 100.0 * done, p.wall_s, p.view_s, rtf));
  std::string tabs;
  for (size_t t = 0; t < kTabCount; ++t) {
    const std::string title = fmt::format("{} {}", t + 1, kTabTitles[t]);
    tabs += static_cast<Tab>(t) == tab ? "[" + title + "]" : " " + title + " ";
    tabs += "  ";
  }
  lines.push_back(tabs);
  lines.emplace_back();
  std::vector<std::string> footer;
  if (!p.outcome.empty()) footer.push_back(p.outcome);
  footer.push_back(p.state == RunState::running ? "keys: 1-5, Tab, arrows switch tabs   q stops the run (no results)"
                                                : "keys: 1-5, Tab, arrows switch tabs   q quits");
  std::vector<std::string> body = render_tab(s, tab);
  const size_t room = height > lines.size() + footer.size() ? height - lines.size() - footer.size() : 0;
  // The overview's events scroll: keep the newest when the body is too long.
  if (body.size() > room) {
    if (tab == Tab::overview && room > 0) {
      const size_t event_lines = std::max<size_t>(1, s.events.size());  // "none yet" when empty
      const size_t keep_head = body.size() - std::min(body.size(), event_lines);
      if (keep_head < room) {
        std::vector<std::string> trimmed(body.begin(), body.begin() + static_cast<long>(keep_head));
        trimmed.insert(trimmed.end(), body.end() - static_cast<long>(room - keep_head), body.end());
        body = std::move(trimmed);
      }
    }
    body.resize(room);
  }
  lines.insert(lines.end(), body.begin(), body.end());
  while (lines.size() + footer.size() < height) lines.emplace_back();
  lines.insert(lines.end(), footer.begin(), footer.end());
  if (lines.size() > height) lines.resize(height);
  for (std::string& l : lines) l = fit(std::move(l), width);
  return lines;
}

std::string bytes_text(double bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  const Scaled v = scaled(bytes, 1024.0, kUnits);
  if (v.unit == 0) return fmt::format("{:.0f} B", v.value);
  return fmt::format("{:.{}f} {}", v.value, v.value < 10 ? 2 : 1, kUnits[v.unit]);
}

std::string rate_text(double bytes_per_s) {
  static constexpr std::array<const char*, 5> kUnits = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
  const Scaled v = scaled(bytes_per_s, 1000.0, kUnits);
  return fmt::format("{:.{}f} {}", v.value, v.unit == 0 ? 0 : 2, kUnits[v.unit]);
}

std::string seconds_text(uint64_t ns) { return fmt::format("{:.3f} s", static_cast<double>(ns) * 1e-9); }

}  // namespace crashtwin::live
