import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CandleGap } from '../domain/candle.js';
import type { FundingRate } from '../domain/funding.js';
import { writeTextAtomic } from '../telemetry/atomic-json.js';
import { parseCandleCsv } from './candle-csv.js';
import { CandleStore } from './candle-store.js';
import { parseFundingCsv } from './funding-csv.js';
import type { MarketData } from './market-data.js';

/** What to download. */
export interface DownloadRequest {
  readonly symbols: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly funding: boolean;
}

/** What one symbol's download did. */
export interface DownloadReport {
  readonly symbol: string;
  readonly candles: { readonly fetched: number; readonly added: number; readonly total: number; readonly file: string; readonly gaps: readonly CandleGap[] };
  readonly funding: { readonly fetched: number; readonly added: number; readonly total: number; readonly file: string } | null;
}

/** Where downloaded funding events of `symbol` are kept. */
export function fundingCacheFile(stateDir: string, symbol: string): string {
  return path.join(stateDir, 'cache', 'funding', `BINANCE_${symbol}_funding.csv`);
}

/**
 * Downloads closed 1h bars (and funding events) for each symbol and merges them into the candle cache
 * of the state dir: existing rows are kept, new ones added, the file replaced atomically. Gaps in what
 * the cache then holds are reported, never filled.
 */
export async function downloadHistory(source: MarketData, stateDir: string, req: DownloadRequest): Promise<DownloadReport[]> {
  const store = new CandleStore(stateDir);
  const reports: DownloadReport[] = [];
  for (const symbol of req.symbols) {
    const bars = await source.fetchCandles(symbol, '1h', req.fromMs, req.toMs);
    const file = store.cacheFile(symbol);
    const rows = new Map<number, string>();
    if (existsSync(file)) {
      const old = parseCandleCsv(readFileSync(file, 'utf8'), symbol, '1h', file).series;
      for (let i = 0; i < old.length; i++) rows.set(old.openTimeMs[i] ?? 0, [old.openTimeMs[i], old.open[i], old.high[i], old.low[i], old.close[i], old.volume[i]].join(','));
    }
    const before = rows.size;
    for (const c of bars) if (!rows.has(c.openTimeMs)) rows.set(c.openTimeMs, [c.openTimeMs, c.open, c.high, c.low, c.close, c.volume].join(','));
    const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
    writeTextAtomic(file, `open_time_ms,open,high,low,close,volume\n${sorted.join('\n')}\n`);
    const gaps = parseCandleCsv(readFileSync(file, 'utf8'), symbol, '1h', file).gaps;

    let funding: DownloadReport['funding'] = null;
    if (req.funding) {
      const events = await source.fetchFundingHistory(symbol, req.fromMs, req.toMs);
      const ffile = fundingCacheFile(stateDir, symbol);
      const byTime = new Map<number, FundingRate>();
      if (existsSync(ffile)) for (const f of parseFundingCsv(readFileSync(ffile, 'utf8'), symbol, ffile)) byTime.set(f.fundingTimeMs, f);
      const had = byTime.size;
      for (const f of events) if (!byTime.has(f.fundingTimeMs)) byTime.set(f.fundingTimeMs, f);
      const lines = [...byTime.values()].sort((a, b) => a.fundingTimeMs - b.fundingTimeMs).map((f) => `${f.fundingTimeMs},${f.rate}`);
      writeTextAtomic(ffile, `funding_time_ms,funding_rate\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`);
      funding = { fetched: events.length, added: byTime.size - had, total: byTime.size, file: ffile };
    }
    reports.push({ symbol, candles: { fetched: bars.length, added: rows.size - before, total: rows.size, file, gaps }, funding });
  }
  return reports;
}
