// Inline SVG charts for report.html: line charts (time series with failure
// markers) and scatter charts (trade-offs with a Pareto front). Output is
// plain SVG + a small HTML legend; no script. Deterministic: coordinates are
// printed with fixed precision.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace crashtwin::report {

// Colour-blind-safe categorical palette (Okabe–Ito, extended); cycles.
const char* palette_color(size_t index);

enum class AxisFormat { number, bytes, byte_seconds, seconds, percent };

struct ChartFrame {
  std::string title;
  std::string x_label;
  std::string y_label;
  AxisFormat x_format = AxisFormat::seconds;
  AxisFormat y_format = AxisFormat::number;
  int width = 560;
  int height = 240;
  std::optional<double> y_min;  // fixed axis bounds (e.g. 0..1 for probabilities)
  std::optional<double> y_max;
  bool log_x = false;           // used when values span orders of magnitude
  std::string marker_legend = "failure injected";  // the legend entry of the markers
};

struct ChartSeries {
  std::string label;
  std::string color;
  std::vector<double> x;
  std::vector<double> y;  // NaN breaks the line
  bool step = false;      // hold each value until the next sample (slice sizes)
};

struct ChartMarker {
  double x = 0;
  std::string label;  // tooltip ("memory_uncorrectable @ memory.1 at 30.4 s")
  std::string tag;    // drawn beside the marker where it overlaps no other tag ("memory_uncorrectable @ memory.1")
  std::string color = "#d62728";
};

// Indices of the samples to draw so that at most ~max_points remain: per
// bucket the first, min and max samples (keeps spikes visible). Keeps all if
// already small. Always keeps the first and last sample.
std::vector<size_t> downsample_minmax(const std::vector<double>& y, size_t max_points);

// A line chart with axes, grid, legend and vertical markers.
std::string line_chart(const ChartFrame& frame, const std::vector<ChartSeries>& series,
                       const std::vector<ChartMarker>& markers, size_t max_points = 500);

struct ScatterGroup {
  std::string label;
  std::string color;
  std::vector<double> x;
  std::vector<double> y;
  std::vector<std::string> tooltips;  // one per point (may be empty)
  bool connect = false;               // a curve: a line through the points in order
};

struct Bar {
  std::string label;             // "proportional · predictive-bmc"
  std::string color;
  std::optional<double> value;   // none: drawn as "no data"
  std::string tooltip;
  double start = 0;              // where the bar begins (a Gantt chart's phase offset); it spans value from there
};

// A horizontal bar chart: one bar per entry from zero, its value printed at
// the bar's end in the frame's x format, the value axis below. The frame's
// height is ignored (it follows the number of bars); its y label is unused.
std::string bar_chart(const ChartFrame& frame, const std::vector<Bar>& bars);

// A scatter chart; `front` (x, y pairs, ascending x) is drawn as a stepped
// Pareto line over the points.
std::string scatter_chart(const ChartFrame& frame, const std::vector<ScatterGroup>& groups,
                          const std::vector<std::pair<double, double>>& front);

// Axis tick values for [lo, hi]: 1-2-5 steps (binary multiples for bytes;
// for durations 1-2-5 steps of the unit the span is read in: s, min, h or
// d), decades for log axes. Exposed for tests.
std::vector<double> axis_ticks(double lo, double hi, AxisFormat format, bool log_scale);
// One value in a human format ("2.50 min", "128 MiB").
std::string axis_label(double value, AxisFormat format);
// The labels of one axis's ticks: one unit for all of them (the largest
// tick's) and as many decimals as the step needs ("0 min, 0.5 min, 1 min"
// rather than "0 s, 30.0 s, 1.00 min").
std::vector<std::string> axis_labels(const std::vector<double>& ticks, AxisFormat format);

}  // namespace crashtwin::report
