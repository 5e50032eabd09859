// A one-line progress bar with ETA on stderr, redrawn in place; silent when
// stderr is not a terminal (CI logs get the per-run log lines instead). The
// ETA is wall-clock and only ever shown, never written to results.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace crashtwin::scenario {

class ProgressBar {
 public:
  ProgressBar(size_t total, bool enabled);
  void advance(const std::string& finished_run);
  void finish();

 private:
  void draw(const std::string& last) const;
  size_t total_;
  size_t done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace crashtwin::scenario
