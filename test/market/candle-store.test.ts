import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/domain/candle.js';
import { CandleStore } from '../../src/market/candle-store.js';
import { loadBundledCandles } from '../../src/market/history.js';

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'hedge-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const columns = (s: CandleSeries) => [s.openTimeMs, s.open, s.high, s.low, s.close, s.volume].map((c) => Array.from(c));
/** Header of a column file: JSON padded with NULs to 256 bytes, then the six columns of `rows` float64s. */
const header = (file: string) => JSON.parse(readFileSync(file).subarray(0, 256).toString('utf8').replace(/\0+$/, '')) as { magic: string; stamp: string; rows: number };
/** Writes `v` over the close of the first bar inside a column file (column 4 of 6). */
const patchFirstClose = (file: string, v: number) => {
  const buf = readFileSync(file);
  const rows = header(file).rows;
  buf.writeDoubleLE(v, 256 + 4 * rows * 8);
  writeFileSync(file, buf);
};

describe('candle cache column files', () => {
  it('reads a bundled symbol through cache/candles/bundled/: the same bars as the bundled file, written once and read back', () => {
    const dir = stateDir();
    const store = new CandleStore(dir);
    const first = store.load('ETHUSDT', '1h');
    const cols = path.join(dir, 'cache', 'candles', 'bundled', 'BINANCE_ETHUSDT_1h.csv.cols');
    expect(existsSync(cols)).toBe(true);
    expect(header(cols)).toMatchObject({ magic: 'hedge-candle-columns-v1', rows: 31_973 });
    const bundled = loadBundledCandles('ETHUSDT').series;
    expect(columns(first.series)).toEqual(columns(bundled));
    // the second load comes from the column file (a value changed in it shows), and equals the first
    expect(columns(new CandleStore(dir).load('ETHUSDT', '1h').series)).toEqual(columns(bundled));
    patchFirstClose(cols, 1234.5);
    expect(new CandleStore(dir).load('ETHUSDT', '1h').series.close[0]).toBe(1234.5);
    // 4h bars are aggregated from the column file's 1h bars as from the bundled ones
    const fresh = new CandleStore(stateDir()).load('ETHUSDT', '4h').series;
    patchFirstClose(cols, bundled.close[0] as number);
    expect(columns(new CandleStore(dir).load('ETHUSDT', '4h').series)).toEqual(columns(fresh));
  });

  it('ignores a column file made from another source file, or cut short, and writes it again from the source', () => {
    const dir = stateDir();
    const cols = path.join(dir, 'cache', 'candles', 'bundled', 'BINANCE_SOLUSDT_1h.csv.cols');
    new CandleStore(dir).load('SOLUSDT', '1h');
    const stamp = header(cols).stamp;
    const bundled = loadBundledCandles('SOLUSDT').series;
    // another stamp: as if the bundled file had changed since
    const buf = readFileSync(cols);
    buf.fill(0, 0, 256);
    buf.write(JSON.stringify({ magic: 'hedge-candle-columns-v1', stamp: '1:1', rows: 31_973 }));
    buf.writeDoubleLE(1, 256 + 4 * 31_973 * 8);
    writeFileSync(cols, buf);
    expect(columns(new CandleStore(dir).load('SOLUSDT', '1h').series)).toEqual(columns(bundled));
    expect(header(cols).stamp).toBe(stamp);
    // cut short
    truncateSync(cols, 256 + 100);
    expect(columns(new CandleStore(dir).load('SOLUSDT', '1h').series)).toEqual(columns(bundled));
    expect(readFileSync(cols).length).toBe(256 + 48 * 31_973);
  });

  it('reads a downloaded CSV through <file>.cols, rebuilt when the CSV grows', () => {
    const dir = stateDir();
    const csv = path.join(dir, 'cache', 'candles', 'BINANCE_ATOMUSDT_1h.csv');
    mkdirSync(path.dirname(csv), { recursive: true });
    writeFileSync(csv, 'open_time_ms,open,high,low,close,volume\n0,10,11,9,10.5,100\n3600000,10.5,12,10,11,200\n');
    const first = new CandleStore(dir).load('ATOMUSDT', '1h');
    expect(columns(first.series)).toEqual([[0, 3_600_000], [10, 10.5], [11, 12], [9, 10], [10.5, 11], [100, 200]]);
    expect(header(`${csv}.cols`).rows).toBe(2);
    patchFirstClose(`${csv}.cols`, 99);
    expect(new CandleStore(dir).load('ATOMUSDT', '1h').series.close[0]).toBe(99);
    appendFileSync(csv, '7200000,11,11.5,10.8,11.2,50\n');
    const grown = new CandleStore(dir).load('ATOMUSDT', '1h').series;
    expect(Array.from(grown.close)).toEqual([10.5, 11, 11.2]);
    expect(header(`${csv}.cols`).rows).toBe(3);
  });

  it('creates nothing for a state dir that does not exist', () => {
    const missing = path.join(stateDir(), 'not-made');
    expect(columns(new CandleStore(missing).load('DOTUSDT', '1h').series)).toEqual(columns(loadBundledCandles('DOTUSDT').series));
    expect(existsSync(missing)).toBe(false);
  });

  it('still loads when the cache cannot be written (a read-only state dir)', () => {
    const dir = stateDir();
    // a file where the bundled column folder would go: the column file cannot be written, the bars still load
    mkdirSync(path.join(dir, 'cache', 'candles'), { recursive: true });
    writeFileSync(path.join(dir, 'cache', 'candles', 'bundled'), 'not a folder');
    expect(columns(new CandleStore(dir).load('LTCUSDT', '1h').series)).toEqual(columns(loadBundledCandles('LTCUSDT').series));
  });
});
