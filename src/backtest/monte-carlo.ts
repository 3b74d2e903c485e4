import { quantileSorted } from 'simple-statistics';
import { seededRandom } from '../ml/random.js';

/** Percentiles of a simulated figure. */
export interface Distribution {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly mean: number;
}

/** What a Monte Carlo analysis of a run reports: the spread of outcomes the same edge could have had. */
export interface MonteCarloReport {
  readonly simulations: number;
  readonly seed: number;
  /** Trade-order resampling: the closed trades' returns on equity, drawn with replacement in random order. */
  readonly trades: { readonly count: number; readonly final_return_pct: Distribution; readonly max_drawdown_pct: Distribution } | null;
  /** Circular block bootstrap of the bar returns: paths as long as the run, from blocks of consecutive bars. */
  readonly blocks: { readonly block_bars: number; readonly bars: number; readonly final_return_pct: Distribution; readonly max_drawdown_pct: Distribution } | null;
  readonly note: string;
}

function distribution(xs: Float64Array): Distribution {
  const s = Float64Array.from(xs).sort();
  const arr = s as unknown as number[];
  let sum = 0;
  for (const x of s) sum += x;
  return { p5: quantileSorted(arr, 0.05), p25: quantileSorted(arr, 0.25), p50: quantileSorted(arr, 0.5), p75: quantileSorted(arr, 0.75), p95: quantileSorted(arr, 0.95), mean: sum / s.length };
}

/** Compounds `next()` returns `n` times from 1: the final return and the worst drawdown on the way, both in %. */
function path(n: number, next: () => number): [number, number] {
  let eq = 1;
  let peak = 1;
  let dd = 0;
  for (let i = 0; i < n; i++) {
    eq *= 1 + next();
    if (eq > peak) peak = eq;
    else if (peak > 0) dd = Math.max(dd, (peak - eq) / peak);
  }
  return [100 * (eq - 1), 100 * dd];
}

/**
 * Monte Carlo of a finished run: `tradeReturns` are the closed trades' net PnL over the equity before each
 * (their order is what luck decides), `barReturns` the run's return of every bar. Deterministic per seed.
 */
export function monteCarlo(tradeReturns: readonly number[], barReturns: Float64Array, o: { readonly simulations: number; readonly seed: number; readonly blockBars?: number | undefined }): MonteCarloReport {
  const next = seededRandom(o.seed);
  const n = o.simulations;
  let trades: MonteCarloReport['trades'] = null;
  if (tradeReturns.length > 0) {
    const fr = new Float64Array(n);
    const dd = new Float64Array(n);
    const k = tradeReturns.length;
    for (let s = 0; s < n; s++) [fr[s], dd[s]] = path(k, () => tradeReturns[Math.floor(next() * k)] as number);
    trades = { count: k, final_return_pct: distribution(fr), max_drawdown_pct: distribution(dd) };
  }
  let blocks: MonteCarloReport['blocks'] = null;
  const m = barReturns.length;
  if (m > 1) {
    const block = Math.max(1, Math.min(m, o.blockBars ?? Math.round(Math.sqrt(m))));
    const fr = new Float64Array(n);
    const dd = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      let at = 0;
      let left = 0;
      [fr[s], dd[s]] = path(m, () => {
        if (left === 0) {
          at = Math.floor(next() * m);
          left = block;
        }
        left--;
        const r = barReturns[at] as number;
        at = (at + 1) % m;
        return r;
      });
    }
    blocks = { block_bars: block, bars: m, final_return_pct: distribution(fr), max_drawdown_pct: distribution(dd) };
  }
  return {
    simulations: n, seed: o.seed, trades, blocks,
    note: 'trades: closed trades\' net returns on equity, drawn with replacement (bootstrap of the trade order); blocks: circular block bootstrap of the bar returns (keeps volatility clustering within a block)',
  };
}
