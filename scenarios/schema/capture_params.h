// The scenario's `capture:` section: facts about the host operating system
// and its drivers that size a crash capture (platform/capture/catalog.h's
// BoardFacts). capture_param_table() lists every one with its kind, default,
// where the default comes from, and bounds, so the loader, config.yaml and
// docs/capture-needs.md share one list. Facts of the hardware itself (cores,
// MCA banks) come from the board (`board: cpu: {cores, mca_banks}`).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "platform/capture/catalog.h"
#include "platform/core/status.h"

namespace crashtwin::scenario {

enum class CaptureParamKind : uint8_t { size, count };

struct CaptureParamInfo {
  const char* name;          // under `capture:`: "log_buf_len"
  CaptureParamKind kind;
  const char* default_text;  // as a scenario writes it; equals the BoardFacts default
  const char* description;   // one line
  const char* source;        // where the default comes from
  uint64_t minimum;          // bytes or count
  uint64_t maximum;
  uint64_t (*get)(const BoardFacts&);
  void (*set)(BoardFacts&, uint64_t);
};

std::span<const CaptureParamInfo> capture_param_table();
const CaptureParamInfo* find_capture_param(std::string_view name);

// Parses `text` for `info` ("1 MiB", "1024") and checks the bounds:
// invalid_argument (does not parse), out_of_range (outside the bounds).
// `facts` is untouched on failure.
Status set_capture_param(const CaptureParamInfo& info, std::string_view text, BoardFacts& facts);

// "1 MiB" / "1024": how config.yaml and the docs write a value.
std::string capture_param_text(const CaptureParamInfo& info, const BoardFacts& facts);

}  // namespace crashtwin::scenario
