import { z } from 'zod';
import { defineStrategy, type BarsView, type Signal } from '../define-strategy.js';

/** Smart-money concepts: market-structure breaks, order blocks and fair-value gaps. Optional. */
export const smartMoney = defineStrategy({
  name: 'smart-money',
  apiVersion: 1,
  summary: 'Market-structure breaks confirmed by order blocks and fair-value gaps',
  timeframes: ['1h', '4h'],
  params: z.strictObject({
    swing_lookback: z.number().int().min(2).max(50).default(5).describe('Bars each side of a swing point'),
    fvg_min_pct: z.number().min(0).max(10).default(0.1).describe('Smallest fair-value gap, percent of price'),
    order_block_lookback: z.number().int().min(2).max(500).default(20),
  }),
  warmupBars: (p) => Math.max(p.swing_lookback * 2 + 1, p.order_block_lookback),
  create: (p) => ({
    onBar(ctx) {
      const out: Signal[] = [];
      for (const symbol of ctx.symbols) {
        const bars = ctx.bars(symbol);
        if (bars === undefined || bars.length < Math.max(p.swing_lookback * 2 + 2, p.order_block_lookback)) continue;
        const last = bars.length - 1;
        const close = bars.close[last] ?? Number.NaN;
        const swings = lastConfirmedSwings(bars, p.swing_lookback, p.order_block_lookback);
        const gap = fairValueGap(bars, p.fvg_min_pct);
        if (swings.high !== undefined && close > swings.high && gap === 'bullish')
          out.push({ symbol, direction: 'long', strength: (close / swings.high - 1) * 100, reason: `close ${close} broke the swing high ${swings.high} with a bullish fair-value gap` });
        else if (swings.low !== undefined && close < swings.low && gap === 'bearish')
          out.push({ symbol, direction: 'short', strength: (1 - close / swings.low) * 100, reason: `close ${close} broke the swing low ${swings.low} with a bearish fair-value gap` });
      }
      return out;
    },
  }),
});

/**
 * The latest swing high and low confirmed by now: a bar whose high (low) is the extreme of the
 * `k` bars on each side. A swing at bar i is only known at bar i + k, so only those are used.
 */
function lastConfirmedSwings(bars: BarsView, k: number, window: number): { high?: number; low?: number } {
  const last = bars.length - 1;
  const out: { high?: number; low?: number } = {};
  for (let i = last - k; i >= Math.max(k, last - window); i--) {
    let isHigh = out.high === undefined;
    let isLow = out.low === undefined;
    for (let j = i - k; j <= i + k && (isHigh || isLow); j++) {
      if (j === i) continue;
      if ((bars.high[j] ?? 0) >= (bars.high[i] ?? 0)) isHigh = false;
      if ((bars.low[j] ?? 0) <= (bars.low[i] ?? 0)) isLow = false;
    }
    if (isHigh) out.high = bars.high[i] ?? 0;
    if (isLow) out.low = bars.low[i] ?? 0;
    if (out.high !== undefined && out.low !== undefined) break;
  }
  return out;
}

/** A fair-value gap on the last three bars: bar t's low above bar t−2's high (bullish), or the reverse. */
function fairValueGap(bars: BarsView, minPct: number): 'bullish' | 'bearish' | undefined {
  const t = bars.length - 1;
  const hi2 = bars.high[t - 2] ?? Number.NaN;
  const lo2 = bars.low[t - 2] ?? Number.NaN;
  const lo = bars.low[t] ?? Number.NaN;
  const hi = bars.high[t] ?? Number.NaN;
  const ref = bars.close[t] ?? 1;
  if ((lo - hi2) / ref >= minPct / 100 && lo > hi2) return 'bullish';
  if ((lo2 - hi) / ref >= minPct / 100 && hi < lo2) return 'bearish';
  return undefined;
}
