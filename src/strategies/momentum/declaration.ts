import { z } from 'zod';
import { defineStrategy, type Signal } from '../define-strategy.js';
import { logReturn, returnVol } from '../series-math.js';

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
  create: (p) => ({
    onBar(ctx) {
      const out: Signal[] = [];
      for (const symbol of ctx.symbols) {
        const bars = ctx.bars(symbol);
        if (bars === undefined || bars.length <= Math.max(p.lookback, p.vol_lookback)) continue;
        const ret = logReturn(bars, p.lookback);
        const vol = returnVol(bars, p.vol_lookback);
        if (ret === undefined || vol === undefined || vol === 0) continue;
        // the lookback return in units of its own expected spread
        const z = ret / (vol * Math.sqrt(p.lookback));
        const regime = ctx.regime(symbol);
        const regimeOk = !p.regime_filter || regime === null || regime === 'trend';
        const reason = `z ${z.toFixed(3)} of the ${p.lookback}-bar return; regime ${regime ?? 'unknown'}`;
        if (Math.abs(z) < p.exit_z) out.push({ symbol, direction: 'flat', strength: Math.abs(z), reason });
        else if (regimeOk && z >= p.entry_z) out.push({ symbol, direction: 'long', strength: z, reason });
        else if (regimeOk && p.allow_short && z <= -p.entry_z) out.push({ symbol, direction: 'short', strength: -z, reason });
      }
      return out;
    },
  }),
});
