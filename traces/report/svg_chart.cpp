#include "traces/report/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "traces/report/format.h"

namespace crashtwin::report {

namespace {
constexpr std::array<const char*, 10> kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                                  "#D55E00", "#8c6d31", "#000000", "#7f7f7f", "#F0E442"};
constexpr double kLeft = 72, kRight = 16, kTop = 30, kBottom = 42;

struct Scale {
  double lo = 0, hi = 1;
  double px_lo = 0, px_hi = 1;
  bool log = false;
  double operator()(double v) const {
    double a = log ? std::log10(std::max(v, 1e-300)) : v;
    double l = log ? std::log10(lo) : lo;
    double h = log ? std::log10(hi) : hi;
    if (h == l) return (px_lo + px_hi) / 2;
    return px_lo + (a - l) / (h - l) * (px_hi - px_lo);
  }
};

double nice_step(double raw) {
  double exp10 = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / exp10;
  double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * exp10;
}

bool is_bytes(AxisFormat f) { return f == AxisFormat::bytes || f == AxisFormat::byte_seconds; }

// The unit a duration axis reaching `seconds` is read in (format_seconds's
// thresholds): its size in seconds and its symbol.
std::pair<double, const char*> duration_unit(double seconds) {
  const double a = std::fabs(seconds);
  if (a == 0 || (a >= 1 && a < 120)) return {1, "s"};
  if (a < 1e-6) return {1e-9, "ns"};
  if (a < 1e-3) return {1e-6, "µs"};
  if (a < 1) return {1e-3, "ms"};
  if (a < 7200) return {60, "min"};
  if (a < 172800) return {3600, "h"};
  return {86400, "d"};
}

// The binary unit a byte axis reaching `bytes` is read in.
std::pair<double, const char*> byte_unit(double bytes, AxisFormat f) {
  static constexpr std::array<const char*, 6> kBytes = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  static constexpr std::array<const char*, 6> kByteSeconds = {"B·s", "KiB·s", "MiB·s", "GiB·s", "TiB·s", "PiB·s"};
  size_t p = 0;
  double unit = 1;
  while (std::fabs(bytes) >= unit * 1024 && p + 1 < kBytes.size()) unit *= 1024, ++p;
  return {unit, f == AxisFormat::bytes ? kBytes[p] : kByteSeconds[p]};
}

// Decimals that show a step of `step` (in the unit) exactly enough: 0 for
// whole steps, 1 for 0.5, 2 for 0.25.
int decimals_for(double step) {
  int d = 0;
  while (d < 6 && std::fabs(step * std::pow(10.0, d) - std::round(step * std::pow(10.0, d))) > 1e-6) ++d;
  return d;
}

// Data range of all finite values, padded when degenerate.
std::pair<double, double> extent(const std::vector<const std::vector<double>*>& columns, bool positive_only) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* c : columns) {
    for (double v : *c) {
      if (!std::isfinite(v) || (positive_only && v <= 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) return {positive_only ? 1.0 : 0.0, 1.0};
  if (lo == hi) {
    double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    return {positive_only ? lo / 2 : lo - pad, hi + pad};
  }
  return {lo, hi};
}

std::string num(double v) { return fmt::format("{:.1f}", v); }

void open_svg(std::string& out, const ChartFrame& f) {
  out += fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"{2}\">\n<title>{2}</title>\n",
      f.width, f.height, html_escape(f.title));
  out += fmt::format("<text class=\"chart-title\" x=\"{}\" y=\"18\">{}</text>\n", num(kLeft), html_escape(f.title));
}

void draw_axes(std::string& out, const ChartFrame& f, const Scale& xs, const Scale& ys) {
  const double x0 = kLeft, x1 = f.width - kRight, y0 = f.height - kBottom, y1 = kTop;
  const std::vector<double> y_ticks = axis_ticks(ys.lo, ys.hi, f.y_format, false);
  const std::vector<std::string> y_labels = axis_labels(y_ticks, f.y_format);
  for (size_t i = 0; i < y_ticks.size(); ++i) {
    double y = ys(y_ticks[i]);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y), num(x1), num(y));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(x0 - 6),
                       num(y + 4), html_escape(y_labels[i]));
  }
  const std::vector<double> x_ticks = axis_ticks(xs.lo, xs.hi, f.x_format, xs.log);
  const std::vector<std::string> x_labels = axis_labels(x_ticks, f.x_format);
  for (size_t i = 0; i < x_ticks.size(); ++i) {
    double x = xs(x_ticks[i]);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x), num(y0), num(x), num(y1));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(x),
                       num(y0 + 16), html_escape(x_labels[i]));
  }
  out += fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", num(x0), num(y1),
                     num(x1 - x0), num(y0 - y1));
  out += fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     num((x0 + x1) / 2), num(f.height - 6.0), html_escape(f.x_label));
  out += fmt::format(
      "<text class=\"axis-label\" transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      num((y0 + y1) / 2), html_escape(f.y_label));
}

void legend(std::string& out, const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.empty()) return;
  out += "<div class=\"legend\">";
  for (const auto& [label, color] : entries) {
    out += fmt::format("<span><i style=\"background:{}\"></i>{}</span>", html_escape(color), html_escape(label));
  }
  out += "</div>\n";
}
}  // namespace

const char* palette_color(size_t index) { return kPalette[index % kPalette.size()]; }

std::vector<double> axis_ticks(double lo, double hi, AxisFormat format, bool log_scale) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (log_scale) {
    for (double d = std::pow(10.0, std::ceil(std::log10(lo))); d <= hi * (1 + 1e-9); d *= 10) ticks.push_back(d);
    return ticks;
  }
  double raw = (hi - lo) / 5;
  double step = 0;
  if (format == AxisFormat::seconds) {
    const double unit = duration_unit(std::max(std::fabs(lo), std::fabs(hi))).first;
    step = nice_step(raw / unit) * unit;
  } else if (is_bytes(format) && raw >= 1024) {
    double unit = std::pow(1024.0, std::floor(std::log(raw) / std::log(1024.0)));
    double r = raw / unit;
    // Binary-friendly steps within a unit: 1, 2, 4, 8, 16, 32, 64, 128, 256, 512.
    double s = 1;
    while (s < r) s *= 2;
    step = s * unit;
  } else {
    step = nice_step(raw);
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
    if (ticks.size() > 20) break;
  }
  return ticks;
}

std::vector<std::string> axis_labels(const std::vector<double>& ticks, AxisFormat format) {
  std::vector<std::string> out;
  if (ticks.empty()) return out;
  double top = 0;
  for (double t : ticks) top = std::max(top, std::fabs(t));
  const double step = ticks.size() > 1 ? std::fabs(ticks[1] - ticks[0]) : 0;
  const bool log_like = ticks.size() > 2 && std::fabs((ticks[2] - ticks[1]) - (ticks[1] - ticks[0])) > 1e-9 * top;
  if (log_like || !(format == AxisFormat::seconds || is_bytes(format) || format == AxisFormat::percent)) {
    for (double t : ticks) out.push_back(axis_label(t, format));
    return out;
  }
  if (format == AxisFormat::percent) {
    const int d = decimals_for(step * 100);
    for (double t : ticks) out.push_back(fmt::format("{:.{}f} %", t * 100, d));
    return out;
  }
  const auto [unit, symbol] = format == AxisFormat::seconds ? duration_unit(top) : byte_unit(top, format);
  const int d = decimals_for(step / unit);
  for (double t : ticks) out.push_back(t == 0 ? fmt::format("0 {}", symbol) : fmt::format("{:.{}f} {}", t / unit, d, symbol));
  return out;
}

std::string axis_label(double v, AxisFormat format) {
  switch (format) {
    case AxisFormat::bytes: return format_bytes(v);
    case AxisFormat::byte_seconds: return format_byte_seconds(v);
    case AxisFormat::seconds: return format_seconds(v);
    case AxisFormat::percent: return fmt::format("{:.0f} %", v * 100);
    case AxisFormat::number: return format_quantity(v);
  }
  return format_quantity(v);
}

std::vector<size_t> downsample_minmax(const std::vector<double>& y, size_t max_points) {
  std::vector<size_t> keep;
  const size_t n = y.size();
  if (n <= max_points || max_points < 6) {
    keep.resize(n);
    for (size_t i = 0; i < n; ++i) keep[i] = i;
    return keep;
  }
  const size_t buckets = max_points / 3;
  for (size_t b = 0; b < buckets; ++b) {
    size_t begin = b * n / buckets, end = (b + 1) * n / buckets;
    size_t lo = begin, hi = begin;
    for (size_t i = begin; i < end; ++i) {
      if (!std::isfinite(y[i])) continue;
      if (!std::isfinite(y[lo]) || y[i] < y[lo]) lo = i;
      if (!std::isfinite(y[hi]) || y[i] > y[hi]) hi = i;
    }
    keep.push_back(begin);
    keep.push_back(std::min(lo, hi));
    keep.push_back(std::max(lo, hi));
  }
  keep.push_back(n - 1);
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  return keep;
}

std::string line_chart(const ChartFrame& f, const std::vector<ChartSeries>& series,
                       const std::vector<ChartMarker>& markers, size_t max_points) {
  std::vector<const std::vector<double>*> xs_cols, ys_cols;
  for (const auto& s : series) {
    xs_cols.push_back(&s.x);
    ys_cols.push_back(&s.y);
  }
  auto [x_lo, x_hi] = extent(xs_cols, false);
  auto [y_lo, y_hi] = extent(ys_cols, false);
  if (f.y_min) y_lo = *f.y_min;
  if (f.y_max) y_hi = *f.y_max;
  if (!f.y_min && y_lo > 0 && y_lo < y_hi * 0.5) y_lo = 0;  // anchor at zero unless data sits far from it
  if (y_hi <= y_lo) y_hi = y_lo + 1;
  Scale xs{x_lo, x_hi, kLeft, f.width - kRight, false};
  Scale ys{y_lo, y_hi, f.height - kBottom, kTop, false};

  std::string out = "<figure class=\"chart-box\">\n";
  open_svg(out, f);
  draw_axes(out, f, xs, ys);
  for (const auto& s : series) {
    auto keep = downsample_minmax(s.y, max_points);
    std::string points;
    auto flush = [&] {
      if (points.empty()) return;
      out += fmt::format("<polyline class=\"series\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>\n",
                         html_escape(s.color), points, html_escape(s.label));
      points.clear();
    };
    double prev_y = std::numeric_limits<double>::quiet_NaN();
    for (size_t i : keep) {
      if (i >= s.x.size() || !std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        flush();
        prev_y = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      double px = xs(s.x[i]), py = ys(std::clamp(s.y[i], y_lo, y_hi));
      if (s.step && std::isfinite(prev_y)) points += fmt::format("{},{} ", num(px), num(prev_y));
      points += fmt::format("{},{} ", num(px), num(py));
      prev_y = py;
    }
    flush();
  }
  // Tags step down over three rows; one that would overlap the row's last
  // tag is left out (its marker keeps its tooltip).
  constexpr double kTagCharWidth = 5.6;  // 10 px sans-serif, generous
  double row_end[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (const auto& m : markers) {
    if (!std::isfinite(m.x) || m.x < x_lo || m.x > x_hi) continue;
    double px = xs(m.x);
    std::string tag;
    const double width = kTagCharWidth * static_cast<double>(m.tag.size());
    const bool fits_left = px + 4 + width <= f.width - kRight;
    const double tag_x = fits_left ? px + 4 : px - 4 - width;
    for (int r = 0; r < 3 && !m.tag.empty(); ++r) {
      if (row_end[r] >= tag_x) continue;
      row_end[r] = tag_x + width + 6;
      tag = fmt::format("<text class=\"marker-tag\" x=\"{}\" y=\"{}\" text-anchor=\"start\" fill=\"{}\">{}</text>",
                        num(tag_x), num(kTop + 10 + 11 * r), html_escape(m.color), html_escape(m.tag));
      break;
    }
    out += fmt::format(
        "<g class=\"marker\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>"
        "<path d=\"M{0} {1} l-5 -8 h10 z\" fill=\"{3}\"/>{5}<title>{4}</title></g>\n",
        num(px), num(kTop), num(f.height - kBottom), html_escape(m.color), html_escape(m.label), tag);
  }
  out += "</svg>\n";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& s : series) entries.emplace_back(s.label, s.color);
  if (!markers.empty()) entries.emplace_back(f.marker_legend, markers.front().color);
  legend(out, entries);
  out += "</figure>\n";
  return out;
}

std::string bar_chart(const ChartFrame& frame, const std::vector<Bar>& bars) {
  constexpr double kBarPitch = 20, kBarHeight = 14, kLabelWidth = 190, kValueRoom = 64;
  ChartFrame f = frame;
  f.height = static_cast<int>(kTop + kBarPitch * static_cast<double>(bars.size()) + kBottom);
  double hi = 0;
  for (const Bar& b : bars)
    if (b.value && std::isfinite(*b.value)) hi = std::max(hi, b.start + *b.value);
  if (f.y_max) hi = *f.y_max;  // a fixed scale (percentages: 0..1)
  if (!(hi > 0)) hi = 1;
  const double x0 = kLabelWidth, x1 = f.width - kRight - kValueRoom;
  Scale xs{0, hi, x0, x1, false};
  std::string out = "<figure class=\"chart-box\">\n";
  open_svg(out, f);
  const double y_axis = kTop + kBarPitch * static_cast<double>(bars.size());
  // A narrow value axis: every other tick until at most four remain, so
  // labels such as "128 MiB" do not run into each other.
  std::vector<double> ticks = axis_ticks(0, hi, f.x_format, false);
  while (ticks.size() > 4) {
    std::vector<double> thinned;
    for (size_t i = 0; i < ticks.size(); i += 2) thinned.push_back(ticks[i]);
    ticks = std::move(thinned);
  }
  const std::vector<std::string> labels = axis_labels(ticks, f.x_format);
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double x = xs(ticks[i]);
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", num(x), num(kTop - 4),
                       num(y_axis));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(x),
                       num(y_axis + 14), html_escape(labels[i]));
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = kTop + kBarPitch * static_cast<double>(i);
    out += fmt::format("<text class=\"tick bar-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", num(x0 - 8),
                       num(y + kBarHeight - 4), html_escape(b.label));
    if (!b.value || !std::isfinite(*b.value)) {
      out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">no data</text>\n", num(x0 + 4),
                         num(y + kBarHeight - 4));
      continue;
    }
    const double bx = xs(std::clamp(b.start, 0.0, hi));
    const double w = std::max(1.0, xs(std::clamp(b.start + *b.value, 0.0, hi)) - bx);
    const std::string value = f.x_format == AxisFormat::percent ? fmt::format("{:.1f} %", *b.value * 100)
                                                                : axis_label(*b.value, f.x_format);
    out += fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>"
        "<text class=\"tick bar-value\" x=\"{}\" y=\"{}\">{}</text>\n",
        num(bx), num(y), num(w), num(kBarHeight), html_escape(b.color),
        html_escape(b.tooltip.empty() ? b.label : b.tooltip), num(bx + w + 4), num(y + kBarHeight - 4),
        html_escape(value));
  }
  out += fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     num((x0 + x1) / 2), num(f.height - 6.0), html_escape(f.x_label));
  out += "</svg>\n</figure>\n";
  return out;
}

std::string scatter_chart(const ChartFrame& f, const std::vector<ScatterGroup>& groups,
                          const std::vector<std::pair<double, double>>& front) {
  std::vector<const std::vector<double>*> xs_cols, ys_cols;
  for (const auto& g : groups) {
    xs_cols.push_back(&g.x);
    ys_cols.push_back(&g.y);
  }
  auto [x_lo, x_hi] = extent(xs_cols, f.log_x);
  auto [y_lo, y_hi] = extent(ys_cols, false);
  if (f.y_min) y_lo = *f.y_min;
  if (f.y_max) y_hi = *f.y_max;
  if (f.log_x) {
    x_lo = std::pow(10.0, std::floor(std::log10(x_lo)));
    x_hi = std::pow(10.0, std::ceil(std::log10(x_hi)));
    if (x_hi <= x_lo) x_hi = x_lo * 10;
  } else {
    double pad = (x_hi - x_lo) * 0.05;
    x_lo = std::max(0.0, x_lo - pad);
    x_hi += pad;
  }
  Scale xs{x_lo, x_hi, kLeft, f.width - kRight, f.log_x};
  Scale ys{y_lo, y_hi, f.height - kBottom, kTop, false};

  std::string out = "<figure class=\"chart-box\">\n";
  open_svg(out, f);
  draw_axes(out, f, xs, ys);
  if (!front.empty()) {
    // Stepped: between two front points the achievable completeness is the
    // lower point's until the next cost is paid.
    std::string d = fmt::format("M{} {}", num(xs(front[0].first)), num(ys(front[0].second)));
    for (size_t i = 1; i < front.size(); ++i) {
      d += fmt::format(" H{} V{}", num(xs(front[i].first)), num(ys(front[i].second)));
    }
    d += fmt::format(" H{}", num(f.width - kRight));
    out += fmt::format("<path class=\"pareto\" d=\"{}\"><title>Pareto front</title></path>\n", d);
  }
  for (const auto& g : groups) {
    std::string curve;
    for (size_t i = 0; g.connect && i < g.x.size() && i < g.y.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i]) || (f.log_x && g.x[i] <= 0)) continue;
      curve += fmt::format("{}{},{}", curve.empty() ? "" : " ", num(xs(g.x[i])), num(ys(std::clamp(g.y[i], y_lo, y_hi))));
    }
    if (!curve.empty()) {
      out += fmt::format("<polyline class=\"series\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>\n",
                         html_escape(g.color), curve, html_escape(g.label));
    }
    for (size_t i = 0; i < g.x.size() && i < g.y.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i]) || (f.log_x && g.x[i] <= 0)) continue;
      std::string tip = i < g.tooltips.size() ? g.tooltips[i] : g.label;
      out += fmt::format("<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\"><title>{}</title></circle>\n",
                         num(xs(g.x[i])), num(ys(std::clamp(g.y[i], y_lo, y_hi))), html_escape(g.color),
                         html_escape(tip));
    }
  }
  for (const auto& [x, y] : front) {
    out += fmt::format("<circle class=\"front-point\" cx=\"{}\" cy=\"{}\" r=\"7\"/>\n", num(xs(x)), num(ys(y)));
  }
  out += "</svg>\n";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& g : groups) entries.emplace_back(g.label, g.color);
  if (!front.empty()) entries.emplace_back("Pareto front", "#222");
  legend(out, entries);
  out += "</figure>\n";
  return out;
}

}  // namespace crashtwin::report
