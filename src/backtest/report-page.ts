import { chartsLibrary, escapeHtml, heatmapLibraries, inlineScript, scriptJson } from '../dashboard/page.js';
import type { Metrics } from './metrics.js';

const STYLE = `
  :root { --bg: #0f1419; --panel: #171d24; --fg: #d8dee6; --dim: #8893a0; --line: #2a323c; }
  body { margin: 0; font: 13px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); } h1 { font-size: 16px; margin: 0 0 4px; } .dim { color: var(--dim); }
  main { padding: 16px 20px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
  h2 { font-size: 13px; margin: 0 0 8px; color: var(--dim); text-transform: uppercase; letter-spacing: .04em; }
  .chart { height: 300px; } table { border-collapse: collapse; width: 100%; } td, th { padding: 3px 6px; border-bottom: 1px solid var(--line); text-align: right; } th:first-child, td:first-child { text-align: left; }
  .wide { grid-column: 1 / -1; }`;

const METRIC_ROWS: [keyof Metrics, string, number, string][] = [
  ['final_equity_usd', 'final equity', 2, ''], ['total_return_pct', 'total return', 2, '%'], ['annualized_return_pct', 'annualised', 2, '%'], ['volatility_pct', 'volatility', 2, '%'],
  ['sharpe', 'Sharpe', 2, ''], ['sortino', 'Sortino', 2, ''], ['calmar', 'Calmar', 2, ''], ['max_drawdown_pct', 'max drawdown', 2, '%'], ['max_drawdown_duration_days', 'drawdown duration, days', 1, ''],
  ['trades', 'trades', 0, ''], ['win_rate_pct', 'win rate', 1, '%'], ['profit_factor', 'profit factor', 2, ''], ['exposure_pct', 'exposure', 1, '%'], ['turnover', 'turnover ×NAV', 1, ''],
  ['fees_usd', 'fees USD', 2, ''], ['funding_paid_usd', 'funding paid USD', 2, ''],
];

/** The page around its sections and scripts. */
function page(title: string, subtitle: string, sections: string, scripts: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1><div class="dim">${escapeHtml(subtitle)}</div></header>
<main>
${sections}
</main>
${scripts}
</body></html>
`;
}

function metricsTable(cols: [string, Metrics][]): string {
  const cell = (m: Metrics, k: keyof Metrics, d: number, unit: string) => {
    const v = m[k];
    return typeof v === 'number' ? `${v.toFixed(d)}${unit}` : '—';
  };
  return `<table id="metrics"><tr><th></th>${cols.map(([c]) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${METRIC_ROWS.map(
    ([k, label, d, unit]) => `<tr><td>${label}</td>${cols.map(([, m]) => `<td>${cell(m, k, d, unit)}</td>`).join('')}</tr>`,
  ).join('')}</table>`;
}

/** What the backtest page shows (a subset of the backtest result). */
export interface BacktestPageData {
  readonly title: string;
  readonly subtitle: string;
  readonly metrics: { readonly blended: Metrics; readonly per_strategy: Record<string, Metrics> };
  readonly equity: { readonly ts: number[]; readonly nav_usd: number[]; readonly strategies: Record<string, number[]> };
  readonly assumptions: Record<string, unknown>;
}

/**
 * report.html of a backtest: equity curve, drawdown and each strategy's equity (lightweight-charts), the
 * metrics of the fund and of each strategy, the stated assumptions. Self-contained (libraries inlined).
 */
export function renderBacktestPage(d: BacktestPageData): string {
  const cols: [string, Metrics][] = [['fund', d.metrics.blended], ...Object.entries(d.metrics.per_strategy)];
  const assumptions = Object.entries(d.assumptions)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td style="text-align:left">${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('');
  return page(
    d.title,
    d.subtitle,
    `<section class="wide"><h2>Equity</h2><div id="equity" class="chart"></div></section>
<section><h2>Drawdown</h2><div id="drawdown" class="chart"></div></section>
<section><h2>Per-strategy equity (start + its PnL)</h2><div id="strategies" class="chart"></div></section>
<section><h2>Metrics</h2>${metricsTable(cols)}</section>
<section><h2>Assumptions</h2><table id="assumptions">${assumptions}</table></section>`,
    `<script>${inlineScript(chartsLibrary())}</script>
<script>
const DATA = ${scriptJson({ ts: d.equity.ts, nav: d.equity.nav_usd, strategies: d.equity.strategies })};
const opts = { layout: { background: { color: '#171d24' }, textColor: '#d8dee6' }, grid: { vertLines: { color: '#2a323c' }, horzLines: { color: '#2a323c' } }, timeScale: { timeVisible: true }, autoSize: true };
const points = (values) => DATA.ts.map((t, i) => ({ time: Math.floor(t / 1000), value: values[i] }));
const eq = LightweightCharts.createChart(document.getElementById('equity'), opts);
eq.addSeries(LightweightCharts.LineSeries, { color: '#26a69a', lineWidth: 2 }).setData(points(DATA.nav));
let peak = -Infinity;
const dd = DATA.nav.map((v) => { peak = Math.max(peak, v); return -100 * (peak - v) / peak; });
const ddc = LightweightCharts.createChart(document.getElementById('drawdown'), opts);
ddc.addSeries(LightweightCharts.AreaSeries, { lineColor: '#ef5350', topColor: 'rgba(239,83,80,0.05)', bottomColor: 'rgba(239,83,80,0.4)' }).setData(points(dd));
const colors = ['#42a5f5', '#ffa726', '#ab47bc', '#66bb6a', '#ec407a', '#26c6da', '#d4e157'];
const sc = LightweightCharts.createChart(document.getElementById('strategies'), opts);
Object.entries(DATA.strategies).forEach(([id, values], k) => sc.addSeries(LightweightCharts.LineSeries, { color: colors[k % colors.length], title: id }).setData(points(values)));
for (const c of [eq, ddc, sc]) c.timeScale().fitContent();
window.REPORT_READY = true;
</script>`,
  );
}

/** What the sweep page shows. */
export interface SweepPageData {
  readonly title: string;
  readonly subtitle: string;
  readonly objective: string;
  readonly params: Record<string, readonly (number | string | boolean)[]>;
  readonly ranking: readonly { readonly point: Readonly<Record<string, number | string | boolean>>; readonly value: number | null; readonly final_equity: number; readonly trades: number; readonly max_drawdown_pct: number }[];
}

/**
 * summary.html of a sweep: a heatmap of the objective over the two parameters with the most values
 * (chart.js with chartjs-chart-matrix; other parameters at their best point's values), the objective of
 * the best points as bars, and the ranking table.
 */
export function renderSweepPage(d: SweepPageData): string {
  const varying = Object.entries(d.params).filter(([, v]) => v.length > 1).sort((a, b) => b[1].length - a[1].length);
  const [xKey, yKey] = [varying[0]?.[0], varying[1]?.[0]];
  const best = d.ranking[0]?.point;
  const cells =
    xKey === undefined || yKey === undefined
      ? []
      : d.ranking
          .filter((r) => Object.entries(r.point).every(([k, v]) => k === xKey || k === yKey || best?.[k] === v))
          .map((r) => ({ x: String(r.point[xKey]), y: String(r.point[yKey]), v: r.value }));
  const rows = d.ranking
    .slice(0, 50)
    .map((r, i) => `<tr><td>${i + 1}. ${escapeHtml(JSON.stringify(r.point))}</td><td>${r.value === null ? '—' : r.value.toFixed(3)}</td><td>${r.final_equity.toFixed(2)}</td><td>${r.trades}</td><td>${r.max_drawdown_pct.toFixed(1)}%</td></tr>`)
    .join('');
  return page(
    d.title,
    d.subtitle,
    `<section><h2>${escapeHtml(d.objective)} by ${escapeHtml(xKey ?? '—')} × ${escapeHtml(yKey ?? '—')}</h2><div class="chart"><canvas id="heatmap"></canvas></div></section>
<section><h2>Best points by ${escapeHtml(d.objective)}</h2><div class="chart"><canvas id="bars"></canvas></div></section>
<section class="wide"><h2>Ranking</h2><table id="ranking"><tr><th>point</th><th>${escapeHtml(d.objective)}</th><th>final equity</th><th>trades</th><th>max drawdown</th></tr>${rows}</table></section>`,
    `<script>${heatmapLibraries()}</script>
<script>
const CELLS = ${scriptJson(cells)};
const XS = ${scriptJson(xKey === undefined ? [] : (d.params[xKey] ?? []).map(String))};
const YS = ${scriptJson(yKey === undefined ? [] : (d.params[yKey] ?? []).map(String))};
const TOP = ${scriptJson(d.ranking.slice(0, 20).map((r) => ({ label: JSON.stringify(r.point), v: r.value })))};
Chart.defaults.color = '#d8dee6';
const vals = CELLS.map((c) => c.v).filter((v) => v !== null);
const lo = Math.min(...vals), hi = Math.max(...vals);
const color = (v) => { if (v === null) return '#2a323c'; const t = hi > lo ? (v - lo) / (hi - lo) : 0.5; return 'rgba(' + Math.round(239 - 201 * t) + ',' + Math.round(83 + 83 * t) + ',' + Math.round(80 + 74 * t) + ',0.9)'; };
new Chart(document.getElementById('heatmap'), {
  type: 'matrix',
  data: { datasets: [{ label: ${scriptJson(d.objective)}, data: CELLS, backgroundColor: (c) => color(c.raw?.v ?? null), width: ({ chart }) => (chart.chartArea || {}).width / Math.max(1, XS.length) - 2, height: ({ chart }) => (chart.chartArea || {}).height / Math.max(1, YS.length) - 2 }] },
  options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => ${scriptJson(xKey ?? '')} + ' ' + c.raw.x + ', ' + ${scriptJson(yKey ?? '')} + ' ' + c.raw.y + ': ' + (c.raw.v === null ? '—' : c.raw.v.toFixed(3)) } } },
    scales: { x: { type: 'category', labels: XS, offset: true, title: { display: true, text: ${scriptJson(xKey ?? '')} } }, y: { type: 'category', labels: YS, offset: true, title: { display: true, text: ${scriptJson(yKey ?? '')} } } } },
});
new Chart(document.getElementById('bars'), { type: 'bar', data: { labels: TOP.map((t) => t.label), datasets: [{ label: ${scriptJson(d.objective)}, data: TOP.map((t) => t.v), backgroundColor: '#42a5f5' }] }, options: { maintainAspectRatio: false, animation: false, indexAxis: 'y', plugins: { legend: { display: false } } } });
window.REPORT_READY = true;
</script>`,
  );
}
