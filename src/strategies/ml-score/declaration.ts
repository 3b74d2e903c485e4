import { z } from 'zod';
import { defineStrategy, type Signal } from '../define-strategy.js';

/** The ML hook: trades on a model score read from the feature pipeline. */
export const mlScore = defineStrategy({
  name: 'ml-score',
  apiVersion: 1,
  summary: 'Trades when a model score from the feature pipeline crosses a threshold',
  timeframes: ['1h', '4h', '1d'],
  params: z.strictObject({
    model: z.string().min(1).describe('Name of the model whose score the strategy reads'),
    long_threshold: z.number().min(0).max(1).default(0.6),
    short_threshold: z.number().min(0).max(1).default(0.4),
    min_history: z.number().int().min(1).default(200),
  }).refine((p) => p.short_threshold < p.long_threshold, { message: 'short_threshold below long_threshold', path: ['short_threshold'] }),
  warmupBars: (p) => p.min_history,
  create: (p) => ({
    onBar(ctx) {
      const out: Signal[] = [];
      for (const symbol of ctx.symbols) {
        const bars = ctx.bars(symbol);
        if (bars === undefined || bars.length < p.min_history) continue;
        const s = ctx.score(p.model, symbol);
        if (s === undefined) continue;
        const reason = `score ${s.toFixed(4)} of model ${p.model} (long ≥ ${p.long_threshold}, short ≤ ${p.short_threshold})`;
        if (s >= p.long_threshold) out.push({ symbol, direction: 'long', strength: s - p.long_threshold, reason });
        else if (s <= p.short_threshold) out.push({ symbol, direction: 'short', strength: p.short_threshold - s, reason });
        else out.push({ symbol, direction: 'flat', strength: 0, reason });
      }
      return out;
    },
  }),
});
