#include "traces/memory_profile.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "traces/io.h"
#include "traces/json_read.h"

namespace crashtwin {
namespace {

using json_read::ojson;

// Events and samples are rows of a table (one per line): the field names
// once, then arrays, so a year-long run's profile stays small.
constexpr std::array<const char*, 8> kEventFields = {"time_ns", "op",          "caller",     "owner",
                                                     "address", "pages",       "delta_pages", "requested_bytes"};
constexpr std::array<const char*, 8> kSampleFields = {"time_ns",     "allocated_bytes", "free_bytes",
                                                      "largest_free_bytes", "free_blocks", "owned_bytes",
                                                      "requested_bytes",    "allocations"};
constexpr std::array<const char*, 4> kOps = {"alloc", "free", "grow", "shrink"};
constexpr std::array<const char*, 6> kCallers = {"unknown", "boot", "slice", "pack", "move", "release"};
constexpr std::array<const char*, 3> kOwnerKinds = {"none", "slice", "released"};
constexpr std::array<const char*, 4> kKinds = {"block", "run", "reserved", "slab"};

template <size_t N>
bool one_of(const std::array<const char*, N>& names, const std::string& value) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return value == n; });
}

std::string quoted(const std::string& s) { return ojson(s).dump(); }

template <size_t N>
std::string field_list(const std::array<const char*, N>& names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + quoted(n);
  return "[" + out + "]";
}

// Row `index` of a table: an array of `n` cells.
const ojson& row(const json_read::Fields& top, const ojson& rows, size_t index, size_t n, const char* table) {
  const ojson& r = rows[index];
  if (!r.is_array() || r.size() != n) top.fail(fmt::format("{}[{}] must be an array of {} values", table, index, n));
  return r;
}

uint64_t cell_unsigned(const json_read::Fields& top, const ojson& r, size_t cell, const char* table, size_t index) {
  if (!r[cell].is_number_unsigned())
    top.fail(fmt::format("{}[{}][{}] must be a non-negative integer", table, index, cell));
  return r[cell].get<uint64_t>();
}

std::string cell_string(const json_read::Fields& top, const ojson& r, size_t cell, const char* table, size_t index) {
  if (!r[cell].is_string()) top.fail(fmt::format("{}[{}][{}] must be a string", table, index, cell));
  return r[cell].get<std::string>();
}

const ojson& array_at(const json_read::Fields& f, const char* key) {
  const ojson& a = f.at(key);
  if (!a.is_array()) f.fail(fmt::format("\"{}\" must be an array", key));
  return a;
}

template <size_t N>
void check_fields(const json_read::Fields& top, const char* key, const std::array<const char*, N>& expected) {
  const ojson& names = array_at(top, key);
  bool same = names.size() == N;
  for (size_t i = 0; same && i < N; ++i) same = names[i].is_string() && names[i].get<std::string>() == expected[i];
  if (!same) top.fail(fmt::format("\"{}\" must be {}", key, field_list(expected)));
}

}  // namespace

std::string memory_profile_json(const MemoryProfile& p) {
  std::string out = "{\n";
  out += fmt::format("  \"version\": {},\n  \"page_bytes\": {},\n  \"region_pages\": {},\n", p.version, p.page_bytes,
                     p.region_pages);
  out += fmt::format("  \"minimum_slice_bytes\": {},\n  \"tick_period_ns\": {},\n  \"duration_ns\": {},\n",
                     p.minimum_slice_bytes, p.tick_period_ns, p.duration_ns);
  out += fmt::format("  \"ring_capacity\": {},\n  \"events_lost\": {},\n", p.ring_capacity, p.events_lost);
  out += "  \"callers\": [";
  for (size_t i = 0; i < p.callers.size(); ++i) {
    const MemoryCallerCounts& c = p.callers[i];
    out += fmt::format(
        "{}\n    {{\"caller\": {}, \"allocs\": {}, \"frees\": {}, \"pages_allocated\": {}, \"pages_freed\": {}}}",
        i == 0 ? "" : ",", quoted(c.caller), c.allocs, c.frees, c.pages_allocated, c.pages_freed);
  }
  out += p.callers.empty() ? "],\n" : "\n  ],\n";
  out += "  \"event_fields\": " + field_list(kEventFields) + ",\n  \"events\": [";
  for (size_t i = 0; i < p.events.size(); ++i) {
    const MemoryEvent& e = p.events[i];
    out += fmt::format("{}\n    [{}, {}, {}, {}, {}, {}, {}, {}]", i == 0 ? "" : ",", e.time_ns, quoted(e.op),
                       quoted(e.caller), quoted(e.owner), e.address, e.pages, e.delta_pages, e.requested_bytes);
  }
  out += p.events.empty() ? "],\n" : "\n  ],\n";
  out += "  \"sample_fields\": " + field_list(kSampleFields) + ",\n  \"samples\": [";
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const MemorySample& s = p.samples[i];
    out += fmt::format("{}\n    [{}, {}, {}, {}, {}, {}, {}, {}]", i == 0 ? "" : ",", s.time_ns, s.allocated_bytes,
                       s.free_bytes, s.largest_free_bytes, s.free_blocks, s.owned_bytes, s.requested_bytes,
                       s.allocations);
  }
  out += p.samples.empty() ? "],\n" : "\n  ],\n";
  out += "  \"free_blocks_per_order\": [";
  for (size_t i = 0; i < p.free_blocks_per_order.size(); ++i)
    out += fmt::format("{}{}", i == 0 ? "" : ", ", p.free_blocks_per_order[i]);
  out += "],\n  \"live\": [";
  for (size_t i = 0; i < p.live.size(); ++i) {
    const MemoryLiveAllocation& a = p.live[i];
    out += fmt::format(
        "{}\n    {{\"address\": {}, \"pages\": {}, \"kind\": {}, \"owner_kind\": {}, \"component\": {}, "
        "\"requested_bytes\": {}, \"used_bytes\": {}, \"records\": {}}}",
        i == 0 ? "" : ",", a.address, a.pages, quoted(a.kind), quoted(a.owner_kind), quoted(a.component),
        a.requested_bytes, a.used_bytes, a.records);
  }
  out += p.live.empty() ? "]" : "\n  ]";
  if (!p.numa.nodes.empty()) {
    out += fmt::format(",\n  \"numa\": {{\n    \"slice_placement\": {},\n    \"nodes\": [",
                       quoted(p.numa.slice_placement));
    for (size_t i = 0; i < p.numa.nodes.size(); ++i) {
      const MemoryNumaNode& n = p.numa.nodes[i];
      out += fmt::format("{}\n      {{\"node\": {}, \"base\": {}, \"size\": {}}}", i == 0 ? "" : ",", n.node, n.base,
                         n.size);
    }
    out += "\n    ],\n    \"components\": [";
    for (size_t i = 0; i < p.numa.components.size(); ++i)
      out += fmt::format("{}\n      {{\"component\": {}, \"node\": {}}}", i == 0 ? "" : ",",
                         quoted(p.numa.components[i].component), p.numa.components[i].node);
    out += p.numa.components.empty() ? "]\n  }" : "\n    ]\n  }";
  }
  out += "\n}\n";
  return out;
}

void write_memory_profile(const MemoryProfile& profile, const std::filesystem::path& path) {
  write_file_atomically(path, memory_profile_json(profile));
}

MemoryProfile read_memory_profile(const std::filesystem::path& path) {
  return parse_memory_profile(read_file(path), path);
}

MemoryProfile parse_memory_profile(std::string_view text, const std::filesystem::path& path) {
  const ojson j = json_read::parse(text, path);
  const auto top = json_read::object_fields(j, path, "");
  MemoryProfile p;
  p.version = static_cast<uint32_t>(top.unsigned_integer("version"));
  if (p.version != kMemoryProfileVersion)
    top.fail(fmt::format("version {} is not supported (this crashtwin reads {})", p.version, kMemoryProfileVersion));
  p.page_bytes = top.unsigned_integer("page_bytes");
  if (p.page_bytes == 0) top.fail("\"page_bytes\" must be positive");
  p.region_pages = top.unsigned_integer("region_pages");
  p.minimum_slice_bytes = top.unsigned_integer("minimum_slice_bytes");
  p.tick_period_ns = top.unsigned_integer("tick_period_ns");
  p.duration_ns = top.unsigned_integer("duration_ns");
  p.ring_capacity = top.unsigned_integer("ring_capacity");
  p.events_lost = top.unsigned_integer("events_lost");
  const ojson& callers = array_at(top, "callers");
  for (size_t i = 0; i < callers.size(); ++i) {
    const auto f = json_read::object_fields(callers[i], path, fmt::format("callers[{}]", i));
    MemoryCallerCounts c;
    c.caller = f.string("caller");
    if (!one_of(kCallers, c.caller)) f.fail(fmt::format("unknown caller \"{}\"", c.caller));
    c.allocs = f.unsigned_integer("allocs");
    c.frees = f.unsigned_integer("frees");
    c.pages_allocated = f.unsigned_integer("pages_allocated");
    c.pages_freed = f.unsigned_integer("pages_freed");
    p.callers.push_back(std::move(c));
  }
  check_fields(top, "event_fields", kEventFields);
  const ojson& events = array_at(top, "events");
  p.events.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const ojson& r = row(top, events, i, kEventFields.size(), "events");
    MemoryEvent e;
    e.time_ns = cell_unsigned(top, r, 0, "events", i);
    e.op = cell_string(top, r, 1, "events", i);
    if (!one_of(kOps, e.op)) top.fail(fmt::format("events[{}]: unknown op \"{}\"", i, e.op));
    e.caller = cell_string(top, r, 2, "events", i);
    if (!one_of(kCallers, e.caller)) top.fail(fmt::format("events[{}]: unknown caller \"{}\"", i, e.caller));
    e.owner = cell_string(top, r, 3, "events", i);
    e.address = cell_unsigned(top, r, 4, "events", i);
    e.pages = cell_unsigned(top, r, 5, "events", i);
    e.delta_pages = cell_unsigned(top, r, 6, "events", i);
    e.requested_bytes = cell_unsigned(top, r, 7, "events", i);
    if (i > 0 && e.time_ns < p.events.back().time_ns) top.fail(fmt::format("events[{}]: time goes backwards", i));
    p.events.push_back(std::move(e));
  }
  check_fields(top, "sample_fields", kSampleFields);
  const ojson& samples = array_at(top, "samples");
  p.samples.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const ojson& r = row(top, samples, i, kSampleFields.size(), "samples");
    MemorySample s;
    s.time_ns = cell_unsigned(top, r, 0, "samples", i);
    s.allocated_bytes = cell_unsigned(top, r, 1, "samples", i);
    s.free_bytes = cell_unsigned(top, r, 2, "samples", i);
    s.largest_free_bytes = cell_unsigned(top, r, 3, "samples", i);
    s.free_blocks = cell_unsigned(top, r, 4, "samples", i);
    s.owned_bytes = cell_unsigned(top, r, 5, "samples", i);
    s.requested_bytes = cell_unsigned(top, r, 6, "samples", i);
    s.allocations = cell_unsigned(top, r, 7, "samples", i);
    if (s.largest_free_bytes > s.free_bytes)
      top.fail(fmt::format("samples[{}]: the largest free block is larger than the free bytes", i));
    if (i > 0 && s.time_ns < p.samples.back().time_ns) top.fail(fmt::format("samples[{}]: time goes backwards", i));
    p.samples.push_back(s);
  }
  p.free_blocks_per_order = top.unsigned_array("free_blocks_per_order");
  if (p.free_blocks_per_order.size() > 64) top.fail("free_blocks_per_order has more than 64 orders");
  const ojson& live = array_at(top, "live");
  for (size_t i = 0; i < live.size(); ++i) {
    const auto f = json_read::object_fields(live[i], path, fmt::format("live[{}]", i));
    MemoryLiveAllocation a;
    a.address = f.unsigned_integer("address");
    a.pages = f.unsigned_integer("pages");
    a.kind = f.string("kind");
    if (!one_of(kKinds, a.kind)) f.fail(fmt::format("unknown kind \"{}\"", a.kind));
    a.owner_kind = f.string("owner_kind");
    if (!one_of(kOwnerKinds, a.owner_kind)) f.fail(fmt::format("unknown owner_kind \"{}\"", a.owner_kind));
    a.component = f.string("component");
    a.requested_bytes = f.unsigned_integer("requested_bytes");
    a.used_bytes = f.unsigned_integer("used_bytes");
    a.records = f.unsigned_integer("records");
    p.live.push_back(std::move(a));
  }
  if (top.has("numa")) {
    const auto numa = json_read::object_fields(top.at("numa"), path, "numa");
    p.numa.slice_placement = numa.string("slice_placement");
    if (p.numa.slice_placement != "any" && p.numa.slice_placement != "node_local")
      numa.fail(fmt::format("unknown slice_placement \"{}\" (any, node_local)", p.numa.slice_placement));
    const ojson& nodes = array_at(numa, "nodes");
    if (nodes.empty() || nodes.size() > 64) numa.fail("\"nodes\" must list 1 to 64 nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
      const auto f = json_read::object_fields(nodes[i], path, fmt::format("numa.nodes[{}]", i));
      MemoryNumaNode n{static_cast<uint32_t>(f.unsigned_integer("node")), f.unsigned_integer("base"),
                       f.unsigned_integer("size")};
      if (n.node != i) f.fail(fmt::format("\"node\" must be {} (nodes in order)", i));
      if (n.size == 0 || n.base + n.size < n.base) f.fail("\"size\" must be positive and the range inside 64 bits");
      if (i > 0 && n.base < p.numa.nodes.back().base + p.numa.nodes.back().size)
        f.fail("overlaps the node before (nodes ascend)");
      p.numa.nodes.push_back(n);
    }
    const ojson& components = array_at(numa, "components");
    for (size_t i = 0; i < components.size(); ++i) {
      const auto f = json_read::object_fields(components[i], path, fmt::format("numa.components[{}]", i));
      MemoryComponentNode c{f.string("component"), static_cast<uint32_t>(f.unsigned_integer("node"))};
      if (c.node >= p.numa.nodes.size()) f.fail(fmt::format("node {} is not one of the {} nodes", c.node, p.numa.nodes.size()));
      p.numa.components.push_back(std::move(c));
    }
  }
  return p;
}

uint32_t MemoryNuma::node_at(uint64_t address) const {
  for (const MemoryNumaNode& n : nodes)
    if (address >= n.base && address - n.base < n.size) return n.node;
  return static_cast<uint32_t>(nodes.size());
}

uint32_t MemoryNuma::node_of(const std::string& component) const {
  for (const MemoryComponentNode& c : components)
    if (c.component == component) return c.node;
  return 0;
}

}  // namespace crashtwin
