import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

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
});
