import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { computeFeatures, FeatureColumns } from '../../src/indicators/feature-table.js';
import { bundledSymbols } from '../../src/market/bundled.js';
import { loadBundledCandles } from '../../src/market/history.js';

interface Fixture {
  generator: string;
  bars: number;
  columns: Record<string, Record<string, number>>;
}
const load = (symbol: string) =>
  JSON.parse(brotliDecompressSync(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'talib', `${symbol}_1h.json.br`))).toString()) as Fixture;

// TA-Lib computes STDDEV and the bands from running sums of squares; so does hedge, in the same order,
// but a difference of ulps in a near-cancelling subtraction is allowed there (1e-6), 1e-9 elsewhere.
const TOLERANCE: Record<string, number> = { stddev_20: 1e-6, bb_upper_20_2: 1e-6, bb_lower_20_2: 1e-6 };

describe('indicators agree with TA-Lib on the bundled history of every symbol (test/fixtures/talib)', () => {
  it.each([...bundledSymbols])('%s', (symbol) => {
    const fx = load(symbol);
    const series = loadBundledCandles(symbol).series;
    expect(fx.bars).toBe(series.length);
    const ours = computeFeatures(series);
    for (const col of FeatureColumns) {
      const ref = fx.columns[col] ?? {};
      const indices = Object.keys(ref).map(Number);
      const first = Math.min(...indices);
      // same warm-up: null exactly until TA-Lib's first value
      expect(ours[col][first - 1], `${col} warm-up`).toBeNull();
      expect(ours[col][first], `${col} first value`).not.toBeNull();
      const tol = TOLERANCE[col] ?? 1e-9;
      for (const i of indices) {
        const want = ref[String(i)] ?? Number.NaN;
        const got = ours[col][i] ?? Number.NaN;
        const err = Math.abs(want) > 1e-9 ? Math.abs(got - want) / Math.abs(want) : Math.abs(got - want);
        if (!(err <= tol)) expect.fail(`${symbol} ${col}[${i}] = ${got}, TA-Lib ${want} (error ${err})`);
      }
    }
  });
});
