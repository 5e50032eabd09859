#include "tests/firmware/workloads.h"

#include <cstring>
#include <iterator>
#include <memory>

#include "platform/agent/agent.h"
#include "platform/alloc/buddy.h"
#include "platform/alloc/slab.h"
#include "platform/capture/capture.h"
#include "platform/core/crc32c.h"
#include "platform/cper/byte_order.h"
#include "platform/core/exact_math.h"
#include "platform/drivers/register_hal.h"
#include "platform/predictor/features.h"
#include "platform/predictor/model_blob.h"
#include "platform/predictor/predictor.h"
#include "platform/region/crash_dump_reader.h"
#include "platform/region/crash_region.h"
#include "platform/regs/crashtwin_regs.h"
#include "policies/partitioning/policies.h"
#include "tests/firmware/digest.h"
#include "tests/firmware/static_hal.h"
#include "tests/support/capture_board_layout.h"

namespace crashtwin::firmware_test {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

// Hands out aligned pieces of the caller's arena; reset between workloads.
class Arena {
 public:
  explicit Arena(std::span<std::byte> memory) : memory_(memory) {}
  void reset() { used_ = 0; }
  // Zeroed bytes; an empty span when the arena is exhausted.
  std::span<std::byte> take(size_t bytes, size_t align = 16) {
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start > memory_.size() || bytes > memory_.size() - start) return {};
    used_ = start + bytes;
    std::memset(memory_.data() + start, 0, bytes);
    return memory_.subspan(start, bytes);
  }
  // A T constructed in the arena (never destroyed: the arena is reset).
  template <typename T>
  T* make() {
    std::span<std::byte> s = take(sizeof(T), alignof(T));
    return s.empty() ? nullptr : std::construct_at(reinterpret_cast<T*>(s.data()));
  }

 private:
  std::span<std::byte> memory_;
  size_t used_ = 0;
};

// One workload's checks and digest.
struct Run {
  const char* name;
  Report& report;
  Digest digest;
  int failures = 0;

  bool check(bool condition, const char* file, int line, const char* expression) {
    if (!condition) {
      ++failures;
      report.failure(name, file, line, expression);
    }
    return condition;
  }
};

#define FW_CHECK(run, condition) (run).check(static_cast<bool>(condition), __FILE__, __LINE__, #condition)

// --- exact math and crc32c -------------------------------------------------

void exact_math_workload(Run& run) {
  const char kVector[] = "123456789";
  FW_CHECK(run, crc32c(std::as_bytes(std::span(kVector, 9))) == 0xE3069283u);
  Xorshift64 rng(0xC0FFEE);
  for (int i = 0; i < 256; ++i) {
    // Inputs from integer ratios: the same doubles everywhere.
    const double x = static_cast<double>(static_cast<int64_t>(rng.below(200001)) - 100000) / 4096.0;
    run.digest.f64(exact::exp(x / 64.0));
    run.digest.f64(exact::sin(x));
    run.digest.f64(exact::cos(x));
    const double positive = static_cast<double>(rng.below(1'000'000) + 1) / 1000.0;
    run.digest.f64(exact::log(positive));
    run.digest.f64(exact::log1p(positive / 1024.0 - 0.5));
  }
  FW_CHECK(run, exact::exp(0.0) == 1.0);
  FW_CHECK(run, exact::log(1.0) == 0.0);
}

// --- buddy allocator: a random operation sequence, audited ------------------

void buddy_workload(Run& run, Arena& arena) {
  constexpr uint64_t kBase = 1ull << 30;  // physical; the allocator never touches it
  constexpr uint64_t kSize = 64 * MiB - 5 * alloc::kPageSize;  // not a power of two
  std::span<std::byte> metadata = arena.take(alloc::BuddyAllocator::metadata_bytes(kSize));
  auto* buddy = arena.make<alloc::BuddyAllocator>();
  if (!FW_CHECK(run, buddy != nullptr && !metadata.empty())) return;
  if (!FW_CHECK(run, buddy->init(kBase, kSize, metadata) == Status::ok)) return;

  constexpr size_t kMaxLive = 512;
  uint64_t live[kMaxLive];
  size_t live_count = 0;
  uint32_t succeeded = 0, exhausted = 0;
  Xorshift64 rng(0x9E37'79B9'7F4A'7C15ull);
  for (int op = 0; op < 6000; ++op) {
    const uint64_t kind = rng.below(10);
    uint64_t address = 0;
    Status s = Status::not_found;  // stays so when there is nothing to free or resize
    if (kind <= 2 || (kind <= 5 && live_count == 0)) {
      s = buddy->allocate(static_cast<uint32_t>(rng.below(8)), address);
    } else if (kind <= 4) {
      s = buddy->allocate_pages(1 + rng.below(300), address);
    } else if (kind == 5) {
      address = kBase + rng.below(buddy->page_count()) * alloc::kPageSize;
      s = buddy->reserve(address, (1 + rng.below(16)) * alloc::kPageSize);
    } else if (kind <= 8 && live_count > 0) {
      const size_t victim = static_cast<size_t>(rng.below(live_count));
      s = buddy->free(live[victim]);
      run.digest.u64(live[victim] - kBase);
      live[victim] = live[--live_count];
      FW_CHECK(run, s == Status::ok);
    } else if (live_count > 0) {
      const size_t which = static_cast<size_t>(rng.below(live_count));
      s = buddy->resize(live[which], 1 + rng.below(128));
      run.digest.u64(live[which] - kBase);
    }
    run.digest.status(s);
    if (s == Status::ok) ++succeeded;
    if (s == Status::no_memory) ++exhausted;
    if (s == Status::ok && kind <= 5) {  // a new allocation: track it
      run.digest.u64(address - kBase);
      if (live_count < kMaxLive) live[live_count++] = address;
      else (void)buddy->free(address);
    }
    if (op % 500 == 499) FW_CHECK(run, buddy->audit() == Status::ok);
  }
  // Both regimes: most operations succeed, and the region fills up at times.
  FW_CHECK(run, succeeded > 3000);
  FW_CHECK(run, exhausted > 0);
  run.digest.u32(succeeded);
  run.digest.u32(exhausted);
  FW_CHECK(run, buddy->audit() == Status::ok);
  run.digest.u64(buddy->free_pages());
  run.digest.u64(buddy->allocation_count());
  run.digest.u64(buddy->largest_free_block_bytes());
  run.digest.u64(buddy->pending_tails());
  uint64_t per_order[alloc::kOrderCount] = {};
  buddy->buddyinfo(per_order);
  for (uint64_t n : per_order) run.digest.u64(n);
  for (uint32_t order = 0; order <= 12; ++order) {
    run.digest.u32(static_cast<uint32_t>(buddy->unusable_index(order)));
    run.digest.u32(static_cast<uint32_t>(buddy->fragmentation_index(order)));
  }
  buddy->walk_allocated(
      [](void* context, const alloc::Allocation& a) {
        Digest& d = *static_cast<Digest*>(context);
        d.u64(a.address);
        d.u64(a.pages);
        d.byte(static_cast<uint8_t>(a.kind));
      },
      &run.digest);
  // Everything back: the region is whole again.
  struct Collector {
    uint64_t addresses[4096];
    size_t count = 0;
  };
  auto* all = arena.make<Collector>();
  if (!FW_CHECK(run, all != nullptr)) return;
  buddy->walk_allocated(
      [](void* context, const alloc::Allocation& a) {
        auto& c = *static_cast<Collector*>(context);
        if (c.count < 4096) c.addresses[c.count++] = a.address;
      },
      all);
  FW_CHECK(run, all->count == buddy->allocation_count());
  for (size_t i = 0; i < all->count; ++i) FW_CHECK(run, buddy->free(all->addresses[i]) == Status::ok);
  FW_CHECK(run, buddy->audit() == Status::ok);
  FW_CHECK(run, buddy->free_pages() == buddy->page_count());
}

// --- slab cache over the buddy allocator -----------------------------------

void slab_workload(Run& run, Arena& arena) {
  constexpr uint64_t kBase = 256 * MiB;
  constexpr uint64_t kSize = 8 * MiB;
  std::span<std::byte> buddy_metadata = arena.take(alloc::BuddyAllocator::metadata_bytes(kSize));
  auto* buddy = arena.make<alloc::BuddyAllocator>();
  auto* cache = arena.make<alloc::SlabCache>();
  alloc::SlabCacheConfig config;
  config.object_size = 200;
  config.align = 64;
  config.max_slabs = 64;
  std::span<std::byte> slab_metadata = arena.take(alloc::SlabCache::metadata_bytes(config));
  if (!FW_CHECK(run, buddy && cache && !buddy_metadata.empty() && !slab_metadata.empty())) return;
  if (!FW_CHECK(run, buddy->init(kBase, kSize, buddy_metadata) == Status::ok)) return;
  if (!FW_CHECK(run, cache->init(*buddy, config, slab_metadata) == Status::ok)) return;

  constexpr size_t kMaxLive = 1024;
  uint64_t live[kMaxLive];
  size_t live_count = 0;
  Xorshift64 rng(0x5EED'51AB);
  for (int op = 0; op < 5000; ++op) {
    // Bursts: allocation-heavy for a while, then free-heavy.
    const bool grow = ((op / 400) % 2 == 0) ? rng.below(4) != 0 : rng.below(4) == 0;
    if ((grow || live_count == 0) && live_count < kMaxLive) {
      uint64_t address = 0;
      const Status s = cache->alloc(address);
      run.digest.status(s);
      if (s == Status::ok) {
        run.digest.u64(address - kBase);
        FW_CHECK(run, address % config.align == 0);
        live[live_count++] = address;
      }
    } else if (live_count > 0) {
      const size_t victim = static_cast<size_t>(rng.below(live_count));
      FW_CHECK(run, cache->free(live[victim]) == Status::ok);
      FW_CHECK(run, cache->free(live[victim]) == Status::double_free);
      live[victim] = live[--live_count];
    }
    if (op % 250 == 249) FW_CHECK(run, cache->audit() == Status::ok);
  }
  const alloc::SlabStats stats = cache->stats();
  FW_CHECK(run, stats.objects_in_use == live_count);
  run.digest.u64(stats.objects_in_use);
  run.digest.u64(stats.object_capacity);
  run.digest.u64(stats.slabs);
  run.digest.u64(stats.pages);
  run.digest.u64(stats.internal_fragmentation_bytes);
  run.digest.u32(stats.objects_per_slab);
  run.digest.u32(stats.object_stride);
  run.digest.u32(stats.slab_order);
  for (size_t i = 0; i < live_count; ++i) FW_CHECK(run, cache->free(live[i]) == Status::ok);
  cache->shrink();
  FW_CHECK(run, cache->audit() == Status::ok);
  FW_CHECK(run, buddy->audit() == Status::ok);
  FW_CHECK(run, buddy->free_pages() == buddy->page_count());
}

// --- crash region: partition table commits, read back ----------------------

void region_workload(Run& run, Arena& arena) {
  constexpr uint64_t kBase = 0x40'0000;
  constexpr uint64_t kRegionSize = kHeaderAreaBytes + 2 * MiB;
  std::span<std::byte> memory = arena.take(kRegionSize);
  auto* table = arena.make<PartitionTable>();
  auto* read_back = arena.make<PartitionTable>();
  std::span<std::byte> scratch = arena.take(kHeaderAreaBytes);
  if (!FW_CHECK(run, !memory.empty() && table && read_back && !scratch.empty())) return;
  StaticHal hal(memory, kBase);
  if (!FW_CHECK(run, format_crash_region(hal, kBase, kRegionSize, *table) == Status::ok)) return;
  Xorshift64 rng(0x7AB1E);
  for (int generation = 0; generation < 6; ++generation) {
    table->slice_count = 0;
    uint64_t next = table->slice_area_base();
    const uint32_t slices = 1 + static_cast<uint32_t>(rng.below(12));
    for (uint32_t s = 0; s < slices; ++s) {
      SliceEntry& e = table->slices[table->slice_count++];
      e.component = ComponentId{static_cast<ComponentClass>(s % 4), static_cast<uint16_t>(s / 4)};
      e.base = next;
      e.size = (1 + rng.below(8)) * kCrashRegionPageBytes;
      e.used_bytes = rng.below(e.size + 1);
      e.record_count = static_cast<uint32_t>(e.used_bytes / 512);
      e.flags = e.used_bytes > 0 ? kSliceFlagHasRecords : 0;
      next += e.size + rng.below(3) * kCrashRegionPageBytes;
    }
    FW_CHECK(run, validate_partition_table(*table) == Status::ok);
    FW_CHECK(run, commit_partition_table(hal, *table) == Status::ok);
    run.digest.u64(table->generation);
  }
  PartitionTableDiagnostics diagnostics;
  FW_CHECK(run, read_partition_table(hal, kBase, scratch, *read_back, &diagnostics) == Status::ok);
  FW_CHECK(run, read_back->generation == table->generation);
  FW_CHECK(run, read_back->slice_count == table->slice_count);
  for (uint32_t s = 0; s < read_back->slice_count && s < table->slice_count; ++s) {
    FW_CHECK(run, read_back->slices[s].base == table->slices[s].base);
    FW_CHECK(run, read_back->slices[s].used_bytes == table->slices[s].used_bytes);
  }
  run.digest.u32(static_cast<uint32_t>(diagnostics.current_copy));
  for (const HeaderCopyCheck& c : diagnostics.copies) {
    run.digest.status(c.status);
    run.digest.u64(c.generation);
    run.digest.u32(c.stored_crc);
  }
  // The header area as the BMC would DMA it: the on-media bytes themselves.
  run.digest.bytes(hal.bytes(kBase, kHeaderAreaBytes));
  // A flipped byte in the current copy: the reader falls back to the other.
  std::span<std::byte> current = memory.subspan(static_cast<size_t>(diagnostics.current_copy) * kHeaderCopyBytes, 64);
  current[40] ^= std::byte{0x01};
  FW_CHECK(run, read_partition_table(hal, kBase, scratch, *read_back, &diagnostics) == Status::ok);
  FW_CHECK(run, read_back->generation == table->generation - 1);
  run.digest.u64(read_back->generation);
}

// --- selective capture into CPER records, decoded by the BMC reader ---------

// The capture workload's board: the host unit tests' capture board layout
// (tests/support/capture_board_layout.h: stacks, page tables, kernel log
// and driver queues in the first 2 MiB, and the BoardFacts that say where)
// over StaticHal's static memory.
namespace capture_board {
using namespace test_board;
constexpr uint64_t kDram = 2 * MiB;  // before the region: stacks, code, rows, tables, log, queues
static_assert(firmware_test::kErrorLogBytes == test_board::kErrorLogBytes &&
                  firmware_test::kQueueStateBytes == test_board::kQueueStateBytes,
              "StaticHal's state blocks are the sizes the facts give");

// A printk-like ring: numbered lines, then zeros as an unfilled ring has.
void write_kernel_log(std::span<std::byte> ring) {
  std::memset(ring.data(), 0, ring.size());
  constexpr char kLine[] = "<3>[   7.000000] crashtwin: line 000\n";
  constexpr size_t kLineBytes = sizeof(kLine) - 1;
  for (size_t n = 0, at = 0; at + kLineBytes <= ring.size() / 2; ++n, at += kLineBytes) {
    std::memcpy(ring.data() + at, kLine, kLineBytes);
    ring[at + kLineBytes - 4] = static_cast<std::byte>('0' + n / 100 % 10);
    ring[at + kLineBytes - 3] = static_cast<std::byte>('0' + n / 10 % 10);
    ring[at + kLineBytes - 2] = static_cast<std::byte>('0' + n % 10);
  }
}
}  // namespace capture_board

void capture_workload(Run& run, Arena& arena) {
  using namespace capture_board;
  constexpr uint64_t kBase = 0;
  constexpr uint64_t kRegionSize = kHeaderAreaBytes + 1 * MiB;
  std::span<std::byte> memory = arena.take(kDram + kRegionSize);
  auto* table = arena.make<PartitionTable>();
  std::span<std::byte> scratch = arena.take(capture_scratch_bytes(256 * KiB));
  auto* reader = arena.make<CrashDumpReader>();
  auto* scan = arena.make<DumpScan>();
  if (!FW_CHECK(run, !memory.empty() && table && !scratch.empty() && reader && scan)) return;
  for (size_t i = 0; i < kDram; ++i) memory[i] = static_cast<std::byte>(i * 7 + (i >> 9));
  for (uint32_t core = 0; core < kCores; ++core) write_page_walk(memory, kPageTables + kPageTableStride * core, kBadAddress);
  write_kernel_log(memory.subspan(kLogBase, kLogBytes));
  StaticHal hal(memory, kBase);
  hal.set_time_ns(7'000'000'000ull);
  hal.set_component_count(ComponentClass::cpu, kCores);
  hal.set_component_count(ComponentClass::memory, 2);
  hal.set_component_count(ComponentClass::disk, 1);
  hal.set_component_count(ComponentClass::network, 1);
  hal.set_core_pointers(kStackTop, kRip, kStackBytes);
  hal.set_page_tables(kPageTables, kPageTableStride);
  for (uint16_t core = 0; core < kCores; ++core) {
    hal.set_metric({ComponentClass::cpu, core}, Metric::cpu_power, 15000u + core);
    hal.set_metric({ComponentClass::cpu, core}, Metric::cpu_temperature, 60000u + 1000u * core);
  }
  if (!FW_CHECK(run, format_crash_region(hal, kDram, kRegionSize, *table) == Status::ok)) return;
  // One slice per failing component, each room for a full capture (the
  // memory slice for two) except core 0's: one page, so its capture
  // (registers, code page, page tables, stacks, log) is cut short.
  struct Failure {
    ErrorEvent event;
    uint64_t slice_bytes;
  };
  const Failure failures[] = {
      {{{ComponentClass::memory, 1}, ErrorType::memory_uncorrectable, 7'000'000'000ull, kBadAddress, 0x9A}, 256 * KiB},
      {{{ComponentClass::cpu, 2}, ErrorType::machine_check, 7'100'000'000ull, 0, 0xB200'0000'0001'0135ull}, 256 * KiB},
      {{{ComponentClass::cpu, 0}, ErrorType::page_fault, 7'200'000'000ull, kBadAddress, 0x2}, 4 * KiB},
      {{{ComponentClass::disk, 0}, ErrorType::disk_timeout, 7'300'000'000ull, 0, 0x7}, 128 * KiB},
      {{{ComponentClass::network, 0}, ErrorType::nic_fatal, 7'400'000'000ull, 0, 0x3}, 128 * KiB},
  };
  SensorReading history[24];
  for (size_t i = 0; i < 24; ++i) {
    history[i].time_ns = 6'000'000'000ull + i * 50'000'000ull;
    history[i].component = ComponentId{static_cast<ComponentClass>(i % 4), static_cast<uint16_t>(i % 2)};
    history[i].metric = metric_at(history[i].component.cls, static_cast<uint32_t>(i % 3));
    history[i].value = 1000 + 37 * i;
  }
  const BoardFacts board = facts(static_cast<uint32_t>(std::size(history)));
  FW_CHECK(run, kQueueBase + device_queue_area_bytes(1, 1, board) <= kDram);
  uint64_t next = table->slice_area_base();
  for (const Failure& f : failures) {
    SliceEntry& slice = table->slices[table->slice_count++];
    slice.component = f.event.component;
    slice.base = next;
    slice.size = f.slice_bytes;
    next += f.slice_bytes;
  }
  // Two captures into the memory slice: records back to back.
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < table->slice_count; ++i) {
      if (round == 1 && i != 0) continue;
      SliceEntry& slice = table->slices[i];
      ErrorEvent event = failures[i].event;
      event.time_ns += static_cast<uint64_t>(round) * 1'000'000ull;
      hal.set_time_ns(event.time_ns);
      CaptureResult result;
      const Status s = capture_error(hal, event, /*record_id=*/1, slice, history, scratch, result, board);
      run.digest.status(s);
      FW_CHECK(run, s == Status::ok || s == Status::truncated);
      FW_CHECK(run, (s == Status::truncated) == result.truncated);
      run.digest.u64(result.needed_bytes);
      run.digest.u64(result.captured_bytes);
      run.digest.u64(result.record_offset);
      run.digest.u32(result.sections_written);
      run.digest.byte(result.truncated ? 1 : 0);
      run.digest.bytes(hal.bytes(slice.base + slice.used_bytes, result.record_bytes));
      slice.used_bytes += result.record_bytes;
      ++slice.record_count;
      slice.flags |= kSliceFlagHasRecords | (result.truncated ? kSliceFlagTruncated : 0u);
    }
  }
  FW_CHECK(run, (table->slices[2].flags & kSliceFlagTruncated) != 0);
  constexpr uint32_t kWholeSlices[] = {0, 1, 3, 4};
  for (uint32_t i : kWholeSlices) FW_CHECK(run, (table->slices[i].flags & kSliceFlagTruncated) == 0);
  FW_CHECK(run, commit_partition_table(hal, *table) == Status::ok);

  // The BMC's side: decode the region and walk every record.
  FW_CHECK(run, reader->open(hal.bytes(kDram, kRegionSize)) == Status::ok);
  FW_CHECK(run, reader->scan(*scan) == Status::ok);
  FW_CHECK(run, scan->records == 6);
  FW_CHECK(run, scan->records_with_manifest == 6);
  FW_CHECK(run, scan->finding_count == 0);
  FW_CHECK(run, scan->found_failure);
  run.digest.u32(scan->records);
  run.digest.u32(scan->latest_failure.slice_index);
  run.digest.u64(scan->latest_failure.offset);
  for (uint32_t i = 0; i < reader->table().slice_count; ++i) {
    SliceRecordCursor cursor = reader->records(i);
    DumpRecord record;
    while (cursor.next(record) == Status::ok) {
      run.digest.u32(record.slice_index);
      run.digest.u64(record.offset);
      run.digest.u32(record.record.section_count());
      run.digest.u32(crc32c(record.record.bytes()));
    }
  }
}

// --- predictor: model blob, features, probabilities -------------------------

void predictor_workload(Run& run, Arena& arena) {
  auto* model = arena.make<FailureModel>();
  auto* parsed = arena.make<FailureModel>();
  std::span<std::byte> blob = arena.take(kMaxModelBlobBytes);
  constexpr size_t kInstances = 3;
  std::span<std::byte> window_bytes = arena.take(sizeof(MetricWindow) * kComponentClassCount * kInstances,
                                                 alignof(MetricWindow));
  if (!FW_CHECK(run, model && parsed && !blob.empty() && !window_bytes.empty())) return;
  auto* windows = reinterpret_cast<MetricWindow*>(window_bytes.data());
  Xorshift64 rng(0xFEA7'0001);
  auto ratio = [&rng](int64_t range, float divisor) {
    return static_cast<float>(static_cast<int64_t>(rng.below(2 * static_cast<uint64_t>(range) + 1)) - range) /
           divisor;
  };
  model->feature_set_version = kFeatureSetVersion;
  model->generation = 7;
  model->horizon_ns = 5'000'000'000ull;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    ClassModel& m = model->classes[c];
    m.kind = ModelKind::logistic;
    m.feature_count = static_cast<uint8_t>(feature_count(static_cast<ComponentClass>(c)));
    for (size_t f = 0; f < m.feature_count; ++f) {
      m.mean[f] = ratio(1000, 100.0f);
      m.scale[f] = 0.25f + static_cast<float>(rng.below(400)) / 32.0f;
      m.weight[f] = ratio(1000, 400.0f);
    }
    m.bias = ratio(1000, 250.0f);
    m.threshold = 0.5f;
  }
  size_t length = 0;
  FW_CHECK(run, encode_model(*model, blob, length) == Status::ok);
  FW_CHECK(run, length == encoded_model_size(*model));
  run.digest.bytes(blob.first(length));
  FW_CHECK(run, parse_model(blob.first(length), *parsed) == Status::ok);
  FW_CHECK(run, check_compatible(*parsed) == Status::ok);
  // A flipped byte is caught by the CRC.
  blob[length / 2] ^= std::byte{0x10};
  FailureModel unchanged = *parsed;
  FW_CHECK(run, parse_model(blob.first(length), unchanged) == Status::corrupt);
  blob[length / 2] ^= std::byte{0x10};

  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    const uint32_t metrics = metric_count(cls);
    for (size_t i = 0; i < kInstances; ++i) {
      MetricWindow& w = windows[c * kInstances + i];
      w.reset(cls, 0.25f);
      uint64_t values[kMaxMetricsPerClass] = {};
      for (int sample = 0; sample < 24; ++sample) {
        for (uint32_t s = 0; s < metrics; ++s) {
          const Metric m = metric_at(cls, s);
          // Counters climb (faster on instance 2: a precursor); gauges wander.
          if (metric_is_counter(m)) values[s] += rng.below(5 + 40 * (i == 2 ? static_cast<uint64_t>(sample) : 0u));
          else values[s] = 40'000 + rng.below(30'000);
        }
        const uint64_t time = 1'000'000'000ull + static_cast<uint64_t>(sample) * 100'000'000ull;
        FW_CHECK(run, w.push(time, std::span<const uint64_t>(values, metrics)) == Status::ok);
      }
      FeatureVector features;
      compute_features(w, features);
      FW_CHECK(run, features.count == feature_count(cls));
      for (uint8_t f = 0; f < features.count; ++f) run.digest.f32(features.value[f]);
      const float p = failure_probability(*parsed, cls, features);
      FW_CHECK(run, p >= 0.0f && p <= 1.0f);
      run.digest.f32(p);
    }
  }
  float probabilities[kComponentClassCount * kInstances];
  FW_CHECK(run, predict_all(*parsed, std::span<const MetricWindow>(windows, kComponentClassCount * kInstances),
                            probabilities) == Status::ok);
  for (float p : probabilities) run.digest.f32(p);

  // The alarm's hysteresis over a walk about a threshold, and a refused
  // model's wording (the agent's log line): the same on every target.
  AlarmState alarm;
  const AlarmConfig band{0.5f, 300'000'000};
  uint32_t changes = 0;
  float p = 0.01f;
  for (uint64_t tick = 0; tick < 400; ++tick) {
    p += ratio(100, 20000.0f);  // +-0.005
    p = p < 0.0f ? 0.0f : p;
    const AlarmChange change = alarm.update(p, 0.01f, tick * 100'000'000ull, band);
    run.digest.byte(static_cast<uint8_t>(change));
    changes += change != AlarmChange::none;
  }
  FW_CHECK(run, changes > 0);
  char why[160];
  FailureModel* other = arena.make<FailureModel>();
  if (!FW_CHECK(run, other != nullptr)) return;
  *other = *parsed;
  other->feature_set_version = kFeatureSetVersion - 1;
  describe(find_mismatch(*other), why);
  run.digest.text(why);
  other->feature_set_version = kFeatureSetVersion;
  other->of(ComponentClass::disk).feature_count = 3;
  describe(find_mismatch(*other), why);
  run.digest.text(why);
  FW_CHECK(run, why[0] == 't');  // "the disk model has 3 features ..."
}

// --- partitioning policies --------------------------------------------------

void policies_workload(Run& run, Arena& arena) {
  constexpr size_t kSlices = 10;
  auto* storage = arena.make<PolicyStorage>();
  if (!FW_CHECK(run, storage != nullptr)) return;
  SliceDemand demands[kSlices];
  Xorshift64 rng(0x9011C1E5);
  for (size_t i = 0; i < kSlices; ++i) {
    demands[i].component = ComponentId{static_cast<ComponentClass>(i % 4), static_cast<uint16_t>(i / 4)};
    demands[i].probability = static_cast<float>(rng.below(1001)) / 1000.0f;
    demands[i].current_size = (1 + rng.below(16)) * 64 * KiB;
    demands[i].used_bytes = i % 3 == 0 ? rng.below(demands[i].current_size) : 0;
  }
  const FutureFailure future[] = {
      {{ComponentClass::memory, 1}, 1'500'000'000ull, 3 * MiB},
      {{ComponentClass::cpu, 0}, 9'000'000'000ull, 2 * MiB},
  };
  PolicyParams params;
  params.class_shares[0] = 0.4f;
  params.class_shares[1] = 0.3f;
  params.ewma_alpha = 0.5f;
  params.dead_band_bytes = 128 * KiB;
  params.future = future;
  for (const char* name : policy_names()) {
    run.digest.text(name);
    PartitionPolicy* policy = nullptr;
    if (!FW_CHECK(run, make_policy(name, params, *storage, policy) == Status::ok)) continue;
    // Two budgets: one that fits every maximum, one that must scale down.
    const uint64_t budgets[] = {96 * MiB, 6 * MiB, 1 * MiB};
    for (int step = 0; step < 3; ++step) {
      PolicyInput input;
      input.slices = demands;
      input.budget_bytes = budgets[step];
      input.minimum_partition_size = 128 * KiB;
      input.maximum_partition_size = 8 * MiB;
      input.dram_bytes = 16ull << 30;
      input.now_ns = 1'000'000'000ull * static_cast<uint64_t>(step + 1);
      uint64_t sizes[kSlices] = {};
      const Status s = policy->target_sizes(input, sizes);
      run.digest.status(s);
      uint64_t total = 0;
      for (uint64_t size : sizes) {
        run.digest.u64(size);
        total += size;
        FW_CHECK(run, size % 4096 == 0);
      }
      if (s == Status::ok) FW_CHECK(run, total <= input.budget_bytes);
    }
  }
  PartitionPolicy* unknown = nullptr;
  FW_CHECK(run, make_policy("no-such-policy", params, *storage, unknown) == Status::not_found);
}

// --- the agent: boot, ticks with a rising precursor, captures ---------------

std::span<std::byte> memory_model_blob(Arena& arena) {
  auto* m = arena.make<FailureModel>();
  std::span<std::byte> blob = arena.take(kMaxModelBlobBytes);
  if (m == nullptr || blob.empty()) return {};
  m->feature_set_version = kFeatureSetVersion;
  m->generation = 1;
  m->horizon_ns = 5'000'000'000;
  ClassModel& c = m->of(ComponentClass::memory);
  c.kind = ModelKind::logistic;
  c.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::memory));
  for (size_t f = 0; f < c.feature_count; ++f) c.scale[f] = 1.0f;
  c.weight[2] = 0.75f;  // corrected_errors_in_window
  c.bias = -4.0f;
  size_t length = 0;
  return encode_model(*m, blob, length) == Status::ok ? blob.first(length) : std::span<std::byte>{};
}

void agent_workload(Run& run, Arena& arena) {
  constexpr uint64_t kPhysBase = 1 * MiB;
  constexpr uint64_t kPeriod = 100'000'000;
  constexpr ComponentId kDimm1{ComponentClass::memory, 1};
  std::span<std::byte> model = memory_model_blob(arena);
  AgentConfig config;
  config.allocation_frequency_ns = kPeriod;
  config.minimum_partition_size = 64 * KiB;
  config.maximum_partition_size = 1 * MiB;
  config.budget_bytes = 3 * MiB;
  config.region_base = kPhysBase + 1 * MiB;  // the first MiB: "DRAM" captures read
  config.region_size = kHeaderAreaBytes + 4 * MiB;
  config.dram_bytes = 16ull << 30;
  config.capture_record_limit_bytes = 128 * 1024;
  ComponentCounts counts;
  counts.of[0] = 2, counts.of[1] = 2, counts.of[2] = 1, counts.of[3] = 1;
  std::span<std::byte> memory = arena.take(1 * MiB + config.region_size);
  std::span<std::byte> agent_memory = arena.take(Agent::memory_bytes(config, counts));
  auto* storage = arena.make<PolicyStorage>();
  auto* agent = arena.make<Agent>();
  if (!FW_CHECK(run, !model.empty() && !memory.empty() && !agent_memory.empty() && storage && agent)) return;
  for (size_t i = 0; i < 1 * MiB; ++i) memory[i] = static_cast<std::byte>(i * 13 + (i >> 11));
  StaticHal hal(memory, kPhysBase);
  hal.set_component_count(ComponentClass::cpu, 2);
  hal.set_component_count(ComponentClass::memory, 2);
  hal.set_component_count(ComponentClass::disk, 1);
  hal.set_component_count(ComponentClass::network, 1);
  hal.set_core_pointers(kPhysBase + 0x8000, kPhysBase + 0x20123);
  hal.set_model_blob(model);
  PartitionPolicy* policy = nullptr;
  if (!FW_CHECK(run, make_policy("proportional", {}, *storage, policy) == Status::ok)) return;
  if (!FW_CHECK(run, agent->init(config, hal, *policy, agent_memory) == Status::ok)) return;
  if (!FW_CHECK(run, agent->boot() == Status::ok)) return;
  FW_CHECK(run, agent->partition_table().slice_count == 6);

  Xorshift64 rng(0xA6E7'0042);
  uint64_t counters[kComponentClassCount][2][kMaxMetricsPerClass] = {};
  for (int period = 0; period < 30; ++period) {
    for (size_t c = 0; c < kComponentClassCount; ++c) {
      const auto cls = static_cast<ComponentClass>(c);
      for (uint16_t i = 0; i < counts.of[c]; ++i) {
        for (uint32_t s = 0; s < metric_count(cls); ++s) {
          const Metric m = metric_at(cls, s);
          uint64_t& v = counters[c][i][s];
          if (m == Metric::mem_corrected_errors && i == 1) v += period >= 10 ? 3 : 0;  // the precursor
          // A healthy DIMM's corrected errors are sporadic: about one in a window.
          else if (m == Metric::mem_corrected_errors) v += rng.below(16) == 0 ? 1 : 0;
          else if (metric_is_counter(m)) v += rng.below(3) == 0 ? 1 : 0;
          else v = 50'000 + rng.below(10'000);
          hal.set_metric({cls, i}, m, v);
        }
      }
    }
    hal.advance_ns(kPeriod);
    FW_CHECK(run, agent->next_tick_ns() == hal.now_ns());
    FW_CHECK(run, agent->tick() == Status::ok);
    for (float p : agent->probabilities()) run.digest.f32(p);
    for (size_t i = 0; i < agent->instance_count(); ++i) run.digest.byte(agent->alarmed(agent->instance(i)) ? 1 : 0);
  }
  FW_CHECK(run, agent->probability(kDimm1) > 0.9f);
  FW_CHECK(run, agent->probability({ComponentClass::memory, 0}) < 0.1f);
  FW_CHECK(run, agent->alarmed(kDimm1));
  FW_CHECK(run, !agent->alarmed({ComponentClass::memory, 0}));
  FW_CHECK(run, hal.pfa_count() >= 1);  // the BMC was told of DIMM 1's alarm
  uint32_t index = 0;
  FW_CHECK(run, agent->partition_table().find_slice(kDimm1, index) == Status::ok);
  FW_CHECK(run, agent->partition_table().slices[index].size == config.maximum_partition_size);

  const ErrorEvent errors[] = {
      {kDimm1, ErrorType::memory_uncorrectable, hal.now_ns(), kPhysBase + 0x4'1238, 0x9A},
      {{ComponentClass::cpu, 1}, ErrorType::machine_check, hal.now_ns() + 1000, 0, 0xB200'0000'0001'0135ull},
  };
  for (const ErrorEvent& e : errors) {
    const Status s = agent->handle_error(e);
    FW_CHECK(run, s == Status::ok || s == Status::truncated);
    run.digest.status(s);
  }
  FW_CHECK(run, hal.alert_count() == 2);
  FW_CHECK(run, validate_partition_table(agent->partition_table()) == Status::ok);

  // A forced layout, as the runner's repartition() does.
  uint64_t targets[6];
  for (size_t i = 0; i < agent->instance_count(); ++i) {
    uint32_t slot = 0;
    (void)agent->partition_table().find_slice(agent->instance(i), slot);
    const SliceEntry& e = agent->partition_table().slices[slot];
    const uint64_t used = (e.used_bytes + 4095) & ~uint64_t{4095};
    targets[i] = used > 256 * KiB ? used : 256 * KiB;
  }
  FW_CHECK(run, agent->repartition(targets, hal.now_ns()) == Status::ok);

  const AgentStats& st = agent->stats();
  const uint64_t stats[] = {st.ticks, st.repartitions, st.bytes_moved, st.slices_moved, st.grow_failures,
                            st.policy_rejections, st.metric_read_errors, st.captures, st.truncated_captures,
                            st.failed_captures, st.model_reloads, st.model_rejections, st.reserved_bytes,
                            st.alarms_asserted, st.alarm_report_errors};
  for (uint64_t v : stats) run.digest.u64(v);
  const PartitionTable& t = agent->partition_table();
  run.digest.u64(t.generation);
  for (uint32_t s = 0; s < t.slice_count; ++s) {
    run.digest.byte(static_cast<uint8_t>(t.slices[s].component.cls));
    run.digest.u32(t.slices[s].component.instance);
    run.digest.u64(t.slices[s].base);
    run.digest.u64(t.slices[s].size);
    run.digest.u64(t.slices[s].used_bytes);
    run.digest.u32(t.slices[s].record_count);
    run.digest.u32(t.slices[s].flags);
  }
  run.digest.u64(hal.alert_digest());
  run.digest.u64(hal.pfa_digest());
  run.digest.u32(hal.log_count());
  run.digest.u64(hal.log_digest());
  // The whole crash region, header copies and records, as the BMC reads it.
  run.digest.u32(crc32c(hal.bytes(config.region_base, config.region_size)));
  FW_CHECK(run, agent->buddy().audit() == Status::ok);
}

}  // namespace

// --- register drivers: every Hal call as the register sequence it makes ---

// A register-level bus with no heap: a fixed table of register values
// (unset registers read 0; W1C registers clear the bits written), windows
// that read a pattern of their address, and every access folded into the
// digest, so the target's sequence must equal the host's byte for byte.
class DigestBus final : public MmioBus {
 public:
  explicit DigestBus(Digest& digest) : digest_(digest) {}
  void set(uint64_t address, uint64_t value, bool w1c = false) {
    for (uint32_t i = 0; i < count_; ++i)
      if (regs_[i].address == address) {
        regs_[i] = {address, value, w1c};
        return;
      }
    if (count_ < kRegisters) regs_[count_++] = {address, value, w1c};
  }
  uint64_t get(uint64_t address) const {
    for (uint32_t i = 0; i < count_; ++i)
      if (regs_[i].address == address) return regs_[i].value;
    return 0;
  }
  void window(uint64_t begin, uint64_t size) { window_begin_ = begin, window_end_ = begin + size; }

  Status read(uint64_t address, std::span<std::byte> out) override {
    digest_.byte('R');
    digest_.u64(address);
    digest_.u64(out.size());
    if (address >= window_begin_ && address + out.size() <= window_end_) {
      for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>((address + i) * 31);
      return Status::ok;
    }
    if (out.size() != 8 || address % 8 != 0) return Status::out_of_range;
    const uint64_t v = get(address);
    le::store_u64(out, 0, v);
    return Status::ok;
  }
  Status write(uint64_t address, std::span<const std::byte> data) override {
    if (data.size() != 8 || address % 8 != 0) return Status::out_of_range;
    const uint64_t v = le::load_u64(data, 0);
    digest_.byte('W');
    digest_.u64(address);
    digest_.u64(v);
    for (uint32_t i = 0; i < count_; ++i)
      if (regs_[i].address == address) {
        regs_[i].value = regs_[i].w1c ? regs_[i].value & ~v : v;
        return Status::ok;
      }
    set(address, v);
    return Status::ok;
  }
  uint64_t now_ns() override { return 0; }
  void log(LogLevel, const char* message) override { digest_.text(message); }

 private:
  static constexpr uint32_t kRegisters = 64;
  struct Entry {
    uint64_t address = 0, value = 0;
    bool w1c = false;
  };
  Digest& digest_;
  Entry regs_[kRegisters] = {};
  uint32_t count_ = 0;
  uint64_t window_begin_ = 0, window_end_ = 0;
};

void register_drivers_workload(Run& run, Arena&) {
  constexpr uint64_t kCpu = 0x4000'0000, kDram = 0x4100'0000, kBmc = 0x4400'0000, kFlash = 0x4500'0000;
  DigestBus bus(run.digest);
  BoardMap map;
  FW_CHECK(run, map.add_unit_device({ComponentClass::cpu, 0, 4, kCpu}) == Status::ok);
  FW_CHECK(run, map.add_unit_device({ComponentClass::memory, 0, 2, kDram}) == Status::ok);
  map.bmc_base = kBmc;
  map.flash_base = kFlash;
  RegisterHal hal(bus, map);
  const ComponentId dimm1{ComponentClass::memory, 1};
  const uint64_t unit = kDram + CT_DRAM_UNIT(1);
  bus.set(unit + CT_UNIT_METRIC(metric_slot(Metric::mem_corrected_errors)), 0x0123'4567'89ab'cdefull);
  uint64_t v = 0;
  FW_CHECK(run, hal.read_metric(dimm1, Metric::mem_corrected_errors, v) == Status::ok);
  FW_CHECK(run, v == 0x0123'4567'89ab'cdefull);
  // A state snapshot, read through the window.
  bus.set(unit + CT_UNIT_STATE_KIND, static_cast<uint64_t>(StateKind::error_log));
  bus.set(unit + CT_UNIT_STATE_LENGTH, 100);
  bus.window(unit + CT_UNIT_STATE, CT_UNIT_STATE_SIZE);
  std::byte state[64];
  size_t n = 0;
  FW_CHECK(run, hal.read_state(dimm1, StateKind::error_log, state, n) == Status::truncated);
  FW_CHECK(run, n == 64);
  run.digest.bytes(std::span<const std::byte>(state, n));
  // An error latched, taken and acknowledged.
  bus.set(unit + CT_UNIT_ERR_STATUS, CT_UNIT_ERR_STATUS_VALID_MASK, true);
  bus.set(unit + CT_UNIT_ERR_TYPE, static_cast<uint64_t>(ErrorType::memory_uncorrectable));
  bus.set(unit + CT_UNIT_ERR_ADDRESS, 0xdead'b000);
  ErrorEvent e;
  FW_CHECK(run, hal.take_error(dimm1, e) == Status::ok);
  FW_CHECK(run, e.type == ErrorType::memory_uncorrectable && e.address == 0xdead'b000);
  FW_CHECK(run, hal.acknowledge_error(dimm1) == Status::ok);
  FW_CHECK(run, hal.take_error(dimm1, e) == Status::not_found);
  // A BMC command line, answered.
  bus.set(kBmc + CT_BMC_CMD_STATUS, CT_BMC_CMD_STATUS_PENDING_MASK, true);
  bus.set(kBmc + CT_BMC_CMD_LENGTH, 21);
  bus.window(kBmc + CT_BMC_CMD_DATA, CT_BMC_CMD_DATA_SIZE);
  char line[CT_BMC_CMD_DATA_SIZE];
  FW_CHECK(run, hal.take_bmc_command(line, n) == Status::ok);
  FW_CHECK(run, n == 21);
  run.digest.bytes(std::as_bytes(std::span<const char>(line, n)));
  FW_CHECK(run, hal.finish_bmc_command(Status::busy) == Status::ok);
  FW_CHECK(run, bus.get(kBmc + CT_BMC_CMD_STATUS) == 0);
  FW_CHECK(run, bus.get(kBmc + CT_BMC_CMD_RESULT) == static_cast<uint64_t>(Status::busy));
  // Resource monitoring and the alert.
  FW_CHECK(run, hal.write_core_rmid(3, 0xfff) == Status::ok);
  FW_CHECK(run, bus.get(kCpu + CT_CPU_CLUSTER_CORE(3) + CT_CORE_PQR_ASSOC) == CT_CORE_PQR_ASSOC_RMID_MASK);
  FW_CHECK(run, hal.read_monitoring_counter(rdt::event_select(rdt::MonitorEvent::llc_occupancy, 5), v) == Status::ok);
  hal.alert_bmc(0x5a5a);
  FW_CHECK(run, bus.get(kBmc + CT_BMC_MAILBOX) == 0x5a5a);
  // No model provisioned: LENGTH reads 0.
  std::byte blob[16];
  FW_CHECK(run, hal.load_model_blob(blob, n) == Status::not_found);
}

int run_workloads(std::span<std::byte> arena_memory, Report& report) {
  struct Workload {
    const char* name;
    void (*run)(Run&, Arena&);
  };
  static constexpr Workload kWorkloads[] = {
      {"exact_math", [](Run& r, Arena&) { exact_math_workload(r); }},
      {"buddy_random_ops", buddy_workload},
      {"slab_random_ops", slab_workload},
      {"crash_region_commits", region_workload},
      {"capture_cper_records", capture_workload},
      {"predictor", predictor_workload},
      {"policies", policies_workload},
      {"agent", agent_workload},
      {"register_drivers", register_drivers_workload},
  };
  Arena arena(arena_memory);
  int failures = 0;
  for (const Workload& w : kWorkloads) {
    arena.reset();
    Run run{w.name, report, {}, 0};
    w.run(run, arena);
    report.result(w.name, run.digest.value());
    failures += run.failures;
  }
  return failures;
}

}  // namespace crashtwin::firmware_test
