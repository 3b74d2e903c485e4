import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DashboardData } from './model.js';

const require = createRequire(import.meta.url);

/** TradingView's lightweight-charts, standalone build, inlined so the page works from file:// with no network. */
export function chartsLibrary(): string {
  // the package exports only its ESM entry; the standalone (UMD) build sits beside it in dist/
  const dist = path.join(path.dirname(require.resolve('lightweight-charts/package.json')), 'dist');
  return readFileSync(path.join(dist, 'lightweight-charts.standalone.production.js'), 'utf8');
}

/** Script text safe inside a <script> element. */
export const inlineScript = (js: string): string => js.replace(/<\/script/gi, '<\\/script');

/** chart.js and its matrix plugin (heatmaps), inlined like lightweight-charts. */
export function heatmapLibraries(): string {
  const file = (pkg: string, name: string) => inlineScript(readFileSync(path.join(path.dirname(require.resolve(pkg)), name), 'utf8'));
  return `${file('chart.js', 'chart.umd.min.js')}\n${file('chartjs-chart-matrix', 'chartjs-chart-matrix.min.js')}`;
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The dashboard as one self-contained HTML page: styles, the charting library, the page's script and the
 * data are all inlined. Served over http (the dashboard service) it also refreshes itself from data.json.
 */
/** Text safe inside HTML (element content and attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderDashboardPage(data: DashboardData, opts: { title: string; refreshS: number }): string {
  const title = escapeHtml(opts.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  :root { --bg: #0f1419; --panel: #171d24; --fg: #d8dee6; --dim: #8893a0; --up: #26a69a; --down: #ef5350; --line: #2a323c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  header .dim { color: var(--dim); }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  section.account { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); }
  .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
  .panel h2 { font-size: 13px; margin: 0 0 8px; color: var(--dim); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
  .big { font-size: 26px; font-variant-numeric: tabular-nums; }
  .chart { height: 260px; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th:first-child, td:first-child, td.l, th.l { text-align: left; }
  .scroll { max-height: 320px; overflow: auto; }
  .good { color: var(--up); } .bad { color: var(--down); } .broken { color: #f0b429; }
  .pos { color: var(--up); } .neg { color: var(--down); }
  select { background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 2px 4px; margin-right: 6px; }
  .kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
  .kv div:nth-child(odd) { color: var(--dim); }
</style>
</head>
<body>
<header><h1>${title}</h1><span class="dim" id="generated"></span><span class="dim" id="source"></span></header>
<main id="root"></main>
<script>${chartsLibrary()}</script>
<script>${heatmapLibraries()}</script>
<script id="hedge-data" type="application/json">${scriptJson(data)}</script>
<script>
(function () {
  'use strict';
  var charts = [];
  var heatmaps = [];
  var PALETTE = ['#4aa3ff', '#f0b429', '#26a69a', '#ef5350', '#ab47bc', '#8d6e63', '#26c6da', '#d4e157', '#ff7043', '#78909c'];
  var filters = {};
  var limits = null;
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else if (k === 'cls') e.className = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function usd(x) { return x === null || x === undefined ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function num(x, d) { return x === null || x === undefined ? '–' : Number(x).toFixed(d); }
  function iso(ts) { return ts ? new Date(ts).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '–'; }
  function table(cols, rows, id) {
    var head = el('tr', null, cols.map(function (c) { return el('th', { text: c[0], cls: c[2] ? 'l' : '' }); }));
    var body = rows.map(function (r) { return el('tr', null, cols.map(function (c) { var v = c[1](r); return el('td', { text: String(v.text !== undefined ? v.text : v), cls: (c[2] ? 'l ' : '') + (v.cls || '') }); })); });
    var t = el('table', id ? { id: id } : null, [el('thead', null, [head]), el('tbody', null, body)]);
    return el('div', { cls: 'scroll' }, [t]);
  }
  function panel(title, id, children) { return el('div', { cls: 'panel', id: id }, [el('h2', { text: title })].concat(children)); }

  function render(data) {
    charts.forEach(function (c) { c.remove(); });
    charts = [];
    heatmaps.forEach(function (h) { h.destroy(); });
    heatmaps = [];
    document.getElementById('generated').textContent = 'exported ' + iso(data.generatedTs);
    document.getElementById('source').textContent = data.stateDir;
    var root = document.getElementById('root');
    root.textContent = '';
    if (data.accounts.length === 0) root.appendChild(el('p', { text: 'No telemetry yet in ' + data.stateDir + '.' }));
    if (data.fund && (data.accounts.length > 1 || data.nodes)) root.appendChild(renderFund(data.fund, data.nodes || []));
    if (data.fund && data.fund.correlation) root.appendChild(renderCorrelation(data.fund.correlation));
    if (data.regimes) root.appendChild(renderRegimes(data.regimes));
    if (data.screener) root.appendChild(renderScreener(data.screener));
    limits = data.limits || null;
    data.accounts.forEach(function (a) { root.appendChild(renderAccount(a)); });
  }

  function line(box, points, color, precision) {
    setTimeout(function () {
      var chart = LightweightCharts.createChart(box, { autoSize: true, layout: { background: { color: 'transparent' }, textColor: '#8893a0' }, grid: { vertLines: { color: '#1f262e' }, horzLines: { color: '#1f262e' } }, timeScale: { timeVisible: true } });
      var series = chart.addSeries(LightweightCharts.LineSeries, { color: color, lineWidth: 2, priceFormat: { type: 'price', precision: precision, minMove: Math.pow(10, -precision) } });
      var seen = {};
      series.setData(points.filter(function (p) { var t = Math.floor(p[0] / 1000); if (seen[t]) return false; seen[t] = true; return true; }).map(function (p) { return { time: Math.floor(p[0] / 1000), value: p[1] }; }));
      chart.timeScale().fitContent();
      charts.push(chart);
    }, 0);
  }

  // the last screen: each symbol's ML score (the momentum-logistic baseline) and features, and the ranked intents
  function renderScreener(sc) {
    var sec = el('section', { cls: 'account', id: 'screener' });
    sec.appendChild(panel('ML score and features per symbol (screen of ' + sc.at + ')', 'screener-features', [table([
      ['symbol', function (f) { return f.symbol; }, true],
      ['ML score', function (f) { return { text: num(f.mlScore, 3), cls: f.mlScore === null ? '' : f.mlScore >= 0.55 ? 'pos' : f.mlScore <= 0.45 ? 'neg' : '' }; }],
      ['regime', function (f) { return f.regime || '–'; }, true], ['trend %', function (f) { return num(f.trendPct, 2); }], ['ATR %', function (f) { return num(f.atrPct, 2); }],
      ['vol bucket', function (f) { return f.volBucket || '–'; }, true], ['funding', function (f) { return f.fundingRate === null ? '–' : num(f.fundingRate * 100, 4) + ' %'; }],
      ['tradable', function (f) { return f.tradable ? 'yes' : 'no'; }, true],
    ], sc.features, 'screener-table')]));
    sec.appendChild(panel('Ranked intents (' + sc.intents.length + ')', 'screener-intents', [table([
      ['#', function (i) { return i.rank; }], ['strategy', function (i) { return i.strategy; }, true], ['symbol', function (i) { return i.symbol; }, true], ['side', function (i) { return i.side; }, true],
      ['strength', function (i) { return num(i.strength, 3); }], ['NAV %', function (i) { return num(i.navPct, 2); }], ['notional USD', function (i) { return usd(i.notionalUsd); }],
    ], sc.intents, 'screener-intents-table')]));
    return sec;
  }

  // each symbol's regime from the latest nightly refit report
  function renderRegimes(r) {
    var sec = el('section', { cls: 'account', id: 'regimes' });
    var counts = {};
    r.models.forEach(function (m) { if (m.regime) counts[m.regime] = (counts[m.regime] || 0) + 1; });
    sec.appendChild(panel('Regime per symbol', 'regimes-panel', [
      el('div', { cls: 'dim', id: 'regimes-source', text: r.file + ' · fitted ' + iso(r.fitted_ts) + ' · ' + Object.keys(counts).sort().map(function (k) { return k + ' ' + counts[k]; }).join(' · ') }),
      table([['symbol', function (m) { return m.symbol; }, true], ['regime', function (m) { return { text: m.regime || '–', cls: m.regime === 'calm' ? 'good' : m.regime === 'chaos' ? 'bad' : m.regime === 'trend' ? 'broken' : '' }; }, true],
        ['last bar', function (m) { return m.to || '–'; }, true], ['model', function (m) { return m.model_fingerprint ? m.model_fingerprint.slice(0, 12) : (m.reason || '–'); }, true]], r.models, 'regimes-table'),
    ]));
    return sec;
  }

  // the correlation of the strategies' daily PnL changes, as a heatmap (chart.js + chartjs-chart-matrix)
  function renderCorrelation(c) {
    var sec = el('section', { cls: 'account', id: 'correlation' });
    var canvas = el('canvas', { id: 'correlation-canvas' });
    var box = el('div', { cls: 'chart', id: 'correlation-chart', style: 'height:' + Math.max(260, 46 * c.labels.length + 80) + 'px' }, [canvas]);
    sec.appendChild(panel('Correlation of strategy returns (daily PnL changes)', 'correlation-panel', [box]));
    var cells = [];
    c.labels.forEach(function (y, i) { c.labels.forEach(function (x, j) { cells.push({ x: x, y: y, v: c.matrix[i][j], n: c.days[i][j] }); }); });
    setTimeout(function () {
      Chart.defaults.color = '#d8dee6';
      var color = function (v) { if (v === null || v === undefined) return '#2a323c'; var t = (v + 1) / 2; return 'rgba(' + Math.round(239 - 201 * t) + ',' + Math.round(83 + 83 * t) + ',' + Math.round(80 + 74 * t) + ',0.9)'; };
      heatmaps.push(new Chart(canvas, {
        type: 'matrix',
        data: { datasets: [{ data: cells, backgroundColor: function (ctx) { return color(ctx.raw ? ctx.raw.v : null); },
          width: function (ctx) { return ((ctx.chart.chartArea || {}).width || 0) / c.labels.length - 2; }, height: function (ctx) { return ((ctx.chart.chartArea || {}).height || 0) / c.labels.length - 2; } }] },
        options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (ctx) { return ctx.raw.y + ' × ' + ctx.raw.x + ': ' + (ctx.raw.v === null ? '– (fewer than 3 common days, or flat)' : ctx.raw.v.toFixed(2)) + ' over ' + ctx.raw.n + ' days'; } } } },
          scales: { x: { type: 'category', labels: c.labels, offset: true, ticks: { autoSkip: false } }, y: { type: 'category', labels: c.labels, offset: true, ticks: { autoSkip: false } } } },
      }));
    }, 0);
    return sec;
  }

  // the fund: every account (of every node, for a fleet) blended
  function renderFund(f, nodes) {
    var sec = el('section', { cls: 'account', id: 'fund' });
    var ret = f.index.length > 0 ? (f.index[f.index.length - 1][1] - 1) * 100 : null;
    var sharpe = f.rollingSharpe.length > 0 ? f.rollingSharpe[f.rollingSharpe.length - 1][1] : null;
    sec.appendChild(panel('Fund — ' + f.accounts.length + ' account(s)' + (nodes.length ? ' on ' + nodes.length + ' node(s)' : ''), 'fund-overview', [
      el('div', { cls: 'big', id: 'fund-nav-value', text: f.navUsd === null ? '–' : usd(f.navUsd) + ' USD' }),
      el('div', { cls: 'kv' }, [
        el('div', { text: 'return (chained)' }), el('div', { id: 'fund-return', cls: ret === null ? '' : ret >= 0 ? 'pos' : 'neg', text: ret === null ? '–' : num(ret, 2) + ' %' }),
        el('div', { text: 'gross / net exposure' }), el('div', { id: 'fund-exposure', text: usd(f.grossExposureUsd) + ' / ' + usd(f.netExposureUsd) }),
        el('div', { text: 'drawdown now / worst' }), el('div', { id: 'fund-drawdown', text: num(f.drawdownPct, 2) + ' % / ' + num(f.maxDrawdownPct, 2) + ' %' }),
        el('div', { text: 'Sharpe, ' + f.sharpeDays + ' days' }), el('div', { id: 'fund-sharpe', text: num(sharpe, 2) }),
      ]),
      table([['account', function (a) { return (a.node && a.node !== 'local' ? a.node + '/' : '') + a.account; }, true], ['NAV USD', function (a) { return usd(a.navUsd); }]], f.accounts, 'fund-accounts'),
    ]));
    var navBox = el('div', { cls: 'chart', id: 'fund-nav-chart' });
    sec.appendChild(panel('Fund NAV (all accounts)', 'fund-nav', [navBox]));
    line(navBox, f.nav, '#4aa3ff', 2);
    var sharpeBox = el('div', { cls: 'chart', id: 'fund-sharpe-chart' });
    sec.appendChild(panel('Rolling Sharpe (' + f.sharpeDays + ' days, annualised)', 'fund-sharpe-panel', [f.rollingSharpe.length ? sharpeBox : el('div', { cls: 'dim', text: 'fewer than ' + (f.sharpeDays + 1) + ' days of NAV' })]));
    if (f.rollingSharpe.length) line(sharpeBox, f.rollingSharpe, '#f0b429', 2);
    return sec;
  }

  function renderAccount(a) {
    var id = 'acct-' + a.account.replace(/[^A-Za-z0-9_-]/g, '_');
    var sec = el('section', { cls: 'account', id: id, 'data-account': a.account });
    var last = a.lastNav;
    var first = a.nav.length > 0 ? a.nav[0][1] : null;
    var ret = last && first ? (last.nav_usd / first - 1) * 100 : null;
    sec.appendChild(panel('NAV — ' + a.account, id + '-nav', [
      el('div', { cls: 'big', id: id + '-nav-value', text: last ? usd(last.nav_usd) + ' USD' : '–' }),
      el('div', { cls: 'kv' }, [
        el('div', { text: 'as of' }), el('div', { id: id + '-nav-ts', text: last ? iso(last.ts) : '–' }),
        el('div', { text: 'since first record' }), el('div', { cls: ret === null ? '' : ret >= 0 ? 'pos' : 'neg', text: ret === null ? '–' : num(ret, 2) + ' %' }),
        el('div', { text: 'gross / net exposure' }), el('div', { text: last ? usd(last.gross_exposure_usd) + ' / ' + usd(last.net_exposure_usd) : '–' }),
        el('div', { text: 'unrealised PnL' }), el('div', { text: last ? usd(last.unrealized_pnl_usd) : '–' }),
      ]),
    ]));
    var chartBox = el('div', { cls: 'chart', id: id + '-equity-chart' });
    sec.appendChild(panel('Equity curve', id + '-equity', [chartBox]));
    var ids = Object.keys(a.strategies || {}).sort();
    if (ids.length) {
      var stratBox = el('div', { cls: 'chart', id: id + '-strategies-chart' });
      var rows = ids.map(function (s, k) { var pts = a.strategies[s]; return { id: s, color: PALETTE[k % PALETTE.length], pnl: pts[pts.length - 1][1] }; });
      sec.appendChild(panel('Strategies: PnL since the first cycle', id + '-strategies', [stratBox, table([
        ['strategy', function (r) { return { text: '■ ' + r.id, cls: '' }; }, true], ['PnL USD', function (r) { return { text: usd(r.pnl), cls: r.pnl >= 0 ? 'pos' : 'neg' }; }],
        ['% of start NAV', function (r) { return first ? num(r.pnl / first * 100, 2) : '–'; }],
      ], rows, id + '-strategies-table')]));
      setTimeout(function () {
        var chart = LightweightCharts.createChart(stratBox, { autoSize: true, layout: { background: { color: 'transparent' }, textColor: '#8893a0' }, grid: { vertLines: { color: '#1f262e' }, horzLines: { color: '#1f262e' } }, timeScale: { timeVisible: true } });
        rows.forEach(function (r) {
          var series = chart.addSeries(LightweightCharts.LineSeries, { color: r.color, lineWidth: 2, title: r.id, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } });
          var seen = {};
          series.setData(a.strategies[r.id].filter(function (p) { var t = Math.floor(p[0] / 1000); if (seen[t]) return false; seen[t] = true; return true; }).map(function (p) { return { time: Math.floor(p[0] / 1000), value: p[1] }; }));
        });
        chart.timeScale().fitContent();
        charts.push(chart);
      }, 0);
      // the legend squares take their strategy's colour
      setTimeout(function () { var trs = document.querySelectorAll('#' + id + '-strategies-table tbody tr'); rows.forEach(function (r, k) { if (trs[k]) trs[k].firstChild.style.color = r.color; }); }, 0);
    }
    var positions = a.positions ? a.positions.positions : [];
    sec.appendChild(panel('Positions (' + positions.length + ')', id + '-positions', [table([
      ['symbol', function (p) { return p.symbol; }, true], ['strategy', function (p) { return p.strategy; }, true], ['side', function (p) { return p.side; }, true],
      ['qty', function (p) { return p.qty; }], ['entry', function (p) { return p.entry_price; }], ['mark', function (p) { return p.mark_price; }],
      ['uPnL', function (p) { return { text: usd(p.unrealized_pnl_usd), cls: p.unrealized_pnl_usd >= 0 ? 'pos' : 'neg' }; }], ['lev', function (p) { return p.leverage; }],
      ['liq. dist %', function (p) { return p.liquidation_price ? num(Math.abs(p.mark_price - p.liquidation_price) / p.mark_price * 100, 1) : '–'; }],
      ['stop', function (p) { return p.stop_price === null ? '–' : p.stop_price; }],
    ], positions, id + '-positions-table')]));
    sec.appendChild(renderRisk(a, id, limits));
    var health = a.routerHealth ? Object.keys(a.routerHealth.symbols).sort().map(function (s) { var h = a.routerHealth.symbols[s]; h.symbol = s; return h; }) : [];
    sec.appendChild(panel('Router health', id + '-router', [table([
      ['symbol', function (h) { return h.symbol; }, true], ['state', function (h) { return { text: h.state, cls: h.state }; }, true], ['samples', function (h) { return h.samples; }],
      ['fill rate', function (h) { return num(h.fill_rate, 2); }], ['slippage bps', function (h) { return num(h.slippage_bps, 2); }], ['reject rate', function (h) { return num(h.reject_rate, 2); }],
      ['latency ms', function (h) { return num(h.latency_ms, 0); }], ['offset bps', function (h) { return num(h.offset_bps, 2); }],
    ], health, id + '-router-table')]));
    if (a.routerHistory && a.routerHistory.length) sec.appendChild(renderRouterHistory(a, id));
    sec.appendChild(renderVetoes(a, id));
    var counts = Object.keys(a.orderCounts).sort().map(function (k) { return { event: k, n: a.orderCounts[k] }; });
    var beats = Object.keys(a.heartbeats).map(function (k) { return a.heartbeats[k]; });
    sec.appendChild(panel('Orders and services', id + '-orders', [
      table([['event', function (r) { return r.event; }, true], ['count', function (r) { return r.n; }]], counts, id + '-order-counts'),
      table([['service', function (h) { return h.service; }, true], ['status', function (h) { return h.status; }, true], ['cycle', function (h) { return h.cycle; }],
        ['last beat', function (h) { return iso(h.ts); }], ['last error', function (h) { return h.last_error || '–'; }, true]], beats, id + '-heartbeats'),
    ]));
    setTimeout(function () {
      var chart = LightweightCharts.createChart(chartBox, { autoSize: true, layout: { background: { color: 'transparent' }, textColor: '#8893a0' }, grid: { vertLines: { color: '#1f262e' }, horzLines: { color: '#1f262e' } }, timeScale: { timeVisible: true } });
      var series = chart.addSeries(LightweightCharts.LineSeries, { color: '#4aa3ff', lineWidth: 2, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } });
      var seen = {};
      series.setData(a.nav.filter(function (p) { var t = Math.floor(p[0] / 1000); if (seen[t]) return false; seen[t] = true; return true; }).map(function (p) { return { time: Math.floor(p[0] / 1000), value: p[1] }; }));
      chart.timeScale().fitContent();
      charts.push(chart);
    }, 0);
    return sec;
  }

  // NAV and risk overview: exposure against its caps, the day's loss against its limit, drawdown, trading state
  function renderRisk(a, id, lim) {
    var last = a.lastNav;
    var r = a.risk;
    var nav = last ? last.nav_usd : null;
    var rows = [];
    function row(name, value, limit, key) {
      var used = value === null || !limit ? null : value / limit * 100;
      rows.push({ name: name, value: value, limit: limit, used: used, key: key });
    }
    row('gross exposure % NAV', nav ? last.gross_exposure_usd / nav * 100 : null, lim ? lim.max_gross_exposure_pct : null, 'gross');
    row('net exposure % NAV', nav ? Math.abs(last.net_exposure_usd) / nav * 100 : null, lim ? lim.max_net_exposure_pct : null, 'net');
    row('daily loss %', r && r.day_start_nav_usd && nav !== null ? Math.max(0, (r.day_start_nav_usd - nav) / r.day_start_nav_usd * 100) : null, lim ? lim.daily_loss_limit_pct : null, 'daily');
    row('drawdown %', r && r.high_water_mark_usd && nav !== null ? Math.max(0, (r.high_water_mark_usd - nav) / r.high_water_mark_usd * 100) : null, lim ? lim.max_drawdown_pct : null, 'drawdown');
    var state = r ? r.trading_state : '–';
    return panel('Risk', id + '-risk', [
      el('div', { cls: 'kv' }, [
        el('div', { text: 'trading state' }), el('div', { id: id + '-risk-state', cls: state === 'ACTIVE' ? 'good' : state === '–' ? '' : 'bad', text: state }),
        el('div', { text: 'why, since' }), el('div', { text: r ? r.state_reason + ' · ' + iso(r.state_since_ms) : 'no risk state here (a mirror carries telemetry only)' }),
      ]),
      table([['figure', function (x) { return x.name; }, true], ['now', function (x) { return num(x.value, 2); }], ['limit', function (x) { return x.limit === null ? '–' : num(x.limit, 2); }],
        ['of limit', function (x) { return { text: x.used === null ? '–' : num(x.used, 0) + ' %', cls: x.used === null ? '' : x.used >= 100 ? 'bad' : x.used >= 75 ? 'broken' : 'good' }; }]], rows, id + '-risk-table'),
    ]);
  }

  // router health over time: one line per symbol of the chosen figure, and the state changes
  var ROUTER_FIGURES = [['offset_bps', 'offset bps'], ['fill_rate', 'fill rate'], ['slippage_bps', 'slippage bps'], ['reject_rate', 'reject rate'], ['latency_ms', 'latency ms']];
  function renderRouterHistory(a, id) {
    var figure = (filters[a.account] && filters[a.account].routerFigure) || 'offset_bps';
    var box = el('div', { cls: 'chart', id: id + '-router-history-chart' });
    var select = el('select', { id: id + '-router-figure', 'aria-label': 'figure' }, ROUTER_FIGURES.map(function (f) { var o = el('option', { value: f[0], text: f[1] }); if (f[0] === figure) o.setAttribute('selected', ''); return o; }));
    select.addEventListener('change', function () { (filters[a.account] || (filters[a.account] = {})).routerFigure = select.value; document.getElementById(id + '-router-history').replaceWith(renderRouterHistory(a, id)); });
    var bySymbol = {};
    var changes = [];
    var lastState = {};
    a.routerHistory.forEach(function (r) {
      (bySymbol[r.symbol] || (bySymbol[r.symbol] = [])).push(r);
      if (lastState[r.symbol] !== undefined && lastState[r.symbol] !== r.state) changes.push({ ts: r.ts, symbol: r.symbol, from: lastState[r.symbol], to: r.state });
      lastState[r.symbol] = r.state;
    });
    var symbols = Object.keys(bySymbol).sort();
    setTimeout(function () {
      var chart = LightweightCharts.createChart(box, { autoSize: true, layout: { background: { color: 'transparent' }, textColor: '#8893a0' }, grid: { vertLines: { color: '#1f262e' }, horzLines: { color: '#1f262e' } }, timeScale: { timeVisible: true } });
      symbols.forEach(function (sym, k) {
        var seen = {};
        var points = bySymbol[sym].filter(function (r) { return r[figure] !== null; }).map(function (r) { return { time: Math.floor(r.ts / 1000), value: r[figure] }; })
          .filter(function (p) { if (seen[p.time]) return false; seen[p.time] = true; return true; });
        if (!points.length) return;
        var series = chart.addSeries(LightweightCharts.LineSeries, { color: PALETTE[k % PALETTE.length], lineWidth: 1, lineType: 1, title: sym, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } });
        series.setData(points);
      });
      chart.timeScale().fitContent();
      charts.push(chart);
    }, 0);
    return panel('Router health over time', id + '-router-history', [
      el('div', null, [select, el('span', { cls: 'dim', text: a.routerHistory.length + ' changes of ' + symbols.length + ' symbols' })]),
      box,
      table([['time', function (c) { return iso(c.ts); }, true], ['symbol', function (c) { return c.symbol; }, true], ['state', function (c) { return { text: c.from + ' → ' + c.to, cls: c.to }; }, true]], changes.slice().reverse(), id + '-router-changes'),
    ]);
  }

  function renderVetoes(a, id) {
    var f = filters[a.account] || (filters[a.account] = { reason: '', strategy: '', symbol: '' });
    var list = a.recentVetoes.slice().reverse();
    function options(name, values) {
      var s = el('select', { id: id + '-veto-' + name, 'aria-label': name }, [el('option', { value: '', text: 'all ' + name + 's' })].concat(values.map(function (v) { var o = el('option', { value: v, text: v }); if (v === f[name]) o.setAttribute('selected', ''); return o; })));
      s.addEventListener('change', function () { f[name] = s.value; var p = document.getElementById(id + '-vetoes'); p.replaceWith(renderVetoes(a, id)); });
      return s;
    }
    function uniq(xs) { return xs.filter(function (x, i) { return xs.indexOf(x) === i; }).sort(); }
    var reasons = uniq([].concat.apply([], list.map(function (v) { return v.reasons; })));
    var shown = list.filter(function (v) { return (!f.reason || v.reasons.indexOf(f.reason) >= 0) && (!f.strategy || v.strategy === f.strategy) && (!f.symbol || v.symbol === f.symbol); });
    var total = Object.keys(a.vetoCounts).map(function (k) { return k + ' ' + a.vetoCounts[k]; }).join(' · ');
    return panel('Veto stream', id + '-vetoes', [
      el('div', null, [options('reason', reasons), options('strategy', uniq(list.map(function (v) { return v.strategy; }))), options('symbol', uniq(list.map(function (v) { return v.symbol; })))]),
      el('div', { cls: 'dim', id: id + '-veto-count', text: shown.length + ' of ' + list.length + ' shown' + (total ? ' · all: ' + total : '') }),
      table([['time', function (v) { return iso(v.ts); }, true], ['strategy', function (v) { return v.strategy; }, true], ['symbol', function (v) { return v.symbol; }, true],
        ['side', function (v) { return v.side; }, true], ['reasons', function (v) { return v.reasons.join(', '); }, true], ['requested USD', function (v) { return usd(v.requested_notional_usd); }]], shown, id + '-veto-table'),
    ]);
  }

  var data = JSON.parse(document.getElementById('hedge-data').textContent);
  render(data);
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    setInterval(function () {
      fetch('data.json' + location.search, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
        if (d && d.generatedTs !== data.generatedTs) { data = d; render(d); }
      }).catch(function () { /* the service restarts: try again at the next tick */ });
    }, ${Math.round(opts.refreshS * 1000)});
  }
})();
</script>
</body>
</html>
`;
}
