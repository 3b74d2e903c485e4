import { z } from 'zod';
import { timeframeMs } from '../../domain/timeframe.js';
import { defineStrategy, type Signal } from '../define-strategy.js';
import { emaOfCloses, returnVol } from '../series-math.js';

/** Volatility targeting on 4h bars: holds a trend position scaled so its volatility meets a target. */
export const volTarget = defineStrategy({
  name: 'vol-target',
  apiVersion: 1,
  summary: 'Trend position scaled to an annualised volatility target',
  timeframes: ['4h'],
  params: z.strictObject({
    target_vol_pct: z.number().positive().max(300).default(30).describe('Annualised volatility target, percent'),
    vol_lookback: z.number().int().min(5).max(1_000).default(42).describe('Bars of realised volatility'),
    trend_fast: z.number().int().min(2).max(500).default(20).describe('Fast EMA of the trend filter'),
    trend_slow: z.number().int().min(3).max(1_000).default(100).describe('Slow EMA of the trend filter'),
    rebalance_threshold_pct: z.number().min(0).max(100).default(20).describe('Resize only when the target moves this much'),
  }).refine((p) => p.trend_fast < p.trend_slow, { message: 'trend_fast below trend_slow', path: ['trend_fast'] }),
  warmupBars: (p) => Math.max(p.vol_lookback, p.trend_slow) + 1,
  create: (p) => ({
    onBar(ctx) {
      const barsPerYear = (365 * 86_400_000) / timeframeMs[ctx.timeframe];
      const out: Signal[] = [];
      for (const symbol of ctx.symbols) {
        const bars = ctx.bars(symbol);
        if (bars === undefined || bars.length <= Math.max(p.vol_lookback, p.trend_slow)) continue;
        const fast = emaOfCloses(bars, p.trend_fast);
        const slow = emaOfCloses(bars, p.trend_slow);
        const vol = returnVol(bars, p.vol_lookback);
        if (fast === undefined || slow === undefined || vol === undefined || vol === 0) continue;
        const annualVolPct = vol * Math.sqrt(barsPerYear) * 100;
        // the position whose volatility meets the target: weight = target σ / realised σ
        const targetNavPct = (100 * p.target_vol_pct) / annualVolPct;
        const trend = (fast - slow) / slow;
        const reason = `EMA${p.trend_fast}/EMA${p.trend_slow} ${(trend * 100).toFixed(2)}%, realised vol ${annualVolPct.toFixed(1)}%, weight ${targetNavPct.toFixed(1)}% of NAV`;
        out.push({ symbol, direction: trend > 0 ? 'long' : 'flat', strength: Math.abs(trend) * 100, targetNavPct, reason });
      }
      return out;
    },
  }),
});
