import { z } from 'zod';
import { defineStrategy, NO_SIGNAL, type BarsView, type Signal, type StrategyContext } from '../define-strategy.js';

/**
 * The simple moving average of the `n` closes ending at bar `i`, summed from the window every time (no
 * running sum), so that every way of asking for it gives the same float.
 */
function smaAt(close: Float64Array, i: number, n: number): number {
  let s = 0;
  for (let k = i - n + 1; k <= i; k++) s += close[k] as number;
  return s / n;
}

/** +1 where fast crossed above slow at bar i, −1 where it crossed below, 0 otherwise (needs i ≥ slow). */
function crossAt(close: Float64Array, i: number, fast: number, slow: number): number {
  const f0 = smaAt(close, i - 1, fast);
  const s0 = smaAt(close, i - 1, slow);
  const f1 = smaAt(close, i, fast);
  const s1 = smaAt(close, i, slow);
  if (f0 <= s0 && f1 > s1) return 1;
  if (f0 >= s0 && f1 < s1) return -1;
  return 0;
}

/**
 * `directions` of the crossover (see `StrategyInstance.directions`): at module level, not a closure of each
 * instance, so that V8 optimises it once for every instance (a sweep creates one per point; as a closure
 * it was compiled again every few points, ~330 ms of TurboFan per sweep worker).
 */
function crossDirections(bars: BarsView, fast: number, slow: number, dn: number): Int8Array {
  const c = bars.close;
  const n = bars.length;
  const out = new Int8Array(n).fill(NO_SIGNAL);
  // the sign of SMA(fast) − SMA(slow) from running sums (re-summed every 1,024 bars to bound their
  // drift); where it is within 1e-8 of a tie, the direct sums onBar uses settle it, so the result is onBar's
  let sf = 0;
  let ss = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    if (i % 1024 === 0 && i >= slow) {
      sf = 0;
      ss = 0;
      for (let k = i - fast; k < i; k++) sf += c[k] as number;
      for (let k = i - slow; k < i; k++) ss += c[k] as number;
    }
    const x = c[i] as number;
    sf += x - (i >= fast ? (c[i - fast] as number) : 0);
    ss += x - (i >= slow ? (c[i - slow] as number) : 0);
    if (i < slow - 1) continue;
    const f = sf / fast;
    const sl = ss / slow;
    let sign = f > sl ? 1 : f < sl ? -1 : 0;
    if (Math.abs(f - sl) <= 1e-8 * Math.max(Math.abs(f), Math.abs(sl))) {
      const fd = smaAt(c, i, fast);
      const sd = smaAt(c, i, slow);
      sign = fd > sd ? 1 : fd < sd ? -1 : 0;
    }
    if (i >= slow) {
      if (prev <= 0 && sign > 0) out[i] = 1;
      else if (prev >= 0 && sign < 0) out[i] = dn;
    }
    prev = sign;
  }
  return out;
}

/** `onBar` of the crossover: the symbols whose SMAs crossed at the last closed bar (module level, as `crossDirections`). */
function crossSignals(ctx: StrategyContext, fast: number, slow: number, down: 'flat' | 'short'): Signal[] {
  const out: Signal[] = [];
  for (const symbol of ctx.symbols) {
    const bars = ctx.bars(symbol);
    if (bars === undefined) continue;
    const i = bars.length - 1;
    const cross = i < slow ? 0 : crossAt(bars.close, i, fast, slow);
    if (cross === 0) continue;
    const spreadPct = (100 * (smaAt(bars.close, i, fast) - smaAt(bars.close, i, slow))) / smaAt(bars.close, i, slow);
    out.push({
      symbol, direction: cross > 0 ? 'long' : down, strength: Math.abs(spreadPct),
      reason: `SMA(${fast}) crossed ${cross > 0 ? 'above' : 'below'} SMA(${slow}): spread ${spreadPct.toFixed(4)}%`,
    });
  }
  return out;
}

/**
 * The classic SMA crossover, the reference strategy for comparing hedge's numbers with backtrader,
 * vectorbt or backtesting.py: at the close of a bar where SMA(fast) crosses above SMA(slow), go long;
 * where it crosses below, go flat (`long-flat`) or short (`long-short`). Between crossovers it says
 * nothing, so a refused entry is not retried until the next crossover.
 */
export const smaCross = defineStrategy({
  name: 'sma-cross',
  apiVersion: 1,
  summary: 'Reference SMA crossover: long when SMA(fast) crosses above SMA(slow), flat or short when it crosses below',
  timeframes: ['1h', '4h', '1d'],
  params: z
    .strictObject({
      fast: z.number().int().min(1).max(10_000).default(20).describe('Bars of the fast SMA'),
      slow: z.number().int().min(2).max(10_000).default(50).describe('Bars of the slow SMA'),
      mode: z.enum(['long-flat', 'long-short']).default('long-flat').describe('What a downward cross does'),
    })
    .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  warmupBars: (p) => p.slow + 1,
  create: (p) => {
    const down = p.mode === 'long-short' ? 'short' : 'flat';
    return {
      onBar: (ctx) => crossSignals(ctx, p.fast, p.slow, down),
      directions: (bars: BarsView): Int8Array => crossDirections(bars, p.fast, p.slow, down === 'short' ? -1 : 0),
    };
  },
});
