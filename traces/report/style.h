// The report's inline stylesheet (one place, so the HTML stays readable).
#pragma once

namespace crashtwin::report {

inline constexpr const char* kReportCss = R"css(
:root { --ink:#1d2330; --muted:#5b6577; --line:#dde2ea; --bg:#f5f7fa; --card:#fff; --accent:#0072B2; --bad:#c0392b; --good:#1e8449; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--ink); background:var(--bg); }
header { background:#1d2330; color:#fff; padding:12px 32px; display:flex; flex-wrap:wrap; align-items:center; justify-content:space-between; gap:8px 28px; }
header h1 { margin:0; font-size:20px; font-weight:600; letter-spacing:.2px; }
header p { margin:0; color:#b8c2d3; }
header .stats { display:flex; gap:24px; }
header .stat b { display:block; font-size:18px; color:#fff; font-weight:600; }
header .stat span { font-size:12px; text-transform:uppercase; letter-spacing:.6px; color:#9aa6ba; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; position:sticky; top:0; z-index:1; }
nav a { color:var(--accent); text-decoration:none; margin-right:22px; font-weight:500; }
main { padding:8px 32px 40px; max-width:1400px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 22px; margin:14px 0; }
h2 { font-size:17px; margin:0 0 4px; }
h3 { font-size:15px; margin:18px 0 6px; }
h4 { font-size:13px; margin:10px 0 2px; color:var(--muted); font-weight:600; }
p.note { color:var(--muted); margin:2px 0 12px; font-size:13px; }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-size:13px; font-variant-numeric:tabular-nums; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
th { background:#f0f3f7; color:#374151; font-weight:600; position:sticky; top:0; }
th:first-child, td:first-child, th.text, td.text { text-align:left; }
tbody tr:hover { background:#f7f9fc; }
td.best { color:var(--good); font-weight:700; }
td.none { color:#aab2bf; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; font-weight:600; }
.badge.ok { background:#e3f4e8; color:var(--good); }
.badge.expectations_failed { background:#fdecea; color:var(--bad); }
.badge.invalid, .badge.crashed, .badge.timeout { background:#fff3d6; color:#8a5a00; }
.grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(560px,1fr)); gap:14px; }
.run-card { border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.run-card h3 { margin:0 0 2px; }
figure.chart-box { margin:6px 0 10px; }
svg.chart { max-width:100%; height:auto; display:block; }
svg.chart .chart-title { font-size:12px; font-weight:600; fill:var(--ink); }
svg.chart .tick { font-size:10px; fill:var(--muted); }
svg.chart .axis-label { font-size:11px; fill:var(--muted); }
svg.chart .grid { stroke:#eceff3; stroke-width:1; }
svg.chart .frame { fill:none; stroke:#c9d0da; }
svg.chart .series { fill:none; stroke-width:1.6; stroke-linejoin:round; }
svg.chart .marker line { stroke-width:1.2; stroke-dasharray:4 3; }
svg.chart .marker-tag { font-size:10px; }
svg.chart .point { fill-opacity:.8; stroke:#fff; stroke-width:1; }
svg.chart .front-point { fill:none; stroke:#222; stroke-width:1.4; }
svg.chart .pareto { fill:none; stroke:#222; stroke-width:1.4; stroke-dasharray:6 4; }
.legend { display:flex; flex-wrap:wrap; gap:4px 14px; font-size:12px; color:var(--muted); padding-left:72px; }
.legend i { display:inline-block; width:14px; height:3px; margin-right:5px; vertical-align:middle; border-radius:2px; }
table.glance th { white-space:normal; vertical-align:bottom; max-width:130px; }
table.glance th, table.glance td { padding:4px 10px; }
table.glance td { white-space:nowrap; }
i.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; vertical-align:baseline; }
.glance-charts { display:grid; grid-template-columns:repeat(3,minmax(0,1fr)); gap:12px; margin-top:14px; }
.glance-chart svg.chart { width:100%; }
.tradeoff-grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(420px,1fr)); gap:12px; }
.tradeoff-chart svg.chart { width:100%; }
.chart-grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(520px,1fr)); gap:12px; }
.gantt-chart svg.chart { width:100%; }
svg.chart .bar { fill-opacity:.9; }
.problems { background:#fff7e6; border-color:#f3d19c; }
.problems li { font-family:ui-monospace,Menlo,Consolas,monospace; font-size:12px; }
details summary { cursor:pointer; color:var(--accent); font-weight:500; }
footer { color:var(--muted); font-size:12px; padding:0 32px 30px; }
)css";

}  // namespace crashtwin::report
