// A failure-model blob the agent would refuse: the shipped model, re-encoded
// with the next feature-set version. For tests that a run (and validate)
// refuses a model of another feature set instead of running without it.
#pragma once

#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "platform/predictor/model_blob.h"
#include "platform/predictor/predictor.h"
#include "scenarios/runner/default_model.h"
#include "scenarios/training/trainer.h"

namespace crashtwin::test {

inline void write_model_of_other_feature_set(const std::filesystem::path& path) {
  FailureModel model;
  const std::span<const std::byte> shipped = scenario::default_model_blob();
  REQUIRE(parse_model(shipped, model) == Status::ok);
  model.feature_set_version = kFeatureSetVersion + 1;
  const std::vector<std::byte> blob = training::encode_model_blob(model);
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size()));
}

}  // namespace crashtwin::test
