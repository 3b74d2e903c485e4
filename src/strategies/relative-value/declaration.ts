import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** Cross-sectional relative value on 1d bars: long the strongest, short the weakest of the universe. */
export const relativeValue = defineStrategy({
  name: 'relative-value',
  apiVersion: 1,
  summary: 'Long the top and short the bottom of the universe ranked by risk-adjusted return',
  timeframes: ['1d'],
  params: z.strictObject({
    lookback_days: z.number().int().min(2).max(365).default(20),
    basket_size: z.number().int().min(1).max(20).default(2).describe('Symbols per side'),
    rebalance_days: z.number().int().min(1).max(90).default(7),
    market_neutral: z.boolean().default(true).describe('Equal notional long and short'),
  }),
  warmupBars: (p) => p.lookback_days + 1,
});
