// The failure model the offline trainer ships to the firmware: a small,
// versioned, little-endian binary blob with a CRC32C trailer. The firmware
// parses it without the heap into a fixed-capacity FailureModel; the trainer
// (host code) and the tests write it with encode_model, so the layout is read
// and written in one module. Layout and rules: docs/model-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/predictor/features.h"

namespace crashtwin {

inline constexpr uint32_t kModelMagic = 0x4D465443;  // bytes "CTFM" in file order
// 2: the feature window's span (FailureModel::window_ns). The encoder writes
// version 1 for a model without one, so older firmware still reads it.
inline constexpr uint16_t kModelFormatVersion = 2;
inline constexpr uint16_t kModelHeaderBytes = 32;
inline constexpr size_t kModelSectionHeaderBytes = 8;
// Largest blob the firmware accepts: header, four logistic sections, CRC.
inline constexpr size_t kMaxModelBlobBytes =
    kModelHeaderBytes + kComponentClassCount * (kModelSectionHeaderBytes + (3 * kMaxFeatures + 2) * 4) + 4;

// How a class's probability is computed. The kind byte gives later formats
// room for tree ensembles without a new header layout; format version 1
// parses `none` and `logistic` and answers Status::unsupported for the rest.
enum class ModelKind : uint8_t {
  none = 0,           // no model for the class: its instances predict 0
  logistic = 1,       // sigmoid(bias + sum weight[i] * (x[i] - mean[i]) / scale[i])
  tree_ensemble = 2,  // reserved for a later format version
};

// The blob stores the window in milliseconds in 32 bits: up to 49 days.
inline constexpr uint64_t kModelWindowUnitNs = 1'000'000;
inline constexpr uint64_t kMaxModelWindowNs = uint64_t{UINT32_MAX} * kModelWindowUnitNs;
// A window span the blob can hold: 0 (no span) or whole milliseconds up to
// kMaxModelWindowNs. The one rule the encoder, the dataset and the
// scenario loader check.
inline constexpr bool model_window_representable(uint64_t window_ns) {
  return window_ns % kModelWindowUnitNs == 0 && window_ns <= kMaxModelWindowNs;
}

struct ClassModel {
  ModelKind kind = ModelKind::none;
  uint8_t feature_count = 0;
  // Standardisation learned by the trainer: x' = (x - mean) / scale, scale > 0.
  float mean[kMaxFeatures] = {};
  float scale[kMaxFeatures] = {};
  float weight[kMaxFeatures] = {};
  float bias = 0.0f;
  // Probability at or above which the trainer recommends alerting (0..1).
  float threshold = 0.5f;
};

struct FailureModel {
  // Which feature definitions the model was trained against
  // (kFeatureSetVersion in features.h); the agent refuses a mismatch.
  uint16_t feature_set_version = 0;
  // Monotonic id of the trained model: the agent loads a blob only when its
  // generation is newer than the one it runs.
  uint32_t generation = 0;
  // The model predicts failure within this many nanoseconds.
  uint64_t horizon_ns = 0;
  // The span of the feature windows it was trained on (MetricWindow::reset),
  // whole milliseconds up to kMaxModelWindowNs; 0: the last kWindowCapacity
  // samples.
  uint64_t window_ns = 0;
  ClassModel classes[kComponentClassCount] = {};

  const ClassModel& of(ComponentClass c) const { return classes[static_cast<size_t>(c)]; }
  ClassModel& of(ComponentClass c) { return classes[static_cast<size_t>(c)]; }
};

// Parses an untrusted blob. On any failure `out` is left unchanged and the
// Status says why: truncated (shorter than its header or declared length),
// corrupt (bad magic, bad CRC, inconsistent lengths, duplicate or unknown
// class, counts over capacity, non-finite or out-of-range numbers),
// unsupported (newer format version, or a model kind this firmware lacks).
Status parse_model(std::span<const std::byte> blob, FailureModel& out);

// Writes `model` in the current format. Status::invalid_argument when the
// model itself breaks the rules parse_model enforces, Status::no_memory when
// `out` is too small; `length` receives the bytes written.
Status encode_model(const FailureModel& model, std::span<std::byte> out, size_t& length);

// Bytes encode_model needs for `model`.
size_t encoded_model_size(const FailureModel& model);

}  // namespace crashtwin
