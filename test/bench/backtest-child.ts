/**
 * Run by `npm run bench` in a process of its own. `gen <state-dir> <bars>` writes a seeded random walk of
 * 1h bars into the candle cache of <state-dir> as ATOMUSDT (a USD-M symbol with no bundled history, so the
 * cache holds only the walk). `warm <state-dir>` runs the reference strategy over it eight times in this
 * process and prints the kernel's throughput of each run (the first four warm V8 up).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { runBacktest } from '../../src/kernel/backtest.js';

export const WALK_SYMBOL = 'ATOMUSDT';

/** xorshift32 + Box-Muller; log price mean-reverting around 10 USD with a little momentum in returns. */
function randomWalkCsv(bars: number, seed: number): string {
  let s = seed >>> 0;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4_294_967_296;
  };
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const rows = ['open_time_ms,open,high,low,close,volume'];
  const t0 = Date.UTC(2000, 0, 1);
  let px = 10;
  let r = 0;
  for (let i = 0; i < bars; i++) {
    r = 0.1 * r + 0.003 * g() - 0.0002 * Math.log(px / 10);
    const open = px;
    const close = Number(Math.max(0.3, px * Math.exp(r)).toFixed(3));
    const hi = Math.max(open, close) * (1 + Math.abs(0.001 * g()));
    const lo = Math.min(open, close) * (1 - Math.abs(0.001 * g()));
    rows.push(`${t0 + i * 3_600_000},${open.toFixed(3)},${hi.toFixed(3)},${lo.toFixed(3)},${close.toFixed(3)},${(1000 * u()).toFixed(2)}`);
    px = close;
  }
  return `${rows.join('\n')}\n`;
}

const [mode, dir, n] = process.argv.slice(2);
if (dir === undefined) throw new TypeError('usage: backtest-child gen|warm <state-dir> [bars]');
if (mode === 'gen') {
  const file = path.join(dir, 'cache', 'candles', `BINANCE_${WALK_SYMBOL}_1h.csv`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, randomWalkCsv(Number(n ?? 1_000_000), 42));
} else {
  const loaded = loadConfig({ configDir: defaultConfigDir });
  const runs = [];
  for (let i = 0; i < 8; i++) {
    const r = await runBacktest({
      loaded, stateDir: dir, execution: 'close', outDir: null, strategies: ['sma-cross'], params: ['fast=20', 'slow=50'], symbols: [WALK_SYMBOL], timeframe: '1h', fee: 0.0004, navUsd: 10_000,
    });
    runs.push({ barsPerS: r.timing.bars_per_s, runMs: r.timing.run_ms, loadMs: r.timing.load_ms, bars: r.bars, fills: r.orders.filled, vetoed: r.orders.vetoed, quiet: r.timing.quiet_bars });
  }
  process.stdout.write(JSON.stringify({ runs, rssMb: process.resourceUsage().maxRSS / 1024 }));
}
