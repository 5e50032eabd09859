#include "traces/memory_analysis.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "traces/report/format.h"
#include "traces/report/svg_chart.h"

namespace crashtwin {
namespace {

using ojson = nlohmann::ordered_json;

// A window is hot when it holds more than kHotFactor times the median
// window's events plus kHotFloor: the floor keeps a run idle most of the
// time (median 0) from calling every single repartition hot.
constexpr double kHotFactor = 3.0;
constexpr double kHotFloor = 2.0;
// Consecutive hot windows: this many or more are a burst, fewer a spike.
constexpr size_t kBurstWindows = 3;
// Most windows a profile is cut into (a year-long run's ticks).
constexpr uint64_t kMaxWindows = 1'000'000;
// |slope| x duration below this share of the region is a flat trend.
constexpr double kFlatTrendShare = 0.05;

bool is_allocation(const std::string& op) { return op == "alloc" || op == "grow"; }

double median(std::vector<uint64_t> values) {
  if (values.empty()) return 0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = static_cast<double>(values[mid]);
  if (values.size() % 2 == 1) return upper;
  const double lower = static_cast<double>(*std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid)));
  return (lower + upper) / 2;
}

double seconds(uint64_t ns) { return static_cast<double>(ns) * 1e-9; }

void rates_and_sizes(const MemoryProfile& p, MemoryAnalysis& a) {
  std::map<uint32_t, MemorySizeBucket> buckets;
  for (const MemoryEvent& e : p.events) {
    const uint64_t bytes = e.delta_pages * p.page_bytes;
    if (is_allocation(e.op)) {
      ++a.allocations;
      a.bytes_allocated += bytes;
      if (e.delta_pages == 0) continue;
      const auto order = static_cast<uint32_t>(std::bit_width(e.delta_pages) - 1);
      MemorySizeBucket& b = buckets[order];
      b.min_bytes = (uint64_t{1} << order) * p.page_bytes;
      b.max_bytes = ((uint64_t{2} << order) - 1) * p.page_bytes;
      ++b.allocations;
      b.bytes += bytes;
    } else {
      ++a.frees;
      a.bytes_freed += bytes;
    }
  }
  for (const auto& [order, b] : buckets) a.sizes.push_back(b);
  const double s = seconds(a.duration_ns);
  if (s > 0) {
    a.allocations_per_s = static_cast<double>(a.allocations) / s;
    a.frees_per_s = static_cast<double>(a.frees) / s;
    a.bytes_allocated_per_s = static_cast<double>(a.bytes_allocated) / s;
  }
}

void classify(const MemoryProfile& p, MemoryAnalysis& a) {
  uint64_t window = p.tick_period_ns > 0 ? p.tick_period_ns : std::max<uint64_t>(a.duration_ns / 100, 1);
  const uint64_t last_event = p.events.empty() ? 0 : p.events.back().time_ns;
  const uint64_t span = std::max(a.duration_ns, last_event == UINT64_MAX ? last_event : last_event + 1);
  if (span / window >= kMaxWindows) window = span / kMaxWindows + 1;
  a.window_ns = window;
  const uint64_t windows = span / window + (span % window != 0 ? 1 : 0);
  a.window_events.assign(windows, 0);
  for (const MemoryEvent& e : p.events) ++a.window_events[std::min(e.time_ns / window, windows - 1)];
  a.window_median = median(a.window_events);
  a.hot_threshold = kHotFactor * a.window_median + kHotFloor;
  for (size_t w = 0; w < windows;) {
    if (static_cast<double>(a.window_events[w]) <= a.hot_threshold) {
      ++w;
      continue;
    }
    MemoryEpisode episode;
    const size_t first = w;
    for (; w < windows && static_cast<double>(a.window_events[w]) > a.hot_threshold; ++w) {
      episode.events += a.window_events[w];
      episode.peak_window_events = std::max(episode.peak_window_events, a.window_events[w]);
    }
    episode.kind = w - first >= kBurstWindows ? "burst" : "spike";
    episode.start_ns = first * window;
    episode.end_ns = w * window;
    (episode.kind == "burst" ? a.bursts : a.spikes) += 1;
    a.episodes.push_back(std::move(episode));
  }
  a.pattern = a.bursts > 0 ? "bursty" : a.spikes > 0 ? "spiky" : "steady";
}

std::vector<MemoryHotspot> hotspots(const MemoryProfile& p, uint64_t all_allocations, bool by_owner) {
  std::map<std::string, MemoryHotspot> by;
  for (const MemoryEvent& e : p.events) {
    const std::string& name = by_owner ? e.owner : e.caller;
    if (by_owner && name.empty()) continue;
    MemoryHotspot& h = by[name];
    h.name = name;
    const uint64_t bytes = e.delta_pages * p.page_bytes;
    if (is_allocation(e.op)) {
      ++h.allocations;
      h.bytes_allocated += bytes;
    } else {
      ++h.frees;
      h.bytes_freed += bytes;
    }
  }
  std::vector<MemoryHotspot> out;
  for (auto& [name, h] : by) {
    h.share = all_allocations > 0 ? static_cast<double>(h.allocations) / static_cast<double>(all_allocations) : 0;
    out.push_back(h);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MemoryHotspot& x, const MemoryHotspot& y) { return x.allocations > y.allocations; });
  if (by_owner && out.size() > 10) out.resize(10);
  return out;
}

bool counts_match(const MemoryProfile& p) {
  if (p.events_lost > 0) return false;
  std::map<std::string, MemoryCallerCounts> from_events;
  for (const MemoryEvent& e : p.events) {
    MemoryCallerCounts& c = from_events[e.caller];
    if (is_allocation(e.op)) {
      ++c.allocs;
      c.pages_allocated += e.delta_pages;
    } else {
      ++c.frees;
      c.pages_freed += e.delta_pages;
    }
  }
  for (const MemoryCallerCounts& fw : p.callers) {
    const MemoryCallerCounts& ev = from_events[fw.caller];
    if (ev.allocs != fw.allocs || ev.frees != fw.frees || ev.pages_allocated != fw.pages_allocated ||
        ev.pages_freed != fw.pages_freed)
      return false;
  }
  return true;
}

void pressure_and_trend(const MemoryProfile& p, MemoryAnalysis& a) {
  if (p.samples.empty() || a.region_bytes == 0) {
    a.trend = "flat";
    return;
  }
  const auto pressure = [&](const MemorySample& s) {
    return static_cast<double>(s.allocated_bytes) / static_cast<double>(a.region_bytes);
  };
  double weighted = 0;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const MemorySample& s = p.samples[i];
    a.pressure_peak = std::max(a.pressure_peak, pressure(s));
    const uint64_t until = i + 1 < p.samples.size() ? p.samples[i + 1].time_ns : std::max(a.duration_ns, s.time_ns);
    weighted += pressure(s) * static_cast<double>(until - s.time_ns);
  }
  const uint64_t span = std::max(a.duration_ns, p.samples.back().time_ns) - p.samples.front().time_ns;
  a.pressure_mean = span > 0 ? weighted / static_cast<double>(span) : pressure(p.samples.front());
  a.pressure_final = pressure(p.samples.back());
  // Least squares over the samples: slope = cov(t, y) / var(t).
  double mean_t = 0, mean_y = 0;
  for (const MemorySample& s : p.samples) {
    mean_t += seconds(s.time_ns);
    mean_y += static_cast<double>(s.allocated_bytes);
  }
  const auto n = static_cast<double>(p.samples.size());
  mean_t /= n;
  mean_y /= n;
  double cov = 0, var = 0;
  for (const MemorySample& s : p.samples) {
    const double dt = seconds(s.time_ns) - mean_t;
    cov += dt * (static_cast<double>(s.allocated_bytes) - mean_y);
    var += dt * dt;
  }
  a.trend_bytes_per_s = var > 0 ? cov / var : 0;
  const double change = a.trend_bytes_per_s * seconds(a.duration_ns);
  const double flat = kFlatTrendShare * static_cast<double>(a.region_bytes);
  a.trend = change > flat ? "growing" : change < -flat ? "shrinking" : "flat";
}

// Replays the events: the blocks never freed, with whom they were last
// allocated or resized for and when.
struct ReplayedBlock {
  std::string owner;
  uint64_t allocated_ns = 0;
  uint64_t sequence = 0;  // of its allocation, to order owners' blocks
};

std::map<uint64_t, ReplayedBlock> replay(const MemoryProfile& p) {
  std::map<uint64_t, ReplayedBlock> live;
  uint64_t sequence = 0;
  for (const MemoryEvent& e : p.events) {
    if (e.op == "alloc") live[e.address] = ReplayedBlock{e.owner, e.time_ns, sequence++};
    else if (e.op == "free") live.erase(e.address);
  }
  return live;
}

void leaks(const MemoryProfile& p, MemoryAnalysis& a) {
  const std::map<uint64_t, ReplayedBlock> replayed = replay(p);
  // The replay suspects a block its owner has since replaced: a newer block
  // allocated for the same owner and still live.
  std::map<std::string, uint64_t> newest;
  for (const auto& [address, b] : replayed)
    if (!b.owner.empty()) newest[b.owner] = std::max(newest[b.owner], b.sequence);
  std::map<uint64_t, bool> suspected;
  for (const auto& [address, b] : replayed)
    if (!b.owner.empty() && b.sequence < newest[b.owner]) suspected[address] = true;
  a.leak_candidates = suspected.size();

  std::map<std::string, size_t> slices_of;  // ownership entries per component
  for (const MemoryLiveAllocation& l : p.live)
    if (l.owner_kind == "slice") ++slices_of[l.component];
  for (const MemoryLiveAllocation& l : p.live) {
    const uint64_t bytes = l.pages * p.page_bytes;
    const auto seen = replayed.find(l.address);
    MemoryLeak leak;
    leak.address = l.address;
    leak.last_owner = seen != replayed.end() ? seen->second.owner : "";
    leak.allocated_ns = seen != replayed.end() ? seen->second.allocated_ns : 0;
    if (suspected.count(l.address) != 0 && l.owner_kind != "none") ++a.false_positives;
    if (l.owner_kind == "none") {
      leak.kind = "direct";
      leak.bytes = bytes;
      ++a.direct_leaks;
      a.direct_leak_bytes += bytes;
      if (suspected.count(l.address) == 0) ++a.missed_by_replay;
    } else if (l.owner_kind == "slice" && slices_of[l.component] > 1) {
      // A second entry for one component: only the first is the
      // component's slice, the rest hang off a stale table entry.
      --slices_of[l.component];
      leak.kind = "indirect";
      leak.bytes = bytes;
      ++a.indirect_leaks;
      a.indirect_leak_bytes += bytes;
    } else {
      const uint64_t asked = (l.requested_bytes + p.page_bytes - 1) / p.page_bytes * p.page_bytes;
      if (bytes <= asked) continue;
      leak.kind = "resource";  // owner alive, holding pages it did not ask for
      leak.bytes = bytes - asked;
      ++a.resource_leaks;
      a.resource_leak_bytes += leak.bytes;
    }
    a.leaks.push_back(std::move(leak));
  }
  for (size_t order = 0; order < p.free_blocks_per_order.size(); ++order) {
    const uint64_t block = (uint64_t{1} << order) * p.page_bytes;
    if (block >= p.minimum_slice_bytes) break;
    a.fragmentation_holes += p.free_blocks_per_order[order];
    a.fragmentation_hole_bytes += p.free_blocks_per_order[order] * block;
  }
}

void fragmentation(const MemoryProfile& p, MemoryAnalysis& a) {
  double weighted = 0;
  uint64_t weight = 0;
  a.health_min = 100;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const MemorySample& s = p.samples[i];
    const MemoryFragmentationPoint f = fragmentation_point(s, a.region_bytes);
    a.health_min = std::min(a.health_min, f.health);
    a.compaction_gain_max_bytes = std::max(a.compaction_gain_max_bytes, f.compaction_gain_bytes);
    const uint64_t until = i + 1 < p.samples.size() ? p.samples[i + 1].time_ns : std::max(a.duration_ns, s.time_ns);
    weighted += f.health * static_cast<double>(until - s.time_ns);
    weight += until - s.time_ns;
    a.fragmentation.push_back(f);
  }
  if (a.fragmentation.empty()) return;
  a.health_mean = weight > 0 ? weighted / static_cast<double>(weight) : a.fragmentation.front().health;
  const MemoryFragmentationPoint& last = a.fragmentation.back();
  a.health_final = last.health;
  a.external_final = last.external;
  a.internal_final = last.internal;
  a.compaction_gain_final_bytes = last.compaction_gain_bytes;
}

// JSON numbers from doubles: finite, rounded to what a reader needs.
void numa_placement(const MemoryProfile& p, MemoryAnalysis& a) {
  const MemoryNuma& numa = p.numa;
  if (numa.nodes.size() < 2) return;
  a.numa_nodes = static_cast<uint32_t>(numa.nodes.size());
  a.slice_placement = numa.slice_placement;
  for (const MemoryNumaNode& n : numa.nodes) a.numa_use.push_back({n.node, 0, 0});
  auto bytes_on = [&](uint64_t base, uint64_t bytes, const MemoryNumaNode& n) {
    const uint64_t lo = std::max(base, n.base), hi = std::min(base + bytes, n.base + n.size);
    return hi > lo ? hi - lo : 0;
  };
  uint64_t slice_bytes = 0;
  for (const MemoryLiveAllocation& live : p.live) {
    if (live.owner_kind != "slice") continue;
    const uint64_t bytes = live.pages * p.page_bytes;
    const uint32_t home = numa.node_of(live.component);
    uint64_t off_home = bytes;
    for (const MemoryNumaNode& n : numa.nodes) {
      const uint64_t on = bytes_on(live.address, bytes, n);
      a.numa_use[n.node].slice_bytes += on;
      if (n.node == home) off_home -= on;
    }
    const uint32_t node = numa.node_at(live.address);
    if (node < a.numa_use.size()) ++a.numa_use[node].slices;
    slice_bytes += bytes;
    if (off_home == 0) continue;
    a.remote_slices.push_back({live.component, live.address, bytes, node, home, off_home});
    a.remote_slice_bytes += off_home;
  }
  a.remote_slice_share = slice_bytes > 0 ? static_cast<double>(a.remote_slice_bytes) / static_cast<double>(slice_bytes) : 0;
  // Every placement over the run: where an allocation or growth of a slice
  // put its new pages.
  for (const MemoryEvent& e : p.events) {
    if (!is_allocation(e.op) || e.owner.empty()) continue;
    const uint64_t first_new = e.op == "grow" ? e.address + (e.pages - e.delta_pages) * p.page_bytes : e.address;
    if (numa.node_at(first_new) == numa.node_of(e.owner)) ++a.placements_home;
    else ++a.placements_remote;
  }
}

double tidy(double v) { return std::isfinite(v) ? std::round(v * 1e6) / 1e6 : 0.0; }

ojson hotspot_json(const std::vector<MemoryHotspot>& hs) {
  ojson out = ojson::array();
  for (const MemoryHotspot& h : hs)
    out.push_back(ojson{{"name", h.name},
                        {"allocations", h.allocations},
                        {"frees", h.frees},
                        {"bytes_allocated", h.bytes_allocated},
                        {"bytes_freed", h.bytes_freed},
                        {"share", tidy(h.share)}});
  return out;
}

ojson summary_json(const MemoryAnalysis& a) {
  return ojson{{"pattern", a.pattern},
               {"bursts", a.bursts},
               {"spikes", a.spikes},
               {"allocations_per_s", tidy(a.allocations_per_s)},
               {"trend", a.trend},
               {"pressure_peak", tidy(a.pressure_peak)},
               {"direct_leaks", a.direct_leaks},
               {"direct_leak_bytes", a.direct_leak_bytes},
               {"false_positives", a.false_positives},
               {"health_min", tidy(a.health_min)},
               {"health_final", tidy(a.health_final)},
               {"compaction_gain_final_bytes", a.compaction_gain_final_bytes},
               {"remote_slice_share", tidy(a.remote_slice_share)}};
}

}  // namespace

MemoryFragmentationPoint fragmentation_point(const MemorySample& s, uint64_t region_bytes) {
  MemoryFragmentationPoint f;
  f.time_ns = s.time_ns;
  f.external = s.free_bytes > 0 ? 1.0 - static_cast<double>(s.largest_free_bytes) / static_cast<double>(s.free_bytes) : 0;
  f.internal = s.owned_bytes > 0 && s.requested_bytes < s.owned_bytes
                   ? 1.0 - static_cast<double>(s.requested_bytes) / static_cast<double>(s.owned_bytes)
                   : 0;
  f.health = 100.0 * (1.0 - f.external) * (1.0 - f.internal);
  f.compaction_gain_bytes = s.free_bytes - s.largest_free_bytes;
  f.pressure = region_bytes > 0 ? static_cast<double>(s.allocated_bytes) / static_cast<double>(region_bytes) : 0;
  return f;
}

MemoryAnalysis analyze_memory(const MemoryProfile& p) {
  MemoryAnalysis a;
  a.duration_ns = p.duration_ns;
  a.region_bytes = p.region_pages * p.page_bytes;
  a.events = p.events.size();
  a.events_lost = p.events_lost;
  rates_and_sizes(p, a);
  classify(p, a);
  a.callers = hotspots(p, a.allocations, false);
  a.owners = hotspots(p, a.allocations, true);
  a.firmware_counts_match = counts_match(p);
  pressure_and_trend(p, a);
  leaks(p, a);
  fragmentation(p, a);
  numa_placement(p, a);
  return a;
}

std::string memory_analysis_json(const MemoryAnalysis& a) {
  ojson j = ojson::object();
  j["duration_ns"] = a.duration_ns;
  j["region_bytes"] = a.region_bytes;
  j["events"] = a.events;
  j["events_lost"] = a.events_lost;
  j["summary"] = summary_json(a);
  ojson sizes = ojson::array();
  for (const MemorySizeBucket& b : a.sizes)
    sizes.push_back(ojson{{"min_bytes", b.min_bytes}, {"max_bytes", b.max_bytes}, {"allocations", b.allocations},
                          {"bytes", b.bytes}});
  ojson episodes = ojson::array();
  for (const MemoryEpisode& e : a.episodes)
    episodes.push_back(ojson{{"kind", e.kind},
                             {"start_ns", e.start_ns},
                             {"end_ns", e.end_ns},
                             {"events", e.events},
                             {"peak_window_events", e.peak_window_events}});
  j["allocation"] = ojson{{"allocations", a.allocations},
                          {"frees", a.frees},
                          {"bytes_allocated", a.bytes_allocated},
                          {"bytes_freed", a.bytes_freed},
                          {"allocations_per_s", tidy(a.allocations_per_s)},
                          {"frees_per_s", tidy(a.frees_per_s)},
                          {"bytes_allocated_per_s", tidy(a.bytes_allocated_per_s)},
                          {"sizes", sizes},
                          {"window_ns", a.window_ns},
                          {"window_median_events", tidy(a.window_median)},
                          {"hot_threshold_events", tidy(a.hot_threshold)},
                          {"pattern", a.pattern},
                          {"episodes", episodes},
                          {"callers", hotspot_json(a.callers)},
                          {"owners", hotspot_json(a.owners)},
                          {"firmware_counts_match", a.firmware_counts_match}};
  j["pressure"] = ojson{{"peak", tidy(a.pressure_peak)},
                        {"mean", tidy(a.pressure_mean)},
                        {"final", tidy(a.pressure_final)},
                        {"trend_bytes_per_s", tidy(a.trend_bytes_per_s)},
                        {"trend", a.trend}};
  ojson found = ojson::array();
  for (const MemoryLeak& l : a.leaks)
    found.push_back(ojson{{"kind", l.kind},
                          {"address", l.address},
                          {"bytes", l.bytes},
                          {"last_owner", l.last_owner},
                          {"allocated_ns", l.allocated_ns}});
  j["leaks"] = ojson{{"direct", a.direct_leaks},
                     {"direct_bytes", a.direct_leak_bytes},
                     {"indirect", a.indirect_leaks},
                     {"indirect_bytes", a.indirect_leak_bytes},
                     {"resource", a.resource_leaks},
                     {"resource_bytes", a.resource_leak_bytes},
                     {"fragmentation_holes", a.fragmentation_holes},
                     {"fragmentation_bytes", a.fragmentation_hole_bytes},
                     {"replay_candidates", a.leak_candidates},
                     {"false_positives", a.false_positives},
                     {"missed_by_replay", a.missed_by_replay},
                     {"found", found}};
  ojson series = ojson::array();
  for (const MemoryFragmentationPoint& f : a.fragmentation)
    series.push_back(ojson::array({f.time_ns, tidy(f.external), tidy(f.internal), tidy(f.health),
                                   f.compaction_gain_bytes, tidy(f.pressure)}));
  j["fragmentation"] = ojson{{"health_min", tidy(a.health_min)},
                             {"health_mean", tidy(a.health_mean)},
                             {"health_final", tidy(a.health_final)},
                             {"external_final", tidy(a.external_final)},
                             {"internal_final", tidy(a.internal_final)},
                             {"compaction_gain_final_bytes", a.compaction_gain_final_bytes},
                             {"compaction_gain_max_bytes", a.compaction_gain_max_bytes},
                             {"series_fields", {"time_ns", "external", "internal", "health", "compaction_gain_bytes",
                                                "pressure"}},
                             {"series", series}};
  if (a.numa_nodes > 0) {
    ojson use = ojson::array();
    for (const MemoryNumaNodeUse& n : a.numa_use)
      use.push_back(ojson{{"node", n.node}, {"slice_bytes", n.slice_bytes}, {"slices", n.slices}});
    ojson remote = ojson::array();
    for (const MemoryNumaSlice& r : a.remote_slices)
      remote.push_back(ojson{{"component", r.component},
                             {"address", r.address},
                             {"bytes", r.bytes},
                             {"node", r.node},
                             {"home_node", r.home_node},
                             {"bytes_off_home", r.bytes_off_home}});
    j["numa"] = ojson{{"nodes", a.numa_nodes},
                      {"slice_placement", a.slice_placement},
                      {"per_node", use},
                      {"remote_slice_bytes", a.remote_slice_bytes},
                      {"remote_slice_share", tidy(a.remote_slice_share)},
                      {"placements_home", a.placements_home},
                      {"placements_remote", a.placements_remote},
                      {"remote_slices", remote}};
  }
  return j.dump(1) + "\n";
}

namespace {

struct Chart {
  report::ChartFrame frame;
  std::vector<report::ChartSeries> series;
  std::vector<report::ChartMarker> markers;
};

Chart allocation_rate_chart(const MemoryAnalysis& a) {
  Chart c;
  c.frame.title = "Allocator events per second";
  c.frame.x_label = "simulated time";
  c.frame.y_label = "events/s";
  c.frame.marker_legend = "burst or spike starts";
  report::ChartSeries rate;
  rate.label = fmt::format("events per {:g} ms window", static_cast<double>(a.window_ns) * 1e-6);
  rate.color = report::palette_color(0);
  rate.step = true;
  const double window_s = seconds(a.window_ns);
  for (size_t w = 0; w < a.window_events.size(); ++w) {
    rate.x.push_back(static_cast<double>(w) * window_s);
    rate.y.push_back(window_s > 0 ? static_cast<double>(a.window_events[w]) / window_s : 0);
  }
  report::ChartSeries threshold{"hot threshold", report::palette_color(1), {}, {}, false};
  if (!rate.x.empty() && window_s > 0) {
    threshold.x = {rate.x.front(), rate.x.back() + window_s};
    threshold.y = {a.hot_threshold / window_s, a.hot_threshold / window_s};
  }
  c.series = {std::move(rate), std::move(threshold)};
  for (const MemoryEpisode& e : a.episodes)
    c.markers.push_back(report::ChartMarker{seconds(e.start_ns),
                                            fmt::format("{} of {} events from {:g} s to {:g} s", e.kind, e.events,
                                                        seconds(e.start_ns), seconds(e.end_ns)),
                                            e.kind, e.kind == "burst" ? "#d62728" : "#ff7f0e"});
  return c;
}

Chart fragmentation_health_chart(const MemoryAnalysis& a) {
  Chart c;
  c.frame.title = "Fragmentation health";
  c.frame.x_label = "simulated time";
  c.frame.y_label = "score / %";
  c.frame.y_min = 0;
  c.frame.y_max = 100;
  report::ChartSeries health{"health score (0-100)", report::palette_color(0), {}, {}, true};
  report::ChartSeries external{"external fragmentation %", report::palette_color(1), {}, {}, true};
  report::ChartSeries pressure{"pressure %", report::palette_color(2), {}, {}, true};
  for (const MemoryFragmentationPoint& f : a.fragmentation) {
    for (report::ChartSeries* s : {&health, &external, &pressure}) s->x.push_back(seconds(f.time_ns));
    health.y.push_back(f.health);
    external.y.push_back(100 * f.external);
    pressure.y.push_back(100 * f.pressure);
  }
  c.series = {std::move(health), std::move(external), std::move(pressure)};
  return c;
}

// The chart as a file of its own: report.html's figure carries its styles
// in the page and its legend in HTML; a .svg file gets both inside.
std::string standalone_svg(const Chart& c) {
  const std::string figure = report::line_chart(c.frame, c.series, c.markers);
  const size_t begin = figure.find("<svg");
  const size_t end = figure.rfind("</svg>");
  const std::string chart = figure.substr(begin, end + 6 - begin);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const report::ChartSeries& s : c.series) entries.emplace_back(s.label, s.color);
  if (!c.markers.empty()) entries.emplace_back(c.frame.marker_legend, c.markers.front().color);
  const int legend_height = 18 * static_cast<int>(entries.size()) + 8;
  const int height = c.frame.height + legend_height;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\">\n"
      "<style>text {{ font-family: sans-serif; }} .chart-title {{ font-size: 12px; font-weight: 600; fill: #1d2330; }} "
      ".tick {{ font-size: 10px; fill: #6b7280; }} .axis-label {{ font-size: 11px; fill: #6b7280; }} "
      ".grid {{ stroke: #eceff3; stroke-width: 1; }} .frame {{ fill: none; stroke: #c9d0da; }} "
      ".series {{ fill: none; stroke-width: 1.6; stroke-linejoin: round; }} "
      ".marker line {{ stroke-width: 1.2; stroke-dasharray: 4 3; }} .marker-tag {{ font-size: 10px; }} "
      ".legend {{ font-size: 11px; fill: #1d2330; }}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      c.frame.width, height);
  out += chart + "\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const int y = c.frame.height + 14 + 18 * static_cast<int>(i);
    out += fmt::format("<rect x=\"72\" y=\"{}\" width=\"12\" height=\"4\" fill=\"{}\"/>"
                       "<text class=\"legend\" x=\"90\" y=\"{}\">{}</text>\n",
                       y - 4, report::html_escape(entries[i].second), y, report::html_escape(entries[i].first));
  }
  return out + "</svg>\n";
}

std::string figure_html(const Chart& c) { return report::line_chart(c.frame, c.series, c.markers); }

}  // namespace

std::string allocation_rate_svg(const MemoryAnalysis& a) { return standalone_svg(allocation_rate_chart(a)); }
std::string fragmentation_health_svg(const MemoryAnalysis& a) { return standalone_svg(fragmentation_health_chart(a)); }
std::string allocation_rate_figure(const MemoryAnalysis& a) { return figure_html(allocation_rate_chart(a)); }
std::string fragmentation_health_figure(const MemoryAnalysis& a) { return figure_html(fragmentation_health_chart(a)); }

std::string batch_memory_analysis_json(const std::vector<MemoryAnalysisRun>& runs) {
  ojson rows = ojson::array();
  uint64_t direct = 0, direct_bytes = 0, bursty = 0;
  double health_min = 100;
  for (const MemoryAnalysisRun& r : runs) {
    ojson row = ojson{{"run", r.run}, {"scenario", r.scenario}, {"policy", r.policy}, {"strategy", r.strategy},
                      {"seed", r.seed}};
    const ojson summary = summary_json(r.analysis);
    for (const auto& [key, value] : summary.items()) row[key] = value;
    rows.push_back(std::move(row));
    direct += r.analysis.direct_leaks;
    direct_bytes += r.analysis.direct_leak_bytes;
    bursty += r.analysis.bursts > 0 ? 1 : 0;
    health_min = std::min(health_min, r.analysis.health_min);
  }
  ojson j = ojson::object();
  j["runs_analyzed"] = runs.size();
  j["totals"] = ojson{{"direct_leaks", direct},
                      {"direct_leak_bytes", direct_bytes},
                      {"bursty_runs", bursty},
                      {"health_min", tidy(health_min)}};
  j["runs"] = std::move(rows);
  return j.dump(1) + "\n";
}

}  // namespace crashtwin
