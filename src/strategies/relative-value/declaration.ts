import { z } from 'zod';
import { defineStrategy, type Signal } from '../define-strategy.js';
import { logReturn, returnVol } from '../series-math.js';

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
  create: (p) => ({
    onBar(ctx) {
      // rebalance on days whose index since the epoch is a multiple of rebalance_days: the same days in every run
      const day = Math.floor(ctx.timeMs / 86_400_000);
      if (day % p.rebalance_days !== 0) return [];
      const scored: { symbol: string; score: number }[] = [];
      for (const symbol of ctx.symbols) {
        const bars = ctx.bars(symbol);
        if (bars === undefined || bars.length <= p.lookback_days) continue;
        const ret = logReturn(bars, p.lookback_days);
        const vol = returnVol(bars, p.lookback_days);
        if (ret === undefined || vol === undefined || vol === 0) continue;
        scored.push({ symbol, score: ret / (vol * Math.sqrt(p.lookback_days)) });
      }
      if (scored.length < 2 * p.basket_size) return [];
      scored.sort((a, b) => b.score - a.score || a.symbol.localeCompare(b.symbol));
      const out: Signal[] = [];
      scored.forEach(({ symbol, score }, rank) => {
        const reason = `risk-adjusted ${p.lookback_days}-day return ${score.toFixed(3)}, rank ${rank + 1} of ${scored.length}`;
        if (rank < p.basket_size) out.push({ symbol, direction: 'long', strength: Math.abs(score), reason });
        else if (rank >= scored.length - p.basket_size) out.push({ symbol, direction: 'short', strength: Math.abs(score), reason });
        else out.push({ symbol, direction: 'flat', strength: 0, reason });
      });
      return out;
    },
  }),
});
