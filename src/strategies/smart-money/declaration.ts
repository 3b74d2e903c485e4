import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

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
});
