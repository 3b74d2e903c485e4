import type { CandleSeries, CandleGap } from '../domain/candle.js';
import type { FundingRate } from '../domain/funding.js';
import { bundledFiles, bundledSymbols, loadBundledText } from './bundled.js';
import { parseCandleCsv } from './candle-csv.js';
import { mergeFunding, parseFundingCsv } from './funding-csv.js';

/** Loads one bundled symbol's 1h candles into a typed series, with any gaps found. */
export function loadBundledCandles(symbol: string): { series: CandleSeries; gaps: readonly CandleGap[] } {
  const rel = bundledFiles.klines1h(symbol);
  return parseCandleCsv(loadBundledText(rel), symbol, '1h', rel);
}

/** Whether a symbol has bundled 1h history. */
export function hasBundledCandles(symbol: string): boolean {
  return (bundledSymbols as readonly string[]).includes(symbol);
}

let bundledFunding: readonly FundingRate[] | undefined;

/** The bundled BTCUSDT funding history, both files merged (2024-07 → 2026-07); read once per thread (every backtest of a sweep asks). */
export function loadBundledFunding(): readonly FundingRate[] {
  bundledFunding ??= Object.freeze(mergeFunding(bundledFiles.funding.map((rel) => parseFundingCsv(loadBundledText(rel), 'BTCUSDT', rel))));
  return bundledFunding;
}
