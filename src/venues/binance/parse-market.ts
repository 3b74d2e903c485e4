import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import type { BookTop, Depth, Level, MarkPrice } from '../../domain/book.js';
import type { Candle } from '../../domain/candle.js';
import type { FundingRate } from '../../domain/funding.js';
import type { Timeframe } from '../../domain/timeframe.js';

const num = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite());

function parsed<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(json);
  if (!r.success) throw new DataError(`binance ${what}`, `unexpected shape: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

const KlineRow = z.tuple([num, num, num, num, num, num], z.unknown());

/** `GET /fapi/v1/klines` rows `[openTime, open, high, low, close, volume, closeTime, …]` → candles. */
export function parseBinanceKlines(json: unknown, symbol: string, timeframe: Timeframe): Candle[] {
  return parsed(z.array(KlineRow), json, 'klines').map(([openTimeMs, open, high, low, close, volume]) => ({ symbol, timeframe, openTimeMs, open, high, low, close, volume }));
}

/** `GET /fapi/v1/fundingRate` → funding events. */
export function parseBinanceFunding(json: unknown): FundingRate[] {
  return parsed(z.array(z.looseObject({ symbol: z.string(), fundingTime: num, fundingRate: num })), json, 'fundingRate').map((r) => ({ symbol: r.symbol, fundingTimeMs: r.fundingTime, rate: r.fundingRate }));
}

/** `GET /fapi/v1/ticker/bookTicker?symbol=` → best bid and ask. */
export function parseBinanceBookTop(json: unknown): BookTop {
  const r = parsed(z.looseObject({ symbol: z.string(), bidPrice: num, bidQty: num, askPrice: num, askQty: num, time: num }), json, 'bookTicker');
  return { symbol: r.symbol, bidPrice: r.bidPrice, bidQty: r.bidQty, askPrice: r.askPrice, askQty: r.askQty, tsMs: r.time };
}

const LevelRow = z.tuple([num, num]).transform((l): Level => [l[0], l[1]]);

/** `GET /fapi/v1/depth` → an L2 snapshot. */
export function parseBinanceDepth(json: unknown, symbol: string): Depth {
  const r = parsed(z.looseObject({ lastUpdateId: z.union([z.string(), z.number()]).transform(String), T: num.optional(), E: num.optional(), bids: z.array(LevelRow), asks: z.array(LevelRow) }), json, 'depth');
  return { symbol, bids: r.bids, asks: r.asks, lastUpdateId: r.lastUpdateId, tsMs: r.T ?? r.E ?? 0 };
}

/** `GET /fapi/v1/premiumIndex?symbol=` → mark price and funding state. */
export function parseBinanceMarkPrice(json: unknown): MarkPrice {
  const r = parsed(z.looseObject({ symbol: z.string(), markPrice: num, indexPrice: num, lastFundingRate: num, nextFundingTime: num, time: num }), json, 'premiumIndex');
  return { symbol: r.symbol, markPrice: r.markPrice, indexPrice: r.indexPrice, lastFundingRate: r.lastFundingRate, nextFundingTimeMs: r.nextFundingTime, tsMs: r.time };
}

/** Per-symbol account settings. */
export interface SymbolConfig {
  readonly symbol: string;
  readonly leverage: number;
  readonly marginType: 'isolated' | 'cross';
}

/** `GET /fapi/v1/symbolConfig` → leverage and margin type per symbol. */
export function parseBinanceSymbolConfig(json: unknown): SymbolConfig[] {
  return parsed(z.array(z.looseObject({ symbol: z.string(), marginType: z.string(), leverage: num })), json, 'symbolConfig').map((r) => ({
    symbol: r.symbol,
    leverage: r.leverage,
    marginType: r.marginType.toUpperCase() === 'ISOLATED' ? 'isolated' : 'cross',
  }));
}
