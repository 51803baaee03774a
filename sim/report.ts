/**
 * Presents a comparison: the metrics table as text, the JSON document, and a self-contained
 * HTML report (the table, and demand with each policy's instances in service over time on a
 * canvas chart that zooms with the wheel, pans by dragging and resets on double-click, and under
 * the pointer reads out each series and fleetward's last decision with its reason; no external
 * script or style).
 */
import type { Comparison, PolicyRow } from './compare.ts';
import { POLICY_DESCRIPTIONS } from './policies/index.ts';

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const percent = (target: number | undefined) => (target === undefined ? '-' : `${Math.round(target * 100)}%`);

export const TABLE_HEADERS = [
  'policy',
  'target',
  'inst-h',
  'cost/oracle',
  'τU %',
  'θU %',
  'τO %',
  'θO %',
  'unserved %',
  'launches',
  'terminations',
  'instability %',
] as const;

/** One row's cells, in TABLE_HEADERS order. */
export function rowCells(row: PolicyRow): string[] {
  const m = row.metrics;
  const bounded = row.withinBound === false ? ' (none)' : '';
  return [
    row.policy,
    `${percent(row.target)}${bounded}`,
    fixed(m.instanceHours, 0),
    fixed(row.costRatio, 3),
    fixed(m.underTimeshare, 2),
    fixed(m.underAccuracy, 2),
    fixed(m.overTimeshare, 2),
    fixed(m.overAccuracy, 1),
    fixed(m.unservedPercent, 3),
    String(m.launches),
    String(m.terminations),
    fixed(m.instability, 1),
  ];
}

function describeMode(comparison: Comparison): string {
  return comparison.mode.kind === 'target'
    ? `every policy at target utilisation ${percent(comparison.mode.target)}`
    : `each policy at its cheapest target (40-90%) with τU <= ${comparison.mode.maxUnderTimeshare}%; "(none)": no target reached it, the row shows the lowest τU`;
}

export function describeSetup(comparison: Pick<Comparison, 'trace' | 'steps' | 'stepS' | 'peakInstances' | 'instanceCapacity' | 'bootS' | 'warmupSteps'>): string {
  const days = (comparison.steps * comparison.stepS) / 86_400;
  const warmup = (comparison.warmupSteps * comparison.stepS) / 86_400;
  return (
    `${comparison.trace}: ${comparison.steps} steps of ${comparison.stepS} s (${days.toFixed(1)} days), peak = ${comparison.peakInstances} instances ` +
    `of capacity ${comparison.instanceCapacity}, boot ${comparison.bootS} s, metrics after a ${warmup.toFixed(2)}-day warm-up`
  );
}

/** Left-aligned columns two spaces apart. */
export function textTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** The metrics table as text, with a line saying what was run. */
export function formatComparison(comparison: Comparison): string {
  return `${describeSetup(comparison)}\n${describeMode(comparison)}\n\n${textTable(TABLE_HEADERS, comparison.rows.map(rowCells))}\n`;
}

/** `d3 07:55`: days and time of day since the start of the trace. */
function traceTime(seconds: number): string {
  const day = Math.floor(seconds / 86_400);
  const rest = seconds - day * 86_400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  return `d${day} ${hh}:${mm}`;
}

/**
 * The decision log of the policies that explain themselves (fleetward): one line per change of
 * desired capacity, with its time in the trace, its step and its reason; undefined when none does.
 */
export function formatDecisions(comparison: Comparison): string | undefined {
  const explained = comparison.rows.filter((row) => row.decisions !== undefined);
  if (explained.length === 0) return undefined;
  const sections = explained.map((row) => {
    const lines = (row.decisions ?? []).map((d) => `${traceTime(d.step * comparison.stepS)} (step ${d.step}): ${d.reason}`);
    const counted = `metrics count from step ${comparison.warmupSteps}`;
    return [`# ${row.policy} at target ${percent(row.target)}: ${lines.length} changes of desired capacity; ${counted}`, ...lines].join('\n');
  });
  return `${describeSetup(comparison)}\n\n${sections.join('\n\n')}\n`;
}

/** The JSON document: settings and every row's metrics (the series stay in the HTML report). */
export function comparisonJson(comparison: Comparison): object {
  return {
    trace: comparison.trace,
    steps: comparison.steps,
    stepSeconds: comparison.stepS,
    bootSeconds: comparison.bootS,
    peakInstances: comparison.peakInstances,
    instanceCapacity: comparison.instanceCapacity,
    warmupSteps: comparison.warmupSteps,
    mode: comparison.mode,
    policies: comparison.rows.map((row) => ({
      policy: row.policy,
      description: POLICY_DESCRIPTIONS[row.policy],
      target: row.target ?? null,
      costRatio: row.costRatio,
      ...(row.withinBound === undefined ? {} : { withinBound: row.withinBound }),
      metrics: row.metrics,
      ...(row.sweep === undefined ? {} : { sweep: row.sweep }),
      seconds: row.seconds,
    })),
  };
}

/** At most this many points per series in the chart; each is the mean of its steps. */
export const MAX_CHART_POINTS = 20_000;

/** At most this many characters of decision reasons in the report; the decisions file has them all. */
export const MAX_REPORT_REASON_CHARS = 2_000_000;

/** A policy's changes of desired capacity, oldest first, as the report's readout shows them. */
interface ChartDecisions {
  readonly policy: string;
  readonly steps: readonly number[];
  readonly reasons: readonly string[];
  /** Decisions the run made; more than steps.length when the reasons outgrew the budget. */
  readonly total: number;
}

interface ChartData {
  readonly stepHours: number;
  readonly bucket: number;
  readonly warmupPoints: number;
  readonly series: ReadonlyArray<{ readonly name: string; readonly values: readonly number[] }>;
  /** Demand's peak per bucket, when buckets hold several steps. */
  readonly demandPeak?: readonly number[];
  readonly decisions: readonly ChartDecisions[];
}

/** The explained rows' decisions, the oldest first until MAX_REPORT_REASON_CHARS are used. */
function chartDecisions(comparison: Comparison): ChartDecisions[] {
  let budget = MAX_REPORT_REASON_CHARS;
  return comparison.rows.flatMap((row) => {
    if (row.decisions === undefined) return [];
    const kept = [];
    for (const decision of row.decisions) {
      budget -= decision.reason.length;
      if (budget < 0) break;
      kept.push(decision);
    }
    return [
      {
        policy: row.policy,
        steps: kept.map((d) => d.step),
        reasons: kept.map((d) => d.reason),
        total: row.decisions.length,
      },
    ];
  });
}

function downsample(values: ArrayLike<number>, bucket: number, pick: 'mean' | 'max'): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += bucket) {
    let sum = 0;
    let max = 0;
    const end = Math.min(values.length, start + bucket);
    for (let i = start; i < end; i++) {
      const v = values[i] ?? 0;
      sum += v;
      max = Math.max(max, v);
    }
    out.push(Math.round((pick === 'max' ? max : sum / (end - start)) * 100) / 100);
  }
  return out;
}

export function chartData(comparison: Comparison): ChartData {
  const bucket = Math.max(1, Math.ceil(comparison.steps / MAX_CHART_POINTS));
  const demand = Float64Array.from(comparison.demand, (d) => d / comparison.instanceCapacity);
  return {
    stepHours: (comparison.stepS * bucket) / 3600,
    bucket,
    warmupPoints: Math.floor(comparison.warmupSteps / bucket),
    series: [
      { name: 'demand', values: downsample(demand, bucket, 'mean') },
      ...comparison.rows.map((row) => ({ name: row.policy, values: downsample(comparison.supply.get(row.policy) ?? new Int32Array(), bucket, 'mean') })),
    ],
    ...(bucket > 1 ? { demandPeak: downsample(demand, bucket, 'max') } : {}),
    decisions: chartDecisions(comparison),
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Draws the chart from the JSON in #chart-data; exposes window.fleetwardChart for tests. */
const CHART_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var colors = ['#111111', '#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#ff7f0e'];
  var canvas = document.getElementById('chart');
  var ctx = canvas.getContext('2d');
  var n = data.series[0].values.length;
  var visible = data.series.map(function () { return true; });
  var view = { from: 0, to: n };
  var state = { drawn: false, draws: 0, series: data.series.length, points: n, view: view };
  window.fleetwardChart = state;
  var pad = { left: 56, right: 12, top: 12, bottom: 34 };

  function niceStep(span, count) {
    var raw = span / count, power = Math.pow(10, Math.floor(Math.log10(raw))), unit = raw / power;
    return power * (unit < 1.5 ? 1 : unit < 3.5 ? 2 : unit < 7.5 ? 5 : 10);
  }
  function hoursLabel(h) {
    return h >= 48 ? (h / 24).toFixed(h % 24 === 0 ? 0 : 1) + ' d' : h.toFixed(h % 1 === 0 ? 0 : 1) + ' h';
  }
  function draw() {
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = width * ratio; canvas.height = height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, width, height);
    var from = Math.max(0, Math.floor(view.from)), to = Math.min(n, Math.ceil(view.to));
    var top = 1;
    data.series.forEach(function (s, k) {
      if (!visible[k]) return;
      for (var i = from; i < to; i++) top = Math.max(top, s.values[i]);
    });
    if (data.demandPeak && visible[0]) for (var j = from; j < to; j++) top = Math.max(top, data.demandPeak[j]);
    var plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
    var x = function (i) { return pad.left + ((i - view.from) / (view.to - view.from)) * plotW; };
    var y = function (v) { return pad.top + plotH - (v / (top * 1.05)) * plotH; };
    if (data.warmupPoints > from) {
      ctx.fillStyle = '#f0f0f0';
      ctx.fillRect(pad.left, pad.top, Math.min(plotW, x(data.warmupPoints) - pad.left), plotH);
    }
    ctx.strokeStyle = '#dddddd'; ctx.fillStyle = '#444444'; ctx.font = '11px sans-serif'; ctx.lineWidth = 1;
    var yStep = niceStep(top, 6);
    for (var v = 0; v <= top * 1.05; v += yStep) {
      ctx.beginPath(); ctx.moveTo(pad.left, y(v)); ctx.lineTo(pad.left + plotW, y(v)); ctx.stroke();
      ctx.fillText(String(Math.round(v * 100) / 100), 6, y(v) + 4);
    }
    var hoursFrom = view.from * data.stepHours, hoursTo = view.to * data.stepHours;
    var xStep = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 96, 168, 336, 672, 1344, 2688, 5376, 10752].find(function (h) {
      return (hoursTo - hoursFrom) / h <= 9;
    }) || niceStep(hoursTo - hoursFrom, 8);
    for (var h = Math.ceil(hoursFrom / xStep) * xStep; h <= hoursTo; h += xStep) {
      var px = x(h / data.stepHours);
      ctx.beginPath(); ctx.moveTo(px, pad.top); ctx.lineTo(px, pad.top + plotH); ctx.stroke();
      ctx.fillText(hoursLabel(h), px - 14, height - 12);
    }
    function line(values, color, width) {
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.beginPath();
      var stride = Math.max(1, Math.floor((to - from) / (plotW * 2)));
      for (var i = from; i < to; i += stride) {
        var px = x(i), py = y(values[i]);
        if (i === from) ctx.moveTo(px, py); else ctx.lineTo(px, py);
        ctx.lineTo(x(i + stride), py);
      }
      ctx.stroke();
    }
    if (data.demandPeak && visible[0]) line(data.demandPeak, '#bbbbbb', 1);
    data.series.forEach(function (s, k) { if (visible[k]) line(s.values, colors[k % colors.length], k === 0 ? 2 : 1.25); });
    state.draws += 1;
    state.drawn = true;
  }
  function clampView() {
    var span = Math.max(10, Math.min(n, view.to - view.from));
    view.from = Math.max(0, Math.min(n - span, view.from));
    view.to = view.from + span;
  }
  state.zoom = function (factor, center) {
    var c = center === undefined ? (view.from + view.to) / 2 : center;
    view.from = c - (c - view.from) * factor; view.to = c + (view.to - c) * factor;
    clampView(); draw();
  };
  canvas.addEventListener('wheel', function (event) {
    event.preventDefault();
    var rect = canvas.getBoundingClientRect();
    var frac = (event.clientX - rect.left - pad.left) / (rect.width - pad.left - pad.right);
    state.zoom(event.deltaY < 0 ? 0.8 : 1.25, view.from + Math.max(0, Math.min(1, frac)) * (view.to - view.from));
  }, { passive: false });
  var dragging = null;
  canvas.addEventListener('mousedown', function (event) { dragging = { x: event.clientX, from: view.from, to: view.to }; });
  window.addEventListener('mouseup', function () { dragging = null; });
  window.addEventListener('mousemove', function (event) {
    if (!dragging) return;
    var plotW = canvas.clientWidth - pad.left - pad.right;
    var shift = ((dragging.x - event.clientX) / plotW) * (dragging.to - dragging.from);
    view.from = dragging.from + shift; view.to = dragging.to + shift; clampView(); draw();
  });
  canvas.addEventListener('dblclick', function () { view.from = 0; view.to = n; draw(); });
  var readout = document.getElementById('readout');
  function lastDecision(d, step) {
    var lo = 0, hi = d.steps.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (d.steps[mid] <= step) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  function traceTime(step) {
    var minutes = Math.floor((step * data.stepHours * 60) / data.bucket + 1e-6), day = Math.floor(minutes / 1440);
    return 'd' + day + ' ' + ('0' + Math.floor((minutes % 1440) / 60)).slice(-2) + ':' + ('0' + (minutes % 60)).slice(-2);
  }
  state.readAt = function (i) {
    var point = Math.max(0, Math.min(n - 1, Math.floor(i)));
    var span = data.bucket > 1 ? ' (mean of ' + data.bucket + ' steps)' : '';
    var lines = [traceTime(point * data.bucket) + span + ': ' + data.series.map(function (s) { return s.name + ' ' + s.values[point]; }).join(', ')];
    var lastStep = (point + 1) * data.bucket - 1;
    data.decisions.forEach(function (d) {
      var k = lastDecision(d, lastStep);
      if (k < 0 && (d.steps.length > 0 || d.total === 0)) {
        lines.push(d.policy + ' has not changed its desired capacity yet');
      } else if (k >= 0 && (k < d.steps.length - 1 || d.steps.length === d.total)) {
        lines.push(d.policy + "'s last change, " + traceTime(d.steps[k]) + ' (step ' + d.steps[k] + '): ' + d.reasons[k]);
      } else {
        lines.push(d.policy + ': only the first ' + d.steps.length + ' of ' + d.total + ' decisions fit in this report; the decisions file has them all');
      }
    });
    readout.textContent = lines.join('\n');
    return readout.textContent;
  };
  canvas.addEventListener('mousemove', function (event) {
    if (dragging) return;
    var rect = canvas.getBoundingClientRect();
    var frac = (event.clientX - rect.left - pad.left) / (rect.width - pad.left - pad.right);
    state.readAt(view.from + Math.max(0, Math.min(1, frac)) * (view.to - view.from));
  });
  var legend = document.getElementById('legend');
  data.series.forEach(function (s, k) {
    var label = document.createElement('label');
    var box = document.createElement('input');
    box.type = 'checkbox'; box.checked = true;
    box.addEventListener('change', function () { visible[k] = box.checked; draw(); });
    var swatch = document.createElement('span');
    swatch.className = 'swatch'; swatch.style.background = colors[k % colors.length];
    label.appendChild(box); label.appendChild(swatch); label.appendChild(document.createTextNode(s.name));
    legend.appendChild(label);
  });
  window.addEventListener('resize', draw);
  draw();
})();
`;

/** The self-contained HTML report. */
export function renderReport(comparison: Comparison, generatedAt: string): string {
  const chart = chartData(comparison);
  const data = JSON.stringify(chart).replace(/</g, '\\u003c');
  const header = TABLE_HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = comparison.rows
    .map((row) => `<tr title="${escapeHtml(POLICY_DESCRIPTIONS[row.policy])}">${rowCells(row).map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const chartNote =
    chart.bucket > 1
      ? `Each point is the mean of ${chart.bucket} steps; the grey line is demand's peak within it.`
      : 'One point per step.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fleetward simulation: ${escapeHtml(comparison.trace)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
#chart { width: 100%; height: 420px; border: 1px solid #ccc; cursor: grab; display: block; }
#legend label { margin-right: 14px; white-space: nowrap; }
#readout { white-space: pre-wrap; font: 12px/1.4 ui-monospace, monospace; min-height: 3em; margin: 6px 0; }
.swatch { display: inline-block; width: 12px; height: 3px; margin: 0 4px 3px 2px; vertical-align: middle; }
.note { color: #666; }
</style>
</head>
<body>
<h1>fleetward simulation</h1>
<p>${escapeHtml(describeSetup(comparison))}.<br>${escapeHtml(describeMode(comparison))}.</p>
<table>
<thead><tr>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<p class="note">Cost in instance-hours billed per second (60-second minimum) after the warm-up, relative to the oracle. τU/τO: % of time under/over-provisioned; θU/θO: mean relative shortfall/excess (SPEC RG elasticity metrics); instability: % of steps in which supply and demand do not move alike.</p>
<h2>Demand and instances in service</h2>
<div id="legend"></div>
<canvas id="chart"></canvas>
<div id="readout">Point at the chart to read each series there and fleetward's last decision with its reason.</div>
<p class="note">Wheel to zoom, drag to pan, double-click to reset. The shaded start is the warm-up, not counted in the metrics. ${escapeHtml(chartNote)}</p>
<p class="note">Generated ${escapeHtml(generatedAt)} by fleetward simulate.</p>
<script type="application/json" id="chart-data">${data}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
