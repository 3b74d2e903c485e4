import { describe, expect, it } from 'vitest';
import { computeFeatures, FeatureColumns } from '../../src/indicators/feature-table.js';
import { loadBundledCandles } from '../../src/market/history.js';
import type { FeatureTable } from '../../src/screener/feature-table.js';
import { runCliAsync } from '../support/cli.js';

const table = async (...args: string[]) => {
  const r = await runCliAsync(['screener', '--features', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as FeatureTable;
};

describe('hedge screener --features', () => {
  it('prints OHLCV, the TA-Lib-checked indicators and the regime per bar', async () => {
    const t = await table('--symbol', 'BTCUSDT', '--timeframe', '1h', '--from', '2024-01-01', '--to', '2024-01-01T05:00:00Z');
    expect(t.columns).toEqual(['time', 'open', 'high', 'low', 'close', 'volume', ...FeatureColumns, 'regime']);
    expect(t.rows.map((r) => r.time)).toEqual([0, 1, 2, 3, 4, 5].map((h) => new Date(Date.UTC(2024, 0, 1, h)).toISOString()));
    const s = loadBundledCandles('BTCUSDT').series;
    const ours = computeFeatures(s);
    const i = s.openTimeMs.indexOf(Date.UTC(2024, 0, 1));
    for (const c of FeatureColumns) expect(t.rows[0]?.[c]).toBe(ours[c][i]);
    expect(t.rows[0]?.close).toBe(s.close[i]);
    for (const r of t.rows) expect(['calm', 'trend', 'chaos']).toContain(r.regime);
    expect(t.regimeModel.labels.slice().sort()).toEqual(['calm', 'chaos', 'trend']);
  });

  it('shows the warm-up as nulls at the start of the history', async () => {
    const t = await table('--symbol', 'ETHUSDT', '--timeframe', '4h', '--to', '2020-10-30');
    expect(t.rows[0]?.sma_20).toBeNull();
    expect(t.rows[0]?.regime).toBeNull();
    expect(t.rows[19]?.sma_20).not.toBeNull();
    expect(t.rows[18]?.sma_20).toBeNull();
  });

  it('never looks ahead: a bar\'s indicators are the same whatever comes after it', async () => {
    const [short, long] = await Promise.all([
      table('--symbol', 'SOLUSDT', '--timeframe', '1d', '--from', '2023-03-01', '--to', '2023-03-10'),
      table('--symbol', 'SOLUSDT', '--timeframe', '1d', '--from', '2023-03-01', '--to', '2023-06-10'),
    ]);
    for (const [k, row] of short.rows.entries()) for (const c of FeatureColumns) expect(long.rows[k]?.[c]).toBe(row[c]);
  });
});
