#include "scenarios/training/boosted_trees.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xgboost/c_api.h>

namespace crashtwin::training {
namespace {

void check(int status, const char* what) {
  if (status != 0) throw std::runtime_error(fmt::format("xgboost: {}: {}", what, XGBGetLastError()));
}

// Rows as xgboost's dense float matrix; NaN marks a missing value.
struct Matrix {
  DMatrixHandle handle = nullptr;
  explicit Matrix(const std::vector<const DatasetRow*>& rows) {
    const size_t columns = rows.empty() ? 0 : rows.front()->features.count;
    std::vector<float> data(rows.size() * columns);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t c = 0; c < columns; ++c) {
        const float v = rows[r]->features.value[c];
        data[r * columns + c] = std::isfinite(v) ? v : std::numeric_limits<float>::quiet_NaN();
      }
    check(XGDMatrixCreateFromMat(data.data(), rows.size(), columns, std::numeric_limits<float>::quiet_NaN(), &handle),
          "creating the matrix");
  }
  ~Matrix() { XGDMatrixFree(handle); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};

}  // namespace

BoostedTrees::BoostedTrees(const std::vector<const DatasetRow*>& rows, const TreeOptions& options) {
  if (rows.empty()) throw std::runtime_error("xgboost: no rows to train on");
  Matrix train(rows);
  std::vector<float> label(rows.size()), weight(rows.size(), 1.0f);
  size_t positives = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    label[i] = rows[i]->label ? 1.0f : 0.0f;
    positives += rows[i]->label ? 1 : 0;
  }
  if (positives == 0 || positives == rows.size()) throw std::runtime_error("xgboost: the rows need both labels");
  if (options.balance_classes) {
    const double n = static_cast<double>(rows.size());
    const auto pw = static_cast<float>(n / (2.0 * static_cast<double>(positives)));
    const auto nw = static_cast<float>(n / (2.0 * static_cast<double>(rows.size() - positives)));
    for (size_t i = 0; i < rows.size(); ++i) weight[i] = rows[i]->label ? pw : nw;
  }
  check(XGDMatrixSetFloatInfo(train.handle, "label", label.data(), label.size()), "setting labels");
  check(XGDMatrixSetFloatInfo(train.handle, "weight", weight.data(), weight.size()), "setting weights");
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(&train.handle, 1, &booster), "creating the booster");
  booster_ = booster;
  const std::string depth = std::to_string(options.max_depth);
  const std::string eta = fmt::format("{}", options.learning_rate);
  const std::pair<const char*, const char*> params[] = {
      {"objective", "binary:logistic"}, {"tree_method", "hist"}, {"max_depth", depth.c_str()},
      {"eta", eta.c_str()},             {"nthread", "1"},        {"seed", "0"},
      {"verbosity", "0"},
  };
  for (const auto& [key, value] : params) check(XGBoosterSetParam(booster, key, value), key);
  for (uint32_t i = 0; i < options.rounds; ++i) check(XGBoosterUpdateOneIter(booster, static_cast<int>(i), train.handle), "a round");
}

BoostedTrees::~BoostedTrees() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

std::vector<double> BoostedTrees::predict(const std::vector<const DatasetRow*>& rows) const {
  if (rows.empty()) return {};
  Matrix m(rows);
  bst_ulong length = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(booster_, m.handle, 0, 0, 0, &length, &out), "predicting");
  if (length != rows.size()) throw std::runtime_error("xgboost: one prediction per row expected");
  return std::vector<double>(out, out + length);
}

size_t BoostedTrees::trees() const {
  int rounds = 0;  // one tree a round for a binary objective
  check(XGBoosterBoostedRounds(booster_, &rounds), "counting the rounds");
  return static_cast<size_t>(rounds);
}

size_t BoostedTrees::nodes() const {
  bst_ulong count = 0;
  const char** dumps = nullptr;
  check(XGBoosterDumpModelEx(booster_, "", 0, "json", &count, &dumps), "dumping the trees");
  size_t nodes = 0;
  for (bst_ulong t = 0; t < count; ++t) {
    // Each tree's JSON: nested node objects, a split's under "children".
    const nlohmann::json tree = nlohmann::json::parse(dumps[t]);
    std::vector<const nlohmann::json*> stack{&tree};
    while (!stack.empty()) {
      const nlohmann::json* node = stack.back();
      stack.pop_back();
      ++nodes;
      if (node->contains("children"))
        for (const auto& child : node->at("children")) stack.push_back(&child);
    }
  }
  return nodes;
}

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("xgboost {}.{}.{}", major, minor, patch);
}

}  // namespace crashtwin::training
