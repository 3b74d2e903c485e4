import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** Time-series momentum on 1h bars: trades the sign of the lookback return, filtered by trend regime. */
export const momentum = defineStrategy({
  name: 'momentum',
  apiVersion: 1,
  summary: 'Time-series momentum: enter in the direction of a strong lookback return, exit when it fades',
  timeframes: ['1h'],
  params: z.strictObject({
    lookback: z.number().int().min(2).max(2_000).default(48).describe('Bars of the momentum return'),
    entry_z: z.number().positive().max(10).default(1).describe('Entry when the return z-score exceeds this'),
    exit_z: z.number().min(0).max(10).default(0.25).describe('Exit when the z-score falls back below this'),
    vol_lookback: z.number().int().min(2).max(2_000).default(168).describe('Bars of the volatility used for the z-score'),
    allow_short: z.boolean().default(true),
    regime_filter: z.boolean().default(true).describe('Trade only in the HMM trend regime'),
  }),
  warmupBars: (p) => Math.max(p.lookback, p.vol_lookback) + 1,
});
