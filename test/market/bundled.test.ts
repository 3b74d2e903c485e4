import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/canonical-json.js';
import { bundledDataDir } from '../../src/core/paths.js';
import { bundledSymbols, loadBundledBytes } from '../../src/market/bundled.js';
import { loadBundledCandles, loadBundledFunding } from '../../src/market/history.js';

const manifest = JSON.parse(readFileSync(path.join(bundledDataDir, 'MANIFEST.json'), 'utf8')) as {
  files: Record<string, { original: string; sha256: string; bytes: number; provenance: { source?: { repo?: string } } | null }>;
};

describe('bundled market data (cache/bundled)', () => {
  it.each(Object.entries(manifest.files))('%s decompresses to the original bytes recorded in MANIFEST.json', (_packed, entry) => {
    const bytes = loadBundledBytes(entry.original);
    expect(bytes.length).toBe(entry.bytes);
    expect(sha256Hex(bytes)).toBe(entry.sha256);
    expect(entry.provenance?.source?.repo).toBeTruthy();
  });

  it('holds the 11-symbol 1h set on the same 31,973 hourly timestamps, without gaps', () => {
    const first = loadBundledCandles('BTCUSDT');
    expect(first.series.length).toBe(31_973);
    expect(first.gaps).toEqual([]);
    expect(new Date(first.series.openTimeMs[0] ?? 0).toISOString()).toBe('2020-10-23T08:00:00.000Z');
    expect(new Date(first.series.openTimeMs[31_972] ?? 0).toISOString()).toBe('2024-06-16T12:00:00.000Z');
    for (const symbol of bundledSymbols) {
      const { series, gaps } = loadBundledCandles(symbol);
      expect(gaps).toEqual([]);
      expect(series.openTimeMs).toEqual(first.series.openTimeMs);
    }
  });

  it('parses the first BTCUSDT bar as the source text says', () => {
    const { series } = loadBundledCandles('BTCUSDT');
    // 1603440000000,12889.35,12961.83,12856.0,12919.12,9856.01
    expect([series.openTimeMs[0], series.open[0], series.high[0], series.low[0], series.close[0], series.volume[0]]).toEqual([
      1603440000000, 12889.35, 12961.83, 12856.0, 12919.12, 9856.01,
    ]);
  });

  it('merges the two BTCUSDT funding files, which agree on their 503 shared events', () => {
    const funding = loadBundledFunding();
    expect(funding.length).toBe(1000 + 1731 - 503);
    for (let i = 1; i < funding.length; i++) expect(funding[i]?.fundingTimeMs).toBeGreaterThan(funding[i - 1]?.fundingTimeMs ?? 0);
  });
});
