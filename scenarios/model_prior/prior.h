// The built-in failure-model prior: hand-set logistic weights over the
// firmware's feature set (platform/predictor/features.h), used when a scenario
// names no model file, and written to data/failure-models/default.ctpm by
// `crashtwin write-prior-model`. It is a prior a person chose from what the
// precursors look like, NOT a trained model: it raises a component's
// probability on the signals the literature names (corrected-error bursts,
// heat, exception storms, I/O latency and errors, link flaps) so that the
// predictive policies have something to act on until the trainer (issue 7)
// ships a real model.
#pragma once

#include <cstddef>
#include <vector>

#include "platform/predictor/model_blob.h"

namespace crashtwin::scenario {

// Generation 1; horizon 10 s; threshold 0.5 for every class.
FailureModel prior_model();
// prior_model() encoded with encode_model (throws std::logic_error if the
// platform rejects it, a programming error).
std::vector<std::byte> prior_model_blob();

}  // namespace crashtwin::scenario
