// The default failure model: the bytes of data/failure-models/default.ctpm
// (trained by scripts/train-default-model), embedded into the executable at
// build time so `crashtwin` runs it from any directory and there is one
// source of the default. A scenario that names no
// agent.failure_prediction_model_path runs it.
#pragma once

#include <cstddef>
#include <span>

namespace crashtwin::scenario {

// Defined in a source CMake generates from the .ctpm file
// (scenarios/runner/embed_default_model.cmake); rebuilt when the file changes.
std::span<const std::byte> default_model_blob();

}  // namespace crashtwin::scenario
