// Memory: the crash-region allocator of the picked run, as `crashtwin
// analyze` reads its memory_profile.json (traces/memory_analysis.h): the
// headline figures (pattern, rates, pressure and trend, leaks by class,
// fragmentation health and compaction gain), the leaks found, and two
// charts -- allocator events per window with the hot threshold and the
// bursts and spikes, and the health score with external fragmentation and
// pressure over time; and the cpu cluster's cache model: the hit ratio of
// every core per level (L1, L2, LLC, TLB) over time, from the run's
// timeseries (docs/models.md, "Cache model").
#pragma once

#include <memory>

#include <QChartView>
#include <QLabel>
#include <QTableWidget>
#include <QWidget>

#include "traces/results/results.h"

namespace crashtwin::gui {

class MemoryView : public QWidget {
  Q_OBJECT
 public:
  explicit MemoryView(QWidget* parent = nullptr);
  void show_run(std::shared_ptr<const results::Run> run);
  QTableWidget* figures() { return figures_; }
  QTableWidget* leaks() { return leaks_; }
  QChartView* rate_chart() { return rate_chart_; }
  QChartView* health_chart() { return health_chart_; }
  QChartView* cache_chart() { return cache_chart_; }

 private:
  void show_analysis(const MemoryAnalysis& a);
  void show_cache(const Timeseries& ts);

  QLabel* title_ = nullptr;
  QTableWidget* figures_ = nullptr;
  QTableWidget* leaks_ = nullptr;
  QChartView* rate_chart_ = nullptr;
  QChartView* health_chart_ = nullptr;
  QChartView* cache_chart_ = nullptr;
};

}  // namespace crashtwin::gui
