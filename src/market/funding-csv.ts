import { DataError } from '../core/errors.js';
import type { FundingRate } from '../domain/funding.js';

/** Parses a funding CSV: `funding_time_ms,funding_rate` or `funding_time_ms,funding_interval_hours,funding_rate`. */
export function parseFundingCsv(text: string, symbol: string, file: string): FundingRate[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(',');
  const ti = header.indexOf('funding_time_ms');
  const ri = header.indexOf('funding_rate');
  const ii = header.indexOf('funding_interval_hours');
  if (ti < 0 || ri < 0) throw new DataError(file, `header must have funding_time_ms and funding_rate, found ${header.join(',')}`);
  const out: FundingRate[] = [];
  for (let i = 1; i < lines.length; i++) {
    const row = (lines[i] ?? '').trim();
    if (row.length === 0) continue;
    const f = row.split(',');
    const fundingTimeMs = Number(f[ti]);
    const rate = Number(f[ri]);
    if (!Number.isFinite(fundingTimeMs) || !Number.isFinite(rate)) throw new DataError(file, `line ${i + 1}: expected numbers, found "${row}"`);
    const prev = out.at(-1);
    if (prev !== undefined && fundingTimeMs <= prev.fundingTimeMs) throw new DataError(file, `line ${i + 1}: funding time does not increase`);
    out.push(ii >= 0 ? { symbol, fundingTimeMs, rate, intervalHours: Number(f[ii]) } : { symbol, fundingTimeMs, rate });
  }
  return out;
}

/** Merges funding histories of one symbol, keeping one event per funding time (first source wins on overlap). */
export function mergeFunding(histories: readonly (readonly FundingRate[])[]): FundingRate[] {
  const byHour = new Map<number, FundingRate>();
  for (const h of histories)
    for (const f of h) {
      const key = Math.round(f.fundingTimeMs / 60_000);
      if (!byHour.has(key)) byHour.set(key, f);
    }
  return [...byHour.values()].sort((a, b) => a.fundingTimeMs - b.fundingTimeMs);
}
