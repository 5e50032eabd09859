// Deterministic workloads over the portable firmware (platform/ and
// policies/partitioning): each runs a fixed sequence of operations, checks
// the invariants it can (audits, statuses, round trips) and reports a digest
// of everything it observed. The same source is built for the host (ctest
// firmware/host_digests) and for embedded cores run under QEMU
// (firmware/<target>/qemu_digests); both must report identical digests.
//
// No heap: working memory comes from an arena the caller provides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin::firmware_test {

class Report {
 public:
  virtual void result(const char* workload, uint64_t digest) = 0;
  virtual void failure(const char* workload, const char* file, int line, const char* expression) = 0;

 protected:
  ~Report() = default;
};

// Bytes of arena run_workloads needs.
inline constexpr size_t kArenaBytes = 8u << 20;

// Runs every workload in a fixed order; returns the number of failed checks.
int run_workloads(std::span<std::byte> arena, Report& report);

}  // namespace crashtwin::firmware_test
