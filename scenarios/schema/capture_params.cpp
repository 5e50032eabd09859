#include "scenarios/schema/capture_params.h"

#include <charconv>
#include <string>

#include "platform/core/units.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

using K = CaptureParamKind;
using F = BoardFacts;

constexpr CaptureParamInfo kTable[] = {
    {"log_buf_len", K::size, "1 MiB", "printk ring buffer the kernel log section copies",
     "a server's log_buf_len=1M boot parameter (Linux's CONFIG_LOG_BUF_SHIFT default of 17 gives 128 KiB)", 4096,
     128ull << 20, [](const F& f) { return f.log_buf_len; }, [](F& f, uint64_t v) { f.log_buf_len = v; }},
    {"kernel_stack_size", K::size, "16 KiB", "kernel stack of each core the kernel stacks section copies",
     "THREAD_SIZE on x86-64: PAGE_SIZE << THREAD_SIZE_ORDER (2), arch/x86/include/asm/page_64_types.h", 4096,
     64 * 1024, [](const F& f) { return uint64_t{f.kernel_stack_bytes}; },
     [](F& f, uint64_t v) { f.kernel_stack_bytes = static_cast<uint32_t>(v); }},
    {"memory_snapshot_rows", K::count, "3", "DRAM rows around a failing address (its row and its neighbours)",
     "the failing row and one each side: row-hammer and weak-cell neighbours", 1, 1024,
     [](const F& f) { return uint64_t{f.memory_snapshot_rows}; },
     [](F& f, uint64_t v) { f.memory_snapshot_rows = static_cast<uint32_t>(v); }},
    {"memory_row_size", K::size, "8 KiB", "bytes of one DRAM row (page) across a rank",
     "DDR4 x8 devices: 1 KiB page per device, 8 data devices per rank (JESD79-4)", 1024, 64 * 1024,
     [](const F& f) { return uint64_t{f.memory_row_bytes}; },
     [](F& f, uint64_t v) { f.memory_row_bytes = static_cast<uint32_t>(v); }},
    {"nvme_queues", K::count, "8", "I/O queue pairs of each NVMe controller",
     "Linux creates one I/O queue pair per CPU up to the controller's limit; 8 for an 8-core host", 1, 128,
     [](const F& f) { return uint64_t{f.nvme_queues}; }, [](F& f, uint64_t v) { f.nvme_queues = static_cast<uint32_t>(v); }},
    {"nvme_queue_depth", K::count, "1024", "entries of each NVMe queue (64 B per SQ entry, 16 B per CQ entry)",
     "Linux nvme io_queue_depth module parameter default (drivers/nvme/host/pci.c); entry sizes: NVMe base spec",
     2, 65536, [](const F& f) { return uint64_t{f.nvme_queue_depth}; },
     [](F& f, uint64_t v) { f.nvme_queue_depth = static_cast<uint32_t>(v); }},
    {"nic_rings", K::count, "16", "descriptor rings of each NIC (RX and TX)",
     "8 queue pairs: one RX and one TX ring each (ethtool -l combined 8)", 1, 256,
     [](const F& f) { return uint64_t{f.nic_rings}; }, [](F& f, uint64_t v) { f.nic_rings = static_cast<uint32_t>(v); }},
    {"nic_ring_descriptors", K::count, "1024", "descriptors of each NIC ring (16 B each)",
     "ethtool -g default of mlx5 (i40e/ixgbe 512, ice 2048); 16 B advanced descriptors (Intel 82599/E810 datasheets)",
     64, 8192, [](const F& f) { return uint64_t{f.nic_ring_descriptors}; },
     [](F& f, uint64_t v) { f.nic_ring_descriptors = static_cast<uint32_t>(v); }},
};

Status parse_count(std::string_view text, uint64_t& out) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) return Status::out_of_range;
  if (ec != std::errc() || end != text.data() + text.size()) return Status::invalid_argument;
  out = v;
  return Status::ok;
}

}  // namespace

std::span<const CaptureParamInfo> capture_param_table() { return kTable; }

const CaptureParamInfo* find_capture_param(std::string_view name) {
  for (const CaptureParamInfo& p : kTable)
    if (name == p.name) return &p;
  return nullptr;
}

Status set_capture_param(const CaptureParamInfo& info, std::string_view text, BoardFacts& facts) {
  uint64_t v = 0;
  const Status s = info.kind == CaptureParamKind::size ? parse_size_bytes(text, v) : parse_count(text, v);
  if (!ok(s)) return s;
  if (v < info.minimum || v > info.maximum) return Status::out_of_range;
  // Stacks are THREAD_SIZE aligned: capture finds one by rounding rsp down.
  if (std::string_view(info.name) == "kernel_stack_size" && (v & (v - 1)) != 0) return Status::invalid_argument;
  info.set(facts, v);
  return Status::ok;
}

std::string capture_param_text(const CaptureParamInfo& info, const BoardFacts& facts) {
  const uint64_t v = info.get(facts);
  return info.kind == CaptureParamKind::size ? size_text(v) : std::to_string(v);
}

}  // namespace crashtwin::scenario
