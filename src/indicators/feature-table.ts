import type { CandleSeries } from '../domain/candle.js';
import { Adx } from './adx.js';
import { Atr } from './atr.js';
import { Bollinger } from './bollinger.js';
import { Ema } from './ema.js';
import { Macd } from './macd.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';
import { StdDev } from './stddev.js';
import { Stochastic } from './stochastic.js';

/** The indicator columns of the research feature table, named `<indicator>_<params>`. */
export const FeatureColumns = [
  'sma_20', 'ema_20', 'rsi_14', 'atr_14', 'macd_12_26_9', 'macd_signal_12_26_9', 'macd_hist_12_26_9',
  'bb_upper_20_2', 'bb_middle_20_2', 'bb_lower_20_2', 'stddev_20', 'adx_14', 'stoch_k_14_3_3', 'stoch_d_14_3_3',
] as const;
export type FeatureColumn = (typeof FeatureColumns)[number];

/**
 * Runs every research indicator over a series in one pass (each O(1) per bar); `null` during warm-up.
 * Column arrays are aligned with the series' bars.
 */
export function computeFeatures(s: CandleSeries): Record<FeatureColumn, (number | null)[]> {
  const cols = Object.fromEntries(FeatureColumns.map((c) => [c, new Array<number | null>(s.length).fill(null)])) as Record<FeatureColumn, (number | null)[]>;
  const sma = new Sma(20);
  const ema = new Ema(20);
  const rsi = new Rsi(14);
  const atr = new Atr(14);
  const macd = new Macd(12, 26, 9);
  const bb = new Bollinger(20, 2);
  const sd = new StdDev(20, 1);
  const adx = new Adx(14);
  const st = new Stochastic(14, 3, 3);
  for (let i = 0; i < s.length; i++) {
    const close = s.close[i] ?? Number.NaN;
    const bar = { high: s.high[i] ?? Number.NaN, low: s.low[i] ?? Number.NaN, close };
    cols.sma_20[i] = sma.update(close);
    cols.ema_20[i] = ema.update(close);
    cols.rsi_14[i] = rsi.update(close);
    cols.atr_14[i] = atr.update(bar);
    const m = macd.update(close);
    cols.macd_12_26_9[i] = m?.macd ?? null;
    cols.macd_signal_12_26_9[i] = m?.signal ?? null;
    cols.macd_hist_12_26_9[i] = m?.hist ?? null;
    const b = bb.update(close);
    cols.bb_upper_20_2[i] = b?.upper ?? null;
    cols.bb_middle_20_2[i] = b?.middle ?? null;
    cols.bb_lower_20_2[i] = b?.lower ?? null;
    cols.stddev_20[i] = sd.update(close);
    cols.adx_14[i] = adx.update(bar);
    const k = st.update(bar);
    cols.stoch_k_14_3_3[i] = k?.k ?? null;
    cols.stoch_d_14_3_3[i] = k?.d ?? null;
  }
  return cols;
}
