// The interface between the agent and a partitioning policy (policies/): the
// agent describes each slice (component, predicted probability, current size)
// and the mission's limits; the policy answers a target size per slice. The
// agent then repartitions with the least movement; the policy never touches
// memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"

namespace crashtwin {

// Most slices a policy sizes in one call: the crash region's partition table
// capacity bounds it, and policies keep fixed per-slice scratch of this size.
inline constexpr size_t kMaxPolicySlices = 128;

struct SliceDemand {
  ComponentId component;
  float probability = 0.0f;   // predicted failure within the horizon (0..1)
  uint64_t current_size = 0;  // bytes the slice holds now (0: not allocated yet)
  uint64_t used_bytes = 0;    // records captured and not yet drained by the BMC
};

struct PolicyInput {
  std::span<const SliceDemand> slices;
  uint64_t budget_bytes = 0;            // the whole crash region's capacity for slices
  uint64_t minimum_partition_size = 0;  // bytes
  uint64_t maximum_partition_size = 0;  // bytes
  uint64_t page_size = 4096;            // power of two
  uint64_t dram_bytes = 0;              // board DRAM (the static policy's table key)
  uint64_t now_ns = 0;
};

// Contract of target_sizes (sizes_out.size() == input.slices.size()):
//  - every size is a multiple of page_size and either 0 or within
//    [minimum, maximum] (minimum rounded up, maximum rounded down to pages);
//  - a slice never shrinks below its used bytes rounded up to pages (records
//    the BMC has not drained are never dropped);
//  - a size is 0 only when the budget cannot give every slice the minimum:
//    then slices holding records keep them, the slices the policy ranks
//    first get the minimum and the rest 0;
//  - the sizes sum to at most budget_bytes.
// Status::invalid_argument for inputs that make this impossible to honour
// (see check_policy_input).
class PartitionPolicy {
 public:
  virtual Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) = 0;
  virtual const char* name() const = 0;
  // Test fixture only (the leaky_test policy, docs/memory-analysis.md): true
  // makes the agent place a slice this call shrinks anew and never free its
  // old pages, so leak detection has known leaks to find. Asked after
  // target_sizes(), for that call's answer.
  virtual bool leaks_shrunk_slices() const { return false; }

 protected:
  ~PartitionPolicy() = default;
};

// Page rounding (page is a power of two, checked by check_policy_input).
inline uint64_t round_up_pages(uint64_t bytes, uint64_t page) { return (bytes + page - 1) & ~(page - 1); }
inline uint64_t round_down_pages(uint64_t bytes, uint64_t page) { return bytes & ~(page - 1); }

// Page-rounded limits of an input.
struct SizeLimits {
  uint64_t page = 0;
  uint64_t minimum = 0;  // rounded up to pages
  uint64_t maximum = 0;  // rounded down to pages
};

// Validates an input and its output span: page size a power of two, minimum <=
// maximum after rounding, maximum > 0, probabilities finite, matching spans.
Status check_policy_input(const PolicyInput& input, size_t sizes_count, SizeLimits& limits);

// Checks the contract above on a policy's answer (the agent does not trust
// policies; property tests use it too). Status::out_of_range on a violation.
// A size equal to the slice's page-rounded used bytes is accepted even below
// the minimum: the used-bytes rule outranks the minimum.
Status check_target_sizes(const PolicyInput& input, std::span<const uint64_t> sizes);

}  // namespace crashtwin
