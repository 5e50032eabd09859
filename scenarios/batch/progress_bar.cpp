#include "scenarios/batch/progress_bar.h"

#include <cstdio>

#include <fmt/format.h>

namespace crashtwin::scenario {
namespace {

constexpr int kBarWidth = 30;

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressBar::ProgressBar(size_t total, bool enabled)
    : total_(total), enabled_(enabled && total > 0), start_(std::chrono::steady_clock::now()) {
  if (enabled_) draw("");
}

void ProgressBar::advance(const std::string& finished_run) {
  ++done_;
  if (enabled_) draw(finished_run);
  else std::fprintf(stderr, "[%zu/%zu] %s\n", done_, total_, finished_run.c_str());
}

void ProgressBar::draw(const std::string& last) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kBarWidth);
  const std::string eta = done_ == 0 ? "--:--" : clock_text(elapsed / fraction - elapsed);
  std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu  elapsed %s  ETA %s  %s", std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kBarWidth - filled), '.').c_str(), done_, total_,
               clock_text(elapsed).c_str(), eta.c_str(), last.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_) std::fputc('\n', stderr);
}

}  // namespace crashtwin::scenario
