#include "traces/report/pareto.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crashtwin::report {

std::vector<size_t> pareto_front(const std::vector<TradeoffPoint>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isfinite(points[i].cost) && std::isfinite(points[i].benefit)) order.push_back(i);
  }
  // By cost ascending, then benefit descending: a sweep keeps each point that
  // beats the best benefit seen at lower cost.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].cost != points[b].cost) return points[a].cost < points[b].cost;
    return points[a].benefit > points[b].benefit;
  });
  std::vector<size_t> front;
  for (size_t i : order) {
    if (front.empty() || points[i].benefit > points[front.back()].benefit) front.push_back(i);
  }
  return front;
}

}  // namespace crashtwin::report
